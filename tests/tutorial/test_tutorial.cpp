// The tutorial suite: every section of the keras_dna tutorial (our specification), run as the
// README's keras_dna table gives it: the section's project or spec under resources/tutorial/
// and its `kdna` commands, with the yeast stand-ins for the tutorial's files and tiny budgets.
// Each command must exit 0, and every shape the tutorial prints must be the shape kdna prints.
//
// The commands are typed as in the README, from the repository's top folder with
// DATA=../shared/data/sacCer3; here they run in a scratch folder (holding a link to
// resources/) with $DATA at the yeast data. Without the yeast data, $DATA is a folder of
// kdna's demo files under the yeast names: the steps that only read keywords or inspect files
// run on it, and a section whose other steps need the yeast chromosomes says so (QSKIP).

#include "core/project/demo_data.h"
#include "support/fixtures.h"

#include <filesystem>
#include <set>

#include <QElapsedTimer>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QTest>

namespace fs = std::filesystem;
using namespace kdna;

namespace {

/// What a step must print: a keras_dna shape after a label (`predict_label_shape`), the
/// output shape of a layer in the model summary (`layer:NAME`), or, with no label, a text.
struct Expect {
    QString label;
    QString value;
};

struct Step {
    QString command; ///< as the README gives it
    std::vector<Expect> expect;
    /// Reads the yeast chromosomes (trains, evaluates, predicts): not run on the demo files.
    bool yeast = true;
    /// Seconds before the step is killed and fails: a guard so that a slow path cannot hold
    /// CI for many minutes, not a speed target (bench/ measures speed).
    int limit = 120;
};

struct Section {
    const char* id;      ///< the data tag: the number of its files in resources/tutorial
    const char* heading; ///< the tutorial's heading(s), "; " between two
    const char* after;   ///< a section whose model this one uses, run first when not yet run
    std::vector<Step> steps;
};

Expect shape(const char* label, const char* value)
{
    return {QString::fromLatin1(label), QString::fromLatin1(value)};
}
Expect layer(const char* name, const char* value)
{
    return {QStringLiteral("layer:") + QString::fromLatin1(name), QString::fromLatin1(value)};
}
Expect text(const char* value)
{
    return {QString(), QString::fromLatin1(value)};
}
Step keywords(const char* command, std::vector<Expect> expect = {})
{
    return {QString::fromLatin1(command), std::move(expect), false};
}
Step yeast(const char* command, std::vector<Expect> expect = {})
{
    return {QString::fromLatin1(command), std::move(expect), true};
}

// The tutorial's shapes, copied from its text: what `predict_*_shape` and `label_shape`
// print, and the model input and output shapes it states, (batch_size, ...) as (None, ...).
// Stand-ins: chrM (absent from this sacCer3) is chrIX; hg38's chr1-chr5 / chr6-chr7 / chr8
// are chrI-chrV / chrVI-chrVII / chrVIII; taf15.bed is the DANPOS nucleosome calls;
// scerevisiae2.bw and celegans.bw are the DANPOS coverage; ce11.fa is sacCer3.fa.
const std::vector<Section>& sections()
{
    static const std::vector<Section> all = {
        {"01",
         "Regression problem: Downloading the data",
         {},
         {keywords("kdna info $DATA/sacCer3.fa $DATA/nucleosome_occupancy.bw")}},
        {"02",
         "Building a 1d CNN with keras; Train the model",
         {},
         {yeast("kdna train resources/tutorial/02_train_the_model.kdna.json --data $DATA --out "
                "cnn.kdna",
                {layer("input", "(None, 2001, 4)"), layer("dense", "(None, 1)")}),
          yeast("kdna evaluate cnn.kdna -c chrIX", {text("loss"), text("mae")}),
          yeast("kdna correlate cnn.kdna -c chrIX", {text("correlate_0_0")})}},
        {"03",
         "Normalization of the inputs",
         {},
         {yeast("kdna train resources/tutorial/03_normalization_of_the_inputs.kdna.json --data "
                "$DATA --out normalized.kdna"),
          yeast("kdna evaluate normalized.kdna -c chrIX", {text("mae")}),
          yeast("kdna correlate normalized.kdna -c chrIX", {text("correlate_0_0")})}},
        {"04",
         "Adding weights to balance the training process",
         {},
         {yeast("kdna train resources/tutorial/04_adding_weights.kdna.json --data $DATA --out "
                "weighted.kdna"),
          yeast("kdna evaluate weighted.kdna -c chrIX", {text("mae")}),
          yeast("kdna correlate weighted.kdna -c chrIX", {text("correlate_0_0")})}},
        {"05",
         "Helper function to create a Generator",
         {},
         {keywords("kdna shape resources/tutorial/05_predict_input_shape.json --data $DATA",
                   {shape("predict_input_shape", "(2001, 1, 4)")}),
          keywords("kdna shape resources/tutorial/05_predict_label_shape.json --data $DATA",
                   {shape("predict_label_shape", "(10, 2, 2)")})}},
        {"06",
         "Saving model",
         "04",
         {yeast("kdna model weighted.kdna", {text("\"weighting_mode\":\"balanced\"")})}},
        {"07",
         "Loading a ModelWrapper instance",
         "04",
         {yeast("kdna model weighted.kdna --project reloaded.kdna.json"),
          yeast("kdna model weighted.kdna --commands",
                {text("\"weighting_mode\": \"balanced\""), text("\"bins\": \"auto\"")}),
          yeast("kdna train resources/tutorial/07_transfer_learning.kdna.json --data $DATA "
                "--from weighted.kdna --out transfer.kdna"),
          yeast("kdna correlate transfer.kdna -c chrIX --fasta $DATA/sacCer3.fa --annotation "
                "$DATA/nucleosome_occupancy.bw --json",
                {text("{\"correlate_0_0\":")})}},
        {"08",
         "Prediction on a full chromosomes",
         "04",
         {yeast("kdna predict weighted.kdna -c chrIX -c chrX --chrom-sizes "
                "$DATA/sacCer3.chrom.sizes -o prediction_chrIX_chrX.bw"),
          yeast("kdna predict weighted.kdna -c chrI --fasta $DATA/sacCer3.fa --chrom-sizes "
                "$DATA/sacCer3.chrom.sizes -o prediction_celegans.bw"),
          yeast("kdna predict weighted.kdna -c chrI --chrom-sizes $DATA/sacCer3.chrom.sizes "
                "--rc -o prediction_rc.bw")}},
        // keras_dna's start_stop holds window centres, the stop included (its index runs
        // to (stop - start) // step inclusive): 10,001 bases per region.
        {"09",
         "Predicting on a region of chromosome",
         "04",
         {yeast("kdna predict weighted.kdna -c chrIX -c chrX --chrom-sizes "
                "$DATA/sacCer3.chrom.sizes --start-stop 10000-20000 --start-stop 20000-30000 -o "
                "prediction_on_regions.bw"),
          yeast("kdna info prediction_on_regions.bw", {text(" 20,002 bases covered")})}},
        {"10",
         "Training with another tracks as input",
         {},
         {keywords("kdna shape resources/tutorial/10_predict_sec_input_shape.json --data $DATA",
                   {shape("predict_sec_input_shape", "(100, 2, 1)")}),
          yeast("kdna train resources/tutorial/10_training_with_another_track_as_input.kdna.json "
                "--data $DATA --out translator.kdna",
                {layer("dna", "(None, 2001, 4)"), layer("seq_inputs", "(None, 100)"),
                 layer("dense", "(None, 100)")}),
          yeast("kdna correlate translator.kdna -c chrIX", {text("correlate_0_0")})}},
        {"11",
         "Predicting two tracks at the same time",
         {},
         {yeast("kdna train resources/tutorial/11_predicting_two_tracks.kdna.json --data $DATA "
                "--out two_tracks.kdna",
                {layer("output", "(None, 100, 2)")}),
          yeast("kdna correlate two_tracks.kdna -c chrIX",
                {text("correlate_0_0"), text("correlate_1_0")}),
          yeast("kdna predict two_tracks.kdna -c chrIX --chrom-sizes $DATA/sacCer3.chrom.sizes -o "
                "prediction_multi_training.bw",
                {text("prediction_multi_training_cell_number0_annotation_number0.bw"),
                 text("prediction_multi_training_cell_number1_annotation_number0.bw")})}},
        {"12",
         "Predicting simultaneously two tracks for two annotations",
         {},
         {keywords("kdna shape resources/tutorial/12_predict_label_shape.json --data $DATA",
                   {shape("predict_label_shape", "(1, 2, 2)")}),
          keywords("kdna shape resources/tutorial/12_two_tracks_for_two_annotations.kdna.json "
                   "--data $DATA",
                   {shape("predict_label_shape", "(1, 2, 2)")}),
          yeast("kdna train resources/tutorial/12_two_tracks_for_two_annotations.kdna.json "
                "--data $DATA --out four_tracks.kdna",
                {layer("output", "(None, 1, 2, 2)")}),
          yeast("kdna correlate four_tracks.kdna -c chrIX",
                {text("correlate_0_0"), text("correlate_0_1"), text("correlate_1_0"),
                 text("correlate_1_1")}),
          yeast("kdna predict four_tracks.kdna -c chrIX --start-stop 10000-15000 --chrom-sizes "
                "$DATA/sacCer3.chrom.sizes -o prediction_multi_training",
                {text("prediction_multi_training_cell_number0_annotation_number0.bw"),
                 text("prediction_multi_training_cell_number0_annotation_number1.bw"),
                 text("prediction_multi_training_cell_number1_annotation_number0.bw"),
                 text("prediction_multi_training_cell_number1_annotation_number1.bw")})}},
        {"13",
         "Training on several species simultaneously; Creating the MultiGenerator instance",
         {},
         {keywords("kdna shape resources/tutorial/13_seqintervaldl_label_shape.json --data $DATA",
                   {shape("predict_label_shape", "(100, 1)")}),
          yeast("kdna train resources/tutorial/13_training_on_several_species.kdna.json --data "
                "$DATA --out multi_species.kdna",
                {layer("input", "(None, 2001, 4)"), layer("dense", "(None, 100)")}),
          yeast("kdna evaluate multi_species.kdna -c chrIX --fasta $DATA/sacCer3.fa --annotation "
                "$DATA/nucleosome_occupancy.bw",
                {text("mae")}),
          yeast("kdna correlate multi_species.kdna -c chrX --fasta $DATA/sacCer3.fa --annotation "
                "$DATA/nucleosome_occupancy.bw",
                {text("correlate_0_0")}),
          yeast("kdna predict multi_species.kdna -c chrX --chrom-sizes $DATA/sacCer3.chrom.sizes "
                "--fasta $DATA/sacCer3.fa -o multi_prediction.bw",
                {text("multi_prediction.bw")}),
          yeast("kdna predict multi_species.kdna -c chrX --start-stop 10000-15000 --chrom-sizes "
                "$DATA/sacCer3.chrom.sizes --fasta $DATA/sacCer3.fa --annotation "
                "$DATA/nucleosome_coverage_danpos.bw -o multi_prediction_danpos.bw",
                {text("multi_prediction_danpos.bw")})}},
        {"14",
         "Classification problem: Downloading the data (the number of peaks, their "
         "lengths, per chromosome)",
         {},
         {keywords("kdna info $DATA/nucleosomes_danpos.bed")}},
        {"15",
         "Creating a 1D convolutional classifier; Creating the generator to train the network",
         {},
         {yeast("kdna train resources/tutorial/15_creating_the_generator.kdna.json --data $DATA "
                "--out classifier.kdna",
                {layer("input", "(None, 551, 4)"), layer("dense", "(None, 1)")}),
          yeast("kdna evaluate classifier.kdna -c chrVIII", {text("accuracy")}),
          yeast("kdna auc classifier.kdna -c chrVIII --no-augmentation", {text("AUROC")}),
          yeast("kdna auc classifier.kdna -c chrVIII --fasta $DATA/sacCer3.fa --annotation "
                "$DATA/nucleosomes_danpos.bed --no-augmentation --curve PR",
                {text("AUPR")}),
          yeast("kdna predict classifier.kdna -c chrVIII --chrom-sizes $DATA/sacCer3.chrom.sizes "
                "-o taf15_prediction.bw")}},
        {"16",
         "Training with random negative example",
         {},
         {yeast("kdna train resources/tutorial/16_random_negative_examples.kdna.json --data $DATA "
                "--out random_negatives.kdna")}},
        {"17",
         "Data Augmentation",
         {},
         {yeast("kdna train resources/tutorial/17_data_augmentation.kdna.json --data $DATA --out "
                "augmented.kdna",
                // Every window holding a whole call is a positive: the yeast genome has too
                // few windows touching none for as many negatives, and training says so.
                {layer("input", "(None, 414, 4)"), text("negatives fewer than asked")}),
          yeast("kdna evaluate augmented.kdna -c chrVIII", {text("accuracy")})}},
        {"18",
         "Precisely predict the position of binding site within a sequence",
         {},
         {keywords("kdna shape resources/tutorial/18_position_of_binding_sites.kdna.json --data "
                   "$DATA",
                   {shape("predict_input_shape", "(416, 4, 1)"),
                    shape("predict_label_shape", "(416, 1)")}),
          yeast("kdna train resources/tutorial/18_position_of_binding_sites.kdna.json --data $DATA "
                "--out seq2seq.kdna",
                {layer("reshape", "(None, 416, 1)")}),
          // keras_dna scores every augmented window of chrVIII (871,220 of them, about 48 M
          // multiply-adds each: some 40 minutes on two cores); Keras' steps take a sample.
          yeast("kdna evaluate seq2seq.kdna -c chrVIII --steps 20",
                {text("accuracy"), text("1,280 windows (an even sample of 871,220")})}},
        {"19",
         "Label shape: Predicting the same annotation on different cellular type",
         {},
         {keywords("kdna shape resources/tutorial/19_same_annotation_two_cell_types.json --data "
                   "$DATA",
                   {shape("predict_label_shape", "(2, 1)")})}},
        {"20",
         "Label shape: Positioning precisely ChIP-seq peaks in two cellular type",
         {},
         {keywords("kdna shape resources/tutorial/20_positions_in_two_cell_types.json --data $DATA",
                   {shape("predict_label_shape", "(420, 2, 1)")})}},
        {"21",
         "Label shape: Predicting several annotation at the same time",
         {},
         {keywords("kdna shape resources/tutorial/21_several_annotations.json --data $DATA",
                   {shape("predict_label_shape", "(1, 2)")})}},
        {"22",
         "Classification and regression simultaneously",
         {},
         {yeast(
             "kdna train resources/tutorial/22_classification_and_regression.kdna.json --data "
             "$DATA --out classification_and_regression.kdna",
             {layer("output_classifier", "(None, 1)"), layer("output_density", "(None, 404)")})}},
        {"23",
         "Multi Genome training",
         {},
         {yeast("kdna train resources/tutorial/23_multi_genome_training.kdna.json --data $DATA "
                "--out multi_genome.kdna",
                {layer("input", "(None, 551, 4)"), layer("dense", "(None, 1)")}),
          yeast("kdna auc multi_genome.kdna -c chrVIII --fasta $DATA/sacCer3.fa --annotation "
                "$DATA/nucleosomes_danpos.bed",
                {text("AUROC")}),
          yeast("kdna predict multi_genome.kdna -c chrVIII --chrom-sizes "
                "$DATA/sacCer3.chrom.sizes --fasta $DATA/sacCer3.fa --rc -o multi_genome_rc.bw")}},
    };
    return all;
}

const Section* findSection(const QString& id)
{
    for (const auto& s : sections())
        if (QLatin1String(s.id) == id)
            return &s;
    return nullptr;
}

/// The kdna under test: the build's, or the one KDNA_CLI names.
QString cli()
{
    const QByteArray env = qgetenv("KDNA_CLI");
    return env.isEmpty() ? QStringLiteral(KDNA_CLI) : QString::fromLocal8Bit(env);
}

QString str(const fs::path& p)
{
    return QString::fromStdString(p.string());
}

/// The shape printed after `label` at the start of a line ("predict_label_shape   (2, 1)"),
/// or empty when no line has it.
QString printedShape(const QString& output, const QString& label)
{
    const QRegularExpression re(QStringLiteral("^") + QRegularExpression::escape(label) +
                                    QStringLiteral("\\s+(\\([^)]*\\))"),
                                QRegularExpression::MultilineOption);
    const auto m = re.match(output);
    return m.hasMatch() ? m.captured(1) : QString();
}

/// The output shape of layer `name` in a printed model summary (" dense (Dense)  (None, 1)").
QString layerShape(const QString& output, const QString& name)
{
    const QRegularExpression re(QStringLiteral("^ ") + QRegularExpression::escape(name) +
                                    QStringLiteral(" \\(\\w+\\)\\s+(\\([^)]*\\))"),
                                QRegularExpression::MultilineOption);
    const auto m = re.match(output);
    return m.hasMatch() ? m.captured(1) : QString();
}

} // namespace

