#include "core/data/dataset_keywords.h"
#include "core/data/generator.h"
#include "core/data/shapes.h"
#include "core/data/spec_file.h"
#include "core/genome/genome.h"
#include "core/genome/sequence.h"
#include "core/tracks/bigwig.h"
#include "core/util/error.h"
#include "support/fixtures.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <QTest>

#include <nlohmann/json.hpp>

using namespace kdna;
using kdna::test::errorOf;
using nlohmann::json;

namespace {

DatasetSpec specFrom(const json& j)
{
    return DatasetSpec::fromJson(j);
}

/// The tutorial's keywords, with files that need not exist (the shape functions are pure).
json tutorial()
{
    return {{"batch_size", 64},
            {"fasta_file", "sacCer3.fa"},
            {"annotation_files", {"scerevisiae.bw"}},
            {"window", 2001},
            {"incl_chromosomes", {"chrI", "chrII", "chrIII", "chrIV", "chrV", "chrVI"}}};
}

} // namespace

class TestData : public QObject {
    Q_OBJECT

    test::ScratchDir m_dir;
    std::string m_chr1, m_chr2;
    std::vector<float> m_sig1, m_sig2, m_sec1, m_sec2;
    json m_base;

private Q_SLOTS:
    void initTestCase()
    {
        qputenv("XDG_CACHE_HOME", QByteArray::fromStdString(m_dir.file("cache").string()));
        m_chr1 = test::randomBases(5000, 11);
        m_chr2 = test::randomBases(3000, 12);
        m_chr1.replace(100, 4, "NNNN");
        test::writeFasta(m_dir.file("g.fa"),
                         {{"chr1", m_chr1}, {"chr2", m_chr2}, {"tiny", "ACGT"}});
        auto ramp = [](std::size_t n, float scale) {
            std::vector<float> v(n);
            for (std::size_t i = 0; i < n; ++i)
                v[i] = std::fmod(static_cast<float>(i) * scale, 37.0F);
            return v;
        };
        m_sig1 = ramp(5000, 0.37F);
        m_sig2 = ramp(3000, 0.91F);
        m_sig1[2500] = 500.0F; // an outlier perctrim should clip
        m_sec1 = ramp(5000, 1.7F);
        m_sec2 = ramp(3000, 2.3F);
        const std::vector<Chromosome> sizes = {{"chr1", 5000}, {"chr2", 3000}, {"tiny", 4}};
        for (const auto& [name, a, b] :
             {std::tuple{"sig.bw", &m_sig1, &m_sig2}, std::tuple{"sec.bw", &m_sec1, &m_sec2}}) {
            BigWigWriter w(m_dir.file(name), sizes);
            w.addValues("chr1", 0, *a);
            w.addValues("chr2", 0, *b);
            w.finish();
        }
        m_base = {{"batch_size", 8},
                  {"fasta_file", m_dir.file("g.fa").string()},
                  {"annotation_files", {m_dir.file("sig.bw").string()}},
                  {"window", 101},
                  {"incl_chromosomes", {"chr1", "chr2"}}};
    }

    // --- shapes -------------------------------------------------------------------------

    void tutorialShapes()
    {
        json j = tutorial();
        j["dummy_axis"] = 1;
        j["alphabet_axis"] = 2;
        j["output_shape"] = {64, 1};
        QCOMPARE(predictInputShape(specFrom(j)), (Shape{2001, 1, 4}));

        j = tutorial();
        j["annotation_files"] = {"a.bw", "a.bw", "a.bw", "a.bw"};
        j["tg_window"] = 10;
        j["nb_annotation_type"] = 2;
        QCOMPARE(predictLabelShape(specFrom(j)), (Shape{10, 2, 2}));

        j = tutorial();
        j["tg_window"] = 100;
        j["output_shape"] = {64, 100};
        j["sec_inputs"] = {"b.bw", "b.bw"};
        j["sec_input_length"] = 100;
        j["sec_nb_annotation"] = 1;
        j["sec_input_shape"] = nullptr;
        j["normalization_mode"] = {"max", "perctrim"};
        j["sec_normalization_mode"] = {"max", "perctrim"};
        QCOMPARE(predictSecInputShape(specFrom(j)), (Shape{100, 2, 1}));
        QCOMPARE(predictLabelShape(specFrom(j)), (Shape{100}));

        j = tutorial();
        j["tg_window"] = 100;
        j["incl_chromosomes"] = {"chrVII", "chrVIII"};
        QCOMPARE(predictLabelShape(specFrom(j)), (Shape{100, 1}));

        j = tutorial();
        j["annotation_files"] = {"a.bw", "b.bw", "c.bw", "d.bw"};
        j["nb_annotation_type"] = 2;
        QCOMPARE(predictLabelShape(specFrom(j)), (Shape{1, 2, 2}));
    }

