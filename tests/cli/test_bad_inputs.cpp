// The bad-input corpus: the built `kdna` run as a user runs it, on inputs and options that
// must be refused. Each refusal is exit status 1, exactly one "error:" line that names the
// file, line or option, no library noise, and every file that was there before unchanged.

#include "core/genome/genome.h"
#include "core/tracks/bigwig.h"
#include "support/fixtures.h"

#include <algorithm>
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

#include <nlohmann/json.hpp>

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

/// Each "error:" line with the indented lines that continue it (a list of problems).
std::vector<std::string> errorLines(const std::string& err)
{
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < err.size()) {
        const auto end = std::min(err.find('\n', start), err.size());
        if (err.compare(start, 6, "error:") == 0)
            out.push_back(err.substr(start, end - start));
        else if (!out.empty() && err.compare(start, 2, "  ") == 0)
            out.back() += "\n" + err.substr(start, end - start);
        start = end + 1;
    }
    return out;
}

/// One case of the table-driven corpus: files written into the data folder first (they count
/// as files already there, which must come out unchanged), the command line, and the words
/// its one error line must hold.
struct Case {
    std::string name;
    Args args;
    std::vector<std::pair<std::string, std::string>> files;
    std::string expected;
};

std::string replaced(std::string text, std::size_t at, const std::string& with)
{
    if (at + with.size() <= text.size())
        text.replace(at, with.size(), with);
    return text;
}

template<typename T>
std::string withValue(std::string bytes, std::size_t at, T value)
{
    if (at + sizeof value <= bytes.size())
        std::memcpy(bytes.data() + at, &value, sizeof value);
    return bytes;
}

template<typename T>
T valueAt(const std::string& bytes, std::size_t at)
{
    T v{};
    if (at + sizeof v <= bytes.size())
        std::memcpy(&v, bytes.data() + at, sizeof v);
    return v;
}

} // namespace

class TestBadInputs : public QObject {
    Q_OBJECT

    test::ScratchDir m_scratch;
    fs::path m_dir;   // the demo data, project and a trained model
    fs::path m_model; // m_dir/m.kdna
    fs::path m_track; // a good bigWig that outputs must not destroy
    std::vector<Case> m_cases;

    Outcome run(const Args& args, const fs::path& cwd = {}, int timeoutMs = 120000,
                const QString& program = {}, const std::map<QString, QString>& extraEnv = {})
    {
        QProcess p;
        p.setWorkingDirectory(str(cwd.empty() ? m_dir : cwd));
        auto env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("TMPDIR"), str(m_dir / "tmp"));
        for (const auto& [name, value] : extraEnv)
            env.insert(name, value);
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

    /// `args` with one torch thread, alone or (`sharded`) as two local ranks.
    Outcome runAsRanks(Args args, bool sharded)
    {
        args.insert(args.end(), {"--threads", "1"});
        if (sharded)
            args.insert(args.end(), {"--nproc", "2"});
        return run(args);
    }