class TestTutorial : public QObject {
    Q_OBJECT

    test::ScratchDir m_scratch;
    fs::path m_work;          // where the commands run (the README's top folder)
    fs::path m_data;          // $DATA
    bool m_yeast = false;     // $DATA is the yeast data
    std::set<QString> m_done; // sections whose commands have run

    struct Outcome {
        int exitCode = -1;
        QString output; // stdout then stderr
    };

    Outcome run(const QString& command, int limit)
    {
        QStringList args = command.split(QLatin1Char(' '), Qt::SkipEmptyParts);
        for (auto& a : args)
            a.replace(QStringLiteral("$DATA"), str(m_data));
        const QString program = cli();
        args.removeFirst(); // "kdna"
        QProcess p;
        p.setWorkingDirectory(str(m_work));
        p.start(program, args);
        Outcome o;
        if (!p.waitForFinished(limit * 1000)) {
            p.kill();
            p.waitForFinished();
            o.output = QString::fromLocal8Bit(p.readAllStandardOutput()) +
                       QStringLiteral("(killed: not finished after %1 s)").arg(limit);
            return o;
        }
        o.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
        o.output = QString::fromLocal8Bit(p.readAllStandardOutput()) +
                   QString::fromLocal8Bit(p.readAllStandardError());
        return o;
    }