    void inputAxes()
    {
        json j = tutorial();
        QCOMPARE(predictInputShape(specFrom(j)), (Shape{2001, 4}));
        j["alphabet_axis"] = 0;
        QCOMPARE(predictInputShape(specFrom(j)), (Shape{4, 2001}));
        j["dummy_axis"] = 0;
        j["alphabet_axis"] = 2;
        QCOMPARE(predictInputShape(specFrom(j)), (Shape{1, 2001, 4})); // keras_dna gets this wrong
        j["dummy_axis"] = 2;
        j["alphabet_axis"] = 1;
        QCOMPARE(predictInputShape(specFrom(j)), (Shape{2001, 4, 1}));
        j["dummy_axis"] = 1;
        j["alphabet_axis"] = 0;
        QCOMPARE(predictInputShape(specFrom(j)), (Shape{4, 1, 2001}));
        j["alphabet_axis"] = 1;
        const auto problems = validate(specFrom(j));
        QVERIFY(!problems.empty());
        QCOMPARE(problems.front().keyword, std::string("alphabet_axis"));
    }

    void outputShapeMustMultiplyOut()
    {
        json j = tutorial();
        j["output_shape"] = {64, 2};
        const auto msg = errorOf([&] { (void)predictLabelShape(specFrom(j)); });
        QVERIFY2(msg.find("output_shape: (64, 2)") != std::string::npos, msg.c_str());
        QVERIFY2(msg.find("(64, 1, 1)") != std::string::npos, msg.c_str());
        j["output_shape"] = {64, 1, 1, 1};
        QCOMPARE(predictLabelShape(specFrom(j)), (Shape{1, 1, 1}));
        j["output_shape"] = {32, 2};
        QVERIFY(!validate(specFrom(j)).empty());
    }

    void validationReportsEveryProblem()
    {
        std::vector<Problem> problems;
        const auto spec = DatasetSpec::fromJson(json{{"batch_size", 0},
                                                     {"fasta_file", "g.fa"},
                                                     {"annotation_files", {"a.bw"}},
                                                     {"window", -5},
                                                     {"normalization_mode", {"max", "bogus"}},
                                                     {"weighting_mode", "balance"},
                                                     {"tg_windw", 3}},
                                                problems);
        QCOMPARE(problems.size(), std::size_t(1)); // the unknown keyword
        QCOMPARE(problems[0].keyword, std::string("tg_windw"));
        QVERIFY2(problems[0].message.find("did you mean 'tg_window'") != std::string::npos,
                 problems[0].message.c_str());
        const auto more = validate(spec);
        std::vector<std::string> keys;
        for (const auto& p : more)
            keys.push_back(p.keyword);
        for (const char* k : {"batch_size", "window", "normalization_mode", "weighting_mode"})
            QVERIFY2(std::find(keys.begin(), keys.end(), k) != keys.end(), k);
        const auto msg = errorOf([&] { throwIfProblems(more); });
        QVERIFY2(msg.find("problems") != std::string::npos, msg.c_str());
    }

    void jsonRoundTrip()
    {
        json j = tutorial();
        j["normalization_mode"] = {"max", "perctrim"};
        j["weighting_mode"] = "balanced";
        j["output_shape"] = {64, 1};
        const auto spec = specFrom(j);
        QCOMPARE(DatasetSpec::fromJson(spec.toJson()), spec);
        QVERIFY(spec.toJson()["bins"] == json("auto"));
    }

