#include "core/data/generator.h"
#include "core/data/shapes.h"
#include "core/tracks/bigwig.h"
#include "core/tracks/features.h"
#include "core/util/error.h"
#include "support/fixtures.h"

#include <algorithm>
#include <set>

#include <QTest>

#include <nlohmann/json.hpp>

using namespace kdna;
using kdna::test::errorOf;
using nlohmann::json;

namespace {

/// The spec of windows of `seqLen` 299 centred on the starts (strand-aware) of the genes and
/// dubious ORFs of `gff`, without negatives.
json geneStarts(int batch, const std::filesystem::path& fasta, const std::filesystem::path& gff)
{
    return {{"batch_size", batch},
            {"fasta_file", fasta.string()},
            {"annotation_files", {gff.string()}},
            {"annotation_list", {"gene", "dubious_ORF"}},
            {"seq_len", 299},
            {"predict", "start"},
            {"negative_type", nullptr}};
}

struct Example {
    Locus locus;
    std::vector<float> input;
    std::vector<float> label;
    float weight = 1;
};

Example exampleOf(const Dataset& d, std::int64_t i)
{
    Example e;
    e.locus = d.locus(i);
    e.input.resize(static_cast<std::size_t>(d.inputLength() * 4));
    e.label.resize(static_cast<std::size_t>(elementCount(d.labelShape())));
    e.weight = d.fill(i, {e.input.data(), e.label.data(), nullptr});
    return e;
}

bool overlaps(std::int64_t a, std::int64_t b, std::int64_t c, std::int64_t d)
{
    return a < d && c < b;
}

json tutorialBed()
{
    return {{"batch_size", 64},
            {"fasta_file", "hg38.fa"},
            {"annotation_files", {"taf15.bed", "taf15_heart.bed"}},
            {"annotation_list", {"binding site"}},
            {"incl_chromosomes", {"chr1", "chr2", "chr3", "chr4", "chr5"}},
            {"seq2seq", false},
            {"data_augmentation", false},
            {"defined_positive", "match_any"},
            {"seq_len", 404},
            {"negative_type", nullptr}};
}

} // namespace

class TestSparse : public QObject {
    Q_OBJECT

    test::ScratchDir m_dir;
    // Features on chr1 (20 kb): [1000,1100) [5000,5050) [5030,5200) [9000,9300) and near the
    // end [19990, 20000); chr2 (10 kb): [4000,4120).
    json m_bed;

private Q_SLOTS:
    void initTestCase()
    {
        qputenv("XDG_CACHE_HOME", QByteArray::fromStdString(m_dir.file("cache").string()));
        test::writeFasta(m_dir.file("g.fa"), {{"chr1", test::randomBases(20000, 3)},
                                              {"chr2", test::randomBases(10000, 4)}});
        test::writeText(m_dir.file("sites.bed"), "chr1\t1000\t1100\ta\nchr1\t5000\t5050\tb\n"
                                                 "chr1\t5030\t5200\tc\nchr1\t9000\t9300\td\n"
                                                 "chr1\t19990\t20000\te\nchr2\t4000\t4120\tf\n");
        test::writeText(m_dir.file("genes.gff3"),
                        "##gff-version 3\n"
                        "chr1\tt\tgene\t2001\t2600\t.\t+\t.\tID=g1\n"
                        "chr1\tt\tgene\t8001\t8900\t.\t-\t.\tID=g2\n"
                        "chr1\tt\tdubious_ORF\t12001\t12300\t.\t-\t.\tID=d1\n"
                        "chr2\tt\tother_gene\t3001\t3100\t.\t+\t.\tID=o1\n");
        m_bed = {{"batch_size", 4},
                 {"fasta_file", m_dir.file("g.fa").string()},
                 {"annotation_files", {m_dir.file("sites.bed").string()}},
                 {"annotation_list", {"binding site"}},
                 {"seq_len", 301},
                 {"negative_ratio", 1},
                 {"negative_type", "real"}};
    }