    /// What is wrong with a step's run, or empty when it exited 0 and printed what the
    /// tutorial prints.
    static QString problemOf(const Step& step, const Outcome& o)
    {
        if (o.exitCode != 0)
            return QStringLiteral("exit status %1").arg(o.exitCode);
        for (const Expect& e : step.expect) {
            if (e.label.isEmpty()) {
                if (!o.output.contains(e.value))
                    return QStringLiteral("'%1' is not printed").arg(e.value);
                continue;
            }
            const bool isLayer = e.label.startsWith(QStringLiteral("layer:"));
            const QString printed =
                isLayer ? layerShape(o.output, e.label.mid(6)) : printedShape(o.output, e.label);
            if (printed != e.value)
                return QStringLiteral("%1: kdna prints %2, the tutorial %3")
                    .arg(e.label, printed.isEmpty() ? QStringLiteral("no shape") : printed,
                         e.value);
        }
        return {};
    }

    void verifyStep(const Step& step, const QString& problem, const Outcome& o)
    {
        QVERIFY2(problem.isEmpty(), qPrintable(problem + QStringLiteral("\n$ ") + step.command +
                                               QStringLiteral("\n") + o.output));
    }

    /// Runs a step and checks it; false when the section cannot go on.
    bool runStep(const Step& step)
    {
        QElapsedTimer clock;
        clock.start();
        const Outcome o = run(step.command, step.limit);
        qInfo("%.1f s: %s", static_cast<double>(clock.elapsed()) / 1000, qPrintable(step.command));
        const QString problem = problemOf(step, o);
        verifyStep(step, problem, o);
        return problem.isEmpty() && !QTest::currentTestFailed();
    }

