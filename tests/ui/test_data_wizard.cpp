#include "core/project/demo_data.h"
#include "support/demo_projects.h"
#include "support/demo_scratch.h"
#include "support/fixtures.h"
#include "ui/bridge/project_document.h"
#include "ui/data/batch_preview.h"
#include "ui/data/data_step.h"
#include "ui/data/data_wizard.h"
#include "ui/data/dataset_form.h"
#include "ui/data/shape_previewer.h"
#include "user_actions.h"
#include "wizard_actions.h"

#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSpinBox>
#include <QTableWidget>
#include <QTest>
#include <QUndoStack>

using namespace kdna;
using namespace kdna::ui;
using namespace kdna::test;

namespace {

/// `kdna shape SPEC` run on a spec written from `spec`.
std::string cliShapes(const DatasetSpec& spec, const std::filesystem::path& dir)
{
    test::writeText(dir / "spec.json", spec.toJson().dump());
    std::string out;
    test::run(test::builtTool("app/cli/kdna").string() + " shape " + (dir / "spec.json").string(),
              &out);
    return out;
}

std::string lineOf(const std::string& out, const std::string& key)
{
    const auto at = out.find(key);
    if (at == std::string::npos)
        return {};
    const auto end = out.find('\n', at);
    std::string line = out.substr(at + key.size(), end - at - key.size());
    return std::string(QString::fromStdString(line).trimmed().toStdString());
}

QAbstractButton* nextButton(QWizard& w)
{
    return w.button(QWizard::NextButton);
}

} // namespace

class TestDataWizard : public QObject {
    Q_OBJECT

    test::ScratchDir m_dir;

    WalkData walkData() { return test::walkData(m_dir.file("demo")); }

    /// The walk's genome and target track in 2001 bp windows of `chromosomes`.
    static DatasetSpec walkDataset(const WalkData& d, std::vector<std::string> chromosomes)
    {
        DatasetSpec s;
        s.fasta_file = d.fasta.toStdString();
        s.annotation_files = {d.target.toStdString()};
        s.window = 2001;
        s.incl_chromosomes = std::move(chromosomes);
        return s;
    }

    /// A FASTA of two short chromosomes.
    QString twoChromosomeFasta()
    {
        const auto path = m_dir.file("two.fa");
        test::writeFasta(
            path, {{"chrA", test::randomBases(5000, 1)}, {"chrB", test::randomBases(3000, 2)}});
        return QString::fromStdString(path.string());
    }

    /// The wizard the Data step's button opened.
    static DataWizard* openedWizard(DataStep& step)
    {
        auto* button = step.findChild<QPushButton*>(QStringLiteral("openWizard"));
        if (!button)
            return nullptr;
        QTest::mouseClick(button, Qt::LeftButton);
        DataWizard* wizard = nullptr;
        waitFor([&] {
            wizard = step.findChild<DataWizard*>();
            return wizard && wizard->isVisible();
        });
        return wizard;
    }

    /// Genome, tracks and chromosomes pages by clicks and keys; ends on the windows page.
    void walkToWindows(DataWizard& wizard, const WalkData& d, bool typeFasta = true)
    {
        QCOMPARE(wizard.currentId(), int(DataWizard::GenomeId));
        if (typeFasta)
            typeOver(wizard.findChild<QLineEdit*>(QStringLiteral("fasta_file")), d.fasta);
        QVERIFY(clickWhenEnabled(nextButton(wizard)));
        QCOMPARE(wizard.currentId(), int(DataWizard::TracksId));

        auto* tracks = wizard.findChild<QTableWidget*>(QStringLiteral("tracks"));
        QVERIFY(tracks);
        const bool hasTarget = waitFor(
            [&] {
                for (int r = 0; r < tracks->rowCount(); ++r)
                    if (tracks->item(r, 0) && tracks->item(r, 0)->toolTip() == d.target)
                        return true;
                return false;
            },
            100);
        if (!hasTarget) {
            answerFileDialog(d.target);
            QTest::mouseClick(wizard.findChild<QPushButton*>(QStringLiteral("addTracks")),
                              Qt::LeftButton);
        }
        QVERIFY(waitFor([&] { return cellText(tracks, 0, 1) == QStringLiteral("bigWig"); }));
        auto* role = qobject_cast<QComboBox*>(tracks->cellWidget(0, 2));
        QVERIFY(role);
        QVERIFY(chooseInCombo(role, QStringLiteral("target")));
        QVERIFY2(!cellText(tracks, 0, 3).contains(QStringLiteral("not in the genome")),
                 qPrintable(cellText(tracks, 0, 3)));
        QVERIFY(clickWhenEnabled(nextButton(wizard)));
        QCOMPARE(wizard.currentId(), int(DataWizard::ChromosomesId));

        auto* splits = wizard.findChild<QTableWidget*>(QStringLiteral("splits"));
        QVERIFY(splits);
        chooseSplits(splits, d);
        if (QTest::currentTestFailed())
            return;
        QVERIFY(clickWhenEnabled(nextButton(wizard)));
        QCOMPARE(wizard.currentId(), int(DataWizard::WindowsId));
    }

private Q_SLOTS:
    void initTestCase()
    {
        test::startGuiSuite(m_dir);
        // Qt's own file dialog, whose name field a test can type into, on every platform.
        QCoreApplication::setAttribute(Qt::AA_DontUseNativeDialogs);
    }

