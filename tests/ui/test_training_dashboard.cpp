// The Train step as a TensorBoard user reads it (smoothing, values under the pointer, val_
// series paired by colour, log scale only where it can show the data), Start and Stop by
// their buttons, and the background tasks behind it.
#include "core/model/templates.h"
#include "support/demo_projects.h"
#include "support/demo_scratch.h"
#include "support/fixtures.h"
#include "ui/bridge/background_task.h"
#include "ui/bridge/project_document.h"
#include "ui/bridge/training_session.h"
#include "ui/train/evaluation_plots.h"
#include "ui/train/metric_chart.h"
#include "ui/train/training_dashboard.h"
#include "user_actions.h"

#include <atomic>
#include <chrono>
#include <cmath>
#include <thread>

#include <QApplication>
#include <QChart>
#include <QChartView>
#include <QCheckBox>
#include <QComboBox>
#include <QFileInfo>
#include <QImage>
#include <QLabel>
#include <QLegend>
#include <QLegendMarker>
#include <QLineEdit>
#include <QLineSeries>
#include <QMouseEvent>
#include <QProgressBar>
#include <QPushButton>
#include <QScatterSeries>
#include <QSignalSpy>
#include <QSlider>
#include <QSpinBox>
#include <QTableWidget>
#include <QTest>
#include <QThreadPool>
#include <QVBoxLayout>
#include <QValueAxis>

#include <c10/util/Exception.h>

using namespace kdna;
using namespace kdna::ui;
using namespace kdna::test;

namespace {

/// Where a person points at the point (x, y) of a chart's series, in viewport coordinates.
QPoint pointOf(MetricChart* chart, const QString& name, double x, double y)
{
    QLineSeries* s = chart->series(name);
    const QPointF inChart = chart->chart()->mapToPosition(QPointF(x, y), s);
    return chart->mapFromScene(chart->chart()->mapToScene(inChart));
}

/// The pointer moving over a chart.
void hover(MetricChart* chart, QPoint at)
{
    QMouseEvent move(QEvent::MouseMove, QPointF(at), QPointF(chart->viewport()->mapToGlobal(at)),
                     Qt::NoButton, Qt::NoButton, Qt::NoModifier);
    QApplication::sendEvent(chart->viewport(), &move);
}

/// The axes have settled (the chart redraws a few times a second).
void settle(MetricChart* chart)
{
    QTRY_VERIFY(!chart->chart()->axes(Qt::Vertical).isEmpty());
    QTest::qWait(250);
}

/// The Train step of an empty project.
struct EmptyDashboard {
    ProjectDocument doc;
    TrainingDashboard dashboard{emptied(doc)};

    /// Shows the step at 1280 x 800; false when its window is never exposed.
    bool show()
    {
        dashboard.resize(1280, 800);
        dashboard.show();
        return QTest::qWaitForWindowExposed(&dashboard);
    }

private:
    static ProjectDocument* emptied(ProjectDocument& d)
    {
        d.reset(Project{}, {});
        return &d;
    }
};

Project tutorialProject(const std::filesystem::path& data, const std::filesystem::path& out)
{
    Project p;
    DatasetSpec s = test::yeastNucleosomes(data, {"chrI"});
    s.output_shape = {64, 1};
    p.dataset = s;
    p.training.validation_chr = {"chrII"};
    p.base_dir = out;
    p.output = "dashboard.kdna";
    return p;
}

/// The tutorial's CNN on chrI for `epochs` of `steps`, tested on `test`, written in `out`.
Project briefRun(const std::filesystem::path& data, const std::filesystem::path& out, int epochs,
                 std::int64_t steps, std::int64_t validationSteps, std::vector<std::string> test)
{
    Project p = tutorialProject(data, out);
    p.model = templates::tutorialCnn(2001);
    p.training.epochs = epochs;
    p.training.steps_per_epoch = steps;
    p.training.validation_steps = validationSteps;
    p.test_chr = std::move(test);
    return p;
}

} // namespace

