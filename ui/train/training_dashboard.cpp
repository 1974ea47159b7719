#include "ui/train/training_dashboard.h"

#include "core/model/model.h"
#include "core/project/archive.h"
#include "core/util/text.h"
#include "ui/bridge/background_task.h"
#include "ui/bridge/project_document.h"
#include "ui/bridge/qt_convert.h"
#include "ui/bridge/training_session.h"
#include "ui/style/colors.h"
#include "ui/train/evaluation_plots.h"
#include "ui/train/metric_chart.h"

#include <cmath>
#include <cstdint>

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLineSeries>
#include <QMessageBox>
#include <QPainter>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSlider>
#include <QSpinBox>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

namespace kdna::ui {
namespace {

const QColor kTrain = colors::series(0); // the loss is the first series
constexpr int kDefaultSmoothing = 60;    // TensorBoard's default weight, 0.6, in hundredths

QString seconds(double s)
{
    if (!std::isfinite(s) || s < 0)
        return QStringLiteral("-");
    const int total = static_cast<int>(s);
    return total >= 60 ? QStringLiteral("%1 min %2 s").arg(total / 60).arg(total % 60)
                       : QStringLiteral("%1 s").arg(total);
}

/// A number of batches named by its Keras keyword, 0 meaning one pass over the data.
QSpinBox* stepsField(const QString& keyword)
{
    auto* s = new QSpinBox;
    s->setRange(0, 10000000);
    s->setSpecialValueText(QObject::tr("one pass"));
    s->setToolTip(QStringLiteral("<b>%1</b>").arg(keyword));
    s->setObjectName(keyword);
    return s;
}

QVariantMap toVariant(const std::map<std::string, double>& m)
{
    QVariantMap out;
    for (const auto& [k, v] : m)
        out.insert(qs(k), v);
    return out;
}

} // namespace

TrainingDashboard::TrainingDashboard(ProjectDocument* document, QWidget* parent)
    : QWidget(parent)
    , m_doc(document)
    , m_session(new TrainingSession(this))
{
    auto* layout = new QHBoxLayout(this);
    layout->addWidget(buildControls());
    layout->addLayout(buildResults(), 1);
    connectSettings();
    connectSession();
    connect(m_doc, &ProjectDocument::reloaded, this, [this] {
        loadSettings();
        loadSavedHistory();
    });
    connect(m_doc, &ProjectDocument::changed, this, [this](ProjectDocument::Section s) {
        if (s == ProjectDocument::Section::Training)
            loadSettings();
    });
    loadSettings();
    setRunning(false);
}

QWidget* TrainingDashboard::buildControls()
{
    auto* left = new QVBoxLayout;
    left->addWidget(buildTrainingSettings());
    left->addWidget(buildCallbackSettings());
    m_continue = new QCheckBox(tr("Continue from the saved model"));
    m_continue->setToolTip(
        tr("Start from the weights of the project's model archive (transfer learning)"));
    left->addWidget(m_continue);
    auto* buttons = new QHBoxLayout;
    m_start = new QPushButton(tr("Start"));
    m_start->setObjectName(QStringLiteral("start"));
    m_stop = new QPushButton(tr("Stop"));
    m_stop->setObjectName(QStringLiteral("stop"));
    m_stop->setToolTip(tr("Ends at the next batch and keeps the best weights"));
    buttons->addWidget(m_start);
    buttons->addWidget(m_stop);
    left->addLayout(buttons);
    connect(m_start, &QPushButton::clicked, this, &TrainingDashboard::start);
    connect(m_stop, &QPushButton::clicked, this, &TrainingDashboard::stop);
    left->addWidget(buildProgress());
    left->addStretch();
    auto* leftWidget = new QWidget;
    leftWidget->setLayout(left);
    // The settings scroll on a short screen (1024 x 700) rather than push the window taller.
    auto* leftScroll = new QScrollArea;
    leftScroll->setWidget(leftWidget);
    leftScroll->setWidgetResizable(true);
    leftScroll->setFrameShape(QFrame::NoFrame);
    leftScroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    leftScroll->setMinimumWidth(leftWidget->minimumSizeHint().width() +
                                leftScroll->verticalScrollBar()->sizeHint().width());
    leftScroll->setMaximumWidth(350);
    return leftScroll;
}

QGroupBox* TrainingDashboard::buildTrainingSettings()
{
    auto* settings = new QGroupBox(tr("Training"));
    auto* sf = new QFormLayout(settings);
    m_epochs = new QSpinBox;
    m_epochs->setRange(1, 100000);
    m_epochs->setToolTip(QStringLiteral("<b>epochs</b>"));
    m_epochs->setObjectName(QStringLiteral("epochs"));
    sf->addRow(tr("Epochs"), m_epochs);
    m_steps = stepsField(QStringLiteral("steps_per_epoch"));
    sf->addRow(tr("Steps per epoch"), m_steps);
    m_validationSteps = stepsField(QStringLiteral("validation_steps"));
    sf->addRow(tr("Validation steps"), m_validationSteps);
    m_precision = new QComboBox;
    m_precision->addItems({QStringLiteral("fp32"), QStringLiteral("bf16")});
    m_precision->setToolTip(
        tr("bf16: bfloat16 autocast with fp32 weights (faster on CPUs with AVX-512 BF16 or AMX)"));
    sf->addRow(tr("Precision"), m_precision);
    m_device = new QComboBox;
    m_device->addItem(QStringLiteral("cpu"));
    if (cudaAvailable())
        m_device->addItem(QStringLiteral("cuda"));
    sf->addRow(tr("Device"), m_device);
    return settings;
}

QGroupBox* TrainingDashboard::buildCallbackSettings()
{
    auto* callbacks = new QGroupBox(tr("Callbacks"));
    auto* cf = new QFormLayout(callbacks);
    m_early = new QCheckBox(tr("Early stopping"));
    m_early->setToolTip(QStringLiteral("<b>EarlyStopping</b>"));
    cf->addRow(m_early);
    m_monitor = new QComboBox;
    m_monitor->setEditable(true);
    m_monitor->addItems({QStringLiteral("val_loss"), QStringLiteral("loss"),
                         QStringLiteral("val_correlate_0_0"), QStringLiteral("val_accuracy")});
    cf->addRow(tr("Monitor"), m_monitor);
    m_patience = new QSpinBox;
    m_patience->setRange(0, 100000);
    cf->addRow(tr("Patience"), m_patience);
    m_minDelta = new QDoubleSpinBox;
    m_minDelta->setDecimals(6);
    m_minDelta->setRange(0, 1e6);
    cf->addRow(tr("Min delta"), m_minDelta);
    m_restore = new QCheckBox(tr("Restore the best weights"));
    cf->addRow(m_restore);
    m_checkpoint = new QCheckBox(tr("Keep the best model (ModelCheckpoint)"));
    cf->addRow(m_checkpoint);
    m_checkpointPath = new QLineEdit;
    m_checkpointPath->setPlaceholderText(QStringLiteral("best.kdna"));
    cf->addRow(tr("Checkpoint"), m_checkpointPath);
    return callbacks;
}

QGroupBox* TrainingDashboard::buildProgress()
{
    auto* live = new QGroupBox(tr("Progress"));
    auto* ll = new QVBoxLayout(live);
    m_epochLabel = new QLabel(tr("Not started"));
    m_epochLabel->setObjectName(QStringLiteral("epochLabel"));
    m_progress = new QProgressBar;
    m_progress->setObjectName(QStringLiteral("progress"));
    m_rate = new QLabel;
    m_best = new QLabel;
    m_status = new QLabel;
    m_status->setWordWrap(true);
    m_rate->setWordWrap(true);
    m_notes = new QLabel;
    m_notes->setObjectName(QStringLiteral("dataNotes"));
    m_notes->setWordWrap(true);
    m_notes->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_notes->hide();
    for (QWidget* w : {static_cast<QWidget*>(m_epochLabel), static_cast<QWidget*>(m_progress),
                       static_cast<QWidget*>(m_rate), static_cast<QWidget*>(m_best),
                       static_cast<QWidget*>(m_status), static_cast<QWidget*>(m_notes)})
        ll->addWidget(w);
    return live;
}

QLayout* TrainingDashboard::buildResults()
{
    auto* right = new QVBoxLayout;
    QLayout* chartBar = buildChartBar();
    m_batchChart = new MetricChart(tr("Training loss per batch"), tr("epoch"));
    m_batchChart->setObjectName(QStringLiteral("batchChart"));
    m_batchChart->series(tr("batch loss"), kTrain, 2);
    m_epochChart = new MetricChart(tr("Loss per epoch"), tr("epoch"));
    m_epochChart->setObjectName(QStringLiteral("epochChart"));
    m_epochChart->series(QStringLiteral("loss"), kTrain, 2, true);
    m_epochChart->series(QStringLiteral("val_loss"), {}, 2, true);
    m_metricChart = new MetricChart(tr("Metrics per epoch"), tr("epoch"));
    m_metricChart->setObjectName(QStringLiteral("metricChart"));
    right->addLayout(chartBar);
    auto* charts = new QSplitter(Qt::Vertical);
    charts->addWidget(m_batchChart);
    auto* row = new QSplitter(Qt::Horizontal);
    row->addWidget(m_epochChart);
    row->addWidget(m_metricChart);
    charts->addWidget(row);
    right->addWidget(charts, 1);
    // The smoothing shown is applied once the charts it smooths exist.
    m_smoothing->setValue(kDefaultSmoothing);
    right->addWidget(buildEvaluation());
    return right;
}

QLayout* TrainingDashboard::buildChartBar()
{
    auto* chartBar = new QHBoxLayout;
    m_smoothing = new QSlider(Qt::Horizontal);
    m_smoothing->setObjectName(QStringLiteral("smoothing"));
    m_smoothing->setRange(0, 99);
    m_smoothing->setPageStep(10);
    m_smoothing->setMaximumWidth(160);
    m_smoothing->setToolTip(tr("TensorBoard's smoothing: an exponential moving average, "
                               "corrected at the start; 0 shows the raw values"));
    m_smoothingText = new QLabel;
    m_smoothingText->setObjectName(QStringLiteral("smoothingValue"));
    m_smoothingText->setMinimumWidth(
        m_smoothingText->fontMetrics().horizontalAdvance(QStringLiteral("0.00 ")));
    auto* outliers = new QCheckBox(tr("Ignore outliers in scaling"));
    outliers->setChecked(true);
    outliers->setToolTip(tr("Scale the linear axes to the 1st-99th percentile of the values, "
                            "so a high first loss does not flatten the curve"));
    chartBar->addWidget(new QLabel(tr("Smoothing")));
    chartBar->addWidget(m_smoothing);
    chartBar->addWidget(m_smoothingText);
    chartBar->addWidget(outliers);
    chartBar->addStretch();
    connect(m_smoothing, &QSlider::valueChanged, this, [this](int hundredths) {
        m_smoothingText->setText(QString::number(hundredths / 100.0, 'f', 2));
        for (auto* c : {m_batchChart, m_epochChart, m_metricChart})
            c->setSmoothing(hundredths / 100.0);
    });
    connect(outliers, &QCheckBox::toggled, this, [this](bool on) {
        for (auto* c : {m_batchChart, m_epochChart, m_metricChart})
            c->setIgnoreOutliers(on);
    });
    return chartBar;
}

QGroupBox* TrainingDashboard::buildEvaluation()
{
    auto* results = new QGroupBox(tr("Evaluation on the test chromosomes"));
    auto* rl = new QHBoxLayout(results);
    m_evaluation = new QTableWidget(0, 2);
    m_evaluation->setHorizontalHeaderLabels({tr("Metric"), tr("Value")});
    m_evaluation->horizontalHeader()->setStretchLastSection(true);
    m_evaluation->verticalHeader()->hide();
    m_evaluation->setEditTriggers(QAbstractItemView::NoEditTriggers);
    // A few metrics: the rest of the height goes to the charts (1024 x 700 screens).
    m_evaluation->setMaximumHeight(110);
    rl->addWidget(m_evaluation, 1);
    m_plots = new EvaluationPlots;
    rl->addWidget(m_plots, 1);
    m_showTracks = new QPushButton(tr("Show the prediction\nin the Tracks step"));
    m_showTracks->setObjectName(QStringLiteral("showTracks"));
    m_showTracks->setEnabled(false);
    connect(m_showTracks, &QPushButton::clicked, this,
            [this] { Q_EMIT showPredictionRequested(m_archive); });
    auto* exportPng = new QPushButton(tr("Export charts..."));
    exportPng->setToolTip(tr("The three charts as one PNG image"));
    connect(exportPng, &QPushButton::clicked, this, [this] {
        const QString path =
            QFileDialog::getSaveFileName(this, tr("Export the charts"),
                                         QStringLiteral("training.png"), tr("PNG images (*.png)"));
        if (!path.isEmpty() && !exportCharts(path))
            QMessageBox::warning(this, tr("Export failed"), tr("Could not write %1").arg(path));
    });
    auto* exportCsv = new QPushButton(tr("Export history..."));
    exportCsv->setToolTip(tr("Every epoch's loss and metrics as CSV"));
    connect(exportCsv, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Export the history"), QStringLiteral("history.csv"), tr("CSV files (*.csv)"));
        if (!path.isEmpty() && !exportHistory(path))
            QMessageBox::warning(this, tr("Export failed"),
                                 tr("No history to export yet, or %1 cannot be written").arg(path));
    });
    auto* actions = new QVBoxLayout;
    actions->addWidget(m_showTracks);
    actions->addWidget(exportPng);
    actions->addWidget(exportCsv);
    actions->addStretch();
    rl->addLayout(actions);
    return results;
}