    void typedFastaPathEnablesNext_data()
    {
        QTest::addColumn<int>("key");
        QTest::newRow("typed only") << 0;
        QTest::newRow("then Enter") << int(Qt::Key_Return);
        QTest::newRow("then Tab") << int(Qt::Key_Tab);
    }

    void typedFastaPathEnablesNext()
    {
        QFETCH(int, key);
        DataWizard wizard;
        wizard.show();
        QVERIFY(QTest::qWaitForWindowExposed(&wizard));
        QAbstractButton* next = nextButton(wizard);
        QVERIFY(!next->isEnabled());
        auto* path = wizard.findChild<QLineEdit*>(QStringLiteral("fasta_file"));
        typeOver(path, twoChromosomeFasta());
        if (key)
            QTest::keyClick(path, static_cast<Qt::Key>(key));
        QVERIFY(waitFor([&] { return next->isEnabled(); }, 10000));
        auto* status = wizard.findChild<QLabel*>(QStringLiteral("genomeStatus"));
        QVERIFY(status);
        QCOMPARE(status->text(), QStringLiteral("2 chromosomes, 8,000 bp."));
        QTest::mouseClick(next, Qt::LeftButton);
        QCOMPARE(wizard.currentId(), int(DataWizard::TracksId));
        // Back, and a path that is not a FASTA: Next greys out again.
        QTest::mouseClick(wizard.button(QWizard::BackButton), Qt::LeftButton);
        QCOMPARE(wizard.currentId(), int(DataWizard::GenomeId));
        QVERIFY(next->isEnabled());
        typeOver(path, QString::fromStdString(m_dir.file("none.fa").string()));
        QVERIFY(!next->isEnabled());
    }

    void browseEnablesNext()
    {
        DataWizard wizard;
        wizard.show();
        QVERIFY(QTest::qWaitForWindowExposed(&wizard));
        answerFileDialog(twoChromosomeFasta());
        QTest::mouseClick(wizard.findChild<QPushButton*>(QStringLiteral("browseFasta")),
                          Qt::LeftButton);
        QVERIFY2(clickWhenEnabled(nextButton(wizard), 10000),
                 qPrintable(wizard.findChild<QLineEdit*>(QStringLiteral("fasta_file"))->text() +
                            QStringLiteral(" / ") +
                            wizard.findChild<QLabel*>(QStringLiteral("genomeStatus"))->text()));
        QCOMPARE(wizard.currentId(), int(DataWizard::TracksId));
    }