class TestTrainingDashboard : public QObject {
    Q_OBJECT

    test::ScratchDir m_dir;

private Q_SLOTS:
    void initTestCase()
    {
        test::startGuiSuite(m_dir);
        // Qt's own file dialogs, whose name field a test types into, on every platform.
        QCoreApplication::setAttribute(Qt::AA_DontUseNativeDialogs);
    }

    /// The test evaluation's figures: the curve chosen in the list is drawn with its area in
    /// the legend (chance dashed under a ROC), and the one shown exports as PNG, SVG or CSV
    /// through the file dialog.
    void evaluationFiguresAreChosenAndExported()
    {
        const std::vector<float> scores = {0.9F, 0.8F, 0.7F, 0.6F};
        const std::vector<bool> positive = {true, false, true, false};
        std::vector<EvaluationPlot> plots(2);
        plots[0] = {
            EvaluationPlot::Kind::Roc, "ROC: cell 0 site", "false positive rate",
            "true positive rate",      "AUC 0.750",        stats::rank(scores, positive).roc};
        plots[1] = {EvaluationPlot::Kind::PrecisionRecall,
                    "Precision-recall: cell 0 site",
                    "recall",
                    "precision",
                    "AUC 0.833",
                    stats::rank(scores, positive).pr};
        QWidget window;
        auto* layout = new QVBoxLayout(&window);
        auto* figures = new EvaluationPlots;
        layout->addWidget(figures);
        window.resize(600, 450);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(!figures->isVisible()); // nothing evaluated yet
        figures->setPlots(plots);       // what a finished evaluation hands over
        QVERIFY(figures->isVisible());

        auto seriesNames = [&] {
            QStringList names;
            for (QAbstractSeries* series : figures->view()->chart()->series())
                names << series->name();
            return names;
        };
        auto axisTitle = [&](Qt::Orientation o) {
            return figures->view()->chart()->axes(o).front()->titleText();
        };
        QCOMPARE(seriesNames(),
                 (QStringList{QStringLiteral("AUC 0.750"), QStringLiteral("chance")}));
        QCOMPARE(axisTitle(Qt::Horizontal), QStringLiteral("false positive rate"));
        auto* curve = qobject_cast<QLineSeries*>(figures->view()->chart()->series().front());
        QVERIFY(curve);
        QCOMPARE(curve->count(), 5);

        auto* choice = figures->findChild<QComboBox*>(QStringLiteral("evaluationPlot"));
        QVERIFY(chooseInCombo(choice, QStringLiteral("Precision-recall: cell 0 site")));
        QCOMPARE(seriesNames(), QStringList{QStringLiteral("AUC 0.833")});
        QCOMPARE(axisTitle(Qt::Vertical), QStringLiteral("precision"));

        auto* exportButton = figures->findChild<QPushButton*>(QStringLiteral("exportPlot"));
        for (const char* name : {"pr.csv", "pr.png", "pr.svg"}) {
            const QString path = QString::fromStdString(m_dir.file(name).string());
            answerFileDialog(path);
            QVERIFY(clickWhenEnabled(exportButton));
            QTRY_VERIFY2(QFileInfo(path).size() > 0, name);
        }
        QCOMPARE(test::readText(m_dir.file("pr.csv")),
                 std::string("# Precision-recall: cell 0 site, AUC 0.833\nrecall,precision\n"
                             "0.5,1\n0.5,0.5\n1,0.666666667\n1,0.5\n"));
        QVERIFY(QImage(QString::fromStdString(m_dir.file("pr.png").string())).width() > 100);
        QVERIFY(test::readText(m_dir.file("pr.svg")).find("<svg") != std::string::npos);

        figures->clear(); // a new run starts
        QVERIFY(!figures->isVisible());
    }