void TrainingDashboard::connectSettings()
{
    // A typed number is one edit (sent on Enter or leaving the field), not one per digit.
    for (auto* s : {m_epochs, m_steps, m_validationSteps, m_patience}) {
        s->setKeyboardTracking(false);
        connect(s, &QSpinBox::valueChanged, this, &TrainingDashboard::settingsEdited);
    }
    m_minDelta->setKeyboardTracking(false);
    connect(m_minDelta, &QDoubleSpinBox::valueChanged, this, &TrainingDashboard::settingsEdited);
    for (auto* c : {m_early, m_restore, m_checkpoint})
        connect(c, &QCheckBox::toggled, this, &TrainingDashboard::settingsEdited);
    for (auto* c : {m_precision, m_device})
        connect(c, &QComboBox::currentIndexChanged, this, &TrainingDashboard::settingsEdited);
    connect(m_monitor, &QComboBox::currentTextChanged, this, &TrainingDashboard::settingsEdited);
    connect(m_checkpointPath, &QLineEdit::editingFinished, this,
            &TrainingDashboard::settingsEdited);
}

void TrainingDashboard::connectSession()
{
    connect(m_session, &TrainingSession::started, this, &TrainingDashboard::showStarted);
    connect(m_session, &TrainingSession::opening, this, &TrainingDashboard::showOpening);
    connect(m_session, &TrainingSession::batchFinished, this, &TrainingDashboard::showBatch);
    connect(m_session, &TrainingSession::validating, this, [this](int epoch) {
        m_epochLabel->setText(
            tr("Epoch %1 of %2 - validating...").arg(epoch + 1).arg(m_epochs_total));
    });
    connect(m_session, &TrainingSession::epochFinished, this, &TrainingDashboard::showEpoch);
    connect(m_session, &TrainingSession::finished, this, &TrainingDashboard::showFinished);
    connect(m_session, &TrainingSession::failed, this, [this](const QString& message) {
        setRunning(false);
        showOutcome(QStringLiteral("failed"), -1);
        m_status->setText(colors::errorHtml(message, palette()));
        Q_EMIT trainingFinished(tr("failed"));
    });
    connect(m_session, &TrainingSession::evaluationStarted, this,
            [this](const QString& what) { m_status->setText(tr("Evaluating %1...").arg(what)); });
    connect(m_session, &TrainingSession::evaluated, this, &TrainingDashboard::showEvaluation);
    connect(m_session, &TrainingSession::plotted, m_plots, &EvaluationPlots::setPlots);
}