    /// Runs a section's steps (the yeast ones only on the yeast data): the number skipped, or
    /// -1 when a step failed (or failed as expected) and the section stopped there.
    int runSection(const Section& s)
    {
        if (s.after != nullptr && m_done.count(QLatin1String(s.after)) == 0) {
            const Section* before = findSection(QLatin1String(s.after));
            if (before == nullptr) {
                QTest::qFail(qPrintable(QStringLiteral("no section ") + QLatin1String(s.after)),
                             __FILE__, __LINE__);
                return -1;
            }
            if (runSection(*before) < 0)
                return -1;
        }
        int skipped = 0;
        for (const Step& step : s.steps) {
            if (step.yeast && !m_yeast) {
                ++skipped;
                continue;
            }
            if (!runStep(step))
                return -1;
        }
        m_done.insert(QLatin1String(s.id));
        return skipped;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(QFileInfo::exists(cli()), qPrintable(cli()));
        m_work = m_scratch.file("work");
        fs::create_directories(m_work);
        fs::create_directory_symlink(fs::path(KDNA_SOURCE_DIR) / "resources", m_work / "resources");
        if (const auto yeast = test::yeastData()) {
            m_data = *yeast;
            m_yeast = true;
            return;
        }
        // The demo's files under the yeast names: enough for the sections that read keywords
        // or inspect files; the rest need the yeast chromosomes.
        qInfo("yeast data not found: the tutorial runs on kdna's demo files where it can");
        const DemoFiles demo = writeDemoData(m_scratch.file("demo"));
        m_data = m_scratch.file("data");
        fs::create_directories(m_data);
        const std::vector<std::pair<const char*, fs::path>> standIns = {
            {"sacCer3.fa", demo.fasta},
            {"sacCer3.chrom.sizes", demo.chromSizes},
            {"nucleosome_occupancy.bw", demo.signal},
            {"nucleosome_coverage_danpos.bw", demo.signal},
            {"nucleosomes_danpos.bed", demo.peaks},
            {"sacCer3_genes.gff3", demo.genes}};
        for (const auto& [name, file] : standIns)
            fs::create_symlink(file, m_data / name);
    }