    void toJsonWritesKerasDnaKeywords()
    {
        // What kdna wrote before the catalog, key for key: the required keywords, the ones a
        // kind or a secondary track brings, and only those of the rest that differ.
        json j = tutorial();
        j["normalization_mode"] = {"max", "perctrim"};
        j["weighting_mode"] = "balanced";
        j["output_shape"] = {64, 1};
        j["sec_inputs"] = {"b.bw"};
        j["sec_input_length"] = 100;
        j["dummy_axis"] = 1;
        j["alphabet_axis"] = 2;
        j["downsampling"] = "mean";
        j["tg_window"] = 1;
        j["nb_annotation_type"] = 1;
        json expected = j;
        expected.erase("tg_window");
        expected["type"] = "Generator";
        expected["bins"] = "auto";
        expected["sec_normalization_mode"] = nullptr;
        expected["use_sec_as"] = "inputs";
        QCOMPARE(specFrom(j).toJson().dump(), expected.dump());

        const json sparse = {{"batch_size", 8},
                             {"fasta_file", "g.fa"},
                             {"annotation_files", {"p.bed"}},
                             {"annotation_list", {"binding site"}},
                             {"negative_type", nullptr},
                             {"predict", "start"},
                             {"seq2seq", true},
                             {"window", nullptr}};
        const json written = {{"type", "Generator"},
                              {"batch_size", 8},
                              {"fasta_file", "g.fa"},
                              {"annotation_files", {"p.bed"}},
                              {"annotation_list", {"binding site"}},
                              {"seq_len", "MAXLEN"},
                              {"negative_ratio", 1},
                              {"negative_type", nullptr},
                              {"predict", "start"},
                              {"seq2seq", true}};
        QCOMPARE(specFrom(sparse).toJson().dump(), written.dump());
    }

    void modesAreParsedOnce()
    {
        const auto spec = specFrom(json{{"fasta_file", "g.fa"},
                                        {"annotation_files", {"p.bed"}},
                                        {"annotation_list", {"gene"}},
                                        {"defined_positive", "match_any"},
                                        {"negative_type", "random"}});
        QVERIFY(spec.defined_positive == DefinedPositive::MatchAny);
        QVERIFY(spec.negative_type == NegativeType::Random);
        QVERIFY(spec.predict == PredictPoint::All);
        // A word kdna does not know stays as written, and validation names it.
        std::vector<Problem> none;
        const auto odd = DatasetSpec::fromJson(
            json{{"fasta_file", "g.fa"}, {"annotation_files", {"a.bw"}}, {"downsampling", "max"}},
            none);
        QVERIFY(none.empty());
        QVERIFY(!odd.downsampling.known());
        QVERIFY(odd.toJson()["downsampling"] == json("max"));
        bool named = false;
        for (const auto& p : validate(odd))
            named = named ||
                    (p.keyword == "downsampling" && p.message.find("'max'") != std::string::npos);
        QVERIFY(named);
    }

    void kindIsDecidedOnce()
    {
        // A name that says nothing: the content decides, read once for that file.
        const auto file = m_dir.file("annotations");
        test::writeText(file, "chr1\t100\t200\tsite\n");
        DatasetSpec spec;
        spec.annotation_files = {file.string()};
        QVERIFY(spec.kind() == DataKind::Sparse);
        test::writeText(file, "not features any more\n");
        QVERIFY(spec.isSparse());
        const DatasetSpec copy = spec;
        QVERIFY(copy.isSparse()); // a copy keeps the decision
        DatasetSpec fresh;
        fresh.annotation_files = spec.annotation_files;
        QVERIFY(fresh.kind() == DataKind::Continuous); // read afresh
        // Another file is decided again; a name decides without reading.
        spec.annotation_files = {m_dir.file("sig.bw").string()};
        QVERIFY(spec.kind() == DataKind::Continuous);
        spec.annotation_files = {"absent.narrowPeak.gz"};
        QVERIFY(spec.kind() == DataKind::Sparse);
    }

    void readmeKeywordTableIsTheCatalogs()
    {
        // The README's table is `kdna keywords --markdown`, between its two markers.
        const std::string readme = test::readText(test::sourceFile("README.md"));
        const std::string begin = "<!-- keywords: kdna keywords --markdown -->\n";
        const std::string end = "<!-- end of keywords -->";
        const auto from = readme.find(begin);
        const auto to = readme.find(end);
        QVERIFY2(from != std::string::npos && to != std::string::npos && to > from,
                 "README.md: the keyword table's markers are missing");
        const std::string table = readme.substr(from + begin.size(), to - from - begin.size());
        QCOMPARE(table, keywordTableMarkdown());
        for (const auto& k : datasetKeywordCatalog())
            QVERIFY2(table.find(std::string("| `") + k.name + "` |") != std::string::npos, k.name);
    }