    void tutorialShapes()
    {
        QCOMPARE(predictLabelShape(DatasetSpec::fromJson(tutorialBed())), (Shape{2, 1}));
        json j = tutorialBed();
        j["seq2seq"] = true;
        j["seq_len"] = 420;
        QCOMPARE(predictLabelShape(DatasetSpec::fromJson(j)), (Shape{420, 2, 1}));
        j = {{"batch_size", 64},
             {"fasta_file", "hg38.fa"},
             {"annotation_files", {"hg38_gene.gff"}},
             {"annotation_list", {"gene", "pseudogene"}},
             {"incl_chromosomes", {"chr1"}},
             {"seq_len", 299},
             {"predict", "start"}};
        QCOMPARE(predictLabelShape(DatasetSpec::fromJson(j)), (Shape{1, 2}));
        j = tutorialBed();
        j["seq2seq"] = true;
        j["seq_len"] = 416;
        j["dummy_axis"] = 2;
        j["annotation_files"] = {"taf15.bed"};
        j["output_shape"] = {64, 416, 1};
        const auto spec = DatasetSpec::fromJson(j);
        QCOMPARE(predictInputShape(spec), (Shape{416, 4, 1}));
        QCOMPARE(predictLabelShape(spec), (Shape{416, 1}));
    }

    void positivesAreCentredAndNegativesTouchNothing()
    {
        const auto gen = openGenerator(DatasetSpec::fromJson(m_bed));
        const Dataset& d = gen->dataset();
        const auto s = d.summary();
        QCOMPARE(s.positives, 5); // the feature at the chromosome end cannot be placed
        QCOMPARE(s.negatives, 5);
        QVERIFY(std::any_of(s.notes.begin(), s.notes.end(), [](const auto& n) {
            return n.find("too close to a chromosome end") != std::string::npos;
        }));
        const std::vector<std::pair<std::int64_t, std::int64_t>> chr1 = {
            {1000, 1100}, {5000, 5050}, {5030, 5200}, {9000, 9300}, {19990, 20000}};
        for (std::int64_t i = 0; i < d.size(); ++i) {
            const Example e = exampleOf(d, i);
            QCOMPARE(e.locus.end - e.locus.start, 301);
            if (e.locus.kind == "positive") {
                QCOMPARE(e.label, std::vector<float>{1.0F});
            } else {
                QCOMPARE(e.locus.kind, std::string("negative"));
                QCOMPARE(e.label, std::vector<float>{0.0F});
                if (e.locus.chrom == "chr1")
                    for (const auto& [a, b] : chr1)
                        QVERIFY(!overlaps(e.locus.start, e.locus.end, a, b));
                else
                    QVERIFY(!overlaps(e.locus.start, e.locus.end, 4000, 4120));
            }
        }
        // [1000,1100): wx = 201, the odd base goes left: window starts at 1000 - 100 - 1.
        QCOMPARE(d.locus(0).start, 899);
        QCOMPARE(d.locus(0).chrom, std::string("chr1"));
    }

