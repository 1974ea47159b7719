// The bad-input corpus: the built `kdna` run as a user runs it, on inputs and options that
// must be refused. Each refusal is exit status 1, exactly one "error:" line that names the
// file, line or option, no library noise, and every file that was there before unchanged.

#include "support/fixtures.h"

#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include <QCryptographicHash>
#include <QProcess>
#include <QTest>

namespace fs = std::filesystem;
using namespace kdna;

namespace {

using Args = std::vector<std::string>;

struct Outcome {
    int exitCode = -1;
    bool crashed = false;
    std::string out;
    std::string err;
};

QStringList toQt(const Args& args)
{
    QStringList out;
    for (const auto& a : args)
        out << QString::fromStdString(a);
    return out;
}

bool has(const std::string& text, const std::string& part)
{
    return text.find(part) != std::string::npos;
}

QString cli()
{
    const QByteArray env = qgetenv("KDNA_CLI");
    return env.isEmpty() ? QStringLiteral(KDNA_CLI) : QString::fromLocal8Bit(env);
}

QString str(const fs::path& p)
{
    return QString::fromStdString(p.string());
}

QByteArray hashOf(const fs::path& p)
{
    QFile f(str(p));
    if (!f.open(QIODevice::ReadOnly))
        return "missing";
    return QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256).toHex();
}

/// Every file under `dir` with its hash.
std::map<std::string, QByteArray> snapshot(const fs::path& dir)
{
    std::map<std::string, QByteArray> out;
    for (const auto& e : fs::recursive_directory_iterator(dir))
        if (e.is_regular_file())
            out[e.path().string()] = hashOf(e.path());
    return out;
}

