#include "core/project/demo_data.h"
#include "core/project/inspect.h"
#include "support/fixtures.h"
#include "core/util/error.h"

#include <QTest>

using namespace kdna;

class TestInspect : public QObject {
    Q_OBJECT

    test::ScratchDir m_dir;

    static bool contains(const std::string& haystack, const std::string& needle)
    {
        return haystack.find(needle) != std::string::npos;
    }

private Q_SLOTS:
    void initTestCase()
    {
        qputenv("XDG_CACHE_HOME", QByteArray::fromStdString(m_dir.file("cache").string()));
    }

    void demoDataIsComplete()
    {
        const auto files = writeDemoData(m_dir.file("demo"));
        const auto fasta = inspectFile(files.fasta);
        QCOMPARE(fasta.kind, FileKind::Fasta);
        QCOMPARE(fasta.chromosomes.size(), std::size_t(4));
        const auto signal = inspectFile(files.signal);
        QCOMPARE(signal.kind, FileKind::BigWig);
        QVERIFY(signal.coveredBases > 100000);
        QVERIFY(signal.max > signal.mean && signal.mean > 0);
        const auto peaks = inspectFile(files.peaks);
        QCOMPARE(peaks.kind, FileKind::Bed);
        QVERIFY(peaks.featureCount > 50);
        QCOMPARE(peaks.minLength, 120);
        const auto genes = inspectFile(files.genes);
        QCOMPARE(genes.kind, FileKind::Gff);
        QVERIFY(genes.featuresPerType.count("gene") == 1);
        QVERIFY(chromosomeWarnings({fasta, signal, peaks, genes}).empty());
        // Same seed, same bytes.
        const auto again = writeDemoData(m_dir.file("demo2"));
        QCOMPARE(test::readText(again.fasta), test::readText(files.fasta));
    }

    void mismatchedNamesAreFlaggedWithTheFix()
    {
        test::writeFasta(m_dir.file("g.fa"), {{"chrI", "ACGTACGT"}, {"chrII", "ACGT"}});
        test::writeText(m_dir.file("p.bed"), "I\t1\t3\nII\t0\t2\n");
        const auto w =
            chromosomeWarnings({inspectFile(m_dir.file("g.fa")), inspectFile(m_dir.file("p.bed"))});
        QCOMPARE(w.size(), std::size_t(1));
        QVERIFY2(contains(w[0], "'I'"), w[0].c_str());
        QVERIFY2(contains(w[0], "without the 'chr' prefix"), w[0].c_str());
    }

    void unknownFileIsAnError()
    {
        test::writeText(m_dir.file("notes.txt"), "hello world\n");
        bool threw = false;
        try {
            (void)inspectFile(m_dir.file("notes.txt"));
        } catch (const Error& e) {
            threw = contains(e.what(), "is not a file kdna knows");
        }
        QVERIFY(threw);
    }

    void cliInfoOnRealData()
    {
        KDNA_REQUIRE_YEAST(data);
        const auto kdna = test::builtTool("app/cli/kdna");
        if (!std::filesystem::exists(kdna))
            QSKIP("the kdna executable is not built");
        std::string out;
        const int rc = test::run(kdna.string() + " info " + (data / "sacCer3.fa").string() + " " +
                                     (data / "nucleosome_occupancy.bw").string() + " " +
                                     (data / "nucleosomes_danpos.bed").string() + " " +
                                     (data / "sacCer3_genes.gff3").string(),
                                 &out);
        QCOMPARE(rc, 0);
        QVERIFY2(contains(out, "FASTA, 16 chromosomes"), out.c_str());
        QVERIFY2(contains(out, "chrI\t230,218"), out.c_str());
        QVERIFY2(contains(out, "bigWig, 16 chromosomes"), out.c_str());
        QVERIFY2(contains(out, "68,441 features"), out.c_str());
        QVERIFY2(contains(out, "gene\t5,906"), out.c_str());
        QVERIFY2(!contains(out, "warning"), out.c_str());
    }

    void cliReportsErrorsInOneSentence()
    {
        const auto kdna = test::builtTool("app/cli/kdna");
        if (!std::filesystem::exists(kdna))
            QSKIP("the kdna executable is not built");
        test::writeText(m_dir.file("bad.bed"), "chr1\t10\t5\n");
        std::string out;
        const int rc =
            test::run(kdna.string() + " info " + m_dir.file("bad.bed").string() + " 2>&1", &out);
        QCOMPARE(rc, 1);
        QVERIFY2(contains(out, "error: "), out.c_str());
        QVERIFY2(contains(out, "bad.bed, line 1"), out.c_str());
    }
};

QTEST_GUILESS_MAIN(TestInspect)
#include "test_inspect.moc"