    void matchAllAndMatchAny()
    {
        // Two cell types: both files hold the feature, so its window is (1, 1).
        json j = m_bed;
        j["negative_type"] = nullptr;
        j["annotation_files"] = {m_dir.file("sites.bed").string(),
                                 m_dir.file("sites.bed").string()};
        auto d = openDataset(DatasetSpec::fromJson(j));
        QCOMPARE(d->labelShape(), (Shape{2, 1}));
        bool found = false;
        for (std::int64_t i = 0; i < d->size(); ++i) {
            const Example e = exampleOf(*d, i);
            QCOMPARE(e.label, (std::vector<float>{1.0F, 1.0F}));
            found |= e.locus.start == 5000 - 125 - 1;
        }
        QVERIFY(found);

        // A gene [3000,3100) and an ORF [3080,3200) that its window [2949,3150) cuts.
        test::writeText(m_dir.file("pair.gff3"),
                        "##gff-version 3\n"
                        "chr1\tt\tgene\t3001\t3100\t.\t+\t.\tID=g\n"
                        "chr1\tt\tdubious_ORF\t3081\t3200\t.\t+\t.\tID=o\n");
        j = m_bed;
        j["annotation_files"] = {m_dir.file("pair.gff3").string()};
        j["annotation_list"] = {"gene", "dubious_ORF"};
        j["seq_len"] = 201;
        j["negative_type"] = nullptr;
        d = openDataset(DatasetSpec::fromJson(j));
        QCOMPARE(d->locus(0).start, 2949);
        QCOMPARE(exampleOf(*d, 0).label, (std::vector<float>{1.0F, 0.0F}));
        QCOMPARE(exampleOf(*d, 1).label, (std::vector<float>{0.0F, 1.0F}));
        j["defined_positive"] = "match_any";
        d = openDataset(DatasetSpec::fromJson(j));
        QCOMPARE(exampleOf(*d, 0).label, (std::vector<float>{1.0F, 1.0F}));
        QCOMPARE(exampleOf(*d, 1).label, (std::vector<float>{1.0F, 1.0F}));

        // seq2seq: per-base labels are the features' coverage.
        j = m_bed;
        j["negative_type"] = nullptr;
        j["seq_len"] = 101;
        j["data_augmentation"] = true; // to place the longer features
        j["seq2seq"] = true;
        j["defined_positive"] = "match_any";
        d = openDataset(DatasetSpec::fromJson(j));
        QCOMPARE(d->labelShape(), (Shape{101, 1, 1}));
        for (std::int64_t i = 0; i < d->size(); i += 7) {
            const Example ex = exampleOf(*d, i);
            for (std::int64_t p = 0; p < 101; ++p) {
                const std::int64_t pos = ex.locus.start + p;
                bool covered = false;
                if (ex.locus.chrom == "chr1")
                    for (auto [a, b] :
                         {std::pair{1000, 1100}, std::pair{5000, 5050}, std::pair{5030, 5200},
                          std::pair{9000, 9300}, std::pair{19990, 20000}})
                        covered |= pos >= a && pos < b;
                else
                    covered = pos >= 4000 && pos < 4120;
                QCOMPARE(ex.label[static_cast<std::size_t>(p)], covered ? 1.0F : 0.0F);
            }
        }
    }

    void augmentationEnumeratesEveryWindowHoldingTheFeature()
    {
        json j = m_bed;
        j["data_augmentation"] = true;
        j["negative_type"] = nullptr;
        j["incl_chromosomes"] = {"chr2"};
        const auto d = openDataset(DatasetSpec::fromJson(j));
        QCOMPARE(d->size(), 301 - 120 + 1);
        for (std::int64_t i = 0; i < d->size(); ++i) {
            const Locus l = d->locus(i);
            QVERIFY(l.start <= 4000 && l.end >= 4120);
        }
        // Positives longer than seq_len are cut into every window inside them.
        j["seq_len"] = 100;
        j["incl_chromosomes"] = {"chr1"};
        const auto cut = openDataset(DatasetSpec::fromJson(j));
        // 1 + 51 + 71 + 201, and 1 for [19990,20000): only its last window fits the chromosome.
        QCOMPARE(cut->summary().positivesPerAnnotation.begin()->second,
                 (100 - 100 + 1) + (100 - 50 + 1) + (170 - 100 + 1) + (300 - 100 + 1) + 1);
    }