    // --- examples ----------------------------------------------------------------------

    void windowEqualsFastaAndBigWig()
    {
        json j = m_base;
        j["tg_window"] = 5;
        const auto gen = openGenerator(specFrom(j));
        const Dataset& data = gen->dataset();
        QCOMPARE(data.size(), (5000 - 101 + 1) + (3000 - 101 + 1));
        std::vector<float> input(101 * 4), label(5);
        for (std::int64_t index : {std::int64_t(0), std::int64_t(57), std::int64_t(4899),
                                   std::int64_t(4900), std::int64_t(7799)}) {
            data.fill(index, {input.data(), label.data(), nullptr});
            const Locus l = data.locus(index);
            const std::string& chrom = l.chrom == "chr1" ? m_chr1 : m_chr2;
            const auto& sig = l.chrom == "chr1" ? m_sig1 : m_sig2;
            QCOMPARE(l.end - l.start, 101);
            for (int i = 0; i < 101; ++i) {
                const auto code = sequence::code(chrom[static_cast<std::size_t>(l.start + i)]);
                for (int k = 0; k < 4; ++k)
                    QCOMPARE(input[static_cast<std::size_t>(i * 4 + k)], code == k ? 1.0F : 0.0F);
            }
            // Targets: the 5 bases at the centre (offset 50 - 2).
            for (int t = 0; t < 5; ++t)
                QCOMPARE(label[static_cast<std::size_t>(t)],
                         sig[static_cast<std::size_t>(l.start + 48 + t)]);
        }
        QCOMPARE(data.locus(4900).chrom, std::string("chr2"));
        QCOMPARE(data.locus(4900).start, 0);
    }

    void reverseComplementWindow()
    {
        json j = m_base;
        j["tg_window"] = 3;
        j["incl_chromosomes"] = {"chr2"};
        const auto fwd = openGenerator(specFrom(j));
        j["rc"] = true;
        const auto rev = openGenerator(specFrom(j));
        std::vector<float> a(404), la(3), b(404), lb(3);
        fwd->dataset().fill(123, {a.data(), la.data(), nullptr});
        rev->dataset().fill(123, {b.data(), lb.data(), nullptr});
        const Locus l = fwd->dataset().locus(123);
        const std::string window = m_chr2.substr(static_cast<std::size_t>(l.start), 101);
        QVERIFY(window != sequence::reverseComplement(window)); // not a palindrome
        const std::string rc = sequence::reverseComplement(window);
        for (int i = 0; i < 101; ++i)
            for (int k = 0; k < 4; ++k)
                QCOMPARE(b[static_cast<std::size_t>(i * 4 + k)],
                         sequence::code(rc[static_cast<std::size_t>(i)]) == k ? 1.0F : 0.0F);
        QCOMPARE(lb, (std::vector<float>{la[2], la[1], la[0]}));
        QVERIFY(rev->dataset().locus(123).reverse);
    }

    void alphabetFirstLayout()
    {
        json j = m_base;
        j["alphabet_axis"] = 0;
        const auto gen = openGenerator(specFrom(j));
        QCOMPARE(gen->inputShape(), (Shape{4, 101}));
        std::vector<float> in(404), label(1);
        gen->dataset().fill(10, {in.data(), label.data(), nullptr});
        const Locus l = gen->dataset().locus(10);
        for (int i = 0; i < 101; ++i) {
            const auto code = sequence::code(m_chr1[static_cast<std::size_t>(l.start + i)]);
            for (int k = 0; k < 4; ++k)
                QCOMPARE(in[static_cast<std::size_t>(k * 101 + i)], code == k ? 1.0F : 0.0F);
        }
    }

