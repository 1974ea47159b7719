#include "bridge/project_document.h"
#include "bridge/training_session.h"
#include "model/layer_form.h"
#include "model/model_builder.h"
#include "model/templates.h"
#include "support/fixtures.h"
#include "train/metric_chart.h"
#include "train/training_dashboard.h"

#include <cmath>

#include <QSignalSpy>
#include <QTableWidget>
#include <QTest>
#include <QValueAxis>

using namespace kdna;
using namespace kdna::ui;
using nlohmann::json;

class TestModelBuilder : public QObject {
    Q_OBJECT

    test::ScratchDir m_dir;

    static Project tutorialProject(const std::filesystem::path& data,
                                   const std::filesystem::path& out)
    {
        Project p;
        DatasetSpec s;
        s.fasta_file = (data / "sacCer3.fa").string();
        s.annotation_files = {(data / "nucleosome_occupancy.bw").string()};
        s.window = 2001;
        s.normalization_mode = {"max", "perctrim"};
        s.incl_chromosomes = {"chrI"};
        s.output_shape = {64, 1};
        p.dataset = s;
        p.training.validation_chr = {"chrII"};
        p.base_dir = out;
        p.output = "dashboard.kdna";
        return p;
    }

private Q_SLOTS:
    void initTestCase()
    {
        qputenv("XDG_CACHE_HOME", QByteArray::fromStdString(m_dir.file("cache").string()));
        QCoreApplication::setOrganizationName(QStringLiteral("kdna-test"));
    }

    void buildTheTutorialCnnFromAnEmptyStack()
    {
        ProjectDocument doc;
        Project p;
        DatasetSpec s;
        s.fasta_file = "genome.fa";
        s.annotation_files = {"signal.bw"};
        s.window = 2001;
        s.output_shape = {64, 1};
        p.dataset = s;
        doc.reset(p, {});
        ModelBuilder builder(&doc);
        QCOMPARE(builder.stack()->count(), 0);
        builder.addLayer(QStringLiteral("Input"), {{"shape", {2001, 4}}});
        const std::pair<int, int> convs[] = {{16, 3}, {32, 10}, {64, 20}};
        for (const auto& [filters, kernel] : convs) {
            builder.addLayer(
                QStringLiteral("Conv1D"),
                {{"filters", filters}, {"kernel_size", kernel}, {"activation", "relu"}},
                builder.stack()->count() - 1);
            builder.addLayer(QStringLiteral("MaxPooling1D"), {{"pool_size", 2}},
                             builder.stack()->count() - 1);
        }
        builder.addLayer(QStringLiteral("Flatten"), json::object(), builder.stack()->count() - 1);
        builder.addLayer(QStringLiteral("Dense"), {{"units", 1}, {"activation", "linear"}},
                         builder.stack()->count() - 1);
        QCOMPARE(builder.stack()->count(), 9);

        // Keras' summary, computed by hand: (L - k + 1) then floor(L / 2); k*C*F + F params.
        std::int64_t length = 2001, channels = 4;
        std::vector<std::pair<QString, std::int64_t>> expected = {
            {QStringLiteral("(None, 2001, 4)"), 0}};
        for (const auto& [filters, kernel] : convs) {
            length = length - kernel + 1;
            expected.push_back({QStringLiteral("(None, %1, %2)").arg(length).arg(filters),
                                kernel * channels * filters + filters});
            length /= 2;
            expected.push_back({QStringLiteral("(None, %1, %2)").arg(length).arg(filters), 0});
            channels = filters;
        }
        expected.push_back({QStringLiteral("(None, %1)").arg(length * channels), 0});
        expected.push_back({QStringLiteral("(None, 1)"), length * channels + 1});
        QTableWidget* table = builder.summaryTable();
        std::int64_t total = 0;
        for (int r = 0; r < 9; ++r) {
            QCOMPARE(table->item(r, 1)->text(), expected[static_cast<std::size_t>(r)].first);
            QCOMPARE(table->item(r, 2)->text().remove(QLatin1Char(',')).toLongLong(),
                     expected[static_cast<std::size_t>(r)].second);
            total += expected[static_cast<std::size_t>(r)].second;
        }
        QCOMPARE(builder.summary().totalParams, total);
        QCOMPARE(total, 61617);
        QVERIFY(builder.dataProblems().empty());
        QCOMPARE(table->item(1, 0)->text(), QStringLiteral("conv1d (Conv1D)"));

        // A mismatch with the data is flagged and explained; undo removes it.
        builder.setArgument(8, QStringLiteral("units"), 2);
        QCOMPARE(builder.dataProblems().size(), std::size_t(1));
        QVERIFY2(
            builder.problemText().contains(QStringLiteral("gives (2,) but the targets are (1,)")),
            qPrintable(builder.problemText()));
        doc.undoStack()->undo();
        QVERIFY(builder.dataProblems().empty());
        // A shape mismatch inside the model highlights the layer.
        builder.setArgument(0, QStringLiteral("shape"), json{60, 4});
        QVERIFY(!builder.summary().ok());
        QCOMPARE(builder.summary().errorLayer, 5);
        QVERIFY(table->item(5, 0)->background().color() != QColor());
        QVERIFY(builder.problemText().contains(QStringLiteral("conv1d_2")));
        doc.undoStack()->undo();
        QVERIFY(builder.summary().ok());

        // Reorder, duplicate, delete, each undoable; the stack stays wired.
        builder.moveLayer(2, 1); // pooling before the first convolution
        QCOMPARE(doc.project().model.layers[1].type, std::string("MaxPooling1D"));
        QCOMPARE(doc.project().model.layers[2].inputs, std::vector<std::string>{"max_pooling1d"});
        doc.undoStack()->undo();
        builder.duplicateLayer(1);
        QCOMPARE(builder.stack()->count(), 10);
        builder.removeLayer(2);
        QCOMPARE(builder.stack()->count(), 9);
        QVERIFY(builder.summary().ok());
        // The property form edits the selected layer.
        builder.selectLayer(1);
        QVERIFY(builder.layerForm()->field(QStringLiteral("filters")));
    }