    void negativeRatioAndRandomNegatives()
    {
        json j = m_bed;
        j["negative_ratio"] = 3;
        auto d = openDataset(DatasetSpec::fromJson(j));
        QCOMPARE(d->summary().negatives, 15);
        j["negative_type"] = "random";
        j["negative_ratio"] = 2;
        d = openDataset(DatasetSpec::fromJson(j));
        QCOMPARE(d->summary().negatives, 10);
        const Example r = exampleOf(*d, d->size() - 1);
        QCOMPARE(r.locus.kind, std::string("random"));
        QCOMPARE(r.label, std::vector<float>{0.0F});
        for (std::size_t i = 0; i < 301; ++i) {
            float rowSum = 0;
            for (std::size_t k = 0; k < 4; ++k)
                rowSum += r.input[i * 4 + k];
            QCOMPARE(rowSum, 1.0F);
        }
        QCOMPARE(exampleOf(*d, d->size() - 1).input, r.input); // deterministic
        QVERIFY(exampleOf(*d, d->size() - 2).input != r.input);
        j["negative_type"] = nullptr;
        d = openDataset(DatasetSpec::fromJson(j));
        QCOMPARE(d->summary().negatives, 0);
    }

    void balancedClassWeights()
    {
        json j = m_bed;
        j["negative_ratio"] = 3;
        j["weighting_mode"] = "balanced";
        const auto d = openDataset(DatasetSpec::fromJson(j));
        const float pos = exampleOf(*d, 0).weight;
        const float neg = exampleOf(*d, d->size() - 1).weight;
        QVERIFY(std::abs(pos - 20.0F / (2 * 5)) < 1e-6);
        QVERIFY(std::abs(neg - 20.0F / (2 * 15)) < 1e-6);
    }

    void gffPredictStartIsStrandAware()
    {
        json j = geneStarts(2, m_dir.file("g.fa"), m_dir.file("genes.gff3"));
        const auto d = openDataset(DatasetSpec::fromJson(j));
        QCOMPARE(d->labelShape(), (Shape{1, 2}));
        QCOMPARE(d->size(), 3);
        std::set<std::int64_t> centres;
        for (std::int64_t i = 0; i < 3; ++i) {
            const Locus l = d->locus(i);
            centres.insert(l.start + 149);
        }
        // '+' gene starts at 2000 (0-based); '-' gene and ORF start at their end - 1.
        QCOMPARE(centres, (std::set<std::int64_t>{2000, 8899, 12299}));
        const Example orf = exampleOf(*d, 2);
        QCOMPARE(orf.label, (std::vector<float>{0.0F, 1.0F}));
        j["predict"] = "stop";
        j["use_strand"] = true;
        const auto stop = openDataset(DatasetSpec::fromJson(j));
        std::set<std::int64_t> stops;
        int reversed = 0;
        for (std::int64_t i = 0; i < 3; ++i) {
            stops.insert(stop->locus(i).start + 149);
            reversed += stop->locus(i).reverse;
        }
        QCOMPARE(stops, (std::set<std::int64_t>{2599, 8000, 12000}));
        QCOMPARE(reversed, 2);
    }

