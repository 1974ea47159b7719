#include "bridge/project_document.h"
#include "data/data_step.h"
#include "data/data_wizard.h"
#include "data/dataset_form.h"
#include "data/shape_previewer.h"
#include "support/fixtures.h"

#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableWidget>
#include <QTest>

using namespace kdna;
using namespace kdna::ui;

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

} // namespace

class TestDataWizard : public QObject {
    Q_OBJECT

    test::ScratchDir m_dir;

private Q_SLOTS:
    void initTestCase()
    {
        qputenv("XDG_CACHE_HOME", QByteArray::fromStdString(m_dir.file("cache").string()));
        QCoreApplication::setOrganizationName(QStringLiteral("kdna-test"));
    }

    void wizardReachesTheTutorialDataset()
    {
        KDNA_REQUIRE_YEAST(data);
        DataWizard wizard;
        wizard.show();
        // Genome: indexed off the GUI thread, then listed.
        wizard.genomePage()->setFasta(QString::fromStdString((data / "sacCer3.fa").string()));
        QTRY_VERIFY_WITH_TIMEOUT(wizard.genomePage()->isComplete(), 20000);
        QCOMPARE(wizard.genomePage()->chromosomes().size(), std::size_t(16));
        wizard.next();
        // Tracks: the occupancy bigWig as the target.
        wizard.tracksPage()->addFiles(
            {QString::fromStdString((data / "nucleosome_occupancy.bw").string())});
        QTRY_VERIFY_WITH_TIMEOUT(!wizard.tracksPage()->isScanning(), 20000);
        QVERIFY(wizard.tracksPage()->isComplete());
        QVERIFY(wizard.tracksPage()->tracks().front().mismatch.isEmpty());
        wizard.next();
        // Chromosomes: the tutorial's split by default.
        const auto train = wizard.chromosomesPage()->chromosomes(ChromosomesPage::Train);
        QCOMPARE(train,
                 (std::vector<std::string>{"chrI", "chrII", "chrIII", "chrIV", "chrV", "chrVI"}));
        QCOMPARE(wizard.chromosomesPage()->chromosomes(ChromosomesPage::Validation),
                 (std::vector<std::string>{"chrVII", "chrVIII"}));
        QVERIFY(wizard.chromosomesPage()->totalsText().contains(QStringLiteral("3,738,990")));
        wizard.next();
        // Windows: 2001 bp, perctrim then max, output_shape (64, 1).
        DatasetForm* form = wizard.windowsPage()->form();
        qobject_cast<QSpinBox*>(form->control(QStringLiteral("window")))->setValue(2001);
        auto* norms = form->control(QStringLiteral("normalization_mode"));
        auto boxes = norms->findChildren<QComboBox*>();
        QCOMPARE(boxes.size(), 2);
        boxes[0]->setCurrentText(QStringLiteral("max"));
        boxes[1]->setCurrentText(QStringLiteral("perctrim"));
        auto* output = qobject_cast<QLineEdit*>(form->control(QStringLiteral("output_shape")));
        output->setText(QStringLiteral("64, 1"));
        Q_EMIT output->textEdited(output->text());
        ShapePreviewer* preview = wizard.windowsPage()->previewer();
        QCOMPARE(preview->inputShapeText(), QStringLiteral("(2001, 4)"));
        QCOMPARE(preview->labelShapeText(), QStringLiteral("(1,)"));

        const DatasetChoice choice = wizard.choice();
        QCOMPARE(choice.spec.window, 2001);
        QCOMPARE(choice.spec.normalization_mode, (std::vector<std::string>{"max", "perctrim"}));
        QCOMPARE(choice.spec.output_shape, (std::vector<std::int64_t>{64, 1}));
        QCOMPARE(choice.spec.incl_chromosomes.size(), std::size_t(6));

        // The previewer shows exactly what `kdna shape` prints.
        const std::string cli = cliShapes(choice.spec, m_dir.path());
        QCOMPARE(preview->inputShapeText().toStdString(), lineOf(cli, "predict_input_shape"));
        QCOMPARE(preview->labelShapeText().toStdString(), lineOf(cli, "predict_label_shape"));

        // An invalid output_shape shows the engine's message next to the field, then back.
        output->setText(QStringLiteral("64, 2"));
        Q_EMIT output->textEdited(output->text());
        QVERIFY(preview->hasProblems());
        auto* error = form->findChild<QLabel*>(QStringLiteral("output_shape_error"));
        QVERIFY(error && !error->isHidden());
        QVERIFY2(error->text().contains(QStringLiteral("(64, 1, 1)")), qPrintable(error->text()));
        QVERIFY(!wizard.windowsPage()->isComplete());
        output->setText(QStringLiteral("64, 1"));
        Q_EMIT output->textEdited(output->text());
        QVERIFY(!preview->hasProblems());
        QVERIFY(error->isHidden());
        QCOMPARE(preview->labelShapeText(), QStringLiteral("(1,)"));
        // Counts come from the files, in the background.
        QTRY_VERIFY_WITH_TIMEOUT(preview->countsText().contains(QStringLiteral("3,726,990")),
                                 30000);
    }

    void romanNamesAreFlagged()
    {
        KDNA_REQUIRE_YEAST(data);
        test::writeText(m_dir.file("roman.bed"), "I\t100\t300\tx\nII\t500\t700\ty\n");
        DataWizard wizard;
        wizard.genomePage()->setFasta(QString::fromStdString((data / "sacCer3.fa").string()));
        QTRY_VERIFY_WITH_TIMEOUT(wizard.genomePage()->isComplete(), 20000);
        wizard.tracksPage()->addFiles({QString::fromStdString(m_dir.file("roman.bed").string())});
        QTRY_VERIFY_WITH_TIMEOUT(!wizard.tracksPage()->isScanning(), 20000);
        wizard.tracksPage()->initializePage();
        const QString mismatch = wizard.tracksPage()->tracks().front().mismatch;
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
        DatasetSpec s;
        s.fasta_file = (data / "sacCer3.fa").string();
        s.annotation_files = {(data / "nucleosome_occupancy.bw").string()};
        s.window = 2001;
        s.normalization_mode = {"max", "perctrim"};
        s.incl_chromosomes = {"chrI", "chrII"};
        p.dataset = s;
        p.training.validation_chr = {"chrVII"};
        p.test_chr = {"chrIX"};
        doc.reset(p, {});
        DataStep step(&doc);
        // Edit a keyword through the Data step's form: an undoable change.
        auto* tg = qobject_cast<QSpinBox*>(step.form()->control(QStringLiteral("tg_window")));
        tg->setValue(10);
        QCOMPARE(primary(doc.project().dataset).tg_window, 10);
        QVERIFY(doc.isModified());
        doc.undoStack()->undo();
        QCOMPARE(primary(doc.project().dataset).tg_window, 1);
        doc.undoStack()->redo();
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
};

QTEST_MAIN(TestDataWizard)
#include "test_data_wizard.moc"