    void templatesKeepTheirBranches()
    {
        ProjectDocument doc;
        doc.reset(Project{}, {});
        ModelBuilder builder(&doc);
        builder.applyTemplate(QStringLiteral("classification_and_regression"));
        QVERIFY(builder.summary().ok());
        QCOMPARE(builder.summary().outputShapes.size(), std::size_t(2));
        const QString last = builder.stack()->item(builder.stack()->count() - 1)->text();
        QVERIFY2(last.contains(QStringLiteral("<- flatten")), qPrintable(last));
        QCOMPARE(doc.project().compile.loss.size(), std::size_t(2));
        builder.applyTemplate(QStringLiteral("experiment_translator"));
        QCOMPARE(builder.summary().inputShapes.size(), std::size_t(2));
        doc.undoStack()->undo();
        QCOMPARE(builder.summary().outputShapes.size(), std::size_t(2));
    }

    void chartAxesUseWholeTicks()
    {
        // The ranges the first studio run showed with labels 0.00319 ... 0.0483.
        NiceAxis loss = niceAxis(0.00319, 0.0483, 5, true);
        QCOMPARE(loss.step, 0.01);
        QCOMPARE(loss.minimum, 0.0);
        QVERIFY(qFuzzyCompare(loss.maximum, 0.05));
        const NiceAxis epochs = niceAxis(1, 4, 3, true);
        QCOMPARE(epochs.step, 1.0);
        QCOMPARE(epochs.minimum, 1.0);
        QCOMPARE(epochs.maximum, 4.0);
        // A correlation can be negative; the axis then reaches below zero.
        const NiceAxis r = niceAxis(-0.03, 0.3, 5, true);
        QVERIFY(qFuzzyCompare(r.step, 0.1));
        QVERIFY(qFuzzyCompare(r.minimum, -0.1));
        QVERIFY(qFuzzyCompare(r.maximum, 0.3));
        const NiceAxis flat = niceAxis(2, 2, 5, true); // one value: still a range
        QVERIFY(flat.maximum > flat.minimum);

        MetricChart chart(QStringLiteral("loss"), QStringLiteral("epoch"));
        for (int e = 1; e <= 4; ++e)
            chart.append(QStringLiteral("loss"), e, 0.05 / e);
        QTRY_VERIFY(!chart.chart()->axes(Qt::Horizontal).isEmpty());
        auto* x = qobject_cast<QValueAxis*>(chart.chart()->axes(Qt::Horizontal).front());
        QVERIFY(x);
        QTRY_COMPARE(x->tickInterval(), 1.0);
        QCOMPARE(x->min(), 1.0);
        QCOMPARE(x->max(), 4.0);
        QCOMPARE(x->labelFormat(), QStringLiteral("%.0f"));
    }

