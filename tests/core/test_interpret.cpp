#include "core/genome/genome.h"
#include "core/genome/sequence.h"
#include "core/interpret/attribution.h"
#include "core/interpret/ism.h"
#include "core/interpret/variants.h"
#include "core/model/model.h"
#include "core/model/torch_model.h"
#include "core/project/demo_data.h"
#include "core/util/error.h"
#include "support/fixtures.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>

#include <QTest>

#include <htslib/hts.h>
#include <htslib/vcf.h>
#include <nlohmann/json.hpp>

using namespace kdna;
using namespace kdna::interpret;
using Json = nlohmann::json;

namespace {

/// A VCF of `records` (one a line) over the contigs chr1, chr2 and chrZ, which the demo
/// genome lacks.
void writeVcf(const std::filesystem::path& path, const std::string& records)
{
    test::writeText(path, "##fileformat=VCFv4.2\n##contig=<ID=chr1>\n##contig=<ID=chr2>\n"
                          "##contig=<ID=chrZ>\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n" +
                              records);
}

/// A small CNN with pooling and a dense head, Keras-initialised with non-zero biases so that
/// f(baseline) is not trivially zero.
Model smallCnn(std::int64_t window, const std::string& activation, std::uint64_t seed = 3)
{
    Json layers = {
        {{"type", "Input"}, {"shape", {window, 4}}},
        {{"type", "Conv1D"}, {"filters", 6}, {"kernel_size", 7}, {"activation", activation}},
        {{"type", "MaxPooling1D"}, {"pool_size", 2}},
        {{"type", "Conv1D"},
         {"filters", 4},
         {"kernel_size", 3},
         {"dilation_rate", 2},
         {"activation", activation}},
        {{"type", "Flatten"}},
        {{"type", "Dense"}, {"units", 3}, {"activation", "sigmoid"}}};
    Model m(ModelSpec::fromJson(Json{{"layers", layers}}), seed);
    torch::NoGradGuard noGrad;
    for (auto& p : m.impl().module->named_parameters())
        if (p.key().find("bias") != std::string::npos)
            p.value().uniform_(-0.3, 0.3);
    return m;
}

/// A two-headed model: a sigmoid classifier and a 5-value linear profile.
Model twoHeads(std::int64_t window)
{
    Json layers = {
        {{"type", "Input"}, {"shape", {window, 4}}, {"name", "dna"}},
        {{"type", "Conv1D"}, {"filters", 3}, {"kernel_size", 5}, {"activation", "relu"}},
        {{"type", "Flatten"}, {"name", "features"}},
        {{"type", "Dense"},
         {"units", 1},
         {"activation", "sigmoid"},
         {"name", "cls"},
         {"inputs", {"features"}}},
        {{"type", "Dense"}, {"units", 5}, {"name", "profile"}, {"inputs", {"features"}}}};
    return Model(ModelSpec::fromJson(Json{{"layers", layers}, {"outputs", {"cls", "profile"}}}), 5);
}

std::vector<std::uint8_t> randomCodes(std::int64_t n, std::uint32_t seed)
{
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> base(0, 3);
    std::vector<std::uint8_t> codes(static_cast<std::size_t>(n));
    for (auto& c : codes)
        c = static_cast<std::uint8_t>(base(rng));
    return codes;
}

/// A model of `layers` (JSON), biases and batch-normalisation statistics drawn at random so
/// that no layer is trivial.
Model modelOf(const Json& layers, std::uint64_t seed, const Json& outputs = nullptr)
{
    Json spec = {{"layers", layers}};
    if (!outputs.is_null())
        spec["outputs"] = outputs;
    Model m(ModelSpec::fromJson(spec), seed);
    torch::NoGradGuard noGrad;
    torch::manual_seed(seed);
    for (auto& p : m.impl().module->named_parameters())
        if (p.key().find("bias") != std::string::npos)
            p.value().uniform_(-0.3, 0.3);
    for (auto& b : m.impl().module->named_buffers()) {
        if (b.key().find("running_mean") != std::string::npos)
            b.value().uniform_(-0.5, 0.5);
        if (b.key().find("running_var") != std::string::npos)
            b.value().uniform_(0.5, 2.0);
    }
    return m;
}

/// Strided and dilated convolutions, average pooling, batch normalisation, an Activation
/// layer, a Dropout, a Dense per position before Flatten and two Dense layers after it.
Model stridedCnn(std::int64_t window)
{
    return modelOf({{{"type", "Input"}, {"shape", {window, 4}}},
                    {{"type", "Conv1D"}, {"filters", 5}, {"kernel_size", 4}, {"strides", 2}},
                    {{"type", "BatchNormalization"}},
                    {{"type", "Activation"}, {"activation", "relu"}},
                    {{"type", "AveragePooling1D"}, {"pool_size", 3}, {"strides", 2}},
                    {{"type", "Conv1D"},
                     {"filters", 6},
                     {"kernel_size", 3},
                     {"dilation_rate", 3},
                     {"activation", "tanh"}},
                    {{"type", "Dropout"}, {"rate", 0.5}},
                    {{"type", "Dense"}, {"units", 4}, {"activation", "relu"}},
                    {{"type", "Conv1D"}, {"filters", 3}, {"kernel_size", 2}, {"strides", 3}},
                    {{"type", "Flatten"}},
                    {{"type", "Dense"}, {"units", 7}, {"activation", "relu"}},
                    {{"type", "Dense"}, {"units", 2}, {"activation", "softmax"}}},
                   7);
}

/// The tutorial's CNN (resources/tutorial/02_train_the_model.kdna.Json) on a shorter window.
Model tutorialCnn(std::int64_t window)
{
    return modelOf(
        {{{"type", "Input"}, {"shape", {window, 4}}},
         {{"type", "Conv1D"}, {"filters", 16}, {"kernel_size", 3}, {"activation", "relu"}},
         {{"type", "MaxPooling1D"}, {"pool_size", 2}},
         {{"type", "Conv1D"}, {"filters", 32}, {"kernel_size", 10}, {"activation", "relu"}},
         {{"type", "MaxPooling1D"}, {"pool_size", 2}},
         {{"type", "Conv1D"}, {"filters", 64}, {"kernel_size", 20}, {"activation", "relu"}},
         {{"type", "MaxPooling1D"}, {"pool_size", 2}},
         {{"type", "Flatten"}},
         {{"type", "Dense"}, {"units", 1}}},
        11);
}

/// A padded ('same') convolution: no whole-sequence plan, so no slices.
Model paddedCnn(std::int64_t window)
{
    return modelOf({{{"type", "Input"}, {"shape", {window, 4}}},
                    {{"type", "Conv1D"},
                     {"filters", 3},
                     {"kernel_size", 5},
                     {"padding", "same"},
                     {"activation", "relu"}},
                    {{"type", "Flatten"}},
                    {{"type", "Dense"}, {"units", 2}}},
                   13);
}

/// Fast and naive ISM agree on every mutation of every value, within 1e-5 of the larger of
/// the reference and mutant values (a delta is the difference of two such fp32 values).
void compareWithNaive(Model& m, const std::vector<std::uint8_t>& codes, bool expectFast)
{
    const auto L = static_cast<std::int64_t>(codes.size());
    const Mutagenesis fast(m, IsmWay::Fastest);
    QCOMPARE(fast.fast(), expectFast);
    QCOMPARE(fast.fallbackReason().empty(), expectFast);
    const IsmResult f = fast.run(codes.data(), L);
    const IsmResult n = ism(m, codes.data(), L, 37, IsmWay::Naive);
    QCOMPARE(f.fast, expectFast);
    QVERIFY(!n.fast);
    QCOMPARE(f.mutants, n.mutants);
    QCOMPARE(f.outputSizes, n.outputSizes);
    double largest = 0;
    for (std::size_t j = 0; j < n.delta.size(); ++j) {
        const std::int64_t V = n.outputSizes[j];
        for (std::int64_t v = 0; v < V; ++v) {
            const double ref = n.reference[j][static_cast<std::size_t>(v)];
            QVERIFY(std::abs(f.reference[j][static_cast<std::size_t>(v)] - ref) <=
                    1e-5 * std::max(1e-3, std::abs(ref)));
        }
        for (std::size_t k = 0; k < n.delta[j].size(); ++k) {
            const double ref = n.reference[j][k % static_cast<std::size_t>(V)];
            const double want = n.delta[j][k], got = f.delta[j][k];
            largest = std::max(largest, std::abs(want));
            const double scale = std::max({1e-3, std::abs(ref), std::abs(ref + want)});
            QVERIFY2(std::abs(got - want) <= 1e-5 * scale,
                     qPrintable(QStringLiteral("output %1, entry %2 (position %3, base %4): fast "
                                               "%5, naive %6")
                                    .arg(j)
                                    .arg(k)
                                    .arg(k / static_cast<std::size_t>(V) / 4)
                                    .arg(k / static_cast<std::size_t>(V) % 4)
                                    .arg(got, 0, 'g', 9)
                                    .arg(want, 0, 'g', 9)));
        }
    }
    QVERIFY2(largest > 1e-3, "the mutations should change the outputs");
}

std::vector<float> oneHotWindows(const std::vector<std::uint8_t>& codes)
{
    std::vector<float> w(codes.size() * 4);
    sequence::oneHot(codes.data(), codes.size(), w.data());
    return w;
}

/// The target's value for one window, through the module directly (the reference).
double valueOf(Model& m, const std::vector<float>& window, std::int64_t L, const Target& t)
{
    torch::NoGradGuard noGrad;
    m.impl().module->eval();
    auto x = torch::from_blob(const_cast<float*>(window.data()), {1, L, 4});
    const auto y = m.impl().module->forward({x}).at(t.output).reshape({-1});
    return t.value < 0 ? y.sum().item<double>() : y[t.value].item<double>();
}

/// A record's INFO values read back with htslib: key -> values, per record (CHROM:POS).
using InfoValues = std::map<std::string, std::vector<float>>;
std::vector<std::pair<std::string, InfoValues>> readBack(const std::filesystem::path& file,
                                                         const std::vector<std::string>& keys)
{
    std::vector<std::pair<std::string, InfoValues>> out;
    htsFile* f = bcf_open(file.string().c_str(), "r");
    if (!f)
        return out;
    bcf_hdr_t* h = bcf_hdr_read(f);
    bcf1_t* rec = bcf_init();
    while (bcf_read(f, h, rec) == 0) {
        bcf_unpack(rec, BCF_UN_ALL);
        InfoValues info;
        for (const auto& key : keys) {
            float* values = nullptr;
            int n = 0;
            const int got = bcf_get_info_float(h, rec, key.c_str(), &values, &n);
            if (got > 0)
                info[key].assign(values, values + got);
            free(values);
        }
        out.emplace_back(std::string(bcf_hdr_id2name(h, rec->rid)) + ":" +
                             std::to_string(rec->pos + 1),
                         std::move(info));
    }
    bcf_destroy(rec);
    bcf_hdr_destroy(h);
    hts_close(f);
    return out;
}
} // namespace