void TrainingDashboard::showOpening(const QString& what, double fraction)
{
    if (m_stopping)
        return;
    m_epochLabel->setText(tr("Opening the data: %1, %2%")
                              .arg(what)
                              .arg(static_cast<int>(100 * std::clamp(fraction, 0.0, 1.0))));
}

void TrainingDashboard::showStarted(int epochs, qint64 steps, qint64 validationSteps,
                                    const QString& device, int threads, const QString& precision,
                                    const QStringList& notes)
{
    m_notes->setText(notes.join(QLatin1Char('\n')));
    m_notes->setVisible(!notes.isEmpty());
    m_epochs_total = epochs;
    m_progress->setRange(0, static_cast<int>(steps));
    m_status->setText(tr("Training on %1 (%2 threads, %3), %4 steps an epoch, %5 validation steps")
                          .arg(device)
                          .arg(threads)
                          .arg(precision)
                          .arg(steps)
                          .arg(validationSteps));
}

void TrainingDashboard::showBatch(int epoch, qint64 step, qint64 steps, double loss,
                                  double meanLoss, double rate, double eta)
{
    const double x =
        epoch + static_cast<double>(step + 1) / static_cast<double>(std::max<qint64>(1, steps));
    ++m_batches;
    m_batchChart->append(tr("batch loss"), x, loss);
    m_progress->setValue(static_cast<int>(step + 1));
    if (m_stopping)
        return;
    m_epochLabel->setText(tr("Epoch %1 of %2 - batch %3 of %4 - loss %5")
                              .arg(epoch + 1)
                              .arg(m_epochs_total)
                              .arg(step + 1)
                              .arg(steps)
                              .arg(meanLoss, 0, 'g', 4));
    m_rate->setText(tr("%1 samples/s - epoch ends in %2")
                        .arg(count(static_cast<std::int64_t>(rate)), seconds(eta)));
}