    void errorsNameWhatIsWrong()
    {
        json j = m_bed;
        j["annotation_files"] = {m_dir.file("genes.gff3").string()};
        j["annotation_list"] = {"gene", "pseudogene"};
        auto msg = errorOf([&] { (void)openDataset(DatasetSpec::fromJson(j)); });
        QVERIFY2(msg.find("annotation_list: 'pseudogene' is not a feature type") !=
                     std::string::npos,
                 msg.c_str());
        QVERIFY2(msg.find("'dubious_ORF', 'gene', 'other_gene'") != std::string::npos, msg.c_str());

        j = m_bed;
        j["seq_len"] = 200;
        msg = errorOf([&] { (void)openDataset(DatasetSpec::fromJson(j)); });
        QVERIFY2(msg.find("seq_len: 200 is shorter than 1 positive(s) (the longest is 300 bp)") !=
                     std::string::npos,
                 msg.c_str());

        test::writeText(m_dir.file("roman.bed"), "I\t100\t200\nchr1\t300\t400\n");
        j = m_bed;
        j["annotation_files"] = {m_dir.file("roman.bed").string()};
        msg = errorOf([&] { (void)openDataset(DatasetSpec::fromJson(j)); });
        QVERIFY2(msg.find("chromosome 'I' is not in the genome") != std::string::npos, msg.c_str());
        j["excl_chromosomes"] = {"chr2"};
        msg = errorOf([&] { (void)openDataset(DatasetSpec::fromJson(j)); });
        QVERIFY2(!msg.empty(), "still an error: 'I' is not excluded");

        j = m_bed;
        j["annotation_list"] = {"a", "b"};
        msg = errorOf([&] { (void)openDataset(DatasetSpec::fromJson(j)); });
        QVERIFY2(msg.find("holds one kind of annotation") != std::string::npos, msg.c_str());

        j = m_bed;
        j["predict"] = "start";
        msg = errorOf([&] { (void)openDataset(DatasetSpec::fromJson(j)); });
        QVERIFY2(msg.find("predict: 'start' needs strands") != std::string::npos, msg.c_str());
    }

    void namingMismatchIsNamedWhenNothingLiesOnTheIncludedChromosomes()
    {
        // keras_dna users often pair an Ensembl BED ('1') with a UCSC genome ('chr1'): the
        // features are then silently off every included chromosome.
        test::writeText(m_dir.file("ensembl.bed"), "1\t100\t200\n1\t300\t400\n2\t500\t600\n");
        json j = m_bed;
        j["annotation_files"] = {m_dir.file("ensembl.bed").string()};
        j["incl_chromosomes"] = {"chr1"};
        const auto msg = errorOf([&] { (void)openDataset(DatasetSpec::fromJson(j)); });
        QVERIFY2(msg.find("the annotation names chromosomes '1', '2', the genome 'chr1', 'chr2'") !=
                     std::string::npos,
                 msg.c_str());
        QVERIFY2(msg.find("rename them") != std::string::npos, msg.c_str());

        // No alias: the plain message stays.
        test::writeText(m_dir.file("elsewhere.bed"), "chr2\t100\t200\n");
        j["annotation_files"] = {m_dir.file("elsewhere.bed").string()};
        const auto plain = errorOf([&] { (void)openDataset(DatasetSpec::fromJson(j)); });
        QVERIFY2(plain.find("lies on the included chromosomes") != std::string::npos,
                 plain.c_str());
        QVERIFY2(plain.find("rename") == std::string::npos, plain.c_str());
    }

    void maxlenIsTheLongestPositive()
    {
        json j = m_bed;
        j["seq_len"] = "MAXLEN";
        const auto gen = openGenerator(DatasetSpec::fromJson(j));
        QCOMPARE(gen->dataset().inputLength(), 300);
        QCOMPARE(gen->inputShape(), (Shape{300, 4}));
        const auto s = gen->dataset().summary();
        QCOMPARE(s.minLength, 10);
        QCOMPARE(s.maxLength, 300);
    }

    void secondaryTargetsWithLabels()
    {
        const std::vector<Chromosome> sizes = {{"chr1", 20000}, {"chr2", 10000}};
        BigWigWriter w(m_dir.file("cov.bw"), sizes);
        w.addValues("chr1", 0, std::vector<float>(20000, 2.0F));
        w.addValues("chr2", 0, std::vector<float>(10000, 4.0F));
        w.finish();
        json j = m_bed;
        j["sec_inputs"] = {m_dir.file("cov.bw").string()};
        j["sec_input_length"] = 301;
        j["sec_input_shape"] = {4, 301};
        j["sec_normalization_mode"] = "max";
        j["use_sec_as"] = "targets";
        j["output_shape"] = {4, 1};
        const auto gen = openGenerator(DatasetSpec::fromJson(j));
        const Batch b = gen->batch(0);
        QCOMPARE(b.targets.size(), std::size_t(2));
        QCOMPARE(b.targets[0].shape, (Shape{4, 1}));
        QCOMPARE(b.targets[1].shape, (Shape{4, 301}));
        const auto [mn, mx] =
            std::minmax_element(b.targets[1].values.begin(), b.targets[1].values.end());
        QVERIFY(*mn >= 0.5F && *mx <= 1.0F);
    }