class TestInterpret : public QObject {
    Q_OBJECT

    test::ScratchDir m_dir;
    DemoFiles m_files;

private Q_SLOTS:
    void initTestCase()
    {
        setTorchThreads(2);
        m_files = writeDemoData(m_dir.file("demo"));
    }

    /// Completeness: the attributions of each window sum to f(x) - f(baseline) within 1 % at
    /// 64 steps, for the zero baseline and a uniform (0.25) one, for one value and a summed
    /// output. The CNN is smooth (tanh): along the path a ReLU or a max pooling switching
    /// puts a kink in the gradient, which any fixed-step rule meets with an O(1/steps) error
    /// (a ReLU copy of this CNN is 1-11 % off at 64 steps, 0.1-3 % at 256), while on smooth
    /// pieces the midpoint rule is O(1/steps^2) (here about 1e-5).
    void integratedGradientsAreComplete()
    {
        const std::int64_t L = 60;
        Model m = smallCnn(L, "tanh");
        const auto codes = randomCodes(3 * L, 11);
        const auto windows = oneHotWindows(codes);
        const std::vector<float> uniform(static_cast<std::size_t>(L * 4), 0.25f);
        for (const auto& baseline : {std::vector<float>{}, uniform}) {
            for (const Target t : {Target{0, 1}, Target{0, -1}}) {
                AttributionOptions o;
                o.method = Method::IntegratedGradients;
                o.target = t;
                o.steps = 64;
                o.baseline = baseline;
                o.batchSize = 50; // path points of a window straddle batches
                const auto a = attribute(m, windows, o);
                QCOMPARE(a.size(), windows.size());
                const std::vector<float> b =
                    baseline.empty() ? std::vector<float>(L * 4, 0.0f) : baseline;
                for (std::int64_t w = 0; w < 3; ++w) {
                    const std::vector<float> x(windows.begin() + w * L * 4,
                                               windows.begin() + (w + 1) * L * 4);
                    const double gap = valueOf(m, x, L, t) - valueOf(m, b, L, t);
                    double sum = 0;
                    for (std::int64_t k = 0; k < L * 4; ++k)
                        sum += a[static_cast<std::size_t>(w * L * 4 + k)];
                    QVERIFY2(std::abs(gap) > 1e-2, "the test needs a visible gap");
                    QVERIFY2(std::abs(sum - gap) <= 0.01 * std::abs(gap),
                             qPrintable(QStringLiteral("window %1: sum %2, f(x) - f(b) %3")
                                            .arg(w)
                                            .arg(sum)
                                            .arg(gap)));
                }
            }
        }
    }