void TrainingDashboard::showEpoch(int epoch, const QVariantMap& metrics, double secs, double rate,
                                  int best, bool improved)
{
    addEpoch(epoch, metrics);
    ++m_runEpochs;
    m_runSeconds += secs;
    if (rate > 0)
        m_runSecondsPerSample += 1 / rate; // epochs are equal: harmonic mean
    m_best->setText(
        tr("Best epoch so far: %1%2").arg(best + 1).arg(improved ? tr(" (this one)") : QString()));
    m_status->setText(tr("Epoch %1 took %2 at %3 samples/s")
                          .arg(epoch + 1)
                          .arg(seconds(secs))
                          .arg(count(static_cast<std::int64_t>(rate))));
}

void TrainingDashboard::showFinished(const QString& reason, int best, const QString& archive,
                                     const QString& saveProblem)
{
    setRunning(false);
    // The live rate and time left are over: say what the run took instead.
    m_rate->setText(m_runEpochs == 0
                        ? QString()
                        : (m_runEpochs == 1 ? tr("%1 epoch in %2 - %3 samples/s")
                                            : tr("%1 epochs in %2 - %3 samples/s"))
                              .arg(QString::number(m_runEpochs), seconds(m_runSeconds),
                                   count(static_cast<std::int64_t>(
                                       m_runEpochs / std::max(m_runSecondsPerSample, 1e-12)))));
    showOutcome(reason, best);
    if (archive.isEmpty()) {
        m_status->setText(tr("Stopped before the first epoch ended: nothing was saved."));
    } else {
        m_archive = archive;
        m_status->setText(saveProblem.isEmpty() ? tr("Model saved to %1").arg(archive)
                                                : colors::errorHtml(saveProblem, palette()));
        m_showTracks->setEnabled(true);
        readHistory(archive, false); // for the CSV export
    }
    Q_EMIT trainingFinished(reason);
}