    void wizardWalksToTheTutorialDataset()
    {
        const WalkData d = walkData();
        ProjectDocument doc;
        Project empty;
        empty.name = "new";
        doc.reset(empty, {});
        DataStep step(&doc);
        step.show();
        DataWizard* wizard = openedWizard(step);
        QVERIFY(wizard);
        walkToWindows(*wizard, d);
        if (QTest::currentTestFailed())
            return;
        if (d.yeast) {
            auto* totals = wizard->findChild<QLabel*>(QStringLiteral("splitTotals"));
            QVERIFY(totals);
            QVERIFY2(totals->text().contains(QStringLiteral("Train: 6 chromosomes, 3,738,990 bp")),
                     qPrintable(totals->text()));
        }

        // Windows: 2001 bp, perctrim then max, output_shape (64, 1), all typed and chosen.
        DatasetForm* form = wizard->windowsPage()->form();
        typeOver(form->control(QStringLiteral("window")), QStringLiteral("2001"));
        auto boxes =
            form->control(QStringLiteral("normalization_mode"))->findChildren<QComboBox*>();
        QCOMPARE(boxes.size(), 2);
        QVERIFY(chooseInCombo(boxes[0], QStringLiteral("max")));
        QVERIFY(chooseInCombo(boxes[1], QStringLiteral("perctrim")));
        auto* output = qobject_cast<QLineEdit*>(form->control(QStringLiteral("output_shape")));
        typeOver(output, QStringLiteral("64, 1"));
        ShapePreviewer* preview = wizard->windowsPage()->previewer();
        QCOMPARE(preview->inputShapeText(), QStringLiteral("(2001, 4)"));
        QCOMPARE(preview->labelShapeText(), QStringLiteral("(1,)"));

        // An invalid output_shape shows the engine's message next to the field and greys
        // Finish; fixed, it is back.
        QAbstractButton* finish = wizard->button(QWizard::FinishButton);
        typeOver(output, QStringLiteral("64, 2"));
        auto* error = form->findChild<QLabel*>(QStringLiteral("output_shape_error"));
        QVERIFY(error && !error->isHidden());
        QVERIFY2(error->text().contains(QStringLiteral("(64, 1, 1)")), qPrintable(error->text()));
        QVERIFY(!finish->isEnabled());
        typeOver(output, QStringLiteral("64, 1"));
        QVERIFY(error->isHidden());
        QCOMPARE(preview->labelShapeText(), QStringLiteral("(1,)"));
        if (d.yeast)
            // Counts come from the files, in the background.
            QVERIFY(
                waitFor([&] { return preview->countsText().contains(QStringLiteral("3,726,990")); },
                        30000));

        QVERIFY(clickWhenEnabled(finish));
        QVERIFY(waitFor([&] { return !wizard->isVisible(); }, 3000));

        // The project holds what was chosen, as one undo step.
        const DatasetSpec& spec = primary(doc.project().dataset);
        QCOMPARE(QString::fromStdString(spec.fasta_file), d.fasta);
        QCOMPARE(spec.annotation_files, std::vector<std::string>{d.target.toStdString()});
        QCOMPARE(spec.incl_chromosomes, d.train);
        QCOMPARE(doc.project().training.validation_chr, d.validation);
        QCOMPARE(doc.project().test_chr, d.test);
        QCOMPARE(spec.window, 2001);
        QCOMPARE(spec.normalization_mode, (std::vector<NormalizationMode>{"max", "perctrim"}));
        QCOMPARE(spec.output_shape, (std::vector<std::int64_t>{64, 1}));
        QCOMPARE(doc.undoStack()->count(), 1);

        // The Data step's previewer shows exactly what `kdna shape` prints.
        const std::string cli = cliShapes(spec, m_dir.path());
        QCOMPARE(step.previewer()->inputShapeText().toStdString(),
                 lineOf(cli, "predict_input_shape"));
        QCOMPARE(step.previewer()->labelShapeText().toStdString(),
                 lineOf(cli, "predict_label_shape"));
    }

    void editInWizardChangesTheProjectInOneUndoStep()
    {
        const WalkData d = walkData();
        ProjectDocument doc;
        Project p;
        p.dataset = walkDataset(d, {d.train.front()});
        p.training.validation_chr = d.validation;
        p.test_chr = d.test;
        doc.reset(p, {});
        DataStep step(&doc);
        step.show();
        auto* button = step.findChild<QPushButton*>(QStringLiteral("openWizard"));
        QCOMPARE(button->text(), QStringLiteral("Edit in wizard..."));
        DataWizard* wizard = openedWizard(step);
        QVERIFY(wizard);
        // Prefilled: the genome is there, Next enables once it is read.
        QCOMPARE(wizard->findChild<QLineEdit*>(QStringLiteral("fasta_file"))->text(), d.fasta);
        auto* splits = wizard->findChild<QTableWidget*>(QStringLiteral("splits"));
        walkToWindows(*wizard, d, /*typeFasta=*/false);
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(splits->rowCount() > 0, true);
        typeOver(wizard->windowsPage()->form()->control(QStringLiteral("window")),
                 QStringLiteral("1001"));
        QVERIFY(clickWhenEnabled(wizard->button(QWizard::FinishButton)));
        QVERIFY(waitFor([&] { return !wizard->isVisible(); }, 3000));

        QCOMPARE(primary(doc.project().dataset).incl_chromosomes, d.train);
        QCOMPARE(primary(doc.project().dataset).window, 1001);
        QCOMPARE(doc.undoStack()->count(), 1);
        QCOMPARE(doc.undoStack()->text(0), QStringLiteral("Data wizard"));
        // What the Data step shows follows.
        auto* summary = step.findChild<QLabel*>(QStringLiteral("dataSummary"));
        QVERIFY(summary);
        QVERIFY2(summary->text().contains(QString::fromStdString(d.train.back())),
                 qPrintable(summary->text()));
        QCOMPARE(step.previewer()->inputShapeText(), QStringLiteral("(1001, 4)"));
    }