    void unknownBasesAreZeroRows()
    {
        const auto gen = openGenerator(specFrom(m_base));
        std::vector<float> in(404), label(1);
        gen->dataset().fill(
            50, {in.data(), label.data(), nullptr}); // window [50, 151) holds NNNN at 100
        for (int i = 50; i < 54; ++i)
            for (int k = 0; k < 4; ++k)
                QCOMPARE(in[static_cast<std::size_t>(i * 4 + k)], 0.0F);
    }

    void normalisationMatchesIndependentStatistics()
    {
        json j = m_base;
        j["normalization_mode"] = {"max", "perctrim"};
        const auto gen = openGenerator(specFrom(j));
        // Independently: the 99th percentile (numpy linear) over both chromosomes.
        std::vector<double> all(m_sig1.begin(), m_sig1.end());
        all.insert(all.end(), m_sig2.begin(), m_sig2.end());
        std::sort(all.begin(), all.end());
        const double pos = 0.99 * static_cast<double>(all.size() - 1);
        const auto lo = static_cast<std::size_t>(pos);
        const double p99 = all[lo] + (pos - static_cast<double>(lo)) * (all[lo + 1] - all[lo]);
        const auto& steps = gen->dataset().statistics().labels.at(0).steps();
        QCOMPARE(steps.size(), std::size_t(2));
        QVERIFY(std::abs(steps[0].a - p99) < 1e-4);
        QVERIFY(std::abs(steps[1].a - p99) < 1e-4); // max of the trimmed data
        // The outlier at chr1:2500 is clipped to 1.
        std::vector<float> in(404), label(1);
        gen->dataset().fill(2500 - 50, {in.data(), label.data(), nullptr});
        QCOMPARE(label[0], 1.0F);
        gen->dataset().fill(10, {in.data(), label.data(), nullptr});
        QVERIFY(std::abs(label[0] - static_cast<float>(m_sig1[60] / p99)) < 1e-5);

        j["normalization_mode"] = "zscore";
        const auto z = openGenerator(specFrom(j));
        double mean =
            std::accumulate(all.begin(), all.end(), 0.0) / static_cast<double>(all.size());
        double var = 0;
        for (double v : all)
            var += (v - mean) * (v - mean);
        const double sd = std::sqrt(var / static_cast<double>(all.size()));
        const auto& zs = z->dataset().statistics().labels.at(0).steps().at(0);
        QVERIFY(std::abs(zs.a - mean) < 1e-3);
        QVERIFY(std::abs(zs.b - sd) < 1e-3);

        j["normalization_mode"] = "logtransform";
        const auto lg = openGenerator(specFrom(j));
        lg->dataset().fill(10, {in.data(), label.data(), nullptr});
        QVERIFY(std::abs(label[0] - std::log1p(m_sig1[60])) < 1e-5);
    }

    void balancedWeights()
    {
        json j = m_base;
        j["weighting_mode"] = "balanced";
        j["bins"] = 10;
        const auto gen = openGenerator(specFrom(j));
        const auto& w = gen->dataset().statistics().weights.at(0);
        QCOMPARE(w.binCount(), std::size_t(10));
        // Independently: 10 equal bins over (min - 0.001, max]; weight = 1 / (p_bin * 10).
        std::vector<float> all(m_sig1.begin(), m_sig1.end());
        all.insert(all.end(), m_sig2.begin(), m_sig2.end());
        const double lo = *std::min_element(all.begin(), all.end()) - 0.001;
        const double hi = *std::max_element(all.begin(), all.end());
        std::vector<double> counts(10, 0);
        for (float v : all)
            counts[std::min<std::size_t>(9, static_cast<std::size_t>((v - lo) / (hi - lo) * 10))] +=
                1;
        for (float probe : {0.5F, 20.0F, 36.0F, 500.0F}) {
            const auto bin =
                std::min<std::size_t>(9, static_cast<std::size_t>((probe - lo) / (hi - lo) * 10));
            const double expected = 1.0 / (counts[bin] / 8000.0 * 10.0);
            QVERIFY2(std::abs(w.weight(probe) - expected) < 1e-3 * expected,
                     std::to_string(probe).c_str());
        }
        QVERIFY(w.weight(500.0F) > w.weight(10.0F)); // the rare outlier weighs more
        const Batch b = gen->batch(0);
        QCOMPARE(b.weights.shape, (Shape{8}));
        QVERIFY(std::all_of(b.weights.values.begin(), b.weights.values.end(),
                            [](float x) { return x > 0; }));
        j["bins"] = "auto";
        const auto autoGen = openGenerator(specFrom(j));
        QVERIFY(autoGen->dataset().statistics().weights.at(0).binCount() > 10);
    }