void TrainingDashboard::showEvaluation(const QVariantMap& metrics, const QString& what)
{
    m_evaluation->setRowCount(0);
    for (auto it = metrics.begin(); it != metrics.end(); ++it) {
        const int r = m_evaluation->rowCount();
        m_evaluation->insertRow(r);
        m_evaluation->setItem(r, 0, new QTableWidgetItem(it.key()));
        m_evaluation->setItem(r, 1,
                              new QTableWidgetItem(QString::number(it.value().toDouble(), 'g', 5)));
    }
    m_status->setText(tr("Evaluated %1.").arg(what));
}

TrainingDashboard::~TrainingDashboard()
{
    stopAndWait();
}

bool TrainingDashboard::isTraining() const
{
    return m_session->isRunning();
}

QString TrainingDashboard::statusText() const
{
    return m_status->text();
}

void TrainingDashboard::loadSettings()
{
    m_loading = true;
    const TrainSettings& t = m_doc->project().training;
    m_epochs->setValue(t.epochs);
    m_steps->setValue(static_cast<int>(t.steps_per_epoch));
    m_validationSteps->setValue(static_cast<int>(t.validation_steps));
    m_precision->setCurrentText(qs(t.precision));
    m_device->setCurrentText(qs(t.device));
    m_early->setChecked(t.early_stopping.enabled);
    m_monitor->setCurrentText(qs(t.early_stopping.monitor));
    m_patience->setValue(t.early_stopping.patience);
    m_minDelta->setValue(t.early_stopping.min_delta);
    m_restore->setChecked(t.early_stopping.restore_best_weights);
    m_checkpoint->setChecked(t.checkpoint.enabled);
    m_checkpointPath->setText(qs(t.checkpoint.path));
    m_continue->setEnabled(QFileInfo::exists(m_doc->modelArchivePath()));
    m_loading = false;
}

