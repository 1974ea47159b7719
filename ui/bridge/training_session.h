#pragma once

#include "core/project/project.h"
#include "core/project/test_evaluation.h"

#include <atomic>
#include <filesystem>
#include <memory>
#include <thread>
#include <vector>

#include <QObject>
#include <QString>
#include <QVariantMap>

namespace kdna::ui {

/// Runs a project's training off the GUI thread and turns the trainer's observer calls into
/// queued signals, so charts update live while the window stays responsive. After training,
/// and after a Stop that kept weights, evaluates them on the project's test chromosomes with
/// the function `kdna train` uses (evaluateOnTestChromosomes).
class TrainingSession : public QObject {
    Q_OBJECT
public:
    explicit TrainingSession(QObject* parent = nullptr);
    ~TrainingSession() override;

    [[nodiscard]] bool isRunning() const { return m_running; }
    /// Starts training a copy of `project`; `startFrom` is a model archive to continue from
    /// (empty: fresh weights).
    void start(const Project& project, const QString& startFrom = {});
    /// Stops at the next batch boundary; the best weights so far are kept, saved and evaluated.
    /// During that evaluation, stops the evaluation.
    void stop();
    /// Waits for the training thread (used on exit and in tests).
    void wait();

Q_SIGNALS:
    /// `notes`: what the data said when it was read (TrainingStarted::notes).
    void started(int epochs, qint64 stepsPerEpoch, qint64 validationSteps, const QString& device,
                 int threads, const QString& precision, const QStringList& notes);
    /// How far reading the data has come before training starts: `what` (the statistics of a
    /// track, its cache), `fraction` of it done; a few times a second at most.
    void opening(const QString& what, double fraction);
    void batchFinished(int epoch, qint64 step, qint64 steps, double loss, double meanLoss,
                       double samplesPerSecond, double etaSeconds);
    void validating(int epoch);
    void epochFinished(int epoch, const QVariantMap& metrics, double seconds,
                       double samplesPerSecond, int bestEpoch, bool improved);
    /// `archive` is empty when nothing was saved; `saveProblem` says why the archive went to
    /// the temporary folder instead of the project's output, when it did.
    void finished(const QString& reason, int bestEpoch, const QString& archive,
                  const QString& saveProblem);
    void failed(const QString& message);
    void evaluationStarted(const QString& what);
    /// Rows of (name, value) measured on the test chromosomes.
    void evaluated(const QVariantMap& metrics, const QString& what);
    /// The evaluation's figures (curves or scatters), just before evaluated().
    void plotted(std::vector<kdna::EvaluationPlot> plots);

private:
    template<typename Post>
    void evaluate(const Project& project, const std::filesystem::path& archive, const Post& post);

    std::thread m_thread;
    std::atomic<bool> m_cancel{false};
    std::atomic<bool> m_evaluating{false};
    std::atomic<bool> m_cancelEvaluation{false};
    std::atomic<bool> m_running{false};
};

} // namespace kdna::ui
