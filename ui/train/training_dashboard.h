#pragma once

#include "core/train/history.h"
#include "core/train/settings.h"
#include "ui/bridge/background_task.h"

#include <optional>

#include <QVariantMap>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QGroupBox;
class QLabel;
class QLayout;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSlider;
class QSpinBox;
class QTableWidget;

namespace kdna::ui {

class EvaluationPlots;
class MetricChart;
class ProjectDocument;
class TrainingSession;

/// The Train step: training settings, Start/Stop, live charts (loss per batch raw and
/// smoothed, loss and validation loss per epoch, the metrics), live figures (progress,
/// samples/s, ETA, best epoch), the evaluation on the test chromosomes afterwards, and
/// exports (charts as PNG, history as CSV). Training runs off the GUI thread.
class TrainingDashboard : public QWidget {
    Q_OBJECT
public:
    explicit TrainingDashboard(ProjectDocument* document, QWidget* parent = nullptr);
    ~TrainingDashboard() override;

    void start();
    void stop();
    /// Stops a running training and waits for it (window closing).
    void stopAndWait();
    [[nodiscard]] bool isTraining() const;

    [[nodiscard]] MetricChart* batchChart() const { return m_batchChart; }
    [[nodiscard]] MetricChart* epochChart() const { return m_epochChart; }
    [[nodiscard]] MetricChart* metricChart() const { return m_metricChart; }
    [[nodiscard]] TrainingSession* session() const { return m_session; }
    [[nodiscard]] QTableWidget* evaluationTable() const { return m_evaluation; }
    [[nodiscard]] EvaluationPlots* evaluationPlots() const { return m_plots; }
    [[nodiscard]] int batchesSeen() const { return m_batches; }
    [[nodiscard]] QString statusText() const;

    /// Exports the three charts side by side to a PNG; the history to CSV.
    bool exportCharts(const QString& path);
    bool exportHistory(const QString& path);

Q_SIGNALS:
    void showPredictionRequested(const QString& archivePath);
    void trainingFinished(const QString& reason);

private:
    // The screen's parts, built once by the constructor (left: settings and progress; right:
    // charts and the evaluation).
    QWidget* buildControls();
    QGroupBox* buildTrainingSettings();
    QGroupBox* buildCallbackSettings();
    QGroupBox* buildProgress();
    QLayout* buildResults();
    QLayout* buildChartBar();
    QGroupBox* buildEvaluation();
    void connectSettings();
    void connectSession();
    // What the training session reports, shown.
    void showOpening(const QString& what, double fraction);
    void showStarted(int epochs, qint64 steps, qint64 validationSteps, const QString& device,
                     int threads, const QString& precision, const QStringList& notes);
    void showBatch(int epoch, qint64 step, qint64 steps, double loss, double meanLoss, double rate,
                   double eta);
    void showEpoch(int epoch, const QVariantMap& metrics, double secs, double rate, int best,
                   bool improved);
    void showFinished(const QString& reason, int best, const QString& archive,
                      const QString& saveProblem);
    void showEvaluation(const QVariantMap& metrics, const QString& what);

    void loadSettings();
    void settingsEdited();
    void loadSavedHistory();
    /// Reads the history of an archive off the GUI thread; `show` draws it when it arrives.
    void readHistory(const QString& path, bool show);
    void showHistory(const History& history, const QString& path);
    void resetView();
    void showOutcome(const QString& reason, int bestEpoch);
    void setRunning(bool running);
    void addEpoch(int epoch, const QVariantMap& metrics);

    ProjectDocument* m_doc;
    TrainingSession* m_session;
    QSpinBox* m_epochs = nullptr;
    QSpinBox* m_steps = nullptr;
    QSpinBox* m_validationSteps = nullptr;
    QCheckBox* m_early = nullptr;
    QComboBox* m_monitor = nullptr;
    QSpinBox* m_patience = nullptr;
    QDoubleSpinBox* m_minDelta = nullptr;
    QCheckBox* m_restore = nullptr;
    QCheckBox* m_checkpoint = nullptr;
    QLineEdit* m_checkpointPath = nullptr;
    QComboBox* m_precision = nullptr;
    QComboBox* m_device = nullptr;
    QCheckBox* m_continue = nullptr;
    QPushButton* m_start = nullptr;
    QPushButton* m_stop = nullptr;
    QSlider* m_smoothing = nullptr;
    QLabel* m_smoothingText = nullptr;
    QLabel* m_epochLabel = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_rate = nullptr;
    QLabel* m_best = nullptr;
    QLabel* m_status = nullptr;
    QLabel* m_notes = nullptr; ///< what the data said when the run read it
    MetricChart* m_batchChart = nullptr;
    MetricChart* m_epochChart = nullptr;
    MetricChart* m_metricChart = nullptr;
    QTableWidget* m_evaluation = nullptr;
    EvaluationPlots* m_plots = nullptr;
    QPushButton* m_showTracks = nullptr;
    int m_epochs_total = 0;
    int m_batches = 0;
    int m_runEpochs = 0; // epochs, seconds and samples of the current run
    double m_runSeconds = 0;
    double m_runSecondsPerSample = 0; // sum over epochs of 1 / samples per second
    bool m_loading = false;
    bool m_stopping = false;
    QString m_archive;
    std::optional<History> m_history; ///< of m_archive, for the CSV export
    TaskSlot m_historyTask;
    QVariantMap m_lastEpoch;
};

} // namespace kdna::ui