    void secondaryInputsAndTargets()
    {
        json j = m_base;
        j["tg_window"] = 10;
        j["sec_inputs"] = {m_dir.file("sec.bw").string()};
        j["sec_input_length"] = 20;
        j["sec_input_shape"] = {8, 20};
        const auto gen = openGenerator(specFrom(j));
        QCOMPARE(gen->secondaryShape(), (Shape{20}));
        const Batch b = gen->batch(3);
        QCOMPARE(b.inputs.size(), std::size_t(2));
        QCOMPARE(b.inputs[1].shape, (Shape{8, 20}));
        const auto first = gen->exampleIndices(3).front();
        const Locus l = gen->dataset().locus(first);
        const auto& sec = l.chrom == "chr1" ? m_sec1 : m_sec2;
        for (int i = 0; i < 20; ++i)
            QCOMPARE(b.inputs[1].values[static_cast<std::size_t>(i)],
                     sec[static_cast<std::size_t>(l.start + 50 - 10 + i)]);
        j["use_sec_as"] = "targets";
        const auto asTargets = openGenerator(specFrom(j));
        const Batch t = asTargets->batch(0);
        QCOMPARE(t.inputs.size(), std::size_t(1));
        QCOMPARE(t.targets.size(), std::size_t(2));
    }

    void downsamplingMeansBlocks()
    {
        json j = m_base;
        j["window"] = 100;
        j["tg_window"] = 10;
        j["downsampling"] = "mean";
        const auto gen = openGenerator(specFrom(j));
        std::vector<float> in(400), label(10);
        gen->dataset().fill(7, {in.data(), label.data(), nullptr});
        for (int t = 0; t < 10; ++t) {
            double s = 0;
            for (int i = 0; i < 10; ++i)
                s += m_sig1[static_cast<std::size_t>(7 + t * 10 + i)];
            QVERIFY(std::abs(label[static_cast<std::size_t>(t)] - s / 10) < 1e-4);
        }
    }

    void nonOverlappingStepsByTgWindow()
    {
        json j = m_base;
        j["tg_window"] = 50;
        j["overlapping"] = false;
        const auto gen = openGenerator(specFrom(j));
        QCOMPARE(gen->dataset().size(), (5000 - 101) / 50 + 1 + (3000 - 101) / 50 + 1);
        QCOMPARE(gen->dataset().locus(1).start, 50);
    }

    void sameSeedSameBatchesWhateverThreads()
    {
        json j = m_base;
        j["normalization_mode"] = "max";
        j["seed"] = 42;
        GeneratorOptions one;
        one.workers = 1;
        GeneratorOptions four;
        four.workers = 4;
        const auto a = openGenerator(specFrom(j), nullptr, one);
        const auto b = openGenerator(specFrom(j), nullptr, four);
        BatchStream sa(*a, 0, 30), sb(*b, 0, 30);
        for (int i = 0; i < 30; ++i) {
            const Batch x = sa.next();
            const Batch y = sb.next();
            QCOMPARE(x.index, y.index);
            QCOMPARE(x.inputs[0].values, y.inputs[0].values);
            QCOMPARE(x.targets[0].values, y.targets[0].values);
        }
        // Another seed, another order; every pass is a permutation of all examples.
        j["seed"] = 43;
        const auto c = openGenerator(specFrom(j));
        QVERIFY(c->exampleIndices(0) != a->exampleIndices(0));
        std::vector<std::int64_t> seen;
        for (std::int64_t g = 0; g < a->batchesPerEpoch(); ++g)
            for (auto i : a->exampleIndices(g))
                seen.push_back(i);
        std::sort(seen.begin(), seen.end());
        QVERIFY(std::adjacent_find(seen.begin(), seen.end()) == seen.end());
        QCOMPARE(static_cast<std::int64_t>(seen.size()), a->batchesPerEpoch() * 8);
        // The next pass is shuffled differently.
        QVERIFY(a->exampleIndices(a->batchesPerEpoch()) != a->exampleIndices(0));
    }