std::vector<std::string> errorLines(const std::string& err)
{
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < err.size()) {
        const auto end = std::min(err.find('\n', start), err.size());
        if (err.compare(start, 6, "error:") == 0)
            out.push_back(err.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

} // namespace

class TestBadInputs : public QObject {
    Q_OBJECT

    test::ScratchDir m_scratch;
    fs::path m_dir;   // the demo data, project and a trained model
    fs::path m_model; // m_dir/m.kdna
    fs::path m_track; // a good bigWig that outputs must not destroy

    Outcome run(const Args& args, const fs::path& cwd = {}, int timeoutMs = 120000,
                const QString& program = {})
    {
        QProcess p;
        p.setWorkingDirectory(str(cwd.empty() ? m_dir : cwd));
        auto env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("TMPDIR"), str(m_dir / "tmp"));
        p.setProcessEnvironment(env);
        p.start(program.isEmpty() ? cli() : program, toQt(args));
        Outcome o;
        if (!p.waitForFinished(timeoutMs)) {
            p.kill();
            p.waitForFinished();
            o.crashed = true;
            o.err = "(timed out after " + std::to_string(timeoutMs / 1000) + " s)";
            return o;
        }
        o.crashed = p.exitStatus() != QProcess::NormalExit;
        o.exitCode = p.exitCode();
        o.out = p.readAllStandardOutput().toStdString();
        o.err = p.readAllStandardError().toStdString();
        return o;
    }

    /// `kdna args` under a file-size limit (SIGXFSZ ignored): writes past `kb` KiB fail as
    /// on a full disk.
    Outcome runWithDiskFull(const Args& args, int kb)
    {
        // POSIX sh counts 512-byte blocks.
        Args sh = {"-c",
                   "trap '' XFSZ; ulimit -f " + std::to_string(kb * 2) + "; exec \"$0\" \"$@\"",
                   cli().toStdString()};
        sh.insert(sh.end(), args.begin(), args.end());
        return run(sh, {}, 120000, QStringLiteral("/bin/sh"));
    }

    /// The refusal every bad input gets: status 1, one error line holding `expected`, no
    /// library noise, nothing in the data folder changed and no temporary left.
    void expectRefusal(const Args& args, const std::string& expected, int timeoutMs = 60000)
    {
        const auto before = snapshot(m_dir);
        const Outcome o = run(args, {}, timeoutMs);
        checkRefusal(o, expected, before);
    }

    void checkRefusal(const Outcome& o, const std::string& expected,
                      const std::map<std::string, QByteArray>& before)
    {
        const std::string what = "exit " + std::to_string(o.exitCode) + ", stderr: " + o.err;
        QVERIFY2(!o.crashed, what.c_str());
        QVERIFY2(o.exitCode == 1, what.c_str());
        const auto errors = errorLines(o.err);
        QVERIFY2(errors.size() == 1, what.c_str());
        QVERIFY2(has(errors.front(), expected), ("expected '" + expected + "'; " + what).c_str());
        QVERIFY2(!has(o.err, "[bw") && !has(o.err, "[read") && !has(o.err, "frame #"),
                 what.c_str());
        QVERIFY2(snapshot(m_dir) == before,
                 "a file in the data folder was changed, added or removed");
    }

    fs::path writeProject(const std::string& name, const std::string& from, const std::string& to)
    {
        std::string text = test::readText(m_dir / "demo.kdna.json");
        const auto at = text.find(from);
        if (at == std::string::npos)
            return {};
        text.replace(at, from.size(), to);
        test::writeText(m_dir / name, text);
        return m_dir / name;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(QFileInfo::exists(cli()), qPrintable(cli()));
        m_dir = m_scratch.file("data");
        fs::create_directories(m_dir / "tmp");
        Outcome o = run({"demo", "--dir", m_dir.string(), "--no-train"}, m_scratch.path());
        QVERIFY2(o.exitCode == 0, o.err.c_str());
        m_model = m_dir / "m.kdna";
        o = run({"train", "demo.kdna.json", "--epochs", "1", "--steps", "2", "--validation-steps",
                 "1", "--eval-steps", "0", "--out", m_model.string()});
        QVERIFY2(o.exitCode == 0, o.err.c_str());
        m_track = m_dir / "previous.bw";
        fs::copy_file(m_dir / "demo_signal.bw", m_track);
        test::writeText(m_dir / "notes.txt", "a user's notes\n");
        fs::create_directory(m_dir / "folder");
    }

    // ----- options, range-checked at parse time

    void methodMustBeKnown()
    {
        expectRefusal({"predict", "m.kdna", "-c", "chr4", "-o", "p.bw", "--method", "fast"},
                      "--method: must be one of auto, whole, windows, not 'fast'");
    }
    void precisionMustBeKnown()
    {
        expectRefusal({"predict", "m.kdna", "-c", "chr4", "-o", "p.bw", "--precision", "fp64"},
                      "--precision: must be one of fp32, bf16, not 'fp64'");
    }
    void batchSizeMustBePositive()
    {
        for (const char* size : {"-5", "0"})
            expectRefusal({"predict", "m.kdna", "-c", "chr4", "-o", "p.bw", "--method", "windows",
                           "--batch-size", size},
                          "--batch-size: must be a whole number of at least 1");
    }
    void countsMustBePositive()
    {
        expectRefusal({"train", "demo.kdna.json", "--epochs", "-1"}, "--epochs: must be");
        expectRefusal({"train", "demo.kdna.json", "--steps", "-3"}, "--steps: must be");
        expectRefusal({"batches", "demo.kdna.json", "-n", "-2"}, "--count: must be");
        expectRefusal({"demo", "--dir", "x", "--epochs", "0"}, "--epochs: must be");
    }
    void missingAnnotationFile()
    {
        expectRefusal({"evaluate", "m.kdna", "-c", "chr4", "--annotation", "missing.bw"},
                      "--annotation: no such file: 'missing.bw'");
    }
    void missingModelFile()
    {
        expectRefusal({"predict", "absent.kdna", "-c", "chr4", "-o", "p.bw"},
                      "no such file: 'absent.kdna'");
    }

    // ----- checks that can run before training run before it

    void outputThatIsAFolderIsRefusedBeforeTraining()
    {
        const auto start = std::chrono::steady_clock::now();
        expectRefusal({"train", "demo.kdna.json", "--out", "folder"}, "folder");
        QVERIFY(std::chrono::steady_clock::now() - start < std::chrono::seconds(20));
    }
    void projectOutputThatIsNotAModelIsRefusedBeforeTraining()
    {
        const auto project = writeProject("to_notes.kdna.json", "\"output\": \"demo.kdna\"",
                                          "\"output\": \"notes.txt\"");
        QVERIFY(!project.empty());
        expectRefusal({"train", "to_notes.kdna.json"},
                      "notes.txt: already exists and is not a kdna model archive");
    }
    void unknownTestChromosomeIsRefusedBeforeTraining()
    {
        QVERIFY(!writeProject("bad_test.kdna.json", "\"chr4\"\n  ]", "\"chrZ\"\n  ]").empty());
        expectRefusal({"train", "bad_test.kdna.json", "--out", "new.kdna"}, "test_chr: ");
    }
    void stateDictFolderIsCheckedBeforeTraining()
    {
        expectRefusal(
            {"train", "demo.kdna.json", "--out", "new.kdna", "--export-state-dict", "nowhere/w.pt"},
            "folder 'nowhere' does not exist");
    }

    // ----- outputs replace only their own kind, and never when the write fails

    void predictionNeverReplacesAnotherKindOfFile()
    {
        expectRefusal({"predict", "m.kdna", "-c", "chr4", "-o", "notes.txt"},
                      "notes.txt: already exists and is not a bigWig file");
    }
    void fullDiskDuringPredictKeepsThePreviousBigWig()
    {
        const auto before = snapshot(m_dir);
        const Outcome o = runWithDiskFull(
            {"predict", m_model.string(), "-c", "chr4", "-o", m_track.string()}, 48);
        checkRefusal(o, "previous.bw: could not be written (File too large)", before);
    }
    void fullDiskDuringSaveKeepsThePreviousModel()
    {
        const auto before = snapshot(m_dir);
        const Outcome o = runWithDiskFull({"train", "demo.kdna.json", "--epochs", "1", "--steps",
                                           "1", "--validation-steps", "1", "--eval-steps", "0",
                                           "--out", m_model.string()},
                                          16);
        checkRefusal(o, "could not be written (File too large)", before);
    }
    void interruptedPredictionLeavesNoTemporary()
    {
        const auto before = snapshot(m_dir);
        QProcess p;
        p.setWorkingDirectory(str(m_dir));
        p.start(cli(), toQt({"predict", "m.kdna", "-c", "chr1", "-c", "chr2", "-c", "chr3", "-o",
                             m_track.string(), "--method", "windows", "--batch-size", "8"}));
        QVERIFY(p.waitForStarted());
        // This process's own temporary (the name holds its pid).
        const std::string own = ".part-" + std::to_string(p.processId()) + "-";
        bool sawTemporary = false;
        for (int i = 0; i < 600 && !sawTemporary && p.state() == QProcess::Running; ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
            for (const auto& e : fs::directory_iterator(m_dir))
                sawTemporary |= has(e.path().filename().string(), own);
        }
        QVERIFY2(sawTemporary, "the prediction ended before it wrote its temporary");
        ::kill(static_cast<pid_t>(p.processId()), SIGTERM);
        QVERIFY(p.waitForFinished(30000));
        QCOMPARE(p.exitStatus(), QProcess::CrashExit); // died of SIGTERM, as before
        QVERIFY2(snapshot(m_dir) == before, "a temporary or a changed file was left behind");
    }

    // ----- inputs checked where they are read

    void duplicateChromosomeNamesNameTheLine()
    {
        test::writeText(m_dir / "dup.fa", ">a\nACGT\n>b\nGG\n>a\nTT\n");
        expectRefusal({"info", "dup.fa"}, "dup.fa, line 5: sequence name 'a' appears twice");
    }
    void spacesInSequenceNameTheLine()
    {
        test::writeText(m_dir / "spaced.fa", ">a\nAC GT\nAC GT\nAC G\n");
        expectRefusal({"info", "spaced.fa"}, "spaced.fa, line 2: unexpected character ' '");
    }
    void foreignIndexIsNotTrusted()
    {
        const auto fasta = m_dir / "own.fa";
        test::writeText(fasta, ">own1\nACGTACGTAC\nACG\n>own2\nTTTT\n");
        test::writeText(m_dir / "own.fa.fai", "chrX\t100000\t6\t60\t61\n");
        fs::last_write_time(m_dir / "own.fa.fai",
                            fs::last_write_time(fasta) + std::chrono::hours(1));
        const Outcome o = run({"info", "own.fa"});
        QVERIFY2(o.exitCode == 0, o.err.c_str());
        QVERIFY2(has(o.out, "own1") && has(o.out, "own2") && !has(o.out, "chrX"), o.out.c_str());
    }
    void damagedBigWigIsOneSentenceWithoutLibraryNoise()
    {
        std::string bytes = test::readText(m_track);
        std::uint64_t index = 0;
        std::memcpy(&index, bytes.data() + 24, sizeof index);
        bytes.replace(index, 4, "JUNK");
        test::writeText(m_dir / "damaged.bw", bytes);
        expectRefusal({"info", "damaged.bw"}, "damaged.bw: is a damaged bigWig");
    }
    void fastaIsResolvedAgainstTheCurrentFolder()
    {
        // evaluate and correlate read --fasta where the command is typed, as predict does,
        // not in the model's training folder.
        const auto elsewhere = m_scratch.file("elsewhere");
        fs::create_directories(elsewhere);
        fs::copy_file(m_dir / "demo.fa", elsewhere / "other.fa");
        for (const char* command : {"evaluate", "correlate"}) {
            const Outcome o =
                run({command, m_model.string(), "-c", "chr4", "--fasta", "other.fa"}, elsewhere);
            QVERIFY2(o.exitCode == 0, (std::string(command) + ": " + o.err).c_str());
        }
    }

    void zeroAnnotationLeavesATrackUnscored()
    {
        // keras_dna's get_correlation / get_auc take '0' for a training file not to score
        // ("complete with zeros if needed"): its track is left out of the result.
        std::string text = test::readText(m_dir / "demo.kdna.json");
        for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
                 {"\"demo_signal.bw\"", "\"demo_signal.bw\", \"demo_signal.bw\""},
                 {"\"units\": 1", "\"units\": 2"},
                 {"64,\n      1\n", "64,\n      2\n"}}) {
            const auto at = text.find(from);
            QVERIFY2(at != std::string::npos, from.c_str());
            text.replace(at, from.size(), to);
        }
        test::writeText(m_dir / "two.kdna.json", text);
        Outcome o = run({"train", "two.kdna.json", "--epochs", "1", "--steps", "2",
                         "--validation-steps", "1", "--eval-steps", "0", "--out", "two.kdna"});
        QVERIFY2(o.exitCode == 0, o.err.c_str());
        o = run({"correlate", "two.kdna", "-c", "chr4", "--annotation", "0", "--annotation",
                 "demo_signal.bw"});
        QVERIFY2(o.exitCode == 0, o.err.c_str());
        QVERIFY2(has(o.out, "correlate_1_0") && !has(o.out, "correlate_0_0"), o.out.c_str());

        expectRefusal(
            {"correlate", "two.kdna", "-c", "chr4", "--annotation", "0", "--annotation", "0"},
            "--annotation: every file is '0'");
        expectRefusal({"evaluate", "two.kdna", "-c", "chr4", "--annotation", "0", "--annotation",
                       "demo_signal.bw"},
                      "--annotation: '0'");
    }
};

QTEST_GUILESS_MAIN(TestBadInputs)
#include "test_bad_inputs.moc"