    void romanNamesAreFlagged()
    {
        KDNA_REQUIRE_YEAST(data);
        test::writeText(m_dir.file("roman.bed"), "I\t100\t300\tx\nII\t500\t700\ty\n");
        DataWizard wizard;
        wizard.show();
        typeOver(wizard.findChild<QLineEdit*>(QStringLiteral("fasta_file")),
                 QString::fromStdString((data / "sacCer3.fa").string()));
        QVERIFY(clickWhenEnabled(nextButton(wizard)));
        answerFileDialog(QString::fromStdString(m_dir.file("roman.bed").string()));
        QTest::mouseClick(wizard.findChild<QPushButton*>(QStringLiteral("addTracks")),
                          Qt::LeftButton);
        auto* tracks = wizard.findChild<QTableWidget*>(QStringLiteral("tracks"));
        QVERIFY2(waitFor([&] { return cellText(tracks, 0, 1) == QStringLiteral("BED"); }),
                 qPrintable(cellText(tracks, 0, 0) + QLatin1Char(' ') + cellText(tracks, 0, 1)));
        const QString mismatch = cellText(tracks, 0, 3);
        QVERIFY2(mismatch.contains(QStringLiteral("no chromosome name in common")),
                 qPrintable(mismatch));
        QVERIFY2(mismatch.contains(QStringLiteral("without the 'chr' prefix")),
                 qPrintable(mismatch));
    }

    void savedProjectReloadsIdentically()
    {
        KDNA_REQUIRE_YEAST(data);
        ProjectDocument doc;
        Project p;
        p.dataset = test::yeastNucleosomes(data, {"chrI", "chrII"});
        p.training.validation_chr = {"chrVII"};
        p.test_chr = {"chrIX"};
        doc.reset(p, {});
        DataStep step(&doc);
        step.show();
        // Typing a keyword into the Data step's form: one undoable change for the field.
        QWidget* tg = step.form()->control(QStringLiteral("tg_window"));
        typeOver(tg, QStringLiteral("10"));
        QTest::keyClick(tg, Qt::Key_Tab);
        QCOMPARE(primary(doc.project().dataset).tg_window, 10);
        QVERIFY(doc.isModified());
        QCOMPARE(doc.undoStack()->count(), 1);
        const QString path = QString::fromStdString(m_dir.file("saved.kdna.json").string());
        doc.save(path);
        QVERIFY(!doc.isModified());
        ProjectDocument again;
        again.load(path);
        QVERIFY(again.project().toJson() == doc.project().toJson());
        // The reloaded project's shapes as the CLI prints them.
        std::string out;
        const auto spec = primary(again.project().dataset);
        test::writeText(m_dir.file("reloaded.json"), spec.toJson().dump());
        QCOMPARE(test::run(test::builtTool("app/cli/kdna").string() + " shape " +
                               m_dir.file("reloaded.json").string(),
                           &out),
                 0);
        QVERIFY2(out.find("predict_label_shape       (10, 1)") != std::string::npos, out.c_str());
        QCOMPARE(step.previewer()->labelShapeText(), QStringLiteral("(10, 1)"));
    }

