#include "core/genome/genome.h"
#include "core/genome/sequence.h"
#include "core/util/error.h"
#include "core/util/opening_progress.h"
#include "support/fixtures.h"

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <tuple>

#include <QTest>

#include <htslib/bgzf.h>

using namespace kdna;
using kdna::test::errorOf;
namespace fs = std::filesystem;

namespace {

/// Compresses a file with htslib: bgzip when `bgzf`, else plain gzip.
void compress(const fs::path& in, const fs::path& out, bool bgzf)
{
    const std::string content = test::readText(in);
    BGZF* fp = bgzf_open(out.c_str(), bgzf ? "w" : "wg");
    QVERIFY(fp);
    QCOMPARE(bgzf_write(fp, content.data(), content.size()), static_cast<ssize_t>(content.size()));
    QCOMPARE(bgzf_close(fp), 0);
}

} // namespace

class TestGenome : public QObject {
    Q_OBJECT

    test::ScratchDir m_dir;
    std::string m_chr1, m_chr2;

private Q_SLOTS:
    void initTestCase()
    {
        qputenv("XDG_CACHE_HOME", QByteArray::fromStdString(m_dir.file("cache").string()));
        m_chr1 = test::randomBases(1000, 1);
        m_chr2 = test::randomBases(537, 2);
        m_chr2.replace(10, 5, "acgtN"); // soft-masked bases and an N
        test::writeFasta(m_dir.file("g.fa"), {{"chr1", m_chr1}, {"chr2", m_chr2}});
    }

    void namesSizesAndIndexBeside()
    {
        const auto g = Genome::open(m_dir.file("g.fa"));
        QCOMPARE(g.chromosomes().size(), std::size_t(2));
        QCOMPARE(g.names(), (std::vector<std::string>{"chr1", "chr2"}));
        QCOMPARE(g.length("chr2"), 537);
        QCOMPARE(g.totalLength(), 1537);
        QVERIFY(fs::exists(m_dir.file("g.fa.fai")));
        QCOMPARE(g.indexLocation(), IndexLocation::BesideFasta);
    }