    /// Saliency is the gradient: a central finite difference on a smooth model agrees at
    /// several (position, base) entries; input x gradient is saliency times the input; the
    /// batch size does not change the result.
    void saliencyIsTheGradient()
    {
        const std::int64_t L = 40;
        Model m = smallCnn(L, "tanh");
        const auto codes = randomCodes(2 * L, 5);
        const auto windows = oneHotWindows(codes);
        AttributionOptions o;
        o.target = {0, 2};
        const auto s = attribute(m, windows, o);
        o.batchSize = 1;
        const auto s1 = attribute(m, windows, o);
        for (std::size_t k = 0; k < s.size(); ++k)
            QVERIFY(std::abs(s[k] - s1[k]) <= 1e-6f + 1e-5f * std::abs(s[k]));
        const double h = 1e-2;
        int checked = 0;
        for (const std::int64_t entry : {3, 17, 50, 101, 130, 159}) {
            std::vector<float> up(windows.begin(), windows.begin() + L * 4), down = up;
            up[static_cast<std::size_t>(entry)] += static_cast<float>(h);
            down[static_cast<std::size_t>(entry)] -= static_cast<float>(h);
            const double fd =
                (valueOf(m, up, L, o.target) - valueOf(m, down, L, o.target)) / (2 * h);
            const double g = s[static_cast<std::size_t>(entry)];
            QVERIFY2(std::abs(fd - g) <= 1e-3 + 0.02 * std::abs(g),
                     qPrintable(QStringLiteral("entry %1: gradient %2, finite difference %3")
                                    .arg(entry)
                                    .arg(g)
                                    .arg(fd)));
            checked += std::abs(g) > 1e-4;
        }
        QVERIFY2(checked >= 3, "most checked entries should have a non-zero gradient");
        o.method = Method::InputTimesGradient;
        const auto ixg = attribute(m, windows, o);
        for (std::size_t k = 0; k < s.size(); ++k)
            QVERIFY(std::abs(ixg[k] - s1[k] * windows[k]) <= 1e-9f + 1e-5f * std::abs(s1[k]));
    }