    /// The suite covers every section, in the tutorial's order, each once.
    void everySectionOnce()
    {
        QCOMPARE(static_cast<int>(sections().size()), 23);
        for (std::size_t i = 0; i < sections().size(); ++i)
            QCOMPARE(QLatin1String(sections()[i].id),
                     QStringLiteral("%1").arg(i + 1, 2, 10, QLatin1Char('0')));
    }

    /// The README's keras_dna table gives every section's commands, as the suite runs them.
    void readmeGivesEveryCommand()
    {
        const QString readme =
            QString::fromStdString(test::readText(fs::path(KDNA_SOURCE_DIR) / "README.md"));
        QVERIFY(!readme.isEmpty());
        for (const auto& s : sections()) {
            for (const QString& heading :
                 QString::fromLatin1(s.heading).split(QStringLiteral("; ")))
                QVERIFY2(readme.contains(heading),
                         qPrintable(QStringLiteral("README lacks the section '") + heading +
                                    QStringLiteral("'")));
            for (const Step& step : s.steps)
                QVERIFY2(readme.contains(QStringLiteral("`") + step.command + QStringLiteral("`")),
                         qPrintable(QStringLiteral("README lacks section ") + QLatin1String(s.id) +
                                    QStringLiteral("'s `") + step.command + QStringLiteral("`")));
        }
    }