    void chartScalingIgnoresOutliers()
    {
        // A first batch at 2.0, then losses near 0.04: the y axis follows the 0.04s.
        std::vector<double> losses = {2.0};
        for (int i = 0; i < 300; ++i)
            losses.push_back(0.04 + 0.01 * std::sin(i * 0.1));
        const auto [lo, hi] = robustRange(losses);
        QVERIFY2(hi < 0.1 && lo > 0.02, qPrintable(QStringLiteral("%1 %2").arg(lo).arg(hi)));
        // Few points, no outliers: the whole range.
        const auto [a, b] = robustRange({0.06, 0.045, 0.043, 0.041});
        QCOMPARE(a, 0.041);
        QCOMPARE(b, 0.06);

        MetricChart chart(QStringLiteral("loss"), QStringLiteral("epoch"));
        for (std::size_t i = 0; i < losses.size(); ++i)
            chart.append(QStringLiteral("batch loss"), static_cast<double>(i) / 100, losses[i]);
        auto yMax = [&] {
            const auto axes = chart.chart()->axes(Qt::Vertical);
            auto* y = axes.isEmpty() ? nullptr : qobject_cast<QValueAxis*>(axes.front());
            return y ? y->max() : -1.0;
        };
        QTRY_VERIFY(yMax() > 0 && yMax() <= 0.1);
        chart.setIgnoreOutliers(false);
        QVERIFY(yMax() >= 2.0);
    }

    void dashboardTrainsAndStops()
    {
        KDNA_REQUIRE_YEAST(data);
        ProjectDocument doc;
        Project p = tutorialProject(data, m_dir.path());
        p.model = templates::tutorialCnn(2001);
        p.compile.metrics = {"mae"};
        p.training.epochs = 2;
        p.training.steps_per_epoch = 5;
        p.training.validation_steps = 2;
        p.training.threads = 2;
        p.test_chr = {"chrIII"};
        doc.reset(p, {});
        TrainingDashboard dashboard(&doc);
        dashboard.show();
        QSignalSpy finished(&dashboard, &TrainingDashboard::trainingFinished);
        dashboard.start();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 120000);
        QCOMPARE(finished.at(0).at(0).toString(), QStringLiteral("completed"));
        // One point per batch (raw and smoothed) and per epoch.
        QCOMPARE(dashboard.batchChart()->pointCount(QObject::tr("batch loss")), 10);
        QCOMPARE(dashboard.batchChart()->pointCount(QObject::tr("smoothed")), 10);
        QCOMPARE(dashboard.epochChart()->pointCount(QStringLiteral("loss")), 2);
        QCOMPARE(dashboard.epochChart()->pointCount(QStringLiteral("val_loss")), 2);
        QCOMPARE(dashboard.metricChart()->pointCount(QStringLiteral("mae")), 2);
        // The test-chromosome evaluation fills the table.
        QTRY_VERIFY_WITH_TIMEOUT(dashboard.evaluationTable()->rowCount() >= 2, 120000);
        QVERIFY(dashboard.exportHistory(QString::fromStdString(m_dir.file("h.csv").string())));
        QVERIFY(test::readText(m_dir.file("h.csv")).find("val_loss") != std::string::npos);
        QVERIFY(dashboard.exportCharts(QString::fromStdString(m_dir.file("charts.png").string())));
        dashboard.session()->wait();

        // Stop ends the run within one batch.
        TrainSettings t = doc.project().training;
        t.epochs = 1;
        t.steps_per_epoch = 200;
        doc.setTraining(t);
        dashboard.start();
        QTRY_VERIFY_WITH_TIMEOUT(dashboard.batchesSeen() >= 3, 60000);
        dashboard.stop();
        const int atStop = dashboard.batchesSeen();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 60000);
        QCOMPARE(finished.at(1).at(0).toString(), QStringLiteral("cancelled"));
        QTest::qWait(200); // let queued batch events arrive
        QVERIFY2(dashboard.batchesSeen() <= atStop + 1,
                 qPrintable(QStringLiteral("%1 batches after Stop at %2")
                                .arg(dashboard.batchesSeen())
                                .arg(atStop)));
        dashboard.session()->wait();
        // Reopening the project shows the saved history.
        TrainingDashboard reopened(&doc);
        Q_EMIT doc.reloaded();
        QVERIFY(reopened.epochChart()->pointCount(QStringLiteral("loss")) >= 1);
    }
};

QTEST_MAIN(TestModelBuilder)
#include "test_model_builder.moc"