    void genomesOver64kbAreIndexedNotLoaded()
    {
        // The index check read plain FASTA past 64 kB at a BGZF virtual offset, found the
        // bytes wrong and loaded every real genome into memory.
        const std::string big = test::randomBases(200'000, 5);
        test::writeFasta(m_dir.file("big.fa"), {{"a", big}, {"b", big.substr(0, 70'001)}});
        const auto g = Genome::open(m_dir.file("big.fa"));
        QCOMPARE(g.indexLocation(), IndexLocation::BesideFasta);
        QCOMPARE(g.fetch("b", 69'990, 70'001), big.substr(69'990, 11));
    }

    /// Indexing a human genome takes tens of seconds, so it is a phase the opening thread
    /// hears of, in bytes of the file read (the bases are not known yet), from 0 to all of
    /// them; an index already there is no phase.
    void indexingReportsItsProgress()
    {
        test::writeFasta(m_dir.file("indexed.fa"), {{"a", test::randomBases(3'000'000, 7)},
                                                    {"b", test::randomBases(1'000'000, 8)}});
        const auto size = static_cast<std::int64_t>(fs::file_size(m_dir.file("indexed.fa")));
        std::vector<std::tuple<std::string, std::int64_t, std::int64_t, std::string>> told;
        const auto open = [&] {
            const OpeningProgressScope scope(
                [&](const std::string& what, std::int64_t done, std::int64_t total,
                    const char* unit) { told.emplace_back(what, done, total, unit); });
            return Genome::open(m_dir.file("indexed.fa"));
        };
        QCOMPARE(open().length("b"), 1'000'000);
        QVERIFY(told.size() >= 2);
        for (std::size_t i = 0; i < told.size(); ++i) {
            const auto& [what, done, total, unit] = told[i];
            QCOMPARE(what, std::string("indexing indexed.fa"));
            QCOMPARE(total, size);
            QCOMPARE(unit, std::string("bytes"));
            QVERIFY(i == 0 || done >= std::get<1>(told[i - 1]));
        }
        QCOMPARE(std::get<1>(told.front()), std::int64_t(0));
        QCOMPARE(std::get<1>(told.back()), size);
        told.clear();
        (void)open();
        QVERIFY(told.empty());
    }

    void fetchUpperCasesSoftMasked()
    {
        const auto g = Genome::open(m_dir.file("g.fa"));
        QCOMPARE(g.fetch("chr1", 0, 20), m_chr1.substr(0, 20));
        QCOMPARE(g.fetch("chr1", 55, 125), m_chr1.substr(55, 70)); // across line breaks
        QCOMPARE(g.fetch("chr2", 10, 15), std::string("ACGTN"));
        QCOMPARE(g.fetch("chr2", 530, 537), m_chr2.substr(530, 7));
        QCOMPARE(g.fetch("chr1", 5, 5), std::string());
    }

    void codesAndOneHot()
    {
        const auto g = Genome::open(m_dir.file("g.fa"));
        std::vector<std::uint8_t> codes(5);
        g.fetchCodes("chr2", 10, 15, codes.data());
        QCOMPARE(codes, (std::vector<std::uint8_t>{0, 1, 2, 3, sequence::kUnknown}));
        std::vector<float> hot(20, -1.0F);
        sequence::oneHot(codes.data(), codes.size(), hot.data());
        const std::vector<float> expected = {1, 0, 0, 0, 0, 1, 0, 0, 0, 0,
                                             1, 0, 0, 0, 0, 1, 0, 0, 0, 0};
        QCOMPARE(hot, expected);
        // IUPAC codes other than ACGT are all-zero rows too.
        QCOMPARE(sequence::code('R'), sequence::kUnknown);
        QCOMPARE(sequence::code('y'), sequence::kUnknown);
    }

    void reverseComplement()
    {
        QCOMPARE(sequence::reverseComplement("AACGTN"), std::string("NACGTT"));
        QCOMPARE(sequence::reverseComplement("acgR"), std::string("Ycgt"));
        std::vector<std::uint8_t> codes = {0, 0, 1, 2, 4};
        sequence::reverseComplementCodes(codes.data(), codes.size());
        QCOMPARE(codes, (std::vector<std::uint8_t>{4, 1, 2, 3, 3}));
        // One-hot of the reverse complement equals one-hot of the reverse-complemented codes.
        std::vector<std::uint8_t> fwd = {0, 1, 1, 3, 4, 2};
        std::vector<float> a(24), b(24);
        sequence::oneHotReverseComplement(fwd.data(), fwd.size(), a.data());
        sequence::reverseComplementCodes(fwd.data(), fwd.size());
        sequence::oneHot(fwd.data(), fwd.size(), b.data());
        QCOMPARE(a, b);
    }

    void bgzipFastaIsIndexed()
    {
        compress(m_dir.file("g.fa"), m_dir.file("g.fa.gz"), true);
        const auto g = Genome::open(m_dir.file("g.fa.gz"));
        QCOMPARE(g.indexLocation(), IndexLocation::BesideFasta);
        QVERIFY(fs::exists(m_dir.file("g.fa.gz.gzi")));
        QCOMPARE(g.fetch("chr1", 900, 1000), m_chr1.substr(900, 100));
    }

    void plainGzipIsReadIntoMemory()
    {
        compress(m_dir.file("g.fa"), m_dir.file("plain.fa.gz"), false);
        const auto g = Genome::open(m_dir.file("plain.fa.gz"));
        QCOMPARE(g.indexLocation(), IndexLocation::InMemory);
        QCOMPARE(g.length("chr1"), 1000);
        QCOMPARE(g.fetch("chr2", 10, 15), std::string("ACGTN"));
    }

    void readOnlyFolderUsesUserCache()
    {
        const fs::path folder = m_dir.file("ro");
        fs::create_directories(folder);
        test::writeFasta(folder / "g.fa", {{"chrA", m_chr1}});
        GenomeOpenOptions options;
        options.writeIndexBesideFasta = false; // what a read-only folder leads to
        const auto g = Genome::open(folder / "g.fa", options);
        QCOMPARE(g.indexLocation(), IndexLocation::UserCache);
        QVERIFY(!fs::exists(folder / "g.fa.fai"));
        QCOMPARE(g.fetch("chrA", 100, 200), m_chr1.substr(100, 100));
        // Opened again, the cached index is reused.
        const auto again = Genome::open(folder / "g.fa", options);
        QCOMPARE(again.indexLocation(), IndexLocation::UserCache);
    }

    void unequalLinesFallBackToMemory()
    {
        test::writeText(m_dir.file("ragged.fa"), ">x\nACGTACGT\nACG\nACGTAC\n>y\nTT\n");
        const auto g = Genome::open(m_dir.file("ragged.fa"));
        QCOMPARE(g.indexLocation(), IndexLocation::InMemory);
        QCOMPARE(g.fetch("x", 0, 17), std::string("ACGTACGTACGACGTAC"));
        QCOMPARE(g.length("y"), 2);
    }

    void staleIndexIsRebuilt()
    {
        const auto path = m_dir.file("stale.fa");
        test::writeFasta(path, {{"s", "ACGT"}});
        (void)Genome::open(path);
        // Rewrite the FASTA with another sequence, leaving the old .fai behind (older).
        fs::last_write_time(path.string() + ".fai",
                            fs::last_write_time(path) - std::chrono::hours(1));
        test::writeFasta(path, {{"s", "ACGTACGTAA"}, {"t", "GG"}});
        fs::last_write_time(path, fs::file_time_type::clock::now());
        const auto g = Genome::open(path);
        QCOMPARE(g.length("s"), 10);
        QVERIFY(g.contains("t"));
    }

    void foreignIndexNewerThanTheFastaIsRebuilt()
    {
        // Another genome's .fai, newer than the FASTA: its date says fresh, its entries do not
        // match the file, so it is rebuilt (under a temporary name, then renamed).
        const auto path = m_dir.file("own.fa");
        test::writeFasta(path,
                         {{"a", test::randomBases(500, 7)}, {"b", test::randomBases(130, 8)}});
        const auto fai = fs::path(path.string() + ".fai");
        test::writeText(fai, "chrX\t100000\t6\t60\t61\nchrY\t5000\t101700\t60\t61\n");
        fs::last_write_time(fai, fs::last_write_time(path) + std::chrono::hours(1));
        const auto g = Genome::open(path);
        QCOMPARE(g.names(), (std::vector<std::string>{"a", "b"}));
        QCOMPARE(g.length("b"), 130);
        QVERIFY2(test::readText(fai).rfind("a\t500\t3\t60\t61\n", 0) == 0,
                 test::readText(fai).c_str());
        for (const auto& entry : fs::directory_iterator(m_dir.path()))
            QVERIFY2(entry.path().string().find(".part-") == std::string::npos,
                     entry.path().c_str());
    }

    void indexOfAnEarlierVersionIsRebuilt()
    {
        // The right names with the wrong lengths and offsets, dated after the FASTA.
        const auto path = m_dir.file("edited.fa");
        test::writeFasta(path,
                         {{"a", test::randomBases(500, 9)}, {"b", test::randomBases(130, 10)}});
        const auto fai = fs::path(path.string() + ".fai");
        test::writeText(fai, "a\t400\t3\t60\t61\nb\t130\t414\t60\t61\n");
        fs::last_write_time(fai, fs::last_write_time(path) + std::chrono::hours(1));
        const auto g = Genome::open(path);
        QCOMPARE(g.length("a"), 500);
        QCOMPARE(g.fetch("b", 0, 130), test::randomBases(130, 10));
    }

    void duplicateNamesAreRefusedWithTheLine()
    {
        const auto path = m_dir.file("dup.fa");
        test::writeText(path, ">a\nACGT\n>b\nGG\n>a\nTT\n");
        auto msg = errorOf([&] { (void)Genome::open(path); });
        QVERIFY2(msg.find("dup.fa, line 5: sequence name 'a' appears twice") != std::string::npos,
                 msg.c_str());
        // Also behind an index that skipped the second 'a' (htslib's, samtools faidx).
        const auto fai = fs::path(path.string() + ".fai");
        test::writeText(fai, "a\t4\t3\t4\t5\nb\t2\t11\t2\t3\n");
        fs::last_write_time(fai, fs::last_write_time(path) + std::chrono::hours(1));
        msg = errorOf([&] { (void)Genome::open(path); });
        QVERIFY2(msg.find("dup.fa, line 5: sequence name 'a' appears twice") != std::string::npos,
                 msg.c_str());
    }

    void spacesInsideSequenceAreRefusedWithTheLine()
    {
        // Every line holds one space, so htslib indexes it and would drop them on reading.
        test::writeText(m_dir.file("spaced.fa"), ">a\nAC GT\nAC GT\nAC G\n");
        const auto msg = errorOf([&] { (void)Genome::open(m_dir.file("spaced.fa")); });
        QVERIFY2(msg.find("spaced.fa, line 2: unexpected character ' '") != std::string::npos,
                 msg.c_str());
    }

    void unknownChromosomeNamesNearOnes()
    {
        test::writeFasta(m_dir.file("yeast.fa"), {{"chrI", "ACGT"}, {"chrII", "ACGT"}});
        const auto g = Genome::open(m_dir.file("yeast.fa"));
        const auto msg = errorOf([&] { (void)g.fetch("I", 0, 2); });
        QVERIFY2(msg.find("chromosome 'I' is not in the genome") != std::string::npos, msg.c_str());
        QVERIFY2(msg.find("did you mean 'chrI'") != std::string::npos, msg.c_str());
    }

    void intervalPastTheEnd()
    {
        const auto g = Genome::open(m_dir.file("g.fa"));
        const auto msg = errorOf([&] { (void)g.fetch("chr2", 500, 600); });
        QVERIFY2(msg.find("chr2:500-600 runs past the end of chr2 (537 bp)") != std::string::npos,
                 msg.c_str());
        QVERIFY(!errorOf([&] { (void)g.fetch("chr2", 50, 10); }).empty());
        QVERIFY(!errorOf([&] { (void)g.fetch("chr2", -1, 10); }).empty());
    }

    void notFasta()
    {
        test::writeText(m_dir.file("peaks.bed"), "chr1\t10\t20\n");
        auto msg = errorOf([&] { (void)Genome::open(m_dir.file("peaks.bed")); });
        QVERIFY2(msg.find("is not FASTA") != std::string::npos, msg.c_str());
        QVERIFY2(msg.find("peaks.bed") != std::string::npos, msg.c_str());

        test::writeText(m_dir.file("reads.fq"), "@r1\nACGT\n+\nIIII\n");
        msg = errorOf([&] { (void)Genome::open(m_dir.file("reads.fq")); });
        QVERIFY2(msg.find("FASTQ") != std::string::npos, msg.c_str());

        test::writeText(m_dir.file("empty.fa"), "");
        msg = errorOf([&] { (void)Genome::open(m_dir.file("empty.fa")); });
        QVERIFY2(msg.find("is empty") != std::string::npos, msg.c_str());

        msg = errorOf([&] { (void)Genome::open(m_dir.file("missing.fa")); });
        QVERIFY2(msg.find("no such file") != std::string::npos, msg.c_str());
    }

    void malformedFastaNamesLine()
    {
        // A ragged file is read into memory, and the parser names the line.
        test::writeText(m_dir.file("bad.fa"), ">x\nACGTACGT\nACG1T\nAC\n");
        auto msg = errorOf([&] { (void)Genome::open(m_dir.file("bad.fa")); });
        QVERIFY2(msg.find("bad.fa, line 3: unexpected character '1'") != std::string::npos,
                 msg.c_str());
        // An indexable file is checked as its index is built, naming the line.
        test::writeText(m_dir.file("bad2.fa"), ">x\nACGTACGT\nACG1T\n");
        msg = errorOf([&] { (void)Genome::open(m_dir.file("bad2.fa")); });
        QVERIFY2(msg.find("bad2.fa, line 3: unexpected character '1'") != std::string::npos,
                 msg.c_str());
        test::writeText(m_dir.file("nohead.fa"), ">\nACGT\n");
        msg = errorOf([&] { (void)Genome::open(m_dir.file("nohead.fa")); });
        QVERIFY2(!msg.empty(), "a header without a name is an error");
    }

    void truncatedBgzip()
    {
        test::writeFasta(m_dir.file("big.fa"), {{"c", test::randomBases(300000, 5)}});
        compress(m_dir.file("big.fa"), m_dir.file("big.fa.gz"), true);
        const std::string whole = test::readText(m_dir.file("big.fa.gz"));
        test::writeText(m_dir.file("cut.fa.gz"), whole.substr(0, whole.size() / 2));
        const auto msg = errorOf([&] { (void)Genome::open(m_dir.file("cut.fa.gz")); });
        QVERIFY2(msg.find("truncated") != std::string::npos, msg.c_str());
    }

    void realYeastGenome()
    {
        KDNA_REQUIRE_YEAST(data);
        GenomeOpenOptions options;
        options.writeIndexBesideFasta = false; // never write into the shared data
        const auto g = Genome::open(data / "sacCer3.fa", options);
        QCOMPARE(g.chromosomes().size(), std::size_t(16));
        QCOMPARE(g.length("chrI"), 230218);
        QCOMPARE(g.fetch("chrI", 0, 20), std::string("CCACACCACACCCACACACC"));
        QCOMPARE(g.names().back(), std::string("chrXVI"));
        const auto msg = errorOf([&] { (void)g.length("I"); });
        QVERIFY2(msg.find("did you mean 'chrI'") != std::string::npos, msg.c_str());
    }
};

QTEST_GUILESS_MAIN(TestGenome)
#include "test_genome.moc"
