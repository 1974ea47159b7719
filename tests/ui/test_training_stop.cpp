#include "ui/bridge/project_document.h"
#include "ui/bridge/training_session.h"
#include "core/project/archive.h"
#include "core/project/demo_data.h"
#include "core/project/project.h"
#include "core/project/test_evaluation.h"
#include "support/fixtures.h"
#include "ui/train/training_dashboard.h"

#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTest>

using namespace kdna;
using namespace kdna::ui;

/// The Train step's Stop, clicked as a person clicks it: the kept best weights are saved and
/// evaluated on the test chromosomes exactly as after a full run (the function `kdna train`
/// prints).
class TestTrainingStop : public QObject {
    Q_OBJECT

    test::ScratchDir m_dir;

private Q_SLOTS:
    void initTestCase()
    {
        qputenv("XDG_CACHE_HOME", QByteArray::fromStdString(m_dir.file("cache").string()));
    }

    void stopEvaluatesTheKeptWeightsOnTheTestChromosomes()
    {
        Project project = writeDemoProject(writeDemoData(m_dir.file("demo")));
        QCOMPARE(project.test_chr, std::vector<std::string>{"chr4"});
        project.training.epochs = 50; // far more than the test waits for
        project.training.steps_per_epoch = 3;
        project.training.validation_steps = 1;
        const auto path = m_dir.file("demo") / "stop.kdna.json";
        project.output = "stop.kdna";
        project.save(path);

        ProjectDocument doc;
        doc.load(QString::fromStdString(path.string()));
        TrainingDashboard dashboard(&doc);
        dashboard.resize(1200, 800);
        dashboard.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dashboard));
        auto* start = dashboard.findChild<QPushButton*>(QStringLiteral("start"));
        auto* stop = dashboard.findChild<QPushButton*>(QStringLiteral("stop"));
        QVERIFY(start && stop);
        QSignalSpy epochs(dashboard.session(), &TrainingSession::epochFinished);
        QSignalSpy evaluated(dashboard.session(), &TrainingSession::evaluated);

        QTest::mouseClick(start, Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(epochs.count() >= 1, 120'000);
        QVERIFY(stop->isEnabled());
        QTest::mouseClick(stop, Qt::LeftButton);

        // The table fills with what the test chromosomes give, then the session ends.
        QTRY_VERIFY_WITH_TIMEOUT(evaluated.count() == 1, 120'000);
        QTRY_VERIFY_WITH_TIMEOUT(!dashboard.session()->isRunning(), 60'000);
        QVERIFY2(dashboard.statusText().contains(QStringLiteral("Evaluated on chr4")),
                 qPrintable(dashboard.statusText()));
        const QTableWidget* table = dashboard.evaluationTable();
        QMap<QString, QString> shown;
        for (int row = 0; row < table->rowCount(); ++row)
            shown.insert(table->item(row, 0)->text(), table->item(row, 1)->text());
        QVERIFY2(shown.contains(QStringLiteral("loss")), qPrintable(shown.keys().join(u',')));
        QVERIFY(shown.contains(QStringLiteral("correlate_0_0")));

        // Stopped early, and what is shown is the kept weights' evaluation as `kdna train`
        // computes it.
        const auto archive = project.resolve(project.output);
        QVERIFY(ModelArchive::load(archive).history.epochs.size() < 50);
        const TestEvaluation expected = evaluateOnTestChromosomes(doc.project(), archive);
        QCOMPARE(shown.size(), static_cast<qsizetype>(expected.metrics.size()));
        for (const auto& [name, value] : expected.metrics)
            QCOMPARE(shown.value(QString::fromStdString(name)), QString::number(value, 'g', 5));
    }
};

QTEST_MAIN(TestTrainingStop)
#include "test_training_stop.moc"