    void badRequestsSaySo()
    {
        Model m = smallCnn(40, "relu");
        const auto windows = oneHotWindows(randomCodes(40, 1));
        AttributionOptions o;
        o.target = {1, -1};
        QVERIFY_THROWS_EXCEPTION(Error, (void)attribute(m, windows, o));
        o.target = {0, 3};
        try {
            (void)attribute(m, windows, o);
            QFAIL("value 3 of a 3-unit output was accepted");
        } catch (const Error& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("3 value(s)")), e.what());
        }
        o.target = {};
        QVERIFY_THROWS_EXCEPTION(Error, (void)attribute(m, std::vector<float>(10), o));
        QVERIFY_THROWS_EXCEPTION(Error, (void)parseMethod("ism"));
        QCOMPARE(parseMethod("ig"), Method::IntegratedGradients);
    }

    /// Fast ISM equals naive ISM on every mutation: max pooling with dilation and a 3-unit
    /// sigmoid head; strides, average pooling, batch normalisation, Dense layers before and
    /// after Flatten and a softmax; two heads (several outputs); the tutorial's CNN. Windows
    /// hold an N, and mutations at both edges are included.
    void fastIsmEqualsNaive()
    {
        auto codes = randomCodes(60, 21);
        codes[0] = sequence::kUnknown;
        codes[33] = sequence::kUnknown;
        Model cnn = smallCnn(60, "relu");
        compareWithNaive(cnn, codes, true);
        for (const std::int64_t L : {61, 62, 67}) { // strides leave different tails unread
            Model strided = stridedCnn(L);
            compareWithNaive(strided, randomCodes(L, static_cast<std::uint32_t>(L)), true);
        }
        Model heads = twoHeads(30);
        compareWithNaive(heads, randomCodes(30, 4), true);
        Model tutorial = tutorialCnn(301);
        compareWithNaive(tutorial, randomCodes(301, 8), true);
    }

    /// Near the right edge of a full tutorial window, fast and naive ISM both agree with a
    /// float64 pass of the same weights (the ground truth both approximate in fp32).
    void fastIsmMatchesFloat64AtTheEdges()
    {
        const std::int64_t L = 2001;
        Model m = tutorialCnn(L);
        const auto codes = randomCodes(L, 17);
        const IsmResult f = ism(m, codes.data(), L, 256, IsmWay::Fastest);
        const IsmResult n = ism(m, codes.data(), L, 256, IsmWay::Naive);
        QVERIFY(f.fast);
        torch::NoGradGuard noGrad;
        m.impl().module->to(torch::kDouble);
        m.impl().module->eval();
        const auto value = [&](const std::vector<std::uint8_t>& c) {
            std::vector<float> x = oneHotWindows(c);
            const auto t = torch::from_blob(x.data(), {1, L, 4}).to(torch::kDouble);
            return m.impl().module->forward({t}).at(0).reshape({-1})[0].item<double>();
        };
        const double ref = value(codes);
        double fastErr = 0, naiveErr = 0, largest = 0;
        for (const std::int64_t i : {0, 1, 7, 1000, 1880, 1890, 1896, 1950, 1990, 1998, 2000}) {
            auto mutant = codes;
            const int b = (codes[static_cast<std::size_t>(i)] + 1) % 4;
            mutant[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(b);
            const double want = value(mutant) - ref;
            const auto k = static_cast<std::size_t>(i * 4 + b);
            fastErr = std::max(fastErr, std::abs(f.delta[0][k] - want));
            naiveErr = std::max(naiveErr, std::abs(n.delta[0][k] - want));
            largest = std::max(largest, std::abs(want));
        }
        m.impl().module->to(torch::kFloat);
        qInfo() << "reference" << ref << "largest change" << largest << "fast error" << fastErr
                << "naive error" << naiveErr;
        QVERIFY(fastErr <= 1e-5 * std::max(1e-3, std::abs(ref)));
        QVERIFY(naiveErr <= 1e-5 * std::max(1e-3, std::abs(ref)));
    }

    /// A model the slices cannot serve falls back to whole passes, says why, and gives the
    /// naive result.
    void fastIsmFallsBackWithAReason()
    {
        Model padded = paddedCnn(40);
        compareWithNaive(padded, randomCodes(40, 2), false);
        const Mutagenesis fast(padded);
        QVERIFY2(QString::fromStdString(fast.fallbackReason()).contains(QStringLiteral("same")),
                 fast.fallbackReason().c_str());
    }

    /// Batched ISM equals a hand loop of single-mutant passes, for every mutation and both
    /// outputs of a two-headed model, with an N in the window.
    void ismEqualsAHandLoop()
    {
        const std::int64_t L = 24;
        Model m = twoHeads(L);
        auto codes = randomCodes(L, 9);
        codes[7] = sequence::kUnknown;
        const IsmResult r = ism(m, codes.data(), L, 10);
        QCOMPARE(r.mutants, 3 * (L - 1) + 4);
        QCOMPARE(r.outputSizes, (std::vector<std::int64_t>{1, 5}));
        const auto ref = oneHotWindows(codes);
        for (std::size_t j = 0; j < 2; ++j)
            for (std::int64_t v = 0; v < r.outputSizes[j]; ++v)
                QVERIFY(std::abs(r.reference[j][v] - valueOf(m, ref, L, {j, v})) < 1e-6);
        for (std::int64_t i = 0; i < L; ++i) {
            for (int b = 0; b < 4; ++b) {
                auto mutant = codes;
                mutant[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(b);
                const auto x = oneHotWindows(mutant);
                for (std::size_t j = 0; j < 2; ++j) {
                    const std::int64_t V = r.outputSizes[j];
                    for (std::int64_t v = 0; v < V; ++v) {
                        const float d = r.delta[j][static_cast<std::size_t>((i * 4 + b) * V + v)];
                        if (codes[static_cast<std::size_t>(i)] == b) {
                            QCOMPARE(d, 0.0f);
                            continue;
                        }
                        const double want = valueOf(m, x, L, {j, v}) - valueOf(m, ref, L, {j, v});
                        QVERIFY2(std::abs(d - want) <= 1e-5 * std::max(1.0, std::abs(want)),
                                 qPrintable(QStringLiteral("pos %1 base %2 output %3[%4]: %5 vs %6")
                                                .arg(i)
                                                .arg(b)
                                                .arg(j)
                                                .arg(v)
                                                .arg(d)
                                                .arg(want)));
                    }
                }
            }
        }
        QVERIFY_THROWS_EXCEPTION(Error, (void)ism(m, codes.data(), L - 1));
    }
    /// The annotated VCF, as .vcf, .vcf.gz and .bcf, reads back with htslib: every record in
    /// its place; a scored allele's INFO fields hold its ref, alt, alt - ref and log2 fold
    /// change per target; an allele left out is '.', and a record left out entirely has no
    /// field; .vcf.gz and .bcf come with an index htslib loads. Both strands average each
    /// window with its reverse complement.
    void annotatedVcfReadsBack()
    {
        const Genome genome = Genome::open(m_files.fasta);
        const std::int64_t L = 41;
        Model m = twoHeads(L);
        const std::string snv = genome.fetch("chr1", 1000, 1001);
        const std::string other = snv == "A" ? "C" : "A", third = snv == "G" ? "T" : "G";
        const std::string ins = genome.fetch("chr1", 2000, 2001);
        const std::string del = genome.fetch("chr1", 3000, 3003);
        const std::string chr2 = genome.fetch("chr2", 500, 501);
        const std::string wrong = chr2 == "G" ? "T" : "G";
        const auto vcf = m_dir.file("annotate.vcf");
        {
            std::ostringstream records;
            records << "chr1\t1001\tsnv\t" << snv << "\t" << other << ",<DEL>," << third
                    << "\t.\t.\t.\n"
                    << "chr1\t2001\tins\t" << ins << "\t" << ins << "TTG\t.\t.\t.\n"
                    << "chr1\t3001\tdel\t" << del << "\t" << del.substr(0, 1) << "\t.\t.\t.\n"
                    << "chr2\t501\tbad\t" << wrong << "\tA\t.\t.\t.\n"
                    << "chrZ\t10\tlost\tA\tG\t.\t.\t.\n";
            writeVcf(vcf, records.str());
        }
        const VariantEffects e = variantEffects(m, genome, vcf, 4);
        QCOMPARE(e.rows.size(), std::size_t(4)); // two ALTs of the SNV, the insertion, deletion
        QCOMPARE(e.skipped.size(), std::size_t(3));
        QCOMPARE(infoKeys("profile[0]", true),
                 (std::vector<std::string>{"KDNA_REF_profile_0", "KDNA_ALT_profile_0",
                                           "KDNA_DIFF_profile_0", "KDNA_LOGFC_profile_0"}));
        QCOMPARE(infoKeys("cls", false).front(), std::string("KDNA_REF"));
        std::vector<std::string> keys;
        for (const auto& t : e.targets)
            for (const auto& k : infoKeys(t, true))
                keys.push_back(k);
        for (const char* name : {"out.vcf", "out.vcf.gz", "out.bcf"}) {
            const auto out = m_dir.file(name);
            const VcfWritten w = writeEffectsVcf(vcf, e, out);
            const bool wantIndex = std::string(name) != "out.vcf";
            QCOMPARE(w.indexed, wantIndex);
            QVERIFY(w.note.empty());
            if (wantIndex) {
                const bool tbi = std::string(name) == "out.vcf.gz";
                QVERIFY(std::filesystem::exists(out.string() + (tbi ? ".tbi" : ".csi")));
                hts_idx_t* idx =
                    hts_idx_load(out.string().c_str(), tbi ? HTS_FMT_TBI : HTS_FMT_CSI);
                QVERIFY2(idx, name);
                hts_idx_destroy(idx);
            }
            const auto records = readBack(out, keys);
            QCOMPARE(records.size(), std::size_t(5));
            QCOMPARE(records[0].first, std::string("chr1:1001"));
            QCOMPARE(records[4].first, std::string("chrZ:10"));
            // Record k's scored alleles: the SNV's first and third ALT (its second is
            // symbolic), then one allele each.
            const std::vector<std::vector<const VariantEffect*>> alleles = {
                {&e.rows[0], nullptr, &e.rows[1]}, {&e.rows[2]}, {&e.rows[3]}};
            for (std::size_t r = 0; r < 3; ++r) {
                const InfoValues& info = records[r].second;
                QCOMPARE(info.size(), keys.size());
                for (std::size_t t = 0; t < e.targets.size(); ++t) {
                    const auto k = infoKeys(e.targets[t], true);
                    for (std::size_t a = 0; a < alleles[r].size(); ++a) {
                        const VariantEffect* v = alleles[r][a];
                        const std::vector<float> want =
                            v ? std::vector<float>{v->ref[t], v->alt[t], v->diff(t),
                                                   v->logFoldChange(t)}
                              : std::vector<float>(4, NAN);
                        for (std::size_t s = 0; s < 4; ++s) {
                            const auto& got = info.at(k[s]);
                            QCOMPARE(got.size(), alleles[r].size());
                            if (std::isnan(want[s]))
                                QVERIFY(bcf_float_is_missing(got[a]));
                            else
                                QCOMPARE(got[a], want[s]);
                        }
                    }
                }
            }
            QVERIFY(records[3].second.empty()); // the REF mismatch keeps its record, no fields
            QVERIFY(records[4].second.empty()); // the unknown contig too
        }
        QVERIFY_THROWS_EXCEPTION(Error, (void)writeEffectsVcf(vcf, e, m_dir.file("out.txt")));

        const VariantEffects both = variantEffects(m, genome, vcf, 3, Strands::Both);
        QCOMPARE(both.rows.size(), e.rows.size());
        const VariantWindows w = variantWindows(genome, both.rows[2].variant, L);
        std::vector<float> fwd(static_cast<std::size_t>(L * 4)), rc(fwd.size());
        sequence::oneHot(w.alt.data(), w.alt.size(), fwd.data());
        sequence::oneHotReverseComplement(w.alt.data(), w.alt.size(), rc.data());
        for (std::size_t t = 0; t < 6; ++t) {
            const Target target{t == 0 ? 0u : 1u, t == 0 ? 0 : static_cast<std::int64_t>(t - 1)};
            const double mean = 0.5 * (valueOf(m, fwd, L, target) + valueOf(m, rc, L, target));
            QVERIFY(std::abs(both.rows[2].alt[t] - mean) < 1e-5);
        }
        QVERIFY(both.rows[2].alt[1] != e.rows[2].alt[1]);
    }
    /// A VCF with an SNV, an insertion, a deletion, a REF mismatch, an unknown contig and a
    /// symbolic allele: three rows whose windows are cut as documented and whose predictions
    /// are the model's on those windows, and one sentence for each of the other three.
    void variantEffectsFromAVcf()
    {
        const Genome genome = Genome::open(m_files.fasta);
        const std::int64_t L = 41, half = L / 2;
        Model m = twoHeads(L);
        const auto base = [&](std::int64_t pos) {
            return genome.fetch("chr1", pos, pos + 1);
        };
        const std::string snvRef = base(1000);
        const std::string snvAlt = snvRef == "A" ? "C" : "A";
        const std::string insRef = base(2000), insAlt = insRef + "ACGTA";
        const std::string delRef = genome.fetch("chr1", 3000, 3004), delAlt = delRef.substr(0, 1);
        const std::string chr2 = genome.fetch("chr2", 500, 501);
        const std::string wrong = chr2 == "G" ? "T" : "G";
        const auto vcf = m_dir.file("variants.vcf");
        {
            std::ostringstream records;
            records << "chr1\t1001\tsnv\t" << snvRef << "\t" << snvAlt << "\t.\t.\t.\n"
                    << "chr1\t2001\tins\t" << insRef << "\t" << insAlt << "\t.\t.\t.\n"
                    << "chr1\t3001\tdel\t" << delRef << "\t" << delAlt << "\t.\t.\t.\n"
                    << "chr2\t501\tbad\t" << wrong << "\tA\t.\t.\t.\n"
                    << "chrZ\t10\tlost\tA\tG\t.\t.\t.\n"
                    << "chr1\t4001\tsv\t" << base(4000) << "\t<DEL>\t.\t.\t.\n";
            writeVcf(vcf, records.str());
        }
        const VariantEffects e = variantEffects(m, genome, vcf, 3);
        QCOMPARE(e.targets, (std::vector<std::string>{"cls", "profile[0]", "profile[1]",
                                                      "profile[2]", "profile[3]", "profile[4]"}));
        QCOMPARE(e.rows.size(), std::size_t(3));
        QCOMPARE(e.skipped.size(), std::size_t(3));
        const auto has = [&](int i, const QString& words) {
            const QString s = QString::fromStdString(e.skipped[static_cast<std::size_t>(i)]);
            if (!s.contains(words))
                qWarning() << s << "lacks" << words;
            return s.contains(words);
        };
        QVERIFY(has(0, QStringLiteral("variants.vcf, record 6 (chr1:4001")));
        QVERIFY(has(1, QStringLiteral("variants.vcf, record 4 (chr2:501")));
        QVERIFY(has(1, QString::fromStdString("REF is " + wrong + " but the genome demo.fa has " +
                                              chr2 + " there")));
        QVERIFY(has(2, QStringLiteral("variants.vcf, record 5 (chrZ:10 A>G): contig 'chrZ' is not "
                                      "in the genome demo.fa")));

        // The windows, cut by hand: REF starts at L / 2, the right flank fills up to L.
        const auto cut = [&](std::int64_t pos, const std::string& ref, const std::string& alt) {
            std::string s = genome.fetch("chr1", pos - half, pos) + alt +
                            genome.fetch("chr1", pos + static_cast<std::int64_t>(ref.size()),
                                         pos + static_cast<std::int64_t>(ref.size()) + L);
            return s.substr(0, static_cast<std::size_t>(L));
        };
        const std::vector<std::tuple<std::int64_t, std::string, std::string>> expected = {
            {1000, snvRef, snvAlt}, {2000, insRef, insAlt}, {3000, delRef, delAlt}};
        for (std::size_t k = 0; k < 3; ++k) {
            const auto& [pos, ref, alt] = expected[k];
            const VariantEffect& row = e.rows[k];
            QCOMPARE(row.variant.pos, pos);
            QCOMPARE(row.variant.alt, alt);
            const VariantWindows w = variantWindows(genome, row.variant, L);
            QCOMPARE(sequence::decode(w.ref.data(), w.ref.size()), cut(pos, ref, ref));
            QCOMPARE(sequence::decode(w.alt.data(), w.alt.size()), cut(pos, ref, alt));
            std::vector<std::uint8_t> codes(static_cast<std::size_t>(L));
            const std::string altText = cut(pos, ref, alt), refText = cut(pos, ref, ref);
            sequence::encode(refText, codes.data());
            const auto refX = oneHotWindows(codes);
            sequence::encode(altText, codes.data());
            const auto altX = oneHotWindows(codes);
            for (std::size_t t = 0; t < 6; ++t) {
                const Target target{t == 0 ? 0u : 1u,
                                    t == 0 ? 0 : static_cast<std::int64_t>(t - 1)};
                QVERIFY(std::abs(row.ref[t] - valueOf(m, refX, L, target)) < 1e-5);
                QVERIFY(std::abs(row.alt[t] - valueOf(m, altX, L, target)) < 1e-5);
                QCOMPARE(row.diff(t), row.alt[t] - row.ref[t]);
            }
            QVERIFY(std::abs(row.logFoldChange(0) -
                             std::log2((row.alt[0] + 1e-6f) / (row.ref[0] + 1e-6f))) < 1e-5);
        }
        QCOMPARE(e.rows[0].variant.id, std::string("snv"));
        QVERIFY(e.rows[0].diff(0) != 0.0f);

        // Near a chromosome's start the window is padded with N.
        const VariantWindows edge =
            variantWindows(genome, Variant{"chr1", 3, ".", base(3), "T", 1}, L);
        QCOMPARE(edge.ref[0], sequence::kUnknown);
        QCOMPARE(edge.alt[static_cast<std::size_t>(half)], std::uint8_t(3));

        try {
            (void)readVariants(m_dir.file("missing.vcf"));
            QFAIL("a missing VCF was read");
        } catch (const Error& err) {
            QVERIFY2(QString::fromUtf8(err.what()).contains(QStringLiteral("missing.vcf")),
                     err.what());
        }
    }

    /// One substitution in each of many windows, at positions that differ from window to
    /// window (the edges too), is what ISM of each window gives for that mutant.
    void substitutionsAreIsmsMutants()
    {
        for (const std::int64_t L : {301, 67}) {
            Model m = L == 301 ? tutorialCnn(L) : stridedCnn(L);
            const Mutagenesis mutagenesis(m);
            QVERIFY(mutagenesis.fast());
            const std::int64_t W = 9;
            const auto codes = randomCodes(W * L, 23);
            const std::vector<std::int64_t> positions = {0, L - 1, 1, L / 2, 7, L - 3, 40, 41, 42};
            std::vector<std::uint8_t> bases;
            for (std::int64_t w = 0; w < W; ++w)
                bases.push_back(static_cast<std::uint8_t>(
                    (codes[static_cast<std::size_t>(w * L + positions[w])] + 1 + w % 3) % 4));
            const auto s = mutagenesis.substitute(codes.data(), W, positions.data(), bases.data());
            for (std::int64_t w = 0; w < W; ++w) {
                const IsmResult r = mutagenesis.run(codes.data() + w * L, L);
                for (std::size_t j = 0; j < r.outputSizes.size(); ++j) {
                    const std::int64_t V = r.outputSizes[j];
                    for (std::int64_t v = 0; v < V; ++v) {
                        const double ref = r.reference[j][static_cast<std::size_t>(v)];
                        const double alt = ref + r.delta[j][static_cast<std::size_t>(
                                                     (positions[w] * 4 + bases[w]) * V + v)];
                        const double scale = std::max({1e-3, std::abs(ref), std::abs(alt)});
                        const auto at = static_cast<std::size_t>(w * V + v);
                        QVERIFY(std::abs(s.reference[j][at] - ref) <= 1e-5 * scale);
                        QVERIFY2(std::abs(s.substituted[j][at] - alt) <= 1e-5 * scale,
                                 qPrintable(QStringLiteral("L %1, window %2: %3 against %4")
                                                .arg(L)
                                                .arg(w)
                                                .arg(s.substituted[j][at])
                                                .arg(alt)));
                    }
                }
            }
        }
        Model padded = paddedCnn(41);
        const auto codes = randomCodes(41, 3);
        const std::int64_t at = 20;
        const std::uint8_t base = 0;
        QVERIFY_THROWS_EXCEPTION(Error,
                                 (void)Mutagenesis(padded).substitute(codes.data(), 1, &at, &base));
    }

    /// SNVs are scored from the reference window's maps and the slice their base reaches (the
    /// fast ISM way), everything else by whole windows: both give the model's values on the
    /// ref and alt windows (and their reverse complements), for models with pooling, strides,
    /// dilation, two heads, and one that slices cannot serve; near the chromosome's ends,
    /// where the window is padded with N, too.
    void snvsBySlicesAreTheWholeWindowsValues()
    {
        const Genome genome = Genome::open(m_files.fasta);
        const std::int64_t end1 = genome.length("chr1");
        std::mt19937 rng(17);
        std::vector<std::pair<std::string, std::int64_t>> sites = {
            {"chr1", 0}, {"chr1", 2}, {"chr1", 40}, {"chr1", end1 - 1}, {"chr1", end1 - 30}};
        for (int k = 0; k < 40; ++k)
            sites.emplace_back(k % 2 ? "chr1" : "chr2",
                               std::uniform_int_distribution<std::int64_t>(100, 80000)(rng));
        std::ostringstream records;
        std::int64_t snvs = 0;
        for (std::size_t k = 0; k < sites.size(); ++k) {
            const auto& [chrom, pos] = sites[k];
            const std::string ref = genome.fetch(chrom, pos, pos + 1);
            const std::string alt =
                std::string(1, "ACGT"[(sequence::code(ref[0]) + 1 + k % 3) % 4]);
            records << chrom << '\t' << pos + 1 << "\tv" << k << '\t' << ref << '\t' << alt
                    << "\t.\t.\t.\n";
            ++snvs;
        }
        // Not SNVs: an insertion, a deletion and an N allele go by whole windows.
        const std::string at = genome.fetch("chr1", 5000, 5003);
        records << "chr1\t5001\tins\t" << at.substr(0, 1) << '\t' << at.substr(0, 1)
                << "GA\t.\t.\t.\n"
                << "chr1\t5001\tdel\t" << at << '\t' << at.substr(0, 1) << "\t.\t.\t.\n"
                << "chr1\t5001\tn\t" << at.substr(0, 1) << "\tN\t.\t.\t.\n";
        const auto vcf = m_dir.file("snvs.vcf");
        writeVcf(vcf, records.str());

        struct Case {
            const char* name;
            Model model;
        };
        std::vector<Case> cases;
        cases.push_back({"tutorial", tutorialCnn(301)});
        cases.push_back({"strided", stridedCnn(67)});
        cases.push_back({"two heads", twoHeads(41)});
        cases.push_back({"padded", paddedCnn(41)});
        for (Case& c : cases) {
            Model& m = c.model;
            const std::int64_t L = sequenceLength(m);
            const bool sliced = Mutagenesis(m).fast();
            QCOMPARE(sliced, std::string(c.name) != "padded");
            for (const Strands strands : {Strands::Forward, Strands::Both}) {
                const VariantEffects e = variantEffects(m, genome, vcf, 5, strands);
                QCOMPARE(e.rows.size(), sites.size() + 3);
                QCOMPARE(e.bySlices, sliced ? snvs : 0);
                // The same windows through the model whole: ref, alt, then their reverse
                // complements, per row.
                std::vector<float> windows;
                for (const VariantEffect& row : e.rows) {
                    const VariantWindows w = variantWindows(genome, row.variant, L);
                    for (const auto* codes : {&w.ref, &w.alt}) {
                        windows.resize(windows.size() + static_cast<std::size_t>(L * 4));
                        sequence::oneHot(codes->data(), codes->size(),
                                         windows.data() + windows.size() - L * 4);
                    }
                    for (const auto* codes : {&w.ref, &w.alt}) {
                        windows.resize(windows.size() + static_cast<std::size_t>(L * 4));
                        sequence::oneHotReverseComplement(codes->data(), codes->size(),
                                                          windows.data() + windows.size() - L * 4);
                    }
                }
                const auto outs = outputsOf(m, windows, 64);
                const auto sizes = outputSizes(m);
                for (std::size_t r = 0; r < e.rows.size(); ++r) {
                    std::size_t t = 0;
                    for (std::size_t j = 0; j < sizes.size(); ++j)
                        for (std::int64_t v = 0; v < sizes[j]; ++v, ++t) {
                            const auto value = [&](std::size_t row) {
                                return double(outs[j][row * static_cast<std::size_t>(sizes[j]) +
                                                      static_cast<std::size_t>(v)]);
                            };
                            const double ref = strands == Strands::Forward
                                                   ? value(4 * r)
                                                   : 0.5 * (value(4 * r) + value(4 * r + 2));
                            const double alt = strands == Strands::Forward
                                                   ? value(4 * r + 1)
                                                   : 0.5 * (value(4 * r + 1) + value(4 * r + 3));
                            const VariantEffect& row = e.rows[r];
                            const double scale = std::max({1e-3, std::abs(ref), std::abs(alt)});
                            QVERIFY2(std::abs(row.ref[t] - ref) <= 1e-5 * scale &&
                                         std::abs(row.alt[t] - alt) <= 1e-5 * scale,
                                     qPrintable(QStringLiteral("%1, %2, target %3: ref %4 / %5, "
                                                               "alt %6 / %7")
                                                    .arg(QString::fromUtf8(c.name))
                                                    .arg(QString::fromStdString(row.variant.id))
                                                    .arg(t)
                                                    .arg(row.ref[t])
                                                    .arg(ref)
                                                    .arg(row.alt[t])
                                                    .arg(alt)));
                        }
                }
            }
        }
    }

    /// A click on a variant shows the model over every window that holds it, on the reference
    /// and with the allele: the middle window is the variant's row, the others the windows cut
    /// by hand, both for a model the whole-sequence plan runs and one run window by window.
    void variantProfileCoversTheWindowsHoldingIt()
    {
        const Genome genome = Genome::open(m_files.fasta);
        const std::string snvRef = genome.fetch("chr1", 1000, 1001);
        const std::string delRef = genome.fetch("chr1", 3000, 3004);
        const auto vcf = m_dir.file("profile.vcf");
        writeVcf(vcf, "chr1\t1001\tsnv\t" + snvRef + "\t" + (snvRef == "A" ? "C" : "A") +
                          "\t.\t.\t.\nchr1\t3001\tdel\t" + delRef + "\t" + delRef.substr(0, 1) +
                          "\t.\t.\t.\n");
        for (const bool whole : {true, false}) {
            const std::int64_t L = whole ? 301 : 41, half = L / 2;
            Model m = whole ? tutorialCnn(L) : twoHeads(L);
            const VariantEffects e = variantEffects(m, genome, vcf, 7);
            QCOMPARE(e.rows.size(), std::size_t(2));
            for (const VariantEffect& row : e.rows) {
                const Variant& v = row.variant;
                const VariantProfile p = variantProfile(m, genome, v, vcf, 16);
                QCOMPARE(p.method, std::string(whole ? "whole-sequence" : "windows"));
                QCOMPARE(p.targets, e.targets);
                QCOMPARE(p.firstCentre, v.pos - (L - 1) + half);
                // The region's windows by hand: the allele spliced in after L - 1 bases.
                const std::int64_t after = v.pos + static_cast<std::int64_t>(v.ref.size());
                const std::string refText = genome.fetch("chr1", v.pos - L + 1, v.pos + L);
                const std::string altText = (genome.fetch("chr1", v.pos - L + 1, v.pos) + v.alt +
                                             genome.fetch("chr1", after, after + L))
                                                .substr(0, static_cast<std::size_t>(2 * L - 1));
                for (const std::int64_t k : {std::int64_t{0}, half, L - 1}) {
                    std::vector<std::uint8_t> codes(static_cast<std::size_t>(L));
                    sequence::encode(refText.substr(static_cast<std::size_t>(k), L), codes.data());
                    const auto refX = oneHotWindows(codes);
                    sequence::encode(altText.substr(static_cast<std::size_t>(k), L), codes.data());
                    const auto altX = oneHotWindows(codes);
                    for (std::size_t t = 0; t < p.targets.size(); ++t) {
                        const Target target =
                            whole ? Target{0, 0}
                                  : Target{t == 0 ? 0u : 1u,
                                           t == 0 ? 0 : static_cast<std::int64_t>(t) - 1};
                        const auto at = static_cast<std::size_t>(k);
                        QVERIFY(std::abs(p.ref[t][at] - valueOf(m, refX, L, target)) < 1e-5);
                        QVERIFY(std::abs(p.alt[t][at] - valueOf(m, altX, L, target)) < 1e-5);
                        if (k == half) {
                            QVERIFY(std::abs(p.ref[t][at] - row.ref[t]) < 1e-5);
                            QVERIFY(std::abs(p.alt[t][at] - row.alt[t]) < 1e-5);
                        }
                    }
                }
            }
            // A REF the genome does not have is the sentence variantEffects gives.
            Variant wrong = e.rows[0].variant;
            wrong.ref = snvRef == "G" ? "T" : "G";
            try {
                (void)variantProfile(m, genome, wrong, vcf);
                QFAIL("a wrong REF was profiled");
            } catch (const Error& err) {
                QVERIFY2(QString::fromUtf8(err.what()).contains(QStringLiteral("REF is")),
                         err.what());
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestInterpret)
#include "test_interpret.moc"