void TrainingDashboard::settingsEdited()
{
    if (m_loading)
        return;
    TrainSettings t = m_doc->project().training;
    t.epochs = m_epochs->value();
    t.steps_per_epoch = m_steps->value();
    t.validation_steps = m_validationSteps->value();
    t.precision = ss(m_precision->currentText());
    t.device = ss(m_device->currentText());
    t.early_stopping.enabled = m_early->isChecked();
    t.early_stopping.monitor = ss(m_monitor->currentText());
    t.early_stopping.patience = m_patience->value();
    t.early_stopping.min_delta = m_minDelta->value();
    t.early_stopping.restore_best_weights = m_restore->isChecked();
    t.checkpoint.enabled = m_checkpoint->isChecked();
    t.checkpoint.path =
        m_checkpointPath->text().isEmpty() ? "best.kdna" : ss(m_checkpointPath->text());
    m_doc->setTraining(t, tr("Edit training settings"));
}

void TrainingDashboard::setRunning(bool running)
{
    m_start->setEnabled(!running);
    m_stop->setEnabled(running);
    m_continue->setEnabled(!running && QFileInfo::exists(m_doc->modelArchivePath()));
}

void TrainingDashboard::start()
{
    if (m_session->isRunning())
        return;
    const Project& p = m_doc->project();
    if (primary(p.dataset).fasta_file.empty()) {
        m_status->setText(tr("Choose the data first (the Data step)."));
        return;
    }
    m_historyTask.cancel();
    resetView();
    m_stopping = false;
    m_epochLabel->setText(tr("Opening the data..."));
    m_status->clear();
    setRunning(true);
    m_session->start(p, m_continue->isChecked() ? m_doc->modelArchivePath() : QString());
}

void TrainingDashboard::stop()
{
    if (!m_session->isRunning())
        return;
    m_session->stop();
    m_stopping = true;
    m_epochLabel->setText(tr("Stopping at the end of this batch..."));
}

void TrainingDashboard::showOutcome(const QString& reason, int best)
{
    // The trainer's reasons, in the words of the Stop button and of Keras' callbacks.
    QString outcome;
    QString bar;
    if (reason == QStringLiteral("cancelled")) {
        outcome = tr("stopped");
        bar = tr("Stopped at batch %v of %m");
    } else if (reason == QStringLiteral("early stopping")) {
        outcome = tr("stopped early (early stopping)");
        bar = tr("Stopped early");
    } else if (reason == QStringLiteral("completed")) {
        outcome = tr("finished");
        bar = tr("Finished");
        m_progress->setValue(m_progress->maximum());
    } else if (reason == QStringLiteral("failed")) {
        outcome = tr("failed");
        bar = tr("Failed");
    } else {
        outcome = reason;
        bar = reason;
    }
    m_progress->setFormat(bar);
    m_epochLabel->setText(best >= 0 ? tr("Training %1; best epoch %2").arg(outcome).arg(best + 1)
                                    : tr("Training %1").arg(outcome));
}