    /// Every file under resources/tutorial is one a section uses.
    void everyFileIsUsed()
    {
        for (const auto& entry :
             fs::directory_iterator(fs::path(KDNA_SOURCE_DIR) / "resources" / "tutorial")) {
            const QString name = str(entry.path().filename());
            bool used = false;
            for (const auto& s : sections())
                for (const Step& step : s.steps)
                    used =
                        used || step.command.contains(QStringLiteral("resources/tutorial/") + name);
            QVERIFY2(used, qPrintable(name + QStringLiteral(" is run by no section")));
        }
    }

    void section_data()
    {
        QTest::addColumn<QString>("id");
        for (const auto& s : sections())
            QTest::newRow(s.id) << QString::fromLatin1(s.id);
    }

    void section()
    {
        QFETCH(QString, id);
        const Section* s = findSection(id);
        QVERIFY(s != nullptr);
        qInfo("%s", s->heading);
        const int skipped = runSection(*s);
        if (skipped < 0)
            return;
        if (skipped == static_cast<int>(s->steps.size()))
            QSKIP("needs the yeast data (KDNA_TEST_DATA or ../shared/data/sacCer3): it trains, "
                  "evaluates or predicts on the yeast chromosomes");
        if (skipped > 0)
            QSKIP(qPrintable(QStringLiteral("ran %1 of %2 steps on the demo files; the others need "
                                            "the yeast data (KDNA_TEST_DATA or "
                                            "../shared/data/sacCer3)")
                                 .arg(static_cast<int>(s->steps.size()) - skipped)
                                 .arg(s->steps.size())));
    }
};

QTEST_GUILESS_MAIN(TestTutorial)
#include "test_tutorial.moc"