    void multiGeneratorMixesDatasets()
    {
        json d1 = m_base;
        d1.erase("batch_size");
        json d2 = d1;
        d2["rc"] = true;
        const json m = {{"type", "MultiGenerator"},
                        {"batch_size", 16},
                        {"dataset_list", {d1, d2}},
                        {"inst_per_dataset", {100, 50}}};
        std::vector<Problem> problems;
        AnySpec spec = anySpecFromJson(m, problems);
        QVERIFY(problems.empty());
        const auto gen = openGenerator(spec, nullptr);
        QCOMPARE(gen->dataset().size(), 150);
        QCOMPARE(gen->batchesPerEpoch(), 9);
        int reversed = 0;
        for (std::int64_t i = 0; i < 150; ++i)
            reversed += gen->dataset().locus(i).reverse;
        QCOMPARE(reversed, 50);
        json bad = m;
        bad["inst_per_dataset"] = {100, 100000};
        spec = anySpecFromJson(bad, problems);
        const auto msg = errorOf([&] { (void)openGenerator(spec, nullptr); });
        QVERIFY2(msg.find("inst_per_dataset") != std::string::npos, msg.c_str());
    }

    void clearErrors()
    {
        json j = m_base;
        j["incl_chromosomes"] = {"1"};
        auto msg = errorOf([&] { (void)openGenerator(specFrom(j)); });
        QVERIFY2(msg.find("incl_chromosomes") != std::string::npos, msg.c_str());
        QVERIFY2(msg.find("did you mean 'chr1'") != std::string::npos, msg.c_str());

        j = m_base;
        j["window"] = 6000;
        msg = errorOf([&] { (void)openGenerator(specFrom(j)); });
        QVERIFY2(msg.find("window: 6,000 bp is longer than every included chromosome") !=
                     std::string::npos,
                 msg.c_str());

        j = m_base;
        j["incl_chromosomes"] = {"chr1", "tiny"};
        const auto gen = openGenerator(specFrom(j)); // tiny is too short: a note, not an error
        QCOMPARE(gen->dataset().size(), 4900);
        const auto notes = gen->dataset().summary().notes;
        QVERIFY(std::any_of(notes.begin(), notes.end(),
                            [](const auto& n) { return n.find("tiny") != std::string::npos; }));

        j = m_base;
        j["annotation_files"] = {m_dir.file("missing.bw").string()};
        msg = errorOf([&] { (void)openGenerator(specFrom(j)); });
        QVERIFY2(msg.find("missing.bw: no such file") != std::string::npos, msg.c_str());
    }

    void cliShapePrintsTheShapesOrTheProblems()
    {
        const auto kdna = test::builtTool("app/cli/kdna");
        if (!std::filesystem::exists(kdna))
            QSKIP("the kdna executable is not built");
        json j = m_base;
        j["dummy_axis"] = 1;
        j["alphabet_axis"] = 2;
        j["tg_window"] = 10;
        j["annotation_files"] = {m_dir.file("sig.bw").string(), m_dir.file("sig.bw").string(),
                                 m_dir.file("sig.bw").string(), m_dir.file("sig.bw").string()};
        j["nb_annotation_type"] = 2;
        test::writeText(m_dir.file("spec.json"), j.dump());
        std::string out;
        QCOMPARE(
            test::run(kdna.string() + " shape " + m_dir.file("spec.json").string() + " --stats",
                      &out),
            0);
        QVERIFY2(out.find("predict_input_shape       (101, 1, 4)") != std::string::npos,
                 out.c_str());
        QVERIFY2(out.find("predict_label_shape       (10, 2, 2)") != std::string::npos,
                 out.c_str());
        QVERIFY2(out.find("examples: 7,800") != std::string::npos, out.c_str());
        j["output_shape"] = {8, 3};
        j["bins"] = -2;
        test::writeText(m_dir.file("bad.json"), j.dump());
        QCOMPARE(
            test::run(kdna.string() + " shape " + m_dir.file("bad.json").string() + " 2>&1", &out),
            1);
        QVERIFY2(out.find("output_shape") != std::string::npos, out.c_str());
        QVERIFY2(out.find("bins") != std::string::npos, out.c_str());
    }