    /// A 1024 x 700 window leaves the step about 860 x 600 beside the step list and bars.
    void fitsASmallWindow()
    {
        EmptyDashboard empty;
        TrainingDashboard& dashboard = empty.dashboard;
        const QSize least = dashboard.minimumSizeHint();
        QVERIFY2(least.width() <= 860 && least.height() <= 600,
                 qPrintable(QStringLiteral("%1 x %2").arg(least.width()).arg(least.height())));
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

    /// TensorBoard's smoothing, by hand: last = w * last + (1 - w) * v, shown / (1 - w^n).
    void smoothingSliderIsTensorBoardsDebiasedAverage()
    {
        DebiasedEma ema(0.6);
        QCOMPARE(ema.next(1.0), 1.0);                 // 0.4 / 0.4
        QVERIFY(qFuzzyCompare(ema.next(0.0), 0.375)); // 0.24 / 0.64
        QVERIFY(qFuzzyCompare(ema.next(0.5), 0.344 / 0.784));

        EmptyDashboard empty;
        TrainingDashboard& dashboard = empty.dashboard;
        QVERIFY(empty.show());
        MetricChart* batches = dashboard.batchChart();
        const double values[] = {1.0, 0.0, 0.5, 0.25};
        for (int i = 0; i < 4; ++i)
            batches->append(QObject::tr("batch loss"), (i + 1) / 4.0, values[i]);
        auto* slider = dashboard.findChild<QSlider*>(QStringLiteral("smoothing"));
        auto* shown = dashboard.findChild<QLabel*>(QStringLiteral("smoothingValue"));
        QVERIFY(slider && shown);
        QCOMPARE(shown->text(), QStringLiteral("0.60")); // TensorBoard's default
        QList<QPointF> line = batches->shownPoints(QObject::tr("batch loss"));
        QCOMPARE(line.size(), 4);
        QCOMPARE(line[0].y(), 1.0);
        QVERIFY(qFuzzyCompare(line[1].y(), 0.375));

        // Home: no smoothing, the raw values.
        click(slider);
        QTest::keyClick(slider, Qt::Key_Home);
        QCOMPARE(shown->text(), QStringLiteral("0.00"));
        line = batches->shownPoints(QObject::tr("batch loss"));
        for (int i = 0; i < 4; ++i)
            QCOMPARE(line[i].y(), values[i]);
        // Five pages of 0.1 up: weight 0.5.
        for (int i = 0; i < 5; ++i)
            QTest::keyClick(slider, Qt::Key_PageUp);
        QCOMPARE(shown->text(), QStringLiteral("0.50"));
        line = batches->shownPoints(QObject::tr("batch loss"));
        QCOMPARE(line[0].y(), 1.0);
        QVERIFY(qFuzzyCompare(line[1].y(), 0.25 / 0.75));
        // Every chart follows the slider, and new points arrive smoothed.
        MetricChart* epochs = dashboard.epochChart();
        epochs->append(QStringLiteral("loss"), 1, 1.0);
        epochs->append(QStringLiteral("loss"), 2, 0.0);
        QVERIFY(qFuzzyCompare(epochs->shownPoints(QStringLiteral("loss"))[1].y(), 0.25 / 0.75));
    }

    void valuesUnderThePointerOnEveryChart()
    {
        EmptyDashboard empty;
        TrainingDashboard& dashboard = empty.dashboard;
        QVERIFY(empty.show());
        click(dashboard.findChild<QSlider*>(QStringLiteral("smoothing")));
        QTest::keyClick(dashboard.findChild<QSlider*>(QStringLiteral("smoothing")), Qt::Key_Home);
        for (int i = 1; i <= 8; ++i)
            dashboard.batchChart()->append(QObject::tr("batch loss"), i / 4.0, 1.0 / i);
        for (int e = 1; e <= 3; ++e) {
            dashboard.epochChart()->append(QStringLiteral("loss"), e, 0.5 / e);
            dashboard.epochChart()->append(QStringLiteral("val_loss"), e, 0.6 / e);
            dashboard.metricChart()->append(QStringLiteral("mae"), e, 0.2 / e);
            dashboard.metricChart()->append(QStringLiteral("val_mae"), e, 0.3 / e);
        }
        for (MetricChart* chart :
             {dashboard.batchChart(), dashboard.epochChart(), dashboard.metricChart()})
            settle(chart);

        MetricChart* epochs = dashboard.epochChart();
        hover(epochs, pointOf(epochs, QStringLiteral("loss"), 2, 0.25));
        QString text = epochs->readout();
        QVERIFY2(text.startsWith(QStringLiteral("epoch 2\n")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("loss  0.25")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("val_loss  0.3")), qPrintable(text));
        QVERIFY(epochs->findChild<QLabel*>(QStringLiteral("readout"))->isVisible());

        MetricChart* metrics = dashboard.metricChart();
        hover(metrics, pointOf(metrics, QStringLiteral("mae"), 3, 0.2 / 3));
        text = metrics->readout();
        QVERIFY2(text.startsWith(QStringLiteral("epoch 3\n")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("val_mae  0.1\n")) ||
                     text.endsWith(QStringLiteral("val_mae  0.1")),
                 qPrintable(text));

        MetricChart* batches = dashboard.batchChart();
        hover(batches, pointOf(batches, QObject::tr("batch loss"), 0.5, 0.5));
        text = batches->readout();
        QVERIFY2(text.startsWith(QStringLiteral("epoch 0.50\n")), qPrintable(text));
        QVERIFY2(text.contains(QObject::tr("batch loss") + QStringLiteral("  0.5")),
                 qPrintable(text));
        // With smoothing, both the smoothed and the raw value.
        QTest::keyClick(dashboard.findChild<QSlider*>(QStringLiteral("smoothing")), Qt::Key_PageUp);
        hover(batches, pointOf(batches, QObject::tr("batch loss"), 0.5, 0.5));
        QVERIFY2(batches->readout().contains(QStringLiteral("(raw 0.5)")),
                 qPrintable(batches->readout()));
        // Off the plot (over the title) the read-out goes.
        hover(batches, QPoint(batches->width() / 2, 3));
        QVERIFY(batches->readout().isEmpty());
    }

    void validationSeriesTakeTheirTrainingColourDashed()
    {
        EmptyDashboard empty;
        TrainingDashboard& dashboard = empty.dashboard;
        MetricChart* metrics = dashboard.metricChart();
        for (const char* name : {"mae", "val_mae", "correlate_0_0", "val_correlate_0_0"})
            metrics->append(QString::fromLatin1(name), 1, 0.5);
        QCOMPARE(metrics->color(QStringLiteral("val_mae")), metrics->color(QStringLiteral("mae")));
        QCOMPARE(metrics->color(QStringLiteral("val_correlate_0_0")),
                 metrics->color(QStringLiteral("correlate_0_0")));
        QVERIFY(metrics->color(QStringLiteral("mae")) !=
                metrics->color(QStringLiteral("correlate_0_0")));
        QCOMPARE(metrics->penStyle(QStringLiteral("mae")), Qt::SolidLine);
        QCOMPARE(metrics->penStyle(QStringLiteral("val_mae")), Qt::DashLine);
        MetricChart* epochs = dashboard.epochChart();
        QCOMPARE(epochs->color(QStringLiteral("val_loss")), epochs->color(QStringLiteral("loss")));
        QCOMPARE(epochs->penStyle(QStringLiteral("val_loss")), Qt::DashLine);
        // The legend shows no dashes: a person tells val_loss from loss by its hollow marker.
        dashboard.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dashboard));
        epochs->append(QStringLiteral("loss"), 1, 0.5);
        epochs->append(QStringLiteral("val_loss"), 1, 0.6);
        const auto markerFill = [&](const QString& name) {
            for (QLegendMarker* marker : epochs->chart()->legend()->markers())
                if (marker->isVisible() && marker->label() == name)
                    return marker->brush();
            return QBrush(Qt::red, Qt::DiagCrossPattern); // no visible entry: fails below
        };
        QCOMPARE(markerFill(QStringLiteral("loss")).style(), Qt::SolidPattern);
        QCOMPARE(markerFill(QStringLiteral("loss")).color(), epochs->color(QStringLiteral("loss")));
        QCOMPARE(markerFill(QStringLiteral("val_loss")).color().alpha(), 0);
        // A validation series that comes first still pairs with its training series.
        MetricChart chart(QStringLiteral("m"), QStringLiteral("epoch"));
        chart.append(QStringLiteral("val_accuracy"), 1, 0.5);
        chart.append(QStringLiteral("accuracy"), 1, 0.6);
        QCOMPARE(chart.color(QStringLiteral("accuracy")),
                 chart.color(QStringLiteral("val_accuracy")));
    }

    void logScaleIsOfferedOnlyForPositiveValues()
    {
        EmptyDashboard empty;
        TrainingDashboard& dashboard = empty.dashboard;
        QVERIFY(empty.show());
        MetricChart* epochs = dashboard.epochChart();
        MetricChart* metrics = dashboard.metricChart();
        auto* epochLog = epochs->findChild<QCheckBox*>(QStringLiteral("logScale"));
        auto* metricLog = metrics->findChild<QCheckBox*>(QStringLiteral("logScale"));
        QVERIFY(epochLog && metricLog);
        QVERIFY(!epochLog->isEnabled()); // nothing to show yet
        epochs->append(QStringLiteral("loss"), 1, 0.05);
        epochs->append(QStringLiteral("val_loss"), 1, 0.06);
        metrics->append(QStringLiteral("mae"), 1, 0.2);
        metrics->append(QStringLiteral("correlate_0_0"), 1, 0.1);
        click(epochLog);
        QVERIFY(epochs->logScale());
        click(metricLog);
        QVERIFY(metrics->logScale());
        // A negative correlation: the metric chart cannot be logarithmic any more.
        metrics->append(QStringLiteral("correlate_0_0"), 2, -0.02);
        QVERIFY(!metrics->logScale());
        QVERIFY(!metricLog->isEnabled());
        QVERIFY(!metricLog->isChecked());
        QVERIFY(epochs->logScale()); // the losses still can
        QVERIFY(epochLog->isChecked());
        click(epochLog);
        QVERIFY(!epochs->logScale());
    }

    void aRunThatCannotStartSaysSoOnTheProgressLine()
    {
        // The wizard's default label shape (1, 1) against the template's Dense(1): refused
        // before the first batch. The progress line and bar must not stay at "Opening the
        // data..." and 0% under the error.
        KDNA_REQUIRE_YEAST(data);
        ProjectDocument doc;
        Project p = tutorialProject(data, m_dir.path());
        std::get<DatasetSpec>(p.dataset).output_shape.clear();
        p.model = templates::tutorialCnn(2001);
        doc.reset(p, {});
        TrainingDashboard dashboard(&doc);
        dashboard.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dashboard));
        QSignalSpy finished(&dashboard, &TrainingDashboard::trainingFinished);
        click(dashboard.findChild<QPushButton*>(QStringLiteral("start")));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
        auto* label = dashboard.findChild<QLabel*>(QStringLiteral("epochLabel"));
        auto* progress = dashboard.findChild<QProgressBar*>(QStringLiteral("progress"));
        QCOMPARE(label->text(), QStringLiteral("Training failed"));
        QCOMPARE(progress->text(), QStringLiteral("Failed"));
        QVERIFY(dashboard.findChild<QPushButton*>(QStringLiteral("start"))->isEnabled());
    }

    /// What the data says when a run reads it shows under the progress, as kdna train prints
    /// it: here the test chromosome is also the training one.
    void dataNotesShowWhenTrainingStarts()
    {
        KDNA_REQUIRE_YEAST(data);
        // A cache folder of its own, so that the statistics are fitted (and said) here.
        const QByteArray cache = qgetenv("XDG_CACHE_HOME");
        qputenv("XDG_CACHE_HOME", QByteArray::fromStdString(m_dir.file("notes-cache").string()));
        ProjectDocument doc;
        doc.reset(briefRun(data, m_dir.path(), 1, 2, 1, {"chrI"}), {});
        TrainingDashboard dashboard(&doc);
        dashboard.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dashboard));
        auto* notes = dashboard.findChild<QLabel*>(QStringLiteral("dataNotes"));
        QVERIFY(notes && !notes->isVisible());
        // What the progress line says while the data is read (after the dashboard's own slot).
        auto* label = dashboard.findChild<QLabel*>(QStringLiteral("epochLabel"));
        QStringList whileOpening;
        connect(dashboard.session(), &TrainingSession::opening, label,
                [&] { whileOpening << label->text(); });
        QSignalSpy finished(&dashboard, &TrainingDashboard::trainingFinished);
        click(dashboard.findChild<QPushButton*>(QStringLiteral("start")));
        QTRY_VERIFY_WITH_TIMEOUT(notes->isVisible(), 60000);
        QVERIFY2(notes->text().contains(QStringLiteral(
                     "test data: chrI is also a training chromosome, so the test evaluation "
                     "scores windows the model trains on")),
                 qPrintable(notes->text()));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 120000);
        dashboard.session()->wait();
        QVERIFY(!whileOpening.isEmpty());
        QVERIFY2(whileOpening.contains(
                     QStringLiteral("Opening the data: statistics of nucleosome_occupancy.bw, 0%")),
                 qPrintable(whileOpening.join(QLatin1Char('|'))));
        QVERIFY2(whileOpening.contains(QStringLiteral(
                     "Opening the data: statistics of nucleosome_occupancy.bw, 100%")),
                 qPrintable(whileOpening.join(QLatin1Char('|'))));
        qputenv("XDG_CACHE_HOME", cache);
    }

    void dashboardTrainsAndStopsByItsButtons()
    {
        KDNA_REQUIRE_YEAST(data);
        ProjectDocument doc;
        Project p = briefRun(data, m_dir.path(), 2, 5, 2, {"chrIII"});
        p.compile.metrics = {"mae"};
        p.training.threads = 2;
        doc.reset(p, {});
        TrainingDashboard dashboard(&doc);
        dashboard.resize(1280, 800);
        dashboard.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dashboard));
        auto* progress = dashboard.findChild<QProgressBar*>(QStringLiteral("progress"));
        auto* label = dashboard.findChild<QLabel*>(QStringLiteral("epochLabel"));
        QSignalSpy finished(&dashboard, &TrainingDashboard::trainingFinished);
        click(dashboard.findChild<QPushButton*>(QStringLiteral("start")));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 120000);
        QCOMPARE(finished.at(0).at(0).toString(), QStringLiteral("completed"));
        QVERIFY2(label->text().startsWith(QStringLiteral("Training finished")),
                 qPrintable(label->text()));
        QCOMPARE(progress->text(), QStringLiteral("Finished"));
        // One point per batch and per epoch.
        QCOMPARE(dashboard.batchChart()->pointCount(QObject::tr("batch loss")), 10);
        QCOMPARE(dashboard.epochChart()->pointCount(QStringLiteral("loss")), 2);
        QCOMPARE(dashboard.epochChart()->pointCount(QStringLiteral("val_loss")), 2);
        QCOMPARE(dashboard.metricChart()->pointCount(QStringLiteral("mae")), 2);
        QCOMPARE(dashboard.metricChart()->pointCount(QStringLiteral("val_mae")), 2);
        // The test-chromosome evaluation fills the table, and draws measured against predicted.
        QTRY_VERIFY_WITH_TIMEOUT(dashboard.evaluationTable()->rowCount() >= 2, 120000);
        QVERIFY(dashboard.evaluationPlots()->isVisible());
        QCOMPARE(dashboard.evaluationPlots()->plots().size(), std::size_t(1));
        const auto dots = dashboard.evaluationPlots()->view()->chart()->series();
        QCOMPARE(dots.size(), 1);
        QVERIFY2(dots.front()->name().startsWith(QStringLiteral("r ")),
                 qPrintable(dots.front()->name()));
        QVERIFY(qobject_cast<QScatterSeries*>(dots.front())->count() > 100);
        const QString csv = QString::fromStdString(m_dir.file("h.csv").string());
        QTRY_VERIFY(dashboard.exportHistory(csv)); // the history is read off the GUI thread
        QVERIFY(test::readText(m_dir.file("h.csv")).find("val_loss") != std::string::npos);
        QVERIFY(dashboard.exportCharts(QString::fromStdString(m_dir.file("charts.png").string())));
        dashboard.session()->wait();

        // Stop ends the run within one batch, and the screen says it stopped.
        typeInto(dashboard.findChild<QSpinBox*>(QStringLiteral("epochs")), QStringLiteral("1"));
        typeInto(dashboard.findChild<QSpinBox*>(QStringLiteral("steps_per_epoch")),
                 QStringLiteral("200"));
        QCOMPARE(doc.project().training.steps_per_epoch, 200);
        QCOMPARE(doc.project().training.epochs, 1);
        click(dashboard.findChild<QPushButton*>(QStringLiteral("start")));
        QTRY_VERIFY_WITH_TIMEOUT(dashboard.batchesSeen() >= 3, 60000);
        click(dashboard.findChild<QPushButton*>(QStringLiteral("stop")));
        const int atStop = dashboard.batchesSeen();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 60000);
        QCOMPARE(finished.at(1).at(0).toString(), QStringLiteral("cancelled"));
        QVERIFY2(label->text().startsWith(QStringLiteral("Training stopped")),
                 qPrintable(label->text()));
        QVERIFY2(progress->text().startsWith(QStringLiteral("Stopped at batch")),
                 qPrintable(progress->text()));
        QVERIFY2(progress->text().endsWith(QStringLiteral(" of 200")),
                 qPrintable(progress->text()));
        for (const QString& said : {label->text(), progress->text()})
            QVERIFY2(!said.contains(QStringLiteral("finish"), Qt::CaseInsensitive) &&
                         !said.contains(QStringLiteral("done"), Qt::CaseInsensitive),
                     qPrintable(said));
        QTest::qWait(200); // let queued batch events arrive
        QVERIFY2(dashboard.batchesSeen() <= atStop + 1,
                 qPrintable(QStringLiteral("%1 batches after Stop at %2")
                                .arg(dashboard.batchesSeen())
                                .arg(atStop)));
        dashboard.session()->wait();
        // Reopening the project shows the saved history, read in the background.
        TrainingDashboard reopened(&doc);
        Q_EMIT doc.reloaded();
        QTRY_VERIFY(reopened.epochChart()->pointCount(QStringLiteral("loss")) >= 1);
    }

    /// The owner goes while its task runs and reports: nothing reaches the dead object, and
    /// the work is told to stop. Many times over, so that the reports race the deletion
    /// (run it under the asan build).
    void aTaskOutlivesNothing()
    {
        struct Probe {
            std::atomic<int> afterDeath{0};
            std::atomic<int> cancelSeen{0};
            bool dead = false;
        };
        auto probe = std::make_shared<Probe>();
        for (int round = 0; round < 200; ++round) {
            auto* owner = new QObject;
            auto started = std::make_shared<std::atomic<bool>>(false);
            BackgroundTask* task = BackgroundTask::start(
                owner, QStringLiteral("race"), [started, probe](TaskContext& c) {
                    *started = true;
                    for (int i = 0; i < 2000 && !c.cancelled(); ++i)
                        c.progress(i / 2000.0);
                    // Then a moment for the owner to go: on a loaded machine the main thread
                    // may not have deleted it before the reports above are all made, and the
                    // cancel must still be heard (and `finished` still race the deletion).
                    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(2);
                    while (!c.cancelled() && std::chrono::steady_clock::now() < until)
                        std::this_thread::yield();
                    if (c.cancelled())
                        ++probe->cancelSeen;
                });
            auto record = [probe] {
                if (probe->dead)
                    ++probe->afterDeath;
            };
            QObject::connect(task, &BackgroundTask::progressed, record);
            QObject::connect(task, &BackgroundTask::finished, record);
            while (!*started)
                std::this_thread::yield();
            if (round % 2)
                QCoreApplication::processEvents(); // some reports delivered first
            probe->dead = true;
            delete owner;
            QCoreApplication::processEvents();
            probe->dead = false;
        }
        QThreadPool::globalInstance()->waitForDone();
        probe->dead = true;
        QTest::qWait(50); // whatever the workers posted last
        QCOMPARE(probe->afterDeath.load(), 0);
        QVERIFY2(probe->cancelSeen.load() > 0, "no task heard that its owner went");
    }

    void aSupersededTaskTouchesNothing()
    {
        QObject owner;
        TaskSlot slot;
        auto release = std::make_shared<std::atomic<bool>>(false);
        QStringList heard;
        BackgroundTask* first =
            slot.start(&owner, QStringLiteral("first"), [release](TaskContext& c) {
                while (!*release)
                    std::this_thread::sleep_for(std::chrono::milliseconds(1));
                c.progress(0.9, QStringLiteral("first"));
            });
        QObject::connect(first, &BackgroundTask::progressed,
                         [&](double, const QString& text) { heard << text; });
        QObject::connect(first, &BackgroundTask::finished,
                         [&] { heard << QStringLiteral("first done"); });
        BackgroundTask* second = slot.start(&owner, QStringLiteral("second"), [](TaskContext& c) {
            c.progress(0.5, QStringLiteral("second"));
        });
        QVERIFY(first->isCancelled());
        QCOMPARE(slot.current(), second);
        QObject::connect(second, &BackgroundTask::progressed,
                         [&](double, const QString& text) { heard << text; });
        QObject::connect(second, &BackgroundTask::finished,
                         [&] { heard << QStringLiteral("second done"); });
        *release = true;
        QTRY_VERIFY(heard.contains(QStringLiteral("second done")));
        QThreadPool::globalInstance()->waitForDone();
        QTest::qWait(50);
        QCOMPARE(heard, (QStringList{QStringLiteral("second"), QStringLiteral("second done")}));
    }

    void aTorchErrorReadsAsOneSentence()
    {
        // LibTorch appends a C++ backtrace to what(); a person sees the sentence alone.
        QObject owner;
        QString shown;
        BackgroundTask* task =
            BackgroundTask::start(&owner, QStringLiteral("torch"), [](TaskContext&) {
                TORCH_CHECK(false, "Expected 3 channels, got 4");
            });
        QObject::connect(task, &BackgroundTask::failed, [&](const QString& m) { shown = m; });
        QTRY_VERIFY(!shown.isEmpty());
        QVERIFY2(shown.contains(QStringLiteral("Expected 3 channels, got 4")), qPrintable(shown));
        QVERIFY2(!shown.contains(QLatin1Char('\n')), qPrintable(shown));
        QVERIFY2(!shown.contains(QStringLiteral("Exception raised from")), qPrintable(shown));
        QVERIFY2(!shown.contains(QStringLiteral("frame #")), qPrintable(shown));
    }
};

QTEST_MAIN(TestTrainingDashboard)
#include "test_training_dashboard.moc"
