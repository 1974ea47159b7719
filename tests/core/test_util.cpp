#include "support/fixtures.h"
#include "core/util/atomic_output.h"
#include "core/util/chrom_names.h"
#include "core/util/describe.h"
#include "core/util/error.h"
#include "core/util/text.h"

#include <csignal>
#include <fstream>
#include <sys/wait.h>
#include <unistd.h>

#include <QTest>

using namespace kdna;

class TestUtil : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void tupleLooksLikePython()
    {
        QCOMPARE(text::tuple({2001, 1, 4}), std::string("(2001, 1, 4)"));
        QCOMPARE(text::tuple({5}), std::string("(5,)"));
        QCOMPARE(text::tuple({}), std::string("()"));
    }

    void thousands()
    {
        QCOMPARE(text::withThousands(230218), std::string("230,218"));
        QCOMPARE(text::withThousands(12), std::string("12"));
        QCOMPARE(text::withThousands(-1234567), std::string("-1,234,567"));
    }

    void parseIntRejectsPartialFields()
    {
        std::int64_t v = 0;
        QVERIFY(text::parseInt("123", v));
        QCOMPARE(v, 123);
        QVERIFY(!text::parseInt("12x", v));
        QVERIFY(!text::parseInt("", v));
        QVERIFY(!text::parseInt("1.5", v));
    }

    void nearNamesFindChrPrefix()
    {
        const std::vector<std::string> genome = {"chrI", "chrII", "chrIII", "chrM"};
        const auto near = chrom_names::near("I", genome);
        QVERIFY(!near.empty());
        QCOMPARE(near.front(), std::string("chrI"));
        QCOMPARE(chrom_names::near("MT", genome).front(), std::string("chrM"));
        const auto msg = chrom_names::unknownMessage("I", "genome.fa", genome);
        QVERIFY2(msg.find("did you mean 'chrI'") != std::string::npos, msg.c_str());
    }

    void matchAcceptsAliasesOnly()
    {
        const std::vector<std::string> ucsc = {"chrI", "chrII", "chrIX", "chrM"};
        QCOMPARE(chrom_names::match("chrI", ucsc), std::string("chrI"));
        QCOMPARE(chrom_names::match("I", ucsc), std::string("chrI"));
        QCOMPARE(chrom_names::match("chrix", ucsc), std::string("chrIX"));
        QCOMPARE(chrom_names::match("MT", ucsc), std::string("chrM"));
        QCOMPARE(chrom_names::match("chrMT", ucsc), std::string("chrM"));
        const std::vector<std::string> ensembl = {"I", "IX", "Mito", "MT"};
        QCOMPARE(chrom_names::match("chrI", ensembl), std::string("I"));
        QCOMPARE(chrom_names::match("chrM", ensembl), std::string("MT"));
        QCOMPARE(chrom_names::match("M", ensembl), std::string("MT"));
        // Close is not the same: no guessing beyond the prefix, the case and M/MT.
        QCOMPARE(chrom_names::match("X", ucsc), std::string());
        QCOMPARE(chrom_names::match("chrIIX", ucsc), std::string());
        // Two aliases: no match rather than the wrong one.
        QCOMPARE(chrom_names::match("M", {"chrM", "MT"}), std::string());
        QVERIFY(chrom_names::aliases("chrM", "MT"));
        QVERIFY(!chrom_names::aliases("chrI", "chrII"));
    }

    void compareExplainsPrefixMismatch()
    {
        const auto cmp = chrom_names::compare({"chrI", "chrII"}, {"I", "II"});
        QVERIFY(cmp.shared.empty());
        QCOMPARE(cmp.onlySecond.size(), std::size_t(2));
        QVERIFY2(cmp.fix.find("without the 'chr' prefix") != std::string::npos, cmp.fix.c_str());
    }

    void atomicOutputKeepsOldFileUntilCommit()
    {
        test::ScratchDir dir;
        const auto target = dir.file("out.txt");
        test::writeText(target, "old");
        {
            AtomicOutput out(target);
            test::writeText(out.tempPath(), "new");
            QCOMPARE(test::readText(target), std::string("old"));
            // not committed: destroyed here
        }
        QCOMPARE(test::readText(target), std::string("old"));
        QCOMPARE(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 1);
        {
            AtomicOutput out(target);
            test::writeText(out.tempPath(), "new");
            out.commit();
        }
        QCOMPARE(test::readText(target), std::string("new"));
    }

    void atomicOutputReplacesOnlyItsOwnKind()
    {
        test::ScratchDir dir;
        const auto notes = dir.file("notes.txt");
        test::writeText(notes, "my notes");
        const OutputKind bigWig{"a bigWig file", [](const std::filesystem::path& p) {
                                    return test::readText(p).rfind("BW", 0) == 0;
                                }};
        auto msg = test::errorOf([&] { AtomicOutput out(notes, bigWig); });
        QVERIFY2(msg.find("notes.txt: already exists and is not a bigWig file") !=
                     std::string::npos,
                 msg.c_str());
        QCOMPARE(test::readText(notes), std::string("my notes"));
        // A folder is never a file to replace, whatever the kind.
        std::filesystem::create_directory(dir.file("folder"));
        msg = test::errorOf([&] { AtomicOutput::requireWritable(dir.file("folder"), {}); });
        QVERIFY2(msg.find("folder: is a folder") != std::string::npos, msg.c_str());
        // A file of the kind is replaced.
        test::writeText(dir.file("old.bw"), "BW old");
        AtomicOutput::writeFile(
            dir.file("old.bw"), [](std::ostream& o) { o << "BW new"; }, false, bigWig);
        QCOMPARE(test::readText(dir.file("old.bw")), std::string("BW new"));
    }

    void freshNameNeverReplaces()
    {
        test::ScratchDir dir;
        QCOMPARE(AtomicOutput::freshName(dir.file("m.kdna")), dir.file("m.kdna"));
        test::writeText(dir.file("m.kdna"), "a");
        test::writeText(dir.file("m-1.kdna"), "b");
        QCOMPARE(AtomicOutput::freshName(dir.file("m.kdna")), dir.file("m-2.kdna"));
    }

    void failedWriteKeepsPreviousFileAndLeavesNoTemporary()
    {
        // A full disk, as the kernel reports a file-size limit: write() fails with EFBIG.
        test::ScratchDir dir;
        const auto target = dir.file("out.txt");
        test::writeText(target, "previous");
        const std::string big(1 << 20, 'x');
        std::string msg;
        {
            test::FileSizeLimit limit(64 * 1024);
            msg = test::errorOf(
                [&] { AtomicOutput::writeFile(target, [&](std::ostream& out) { out << big; }); });
        }
        QVERIFY2(msg.find("out.txt: could not be written (File too large)") != std::string::npos,
                 msg.c_str());
        QCOMPARE(test::readText(target), std::string("previous"));
        QCOMPARE(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 1);
    }

    void signalRemovesTemporaries()
    {
        test::ScratchDir dir;
        const auto target = dir.file("out.txt");
        const pid_t child = fork();
        if (child == 0) {
            AtomicOutput::removeTemporariesOnSignal();
            AtomicOutput out(target);
            test::writeText(out.tempPath(), "half");
            std::raise(SIGTERM);
            _exit(0); // not reached: the handler re-raises with the default action
        }
        int status = 0;
        QCOMPARE(waitpid(child, &status, 0), child);
        QVERIFY(WIFSIGNALED(status));
        QCOMPARE(WTERMSIG(status), SIGTERM);
        QCOMPARE(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 0);
    }

    void errorsNameFileAndLine()
    {
        const auto e = Error::inFile("peaks.bed", 12, "the end is before the start");
        QCOMPARE(std::string(e.what()),
                 std::string("peaks.bed, line 12: the end is before the start"));
        QCOMPARE(e.line(), 12);
        const auto k = Error::atKeyword("window", "must be positive");
        QCOMPARE(k.keyword(), std::string("window"));
    }

    void rewordedErrorsKeepTheirPlace()
    {
        const auto e = Error::inFile("peaks.bed", 12, "the end is before the start");
        const auto r = e.withContext("validation data: ", "; fix the file");
        QCOMPARE(std::string(r.what()),
                 std::string("validation data: peaks.bed, line 12: the end is before the start; "
                             "fix the file"));
        QCOMPARE(r.file(), std::string("peaks.bed"));
        QCOMPARE(r.line(), 12);
        const auto k = Error::atKeyword("test_chr", e);
        QCOMPARE(std::string(k.what()),
                 std::string("test_chr: peaks.bed, line 12: the end is before the start"));
        QCOMPARE(k.keyword(), std::string("test_chr"));
        QCOMPARE(k.file(), std::string("peaks.bed"));
        QCOMPARE(k.line(), 12);
    }

    void describedErrorsSayWhereToLook()
    {
        // A message that names its file is shown as it is; one whose words lost the file gets
        // it back from the error's fields.
        const auto named = Error::inFile("peaks.bed", 12, "the end is before the start");
        QCOMPARE(describe(named), std::string(named.what()));
        const auto lost = Error::atKeyword("annotation_files", "gives chrI 10 bp").withFile("a.bw");
        QCOMPARE(lost.keyword(), std::string("annotation_files"));
        QCOMPARE(describe(lost), std::string("annotation_files: gives chrI 10 bp (in a.bw)"));
        QCOMPARE(describe(Error("the track is empty").withFile("a.bw", 3)),
                 std::string("the track is empty (in a.bw, line 3)"));
    }
};

QTEST_GUILESS_MAIN(TestUtil)
#include "test_util.moc"