    void cliShapeAndBatchesReadProjectsAndGeneratorCommands()
    {
        // `kdna model X.kdna --commands` prints [training, validation] generator commands; a
        // project holds its spec under "dataset": both are what a user has at hand.
        const auto kdna = test::builtTool("app/cli/kdna");
        if (!std::filesystem::exists(kdna))
            QSKIP("the kdna executable is not built");
        json other = m_base;
        other["window"] = 51;
        const std::vector<std::pair<std::string, json>> files = {
            {"bare.json", m_base},
            {"project.json",
             {{"kdna_project", 1}, {"dataset", m_base}, {"validation_dataset", other}}},
            {"commands.json", json::array({{{"type", "Generator"}, {"arguments", m_base}},
                                           {{"type", "Generator"}, {"arguments", other}}})},
            {"command.json", {{"type", "Generator"}, {"arguments", m_base}}}};
        for (const auto& [name, content] : files) {
            test::writeText(m_dir.file(name), content.dump());
            std::string out;
            int rc =
                test::run(kdna.string() + " shape " + m_dir.file(name).string() + " 2>&1", &out);
            QVERIFY2(rc == 0, (name + ": " + out).c_str());
            QVERIFY2(out.find("predict_input_shape       (101, 4)") != std::string::npos,
                     (name + ": " + out).c_str());
            rc = test::run(kdna.string() + " batches -n 1 " + m_dir.file(name).string() + " 2>&1",
                           &out);
            QVERIFY2(rc == 0, (name + ": " + out).c_str());
            QVERIFY2(out.find("input 0  (8, 101, 4)") != std::string::npos,
                     (name + ": " + out).c_str());
        }
        test::writeText(m_dir.file("nocommand.json"), json::array({nullptr, nullptr}).dump());
        std::string out;
        QCOMPARE(
            test::run(kdna.string() + " shape " + m_dir.file("nocommand.json").string() + " 2>&1",
                      &out),
            1);
        QVERIFY2(out.find("no training generator") != std::string::npos, out.c_str());
    }

    void realTutorialData()
    {
        KDNA_REQUIRE_YEAST(data);
        json j = tutorial();
        j["fasta_file"] = (data / "sacCer3.fa").string();
        j["annotation_files"] = {(data / "nucleosome_occupancy.bw").string(),
                                 (data / "nucleosome_coverage_danpos.bw").string()};
        j["normalization_mode"] = {"max", "perctrim"};
        j["tg_window"] = 100;
        j["sec_inputs"] = {(data / "nucleosome_coverage_danpos.bw").string(),
                           (data / "nucleosome_coverage_danpos.bw").string()};
        j["sec_input_length"] = 100;
        j["sec_nb_annotation"] = 1;
        const auto gen = openGenerator(specFrom(j));
        QCOMPARE(gen->inputShape(), (Shape{2001, 4}));
        QCOMPARE(gen->labelShape(), (Shape{100, 2}));
        QCOMPARE(gen->secondaryShape(), (Shape{100, 2, 1}));
        // A window and its targets against direct reads.
        const Batch b = gen->batch(5);
        const auto index = gen->exampleIndices(5)[3];
        const Locus l = gen->dataset().locus(index);
        const auto genome = Genome::open(data / "sacCer3.fa");
        const std::string bases = genome.fetch(l.chrom, l.start, l.end);
        const float* in = b.inputs[0].values.data() + 3 * 2001 * 4;
        for (int i = 0; i < 2001; ++i)
            for (int k = 0; k < 4; ++k)
                QCOMPARE(in[i * 4 + k],
                         sequence::code(bases[static_cast<std::size_t>(i)]) == k ? 1.0F : 0.0F);
        const auto raw = BigWigReader::open(data / "nucleosome_occupancy.bw")
                             .values(l.chrom, l.start + 950, l.start + 1050);
        const auto& norm = gen->dataset().statistics().labels[0];
        const float* label = b.targets[0].values.data() + 3 * 200;
        for (int t = 0; t < 100; ++t)
            QCOMPARE(label[t * 2], norm.apply(raw[static_cast<std::size_t>(t)]));
    }
};

QTEST_GUILESS_MAIN(TestData)
#include "test_data.moc"