    void batchPreviewFollowsTheSettings()
    {
        const WalkData d = walkData();
        ProjectDocument doc;
        Project p;
        DatasetSpec s = walkDataset(d, d.train);
        s.tg_window = 1;
        p.dataset = s;
        doc.reset(p, {});
        DataStep step(&doc);
        step.resize(1100, 700);
        step.show();
        QVERIFY(QTest::qWaitForWindowExposed(&step));
        step.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&step));
        auto* previewButton = step.findChild<QPushButton*>(QStringLiteral("previewBatch"));
        QVERIFY(clickWhenEnabled(previewButton));
        auto* preview = step.findChild<BatchPreview*>();
        QVERIFY(preview);
        QVERIFY(
            waitFor([&] { return preview->isVisible() && !preview->example().onehot.empty(); }));
        // Disabling the button while it draws must not hand the focus, and so a dialog's
        // Enter, to the next button (the wizard's '< Back'); the button never takes Enter.
        QVERIFY(waitFor([&] { return previewButton->isEnabled(); }));
        QVERIFY2(previewButton->hasFocus(),
                 qPrintable(QApplication::focusWidget() ? QApplication::focusWidget()->objectName()
                                                        : QStringLiteral("no focus")));
        QVERIFY(!previewButton->autoDefault());
        const BatchPreview::Example first = preview->example();
        QCOMPARE(first.onehot.size(), std::size_t(2001 * 4));
        // Loci read as IGV and the locus box write them: 1-based, inclusive.
        const QRegularExpression locusText(QStringLiteral("^(\\w+):([0-9,]+)-([0-9,]+)"));
        const auto m = locusText.match(first.locus);
        QVERIFY2(m.hasMatch(), qPrintable(first.locus));
        const qint64 firstBase = m.captured(2).remove(QLatin1Char(',')).toLongLong();
        const qint64 lastBase = m.captured(3).remove(QLatin1Char(',')).toLongLong();
        QVERIFY2(firstBase >= 1 && lastBase - firstBase + 1 == 2001, qPrintable(first.locus));
        // Shapes named as the shape panel names them.
        QCOMPARE(first.inputShape, step.previewer()->inputShapeText());
        QCOMPARE(first.labelShape, step.previewer()->labelShapeText());
        QVERIFY2(preview->caption().startsWith(QStringLiteral("Label ") + first.labelShape),
                 qPrintable(preview->caption()));
        QVERIFY2(preview->heading().startsWith(QStringLiteral("Input ") + first.inputShape),
                 qPrintable(preview->heading()));
        // The label's one base sits under the centre base of the sequence strip.
        const QRectF centre = preview->baseCell(1000);
        const QRectF bar = preview->labelColumn(0);
        QVERIFY(!centre.isEmpty());
        QCOMPARE(bar.left(), centre.left());
        QCOMPARE(bar.right(), centre.right());

        // Changing the settings draws the example again: 11 target bases under their bases.
        typeOver(step.form()->control(QStringLiteral("tg_window")), QStringLiteral("11"));
        QVERIFY(waitFor([&] { return preview->example().label.size() == 11; }));
        QVERIFY2(preview->caption().startsWith(QStringLiteral("Label ") +
                                               step.previewer()->labelShapeText()),
                 qPrintable(preview->caption()));
        for (int i = 0; i < 11; ++i) {
            QCOMPARE(preview->labelColumn(i).left(), preview->baseCell(995 + i).left());
            QCOMPARE(preview->labelColumn(i).right(), preview->baseCell(995 + i).right());
        }
        // Bars are scaled to the axis' values: the highest reaches the top value shown.
        const auto [lo, hi] = preview->valueRange();
        const auto& label = preview->example().label;
        const float top = *std::max_element(label.begin(), label.end());
        QVERIFY(hi >= top && lo <= 0);
        QVERIFY2(preview->axisLabels().contains(QString::number(hi, 'g', 3)),
                 qPrintable(preview->axisLabels().join(QLatin1Char(' '))));
        // Settings that are not valid: no drawing of other settings stays up.
        auto* output = step.form()->control(QStringLiteral("output_shape"));
        typeOver(output, QStringLiteral("3"));
        QVERIFY(!preview->isVisible());
        QTest::keyClick(output, Qt::Key_A, Qt::ControlModifier);
        QTest::keyClick(output, Qt::Key_Backspace); // natural shape again
        typeOver(step.form()->control(QStringLiteral("window")), QStringLiteral("1001"));
        QVERIFY(waitFor(
            [&] { return preview->isVisible() && preview->example().onehot.size() == 1001 * 4; }));
        QCOMPARE(preview->example().inputShape, QStringLiteral("(1001, 4)"));
    }
};

QTEST_MAIN(TestDataWizard)
#include "test_data_wizard.moc"