void TrainingDashboard::stopAndWait()
{
    m_session->stop();
    m_session->wait();
}

void TrainingDashboard::addEpoch(int epoch, const QVariantMap& metrics)
{
    m_lastEpoch = metrics;
    const double x = epoch + 1;
    for (auto it = metrics.begin(); it != metrics.end(); ++it) {
        const QString name = it.key();
        const double v = it.value().toDouble();
        if (name == QStringLiteral("loss") || name == QStringLiteral("val_loss"))
            m_epochChart->append(name, x, v);
        else
            m_metricChart->append(name, x, v);
    }
}

void TrainingDashboard::resetView()
{
    for (auto* c : {m_batchChart, m_epochChart, m_metricChart})
        c->clear();
    m_batches = 0;
    m_runEpochs = 0;
    m_runSeconds = m_runSecondsPerSample = 0;
    m_evaluation->setRowCount(0);
    m_plots->clear();
    m_showTracks->setEnabled(false);
    m_progress->setFormat(QStringLiteral("%p%"));
    m_progress->setValue(0);
    m_notes->clear();
    m_notes->hide();
}

void TrainingDashboard::loadSavedHistory()
{
    m_historyTask.cancel(); // the project it was reading for is gone
    resetView();
    m_archive.clear();
    m_history.reset();
    m_epochLabel->setText(tr("Not started"));
    m_status->clear();
    const QString path = m_doc->modelArchivePath();
    if (QFileInfo::exists(path))
        readHistory(path, true);
}

void TrainingDashboard::readHistory(const QString& path, bool show)
{
    // An archive holds the weights too, and may be large: it is read off the GUI thread.
    auto history = std::make_shared<History>();
    BackgroundTask* task = m_historyTask.start(
        this, tr("Reading %1").arg(QFileInfo(path).fileName()),
        [history, file = ss(path)](TaskContext&) { *history = ModelArchive::load(file).history; });
    if (show)
        m_epochLabel->setText(tr("Reading the saved model..."));
    connect(task, &BackgroundTask::succeeded, this, [this, history, path, show] {
        m_history = *history;
        m_archive = path;
        if (show)
            showHistory(*history, path);
    });
    connect(task, &BackgroundTask::failed, this, [this, show](const QString& message) {
        if (!show)
            return;
        m_epochLabel->setText(tr("Not started"));
        m_status->setText(colors::errorHtml(message, palette()));
    });
}

void TrainingDashboard::showHistory(const History& h, const QString& path)
{
    const double steps = static_cast<double>(std::max<std::int64_t>(1, h.stepsPerEpoch));
    for (std::size_t i = 0; i < h.batchLoss.size(); ++i)
        m_batchChart->append(tr("batch loss"), static_cast<double>(i + 1) / steps, h.batchLoss[i]);
    for (std::size_t e = 0; e < h.epochs.size(); ++e)
        addEpoch(static_cast<int>(e), toVariant(h.epochs[e]));
    m_showTracks->setEnabled(true);
    m_epochLabel->setText(tr("Saved model: %1 epochs").arg(h.epochs.size()));
    m_status->setText(tr("History of %1").arg(QFileInfo(path).fileName()));
}

bool TrainingDashboard::exportCharts(const QString& path)
{
    const QPixmap a = m_batchChart->grab();
    const QPixmap b = m_epochChart->grab();
    const QPixmap c = m_metricChart->grab();
    QImage image(std::max(a.width(), b.width() + c.width()),
                 a.height() + std::max(b.height(), c.height()), QImage::Format_ARGB32);
    image.fill(Qt::white);
    QPainter p(&image);
    p.drawPixmap(0, 0, a);
    p.drawPixmap(0, a.height(), b);
    p.drawPixmap(b.width(), a.height(), c);
    p.end();
    return image.save(path);
}

bool TrainingDashboard::exportHistory(const QString& path)
{
    if (!m_history)
        return false;
    try {
        m_history->writeCsv(ss(path));
        return true;
    } catch (const std::exception&) {
        return false;
    }
}

} // namespace kdna::ui