    void realNucleosomeCalls()
    {
        KDNA_REQUIRE_YEAST(data);
        json j = {{"batch_size", 64},
                  {"fasta_file", (data / "sacCer3.fa").string()},
                  {"annotation_files", {(data / "nucleosomes_danpos.bed").string()}},
                  {"annotation_list", {"nucleosome"}},
                  {"incl_chromosomes", {"chrI", "chrII", "chrIII", "chrIV", "chrV", "chrVI"}},
                  {"seq_len", 201},
                  {"negative_ratio", 1},
                  {"negative_type", "real"}};
        const auto d = openDataset(DatasetSpec::fromJson(j));
        QCOMPARE(d->labelShape(), (Shape{1, 1}));
        const auto calls = readBed(data / "nucleosomes_danpos.bed");
        std::map<std::string, std::vector<std::pair<std::int64_t, std::int64_t>>> byChrom;
        for (const auto& f : calls.features)
            byChrom[calls.chromName(f)].emplace_back(f.start, f.end);
        for (auto& [c, v] : byChrom)
            std::sort(v.begin(), v.end());
        const auto s = d->summary();
        QVERIFY(s.positives > 20000);
        QCOMPARE(s.negatives, s.positives); // negative_ratio 1, and linkers leave room for them
        std::int64_t checked = 0, negatives = 0;
        for (std::int64_t i = 0; i < d->size(); i += 37) {
            const Locus l = d->locus(i);
            const auto& v = byChrom[l.chrom];
            // Calls that start before the window's end, scanned back.
            const auto it = std::lower_bound(v.begin(), v.end(), std::pair{l.end, std::int64_t{0}});
            bool wholeInside = false, touches = false;
            for (auto k = it; k != v.begin();) {
                --k;
                if (k->first < l.start - 200)
                    break;
                wholeInside |= k->first >= l.start && k->second <= l.end;
                touches |= overlaps(l.start, l.end, k->first, k->second);
            }
            if (l.kind == "positive")
                QVERIFY2(wholeInside, l.toString().c_str());
            else {
                QVERIFY2(!touches, l.toString().c_str());
                ++negatives;
            }
            ++checked;
        }
        QVERIFY(checked > 1000 && negatives > 100);
    }

    void realGenesPredictStart()
    {
        KDNA_REQUIRE_YEAST(data);
        json j = geneStarts(64, data / "sacCer3.fa", data / "sacCer3_genes.gff3");
        const auto d = openDataset(DatasetSpec::fromJson(j));
        QCOMPARE(d->labelShape(), (Shape{1, 2}));
        const auto genes = readGff(data / "sacCer3_genes.gff3");
        // The window of a '-' strand gene is centred on its end coordinate (end - 1, 0-based).
        std::set<std::pair<std::string, std::int64_t>> centres;
        for (std::int64_t i = 0; i < d->size(); ++i) {
            const Locus l = d->locus(i);
            centres.insert({l.chrom, l.start + 149});
        }
        int minus = 0;
        for (const auto& f : genes.features) {
            if (genes.typeName(f) != "gene" || f.strand != Strand::Reverse)
                continue;
            if (f.end - 1 < 149 || f.end + 150 > 230218) // may sit too close to an end
                continue;
            QVERIFY2(centres.count({genes.chromName(f), f.end - 1}) == 1, f.name.c_str());
            if (++minus > 200)
                break;
        }
        QVERIFY(minus > 100);
    }
};

QTEST_GUILESS_MAIN(TestSparse)
#include "test_sparse.moc"