    /// The one "test on chr4 (...)" line that training the demo into `out` as two local ranks
    /// prints (with `extra` arguments); when the run fails or says it other than once, what it
    /// printed instead, for the failure message.
    std::string testLineOfTwoRanks(const fs::path& out, const Args& extra)
    {
        Args args{"train", "demo.kdna.json",     "--epochs", "1",     "--steps",
                  "3",     "--validation-steps", "1",        "--out", out.string()};
        args.insert(args.end(), extra.begin(), extra.end());
        const Outcome o = runAsRanks(args, true);
        const auto at = o.out.find("test on chr4 (");
        if (o.exitCode != 0 || at == std::string::npos ||
            o.out.find("test on ", at + 1) != std::string::npos)
            return o.out + o.err;
        return o.out.substr(at, o.out.find('\n', at) - at);
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

    /// The demo project with `pointer` set to `value` (or removed when `value` is discarded).
    std::string project(const std::string& pointer, const nlohmann::json& value) const
    {
        auto j = nlohmann::json::parse(test::readText(m_dir / "demo.kdna.json"));
        const nlohmann::json::json_pointer at(pointer);
        if (value.is_discarded())
            j[at.parent_pointer()].erase(at.back());
        else
            j[at] = value;
        return j.dump(2);
    }

    /// A train command on `file` that refuses before training (else it trains a step and
    /// writes `fresh.kdna`, which the unchanged-folder check then catches).
    static Args train(const std::string& file)
    {
        return {
            "train", file,           "--epochs", "1",     "--steps",   "1", "--validation-steps",
            "1",     "--eval-steps", "0",        "--out", "fresh.kdna"};
    }

    std::vector<Case> corpusCases() const;

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

    /// A cluster job's log is a file, not a terminal: training and prediction still write
    /// their progress there, as lines of their own (every update with 0 seconds between).
    void progressShowsInLogs()
    {
        // A cache folder of its own: the statistics another test's run fitted would be read.
        const std::map<QString, QString> everyUpdate = {
            {QStringLiteral("KDNA_PROGRESS_SECONDS"), QStringLiteral("0")},
            {QStringLiteral("XDG_CACHE_HOME"), str(m_dir / "logged-cache")}};
        Outcome o = run({"train", "demo.kdna.json", "--epochs", "1", "--steps", "3",
                         "--validation-steps", "1", "--eval-steps", "0", "--out", "logged.kdna"},
                        {}, 120000, {}, everyUpdate);
        QVERIFY2(o.exitCode == 0, o.err.c_str());
        QVERIFY2(o.err.find("Epoch 1/1 [") != std::string::npos, o.err.c_str());
        QVERIFY2(o.err.find("3/3 - ") != std::string::npos, o.err.c_str());
        QVERIFY2(o.err.find('\r') == std::string::npos, o.err.c_str()); // lines, not redraws
        // Reading the data says how far it has come too: the statistics pass, to its end (one
        // pass: the demo's perctrim comes from the kept top values).
        QVERIFY2(o.err.find("Reading the data: statistics of demo_signal.bw, 0% of 220,000 bp") !=
                     std::string::npos,
                 o.err.c_str());
        QVERIFY2(o.err.find("Reading the data: statistics of demo_signal.bw, 100% of "
                            "220,000 bp") != std::string::npos,
                 o.err.c_str());

        o = run({"predict", m_model.string(), "-c", "chr4", "-o", "logged.bw"}, {}, 120000, {},
                everyUpdate);
        QVERIFY2(o.exitCode == 0, o.err.c_str());
        QVERIFY2(o.err.find("predicting 100%") != std::string::npos, o.err.c_str());
        // The zoom pass after the last base (tens of seconds a human chromosome) is not silent.
        QVERIFY2(o.err.find("Writing the prediction: zoom levels of logged.bw, 0% of") !=
                     std::string::npos,
                 o.err.c_str());
        QVERIFY2(o.err.find("Writing the prediction: zoom levels of logged.bw, 100% of") !=
                     std::string::npos,
                 o.err.c_str());

        // A wrong value is one sentence naming the variable, before any work.
        o = run({"predict", m_model.string(), "-c", "chr4", "-o", "never.bw"}, {}, 120000, {},
                {{QStringLiteral("KDNA_PROGRESS_SECONDS"), QStringLiteral("soon")}});
        QCOMPARE(o.exitCode, 1);
        QCOMPARE(o.err, std::string("error: KDNA_PROGRESS_SECONDS: 'soon' is not a number of "
                                    "seconds (0 or more; 0 logs every update)\n"));
        QVERIFY(!fs::exists(m_dir / "never.bw"));
    }

    void cachePrecisionMustBeKnown()
    {
        const std::string says = "--cache-precision: must be one of float32, bfloat16, not 'half'";
        expectRefusal({"train", "demo.kdna.json", "--cache-precision", "half"}, says);
        expectRefusal(
            {"predict", "m.kdna", "-c", "chr4", "-o", "p.bw", "--cache-precision", "half"}, says);
    }
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
    void evaluationStepsMustBePositive()
    {
        for (const char* command : {"evaluate", "correlate"})
            for (const char* steps : {"0", "-2", "many"})
                expectRefusal({command, "m.kdna", "-c", "chr4", "--steps", steps},
                              "--steps: must be a whole number of at least 1");
    }
    void batchSizeMustBePositive()
    {
        for (const char* size : {"-5", "0"})
            expectRefusal({"predict", "m.kdna", "-c", "chr4", "-o", "p.bw", "--method", "windows",
                           "--batch-size", size},
                          "--batch-size: must be a whole number of at least 1");
    }
    void explainAndVariantsOptionsSaySo()
    {
        const Args explain = {"explain", "m.kdna", "-c", "chr1", "-o", "imp.bw"};
        const auto with = [&](std::initializer_list<const char*> more) {
            Args a = explain;
            a.insert(a.end(), more.begin(), more.end());
            return a;
        };
        expectRefusal(with({"--start", "10", "--end", "5"}),
                      "--end (5) must be greater than --start (10)");
        expectRefusal(with({"--start", "0", "--end", "5", "--method", "fast"}),
                      "--method: must be one of ism, saliency, ixg, ig, not 'fast'");
        expectRefusal(with({"--start", "0", "--end", "5", "--steps", "0"}),
                      "--steps: must be a whole number of at least 1");
        expectRefusal(with({"--start", "0", "--end", "5", "--value", "1"}),
                      "value 1 is not in output");
        expectRefusal(
            {"explain", "m.kdna", "-c", "chrZ", "--start", "0", "--end", "5", "-o", "imp.bw"},
            "chromosome 'chrZ' is not in the genome");
        expectRefusal(with({"--start", "0", "--end", "99999999"}), "chr1");
        expectRefusal({"variants", "m.kdna", "--vcf", "notes.txt", "-o", "v.txt"},
                      "-o: kdna variants writes a table (.tsv) or the VCF annotated (.vcf, "
                      ".vcf.gz or .bcf); v.txt is none of them");
        expectRefusal({"variants", "m.kdna", "--vcf", "notes.txt", "-o", "v.tsv"}, "notes.txt");
    }
    /// explain writes a bigWig over exactly the region; variants a table and, on stderr, one
    /// sentence for a REF that does not match the genome.
    void explainAndVariantsWriteTheirFiles()
    {
        const fs::path bw = m_scratch.file("imp.bw");
        Outcome o = run({"explain", "m.kdna", "-c", "chr1", "--start", "1000", "--end", "1700",
                         "--method", "ig", "--steps", "8", "-o", bw.string()});
        QVERIFY2(o.exitCode == 0, o.err.c_str());
        QVERIFY2(has(o.out, "bases/s"), o.out.c_str());
        BigWigReader r = BigWigReader::open(bw);
        const auto values = r.values("chr1", 900, 1800);
        QVERIFY(values[50] == 0.0f && values[850] == 0.0f); // outside: missing (0)
        int nonZero = 0;
        for (std::size_t i = 100; i < 800; ++i)
            nonZero += values[i] != 0.0f;
        QVERIFY2(nonZero > 300, "most bases of the region get an importance");

        const fs::path vcf = m_scratch.file("v.vcf"), tsv = m_scratch.file("v.tsv");
        test::writeText(vcf, "##fileformat=VCFv4.2\n##contig=<ID=chr1>\n"
                             "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
                             "chr1\t5001\ta\tN\tA\t.\t.\t.\n");
        o = run({"variants", "m.kdna", "--vcf", vcf.string(), "-o", tsv.string()});
        QVERIFY2(o.exitCode == 0, o.err.c_str());
        QVERIFY2(has(o.err, "v.vcf, record 1 (chr1:5001 N>A): REF is N but the genome demo.fa has"),
                 o.err.c_str());
        QVERIFY2(has(o.out, "scored 0 variants (1 skipped)"), o.out.c_str());
        QCOMPARE(
            test::readText(tsv),
            std::string("chrom\tpos\tid\tref\talt\ttarget\tref_pred\talt_pred\tdiff\tlog2fc\n"));
        // As a VCF: the record kept without the fields, bgzipped, indexed, the same sentence.
        const fs::path gz = m_scratch.file("v.vcf.gz");
        o = run(
            {"variants", "m.kdna", "--vcf", vcf.string(), "-o", gz.string(), "--strands", "both"});
        QVERIFY2(o.exitCode == 0, o.err.c_str());
        QVERIFY2(has(o.err, "REF is N but the genome demo.fa has"), o.err.c_str());
        QVERIFY(fs::exists(gz) && fs::exists(gz.string() + ".tbi"));
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
    /// `--nproc 2` trains as two ranks of one group; rank 0 alone prints and writes.
    void trainsAsTwoLocalRanks()
    {
        const fs::path out = m_dir / "two-ranks.kdna";
        const Outcome o =
            run({"train", "demo.kdna.json", "--nproc", "2", "--threads", "1", "--epochs", "1",
                 "--steps", "3", "--validation-steps", "1", "--no-eval", "--out", out.string()});
        QVERIFY2(o.exitCode == 0, o.err.c_str());
        QVERIFY2(o.out.find("data-parallel training: 2 ranks") != std::string::npos, o.out.c_str());
        std::size_t epochs = 0;
        for (auto at = o.out.find("Epoch 1/1"); at != std::string::npos;
             at = o.out.find("Epoch 1/1", at + 1))
            ++epochs;
        QCOMPARE(epochs, std::size_t(1));
        QVERIFY(fs::exists(out));
    }

    /// `evaluate` and `correlate --nproc 2` score a share of the windows on each rank; rank 0
    /// alone prints, the figures one process prints, and says the run was sharded.
    void scoresAsTwoLocalRanks()
    {
        for (const char* command : {"evaluate", "correlate"}) {
            const Outcome one =
                run({command, m_model.string(), "-c", "chr3", "chr4", "--threads", "1"});
            QVERIFY2(one.exitCode == 0, one.err.c_str());
            const Outcome two = run({command, m_model.string(), "-c", "chr3", "chr4", "--threads",
                                     "1", "--nproc", "2"});
            QVERIFY2(two.exitCode == 0, two.err.c_str());
            QVERIFY2(has(two.out, "sharded over 2 ranks (torchrun)"), two.out.c_str());
            // Every line but the last (its time and method) is the single process's.
            const auto figures = [](const std::string& out) {
                return out.substr(0, out.rfind('\n', out.size() - 2));
            };
            QVERIFY2(figures(one.out).size() > 10, one.out.c_str());
            QCOMPARE(figures(two.out), figures(one.out));
        }
    }

    /// `explain` and `variants --nproc 2` score a share of the windows or variants on each
    /// rank; rank 0 alone prints and writes the files one process writes.
    void explainsAndScoresVariantsAsTwoLocalRanks()
    {
        const fs::path folder = m_dir / "sharded-explain";
        fs::create_directories(folder);
        const auto explain = [&](const std::string& name, bool sharded) {
            return runAsRanks({"explain", m_model.string(), "-c", "chr2", "--start", "500", "--end",
                               "4500", "--method", "ism", "-o", (folder / (name + ".bw")).string(),
                               "--scores", (folder / (name + ".tsv")).string()},
                              sharded);
        };
        const Outcome one = explain("one", false);
        QVERIFY2(one.exitCode == 0, one.err.c_str());
        const Outcome two = explain("two", true);
        QVERIFY2(two.exitCode == 0, two.err.c_str());
        QVERIFY2(has(two.out, "sharded over 2 ranks (torchrun)"), two.out.c_str());
        QCOMPARE(two.out.find("explained ", two.out.find("explained ") + 1), std::string::npos);
        const std::string table = test::readText(folder / "one.tsv");
        QVERIFY(std::count(table.begin(), table.end(), '\n') == 4001);
        QCOMPARE(test::readText(folder / "two.tsv"), table);
        const auto values = [&](const std::string& name) {
            return BigWigReader::open(folder / (name + ".bw")).values("chr2", 500, 4500);
        };
        QCOMPARE(values("two"), values("one"));

        // Variants: SNVs at the genome's own bases, one REF that is not, said once.
        const Genome genome = Genome::open(m_dir / "demo.fa");
        std::string records;
        for (const std::int64_t pos : {600, 1500, 2500, 3300, 4100, 5200, 6100}) {
            const std::string ref = genome.fetch("chr2", pos - 1, pos);
            records += "chr2\t" + std::to_string(pos) + "\tv" + std::to_string(pos) + "\t" + ref +
                       "\t" + (ref == "A" ? "C" : "A") + "\t.\t.\t.\n";
        }
        const std::string wrong = genome.fetch("chr2", 6999, 7000) == "G" ? "C" : "G";
        records += "chr2\t7000\tbad\t" + wrong + "\tT\t.\t.\t.\n";
        const fs::path vcf = folder / "v.vcf";
        test::writeText(vcf, "##fileformat=VCFv4.2\n##contig=<ID=chr2>\n"
                             "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n" +
                                 records);
        const auto variants = [&](const std::string& name, bool sharded) {
            return runAsRanks({"variants", m_model.string(), "--vcf", vcf.string(), "-o",
                               (folder / (name + ".variants.tsv")).string()},
                              sharded);
        };
        const Outcome alone = variants("one", false);
        QVERIFY2(alone.exitCode == 0, alone.err.c_str());
        QVERIFY2(has(alone.out, "scored 7 variants (1 skipped)"), alone.out.c_str());
        const Outcome shared = variants("two", true);
        QVERIFY2(shared.exitCode == 0, shared.err.c_str());
        QVERIFY2(has(shared.out, "scored 7 variants (1 skipped)"), shared.out.c_str());
        QVERIFY2(has(shared.out, "sharded over 2 ranks (torchrun)"), shared.out.c_str());
        const auto said = [](const std::string& err) {
            std::size_t n = 0;
            for (auto at = err.find("REF is "); at != std::string::npos;
                 at = err.find("REF is ", at + 1))
                ++n;
            return n;
        };
        QCOMPARE(said(shared.err), std::size_t(1));
        const std::string rows = test::readText(folder / "one.variants.tsv");
        QVERIFY(std::count(rows.begin(), rows.end(), '\n') == 8);
        QCOMPARE(test::readText(folder / "two.variants.tsv"), rows);
    }

    /// After `train --nproc 2`, the test evaluation of every window is shared out too: rank 0
    /// prints it once, with the figures `kdna evaluate` gives the saved model alone.
    void trainsAndTestsAsTwoLocalRanks()
    {
        const fs::path out = m_dir / "two-ranks-tested.kdna";
        const std::string line = testLineOfTwoRanks(out, {});
        QVERIFY2(has(line, "windows, sharded over 2 ranks (torchrun)): loss "), line.c_str());
        const Outcome alone = runAsRanks({"evaluate", out.string(), "-c", "chr4"}, false);
        QVERIFY2(alone.exitCode == 0, alone.err.c_str());
        const std::string figures = alone.out.substr(0, alone.out.find('\n'));
        QCOMPARE(line.substr(line.find("): ") + 3), figures.substr(figures.find(": ") + 2));
    }

    /// A sample of the test evaluation (--eval-steps N) is shared out too: N batches of the
    /// demo's 64 windows, said once, by rank 0.
    void trainsAndTestsASampleAsTwoLocalRanks()
    {
        const std::string line =
            testLineOfTwoRanks(m_dir / "two-ranks-sampled.kdna", {"--eval-steps", "4"});
        QVERIFY2(has(line, "(256 windows, sharded over 2 ranks (torchrun)): loss "), line.c_str());
    }

    /// `predict --nproc 2` shares the chromosomes between two ranks; rank 0 alone prints and
    /// merges, into the bigWig one process writes, and no part is left beside it.
    void predictsAsTwoLocalRanks()
    {
        const fs::path folder = m_dir / "sharded-predict";
        fs::create_directories(folder);
        const Outcome one = run(
            {"predict", m_model.string(), "--threads", "1", "-o", (folder / "one.bw").string()});
        QVERIFY2(one.exitCode == 0, one.err.c_str());
        const Outcome two = run({"predict", m_model.string(), "--nproc", "2", "--threads", "1",
                                 "-o", (folder / "two.bw").string()});
        QVERIFY2(two.exitCode == 0, two.err.c_str());
        QVERIFY2(has(two.out, "sharded prediction: 2 ranks (torchrun)"), two.out.c_str());
        // The whole prediction's bases, said once, as one process says them.
        const auto bases = [](const std::string& out) {
            const auto at = out.find("predicted ");
            return at == std::string::npos ? std::string()
                                           : out.substr(at, out.find(" in ", at) - at);
        };
        QVERIFY2(has(bases(one.out), "of 4 chromosome(s)"), one.out.c_str());
        QCOMPARE(bases(two.out), bases(one.out));
        QCOMPARE(two.out.find("predicted ", two.out.find("predicted ") + 1), std::string::npos);
        QCOMPARE(two.out.find("wrote ", two.out.find("wrote ") + 1), std::string::npos);
        std::vector<std::string> left;
        for (const auto& e : fs::directory_iterator(folder))
            left.push_back(e.path().filename().string());
        std::sort(left.begin(), left.end());
        QCOMPARE(left, (std::vector<std::string>{"one.bw", "two.bw"}));
        const auto a = BigWigReader::open(folder / "one.bw");
        const auto b = BigWigReader::open(folder / "two.bw");
        QCOMPARE(b.chromosomes(), a.chromosomes());
        for (const auto& c : a.chromosomes()) {
            const auto va = a.loadChromosome(c.name, -1.0F);
            QVERIFY(std::count(va.begin(), va.end(), -1.0F) < static_cast<long>(va.size()));
            QVERIFY2(b.loadChromosome(c.name, -1.0F) == va, c.name.c_str());
        }
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
    // ----- the table-driven corpus (corpusCases below): one row per bad input

    void corpus_data()
    {
        QTest::addColumn<int>("index");
        m_cases = corpusCases();
        for (std::size_t i = 0; i < m_cases.size(); ++i)
            QTest::newRow(m_cases[i].name.c_str()) << static_cast<int>(i);
    }
    void corpus()
    {
        QFETCH(int, index);
        const Case& c = m_cases[static_cast<std::size_t>(index)];
        for (const auto& [name, content] : c.files) {
            fs::create_directories((m_dir / name).parent_path());
            test::writeText(m_dir / name, content);
        }
        expectRefusal(c.args, c.expected);
    }
};

std::vector<Case> TestBadInputs::corpusCases() const
{
    // A table, so its length is the corpus' size rather than a reason to split it.
    const Args predict = {"predict", "m.kdna", "-c", "chr4", "-o", "p.bw"};
    auto predictWith = [&](const Args& more) {
        Args a = predict;
        a.insert(a.end(), more.begin(), more.end());
        return a;
    };
    const Args evaluate = {"evaluate", "m.kdna", "-c", "chr4"};
    auto evaluateWith = [&](const Args& more) {
        Args a = evaluate;
        a.insert(a.end(), more.begin(), more.end());
        return a;
    };
    auto trainWith = [](const Args& more) {
        Args a = {"train", "demo.kdna.json"};
        a.insert(a.end(), more.begin(), more.end());
        return a;
    };
    const std::string bw = test::readText(m_track);
    const std::string model = test::readText(m_model);
    const auto chromTree = static_cast<std::size_t>(valueAt<std::uint64_t>(bw, 8));
    const auto keySize = valueAt<std::uint32_t>(bw, chromTree + 8);
    const nlohmann::json remove = nlohmann::json::value_t::discarded;

    std::vector<Case> c = {
        // --- the command line
        {"unknown command", {"frobnicate"}, {}, "frobnicate"},
        {"no command", {}, {}, "subcommand"},
        {"unknown option", {"info", "--bogus", "demo.fa"}, {}, "--bogus"},
        {"info without files", {"info"}, {}, "files"},
        {"info of a missing file", {"info", "absent.fa"}, {}, "absent.fa"},
        {"info of a folder", {"info", "folder"}, {}, "folder"},
        {"shape without spec", {"shape"}, {}, "spec"},
        {"shape of a missing spec", {"shape", "absent.json"}, {}, "absent.json"},
        {"shape of a folder", {"shape", "folder"}, {}, "folder"},
        {"batches count not a number", {"batches", "demo.kdna.json", "-n", "many"}, {}, "--count"},
        {"batches count zero", {"batches", "demo.kdna.json", "-n", "0"}, {}, "--count"},
        {"batches workers negative",
         {"batches", "demo.kdna.json", "--workers", "-1"},
         {},
         "--workers"},
        {"train epochs not a number", trainWith({"--epochs", "ten"}), {}, "--epochs"},
        {"train epochs zero", trainWith({"--epochs", "0"}), {}, "--epochs"},
        {"train steps zero", trainWith({"--steps", "0"}), {}, "--steps"},
        {"train validation steps negative",
         trainWith({"--validation-steps", "-1"}),
         {},
         "--validation-steps"},
        {"train eval steps negative", trainWith({"--eval-steps", "-4"}), {}, "--eval-steps"},
        {"train threads negative", trainWith({"--threads", "-1"}), {}, "--threads"},
        {"train workers negative", trainWith({"--workers", "-2"}), {}, "--workers"},
        {"train precision unknown", trainWith({"--precision", "fp16"}), {}, "--precision"},
        {"train device unknown", trainWith({"--device", "tpu"}), {}, "tpu"},
        {"train out in a missing folder", trainWith({"--out", "nowhere/m.kdna"}), {}, "nowhere"},
        {"train out under a file", trainWith({"--out", "notes.txt/m.kdna"}), {}, "notes.txt"},
        {"train out over a user's file", trainWith({"--out", "notes.txt"}), {}, "notes.txt"},
        {"train from a missing model", trainWith({"--from", "absent.kdna"}), {}, "absent.kdna"},
        {"train from a text file", trainWith({"--from", "notes.txt"}), {}, "notes.txt"},
        {"train from a folder", trainWith({"--from", "folder"}), {}, "folder"},
        {"train state dict into a folder",
         trainWith({"--export-state-dict", "folder"}),
         {},
         "folder"},
        {"train missing project", {"train", "absent.kdna.json"}, {}, "absent.kdna.json"},
        {"train project is a folder", {"train", "folder"}, {}, "folder"},
        {"evaluate without chromosome", {"evaluate", "m.kdna"}, {}, "--chrom"},
        {"predict without output", {"predict", "m.kdna", "-c", "chr4"}, {}, "--out"},
        {"predict unknown chromosome",
         {"predict", "m.kdna", "-c", "chrZ", "-o", "p.bw"},
         {},
         "chrZ"},
        {"predict region not a range", predictWith({"--start-stop", "middle"}), {}, "start_stop"},
        {"predict region backwards", predictWith({"--start-stop", "900-100"}), {}, "900-100"},
        {"predict batch size not a number",
         predictWith({"--batch-size", "big"}),
         {},
         "--batch-size"},
        {"predict threads negative", predictWith({"--threads", "-3"}), {}, "--threads"},
        {"predict device unknown", predictWith({"--device", "gpu0"}), {}, "gpu0"},
        {"predict method empty", predictWith({"--method", ""}), {}, "--method"},
        {"predict output in a missing folder",
         {"predict", "m.kdna", "-c", "chr4", "-o", "nowhere/p.bw"},
         {},
         "nowhere"},
        {"predict output is a folder",
         {"predict", "m.kdna", "-c", "chr4", "-o", "folder"},
         {},
         "folder"},
        {"predict output over a model",
         {"predict", "m.kdna", "-c", "chr4", "-o", "m.kdna"},
         {},
         "m.kdna: already exists and is not a bigWig"},
        {"predict chrom sizes missing",
         predictWith({"--chrom-sizes", "absent.sizes"}),
         {},
         "absent.sizes"},
        {"predict fasta missing", predictWith({"--fasta", "absent.fa"}), {}, "absent.fa"},
        {"predict fasta is a folder", predictWith({"--fasta", "folder"}), {}, "folder"},
        {"predict fasta is notes", predictWith({"--fasta", "notes.txt"}), {}, "notes.txt"},
        {"evaluate unknown chromosome", {"evaluate", "m.kdna", "-c", "chrQ"}, {}, "chrQ"},
        {"evaluate annotation is notes",
         evaluateWith({"--annotation", "notes.txt"}),
         {},
         "notes.txt"},
        {"evaluate annotation is a folder", evaluateWith({"--annotation", "folder"}), {}, "folder"},
        {"evaluate annotation is a FASTA",
         evaluateWith({"--annotation", "demo.fa"}),
         {},
         "demo.fa"},
        {"evaluate method unknown", evaluateWith({"--method", "quick"}), {}, "--method"},
        {"evaluate precision unknown", evaluateWith({"--precision", "int8"}), {}, "--precision"},
        {"evaluate missing model", {"evaluate", "absent.kdna", "-c", "chr4"}, {}, "absent.kdna"},
        {"correlate unknown chromosome", {"correlate", "m.kdna", "-c", "chrQ"}, {}, "chrQ"},
        {"correlate fasta missing",
         {"correlate", "m.kdna", "-c", "chr4", "--fasta", "absent.fa"},
         {},
         "absent.fa"},
        {"auc curve unknown", {"auc", "m.kdna", "-c", "chr4", "--curve", "XYZ"}, {}, "--curve"},
        {"model missing", {"model", "absent.kdna"}, {}, "absent.kdna"},
        {"model is a folder", {"model", "folder"}, {}, "folder"},
        {"model project in a missing folder",
         {"model", "m.kdna", "--project", "nowhere/p.json"},
         {},
         "nowhere"},
        {"model state dict in a missing folder",
         {"model", "m.kdna", "--export-state-dict", "nowhere/w.safetensors"},
         {},
         "nowhere"},
        {"model state dict is a folder",
         {"model", "m.kdna", "--export-state-dict", "folder"},
         {},
         "folder"},
        {"model project over a user's file",
         {"model", "m.kdna", "--project", "notes.txt"},
         {},
         "notes.txt"},
        {"demo epochs negative", {"demo", "--dir", "d", "--epochs", "-1"}, {}, "--epochs"},
        {"demo dir is a file", {"demo", "--dir", "notes.txt", "--no-train"}, {}, "notes.txt"},

        // --- FASTA
        {"fasta empty", {"info", "empty.fa"}, {{"empty.fa", ""}}, "empty.fa"},
        {"fasta without header",
         {"info", "nohead.fa"},
         {{"nohead.fa", "ACGT\nACGT\n"}},
         "nohead.fa: is not a file kdna knows"},
        {"fasta nameless header",
         {"info", "noname.fa"},
         {{"noname.fa", ">\nACGT\n"}},
         "noname.fa, line 1"},
        {"fasta digits in sequence",
         {"info", "digits.fa"},
         {{"digits.fa", ">a\nAC1GT\n"}},
         "digits.fa, line 2"},
        {"fasta binary garbage",
         {"info", "garbage.fa"},
         {{"garbage.fa", std::string("\x00\x01\x02\xff\xfe", 5) + "binary"}},
         "garbage.fa"},
        {"fasta NUL in sequence",
         {"info", "nul.fa"},
         {{"nul.fa", std::string(">a\nAC\0GT\n", 9)}},
         "nul.fa, line 2"},
        {"fasta tab in sequence",
         {"info", "tab.fa"},
         {{"tab.fa", ">a\nAC\tGT\n"}},
         "tab.fa, line 2"},
        {"fasta duplicate names far apart",
         {"info", "dup2.fa"},
         {{"dup2.fa", ">x\nAC\n>y\nGG\n>z\nTT\n>y\nAA\n"}},
         "dup2.fa, line 7"},
        {"fasta truncated gzip",
         {"info", "cut.fa.gz"},
         {{"cut.fa.gz", std::string("\x1f\x8b\x08\x04\x00\x00\x00\x00\x00\xff", 10)}},
         "cut.fa.gz"},
        {"fasta for predict is garbage", predictWith({"--fasta", "garbage.fa"}), {}, "garbage.fa"},

        // --- BED, narrowPeak, GFF3, chrom.sizes
        {"bed too few columns",
         {"info", "few.bed"},
         {{"few.bed", "chr1\t10\n"}},
         "few.bed, line 1"},
        {"bed start not a number",
         {"info", "nan.bed"},
         {{"nan.bed", "chr1\tten\t20\n"}},
         "nan.bed, line 1"},
        {"bed end before start",
         {"info", "back.bed"},
         {{"back.bed", "chr1\t10\t20\nchr1\t50\t40\n"}},
         "back.bed, line 2"},
        {"bed negative start",
         {"info", "neg.bed"},
         {{"neg.bed", "chr1\t-5\t20\n"}},
         "neg.bed, line 1"},
        {"bed binary garbage",
         {"info", "bin.bed"},
         {{"bin.bed", std::string("chr1\t1\t2\n\x00\x01\x02\x03\n", 13)}},
         "bin.bed"},
        {"bed huge coordinate",
         {"info", "huge.bed"},
         {{"huge.bed", "chr1\t0\t99999999999999999999999\n"}},
         "huge.bed, line 1"},
        {"narrowPeak bad summit",
         {"info", "peaks.narrowPeak"},
         {{"peaks.narrowPeak", "chr1\t10\t50\t.\t0\t.\t1.5\t2\t3\tsummit\n"}},
         "peaks.narrowPeak, line 1"},
        {"narrowPeak too few columns",
         {"info", "short.narrowPeak"},
         {{"short.narrowPeak", "chr1\t10\t50\t.\t0\n"}},
         "short.narrowPeak, line 1"},
        {"gff3 too few columns",
         {"info", "few.gff3"},
         {{"few.gff3", "##gff-version 3\nchr1\tsrc\tgene\t10\n"}},
         "few.gff3, line 2"},
        {"gff3 start not a number",
         {"info", "nan.gff3"},
         {{"nan.gff3", "##gff-version 3\nchr1\tsrc\tgene\tx\t20\t.\t+\t.\tID=g\n"}},
         "nan.gff3, line 2"},
        {"gff3 end before start",
         {"info", "back.gff3"},
         {{"back.gff3", "##gff-version 3\nchr1\tsrc\tgene\t50\t20\t.\t+\t.\tID=g\n"}},
         "back.gff3, line 2"},
        {"gff3 bad strand",
         {"info", "strand.gff3"},
         {{"strand.gff3", "##gff-version 3\nchr1\tsrc\tgene\t10\t20\t.\t?x\t.\tID=g\n"}},
         "strand.gff3, line 2"},
        {"gff3 zero start",
         {"info", "zero.gff3"},
         {{"zero.gff3", "##gff-version 3\nchr1\tsrc\tgene\t0\t20\t.\t+\t.\tID=g\n"}},
         "zero.gff3, line 2"},
        {"chrom sizes length not a number",
         {"info", "bad.chrom.sizes"},
         {{"bad.chrom.sizes", "chr1\t1000\nchr2\tlong\n"}},
         "bad.chrom.sizes, line 2"},
        {"chrom sizes without length",
         {"info", "nolen.chrom.sizes"},
         {{"nolen.chrom.sizes", "chr1\n"}},
         "nolen.chrom.sizes, line 1"},
        {"chrom sizes negative",
         {"info", "neg.chrom.sizes"},
         {{"neg.chrom.sizes", "chr1\t-10\n"}},
         "neg.chrom.sizes, line 1"},
        {"chrom sizes duplicate",
         {"info", "dup.chrom.sizes"},
         {{"dup.chrom.sizes", "chr1\t10\nchr1\t20\n"}},
         "dup.chrom.sizes, line 2"},
        {"chrom sizes for predict is garbage",
         predictWith({"--chrom-sizes", "bad.chrom.sizes"}),
         {},
         "bad.chrom.sizes"},

        // --- bigWig
        {"bigwig empty", {"info", "empty.bw"}, {{"empty.bw", ""}}, "empty.bw"},
        {"bigwig cut at the header",
         {"info", "head.bw"},
         {{"head.bw", bw.substr(0, 40)}},
         "head.bw: is truncated"},
        {"bigwig cut in half",
         {"info", "half.bw"},
         {{"half.bw", bw.substr(0, bw.size() / 2)}},
         "half.bw: is truncated"},
        {"bigwig text",
         evaluateWith({"--annotation", "text.bw"}),
         {{"text.bw", "chr1\t0\t10\t1.5\n"}},
         "text.bw: is not a bigWig"},
        {"bigwig is a bigBed",
         {"info", "bed.bw"},
         {{"bed.bw", withValue<std::uint32_t>(bw, 0, 0x8789F2EB)}},
         "bed.bw: is a bigBed"},
        {"bigwig big-endian",
         {"info", "be.bw"},
         {{"be.bw", withValue<std::uint32_t>(bw, 0, 0x26FC8F88)}},
         "be.bw: is a damaged bigWig"},
        {"bigwig version 99",
         {"info", "v99.bw"},
         {{"v99.bw", withValue<std::uint16_t>(bw, 4, 99)}},
         "v99.bw: is a damaged bigWig"},
        {"bigwig too many zoom levels",
         {"info", "zooms.bw"},
         {{"zooms.bw", withValue<std::uint16_t>(bw, 6, 60000)}},
         "zooms.bw"},
        {"bigwig chromosome list past the end",
         {"info", "ct.bw"},
         {{"ct.bw", withValue<std::uint64_t>(bw, 8, 1ULL << 40)}},
         "ct.bw: is truncated"},
        {"bigwig chromosome number out of range",
         {"info", "cid.bw"},
         {{"cid.bw", withValue<std::uint32_t>(bw, chromTree + 36 + keySize, 0x7FFFFFFF)}},
         "cid.bw: is a damaged bigWig"},
        {"bigwig chromosome list magic",
         {"info", "ctm.bw"},
         {{"ctm.bw", replaced(bw, chromTree, "JUNK")}},
         "ctm.bw: is a damaged bigWig"},
        {"bigwig huge name size",
         {"info", "key.bw"},
         {{"key.bw", withValue<std::uint32_t>(bw, chromTree + 8, 0xFFFFFF00)}},
         "key.bw: is a damaged bigWig"},
        {"bigwig no index",
         {"info", "noidx.bw"},
         {{"noidx.bw", withValue<std::uint64_t>(bw, 24, 0)}},
         "noidx.bw: is a damaged bigWig"},
        {"bigwig as annotation for evaluate",
         evaluateWith({"--annotation", "half.bw"}),
         {},
         "half.bw"},
        {"bigwig as chrom sizes", predictWith({"--chrom-sizes", "previous.bw"}), {}, "previous.bw"},

        // --- model archives
        {"model archive empty", {"model", "empty.kdna"}, {{"empty.kdna", ""}}, "empty.kdna"},
        {"model archive cut in half",
         {"model", "half.kdna"},
         {{"half.kdna", model.substr(0, model.size() / 2)}},
         "half.kdna"},
        {"model archive text",
         {"model", "text.kdna"},
         {{"text.kdna", "not a model\n"}},
         "text.kdna"},
        {"model archive byte flipped",
         {"model", "flip.kdna"},
         {{"flip.kdna", replaced(model, model.size() / 2, "\x7f\x7f\x7f")}},
         "flip.kdna"},
        {"model archive cut for predict",
         {"predict", "half.kdna", "-c", "chr4", "-o", "p.bw"},
         {},
         "half.kdna"},
        {"model archive text for evaluate",
         {"evaluate", "text.kdna", "-c", "chr4"},
         {},
         "text.kdna"},
        {"model archive is a FASTA",
         {"predict", "demo.fa", "-c", "chr4", "-o", "p.bw"},
         {},
         "demo.fa"},
        {"model archive flipped for train from",
         trainWith({"--from", "flip.kdna"}),
         {},
         "flip.kdna"},

        // --- project files
        {"project not JSON",
         train("nojson.kdna.json"),
         {{"nojson.kdna.json", "{ \"dataset\": "}},
         "nojson.kdna.json"},
        {"project is an array",
         train("array.kdna.json"),
         {{"array.kdna.json", "[1, 2, 3]\n"}},
         "array.kdna.json"},
        {"project is notes", train("notes.txt"), {}, "notes.txt"},
    };
    // Keywords with a wrong value, or unknown: each names its keyword.
    const std::vector<std::tuple<std::string, std::string, nlohmann::json, std::string>> keys = {
        {"window is text", "/dataset/window", "big", "window"},
        {"window negative", "/dataset/window", -501, "window"},
        {"window zero", "/dataset/window", 0, "window"},
        {"batch size zero", "/dataset/batch_size", 0, "batch_size"},
        {"batch size text", "/dataset/batch_size", "64", "batch_size"},
        {"fasta missing", "/dataset/fasta_file", "absent.fa", "absent.fa"},
        {"fasta is a folder", "/dataset/fasta_file", "folder", "folder"},
        {"fasta is a number", "/dataset/fasta_file", 7, "fasta_file"},
        {"annotation missing", "/dataset/annotation_files", {"absent.bw"}, "absent.bw"},
        {"annotation is notes", "/dataset/annotation_files", {"notes.txt"}, "notes.txt"},
        {"annotation not a list", "/dataset/annotation_files", 3, "annotation_files"},
        {"unknown chromosome", "/dataset/incl_chromosomes", {"chrZ"}, "chrZ"},
        {"unknown dataset keyword", "/dataset/windw", 501, "windw"},
        {"unknown dataset type", "/dataset/type", "Generatr", "Generatr"},
        {"dataset type a number", "/dataset/type", 5, "type"},
        {"normalization unknown", "/dataset/normalization_mode", {"maxx", "perctrim"}, "maxx"},
        {"output shape wrong", "/dataset/output_shape", {64, 7}, "output_shape"},
        {"output shape text", "/dataset/output_shape", "64x1", "output_shape"},
        {"dataset missing", "/dataset", remove, "dataset"},
        {"layer type unknown", "/model/layers/1/type", "Conv9D", "Conv9D"},
        {"filters negative", "/model/layers/1/filters", -16, "filters"},
        {"filters huge", "/model/layers/1/filters", 1099511627776LL, "filters"},
        {"kernel larger than window", "/model/layers/1/kernel_size", 100000,
         "shorter than the kernel"},
        {"activation unknown", "/model/layers/1/activation", "relux", "relux"},
        {"units huge", "/model/layers/8/units", 150000, "150000"},
        {"units zero", "/model/layers/8/units", 0, "units"},
        {"unknown layer keyword", "/model/layers/1/filterz", 16, "filterz"},
        {"layers not a list", "/model/layers", "conv", "layers"},
        {"loss unknown", "/compile/loss", "msee", "msee"},
        {"optimizer unknown", "/compile/optimizer", "adamm", "adamm"},
        {"metric unknown", "/compile/metrics", {"maee"}, "maee"},
        {"epochs negative", "/training/epochs", -1, "epochs"},
        {"steps text", "/training/steps_per_epoch", "many", "steps_per_epoch"},
        {"validation chromosome unknown", "/training/validation_chr", {"chrV9"}, "chrV9"},
        {"precision unknown", "/training/precision", "fp64", "fp64"},
        {"unknown training keyword", "/training/epoch", 3, "epoch"},
        {"project version from the future", "/kdna_project", 99, "kdna_project"},
        {"test chromosome a number", "/test_chr", {4}, "test_chr"},
    };
    // The project's own output (no --out): refused before training.
    for (const auto& [what, output, expected] :
         std::vector<std::tuple<std::string, std::string, std::string>>{
             {"output is a folder", "folder", "folder"},
             {"output in a missing folder", "nowhere/m.kdna", "nowhere"},
             {"output is a user's file", "notes.txt", "notes.txt"}}) {
        std::string file = what;
        std::replace(file.begin(), file.end(), ' ', '_');
        file.erase(std::remove(file.begin(), file.end(), '\''), file.end());
        file += ".kdna.json";
        c.push_back({"project " + what,
                     {"train", file, "--epochs", "1", "--steps", "1", "--validation-steps", "1",
                      "--eval-steps", "0"},
                     {{file, project("/output", output)}},
                     expected});
    }
    for (const auto& [what, pointer, value, expected] : keys) {
        std::string file = what;
        std::replace(file.begin(), file.end(), ' ', '_');
        file += ".kdna.json";
        c.push_back({"project " + what, train(file), {{file, project(pointer, value)}}, expected});
    }
    return c;
}

QTEST_GUILESS_MAIN(TestBadInputs)
#include "test_bad_inputs.moc"
