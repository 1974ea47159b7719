#pragma once

#include <atomic>
#include <functional>
#include <memory>

#include <QObject>
#include <QPointer>
#include <QString>

namespace kdna::ui {

/// What a background job sees: whether it was cancelled, and a way to report progress.
class TaskContext {
public:
    [[nodiscard]] bool cancelled() const { return m_cancel->load(); }
    /// Thread-safe; delivered to the GUI thread as BackgroundTask::progressed.
    void progress(double fraction, const QString& text = {}) const;

private:
    friend class BackgroundTask;
    std::shared_ptr<std::atomic<bool>> m_cancel;
    std::function<void(double, const QString&)> m_report;
};

/// A job off the GUI thread (QThreadPool) with progress, cancel and an outcome by signal:
/// long work never runs on the GUI thread. `work` throws kdna::Error (or any exception) to
/// fail; its message reaches failed().
///
/// The task is a child of its owner and dies with it. The worker never touches the task: it
/// posts each report to the application object, which outlives every owner, and the report
/// looks on the GUI thread whether the task still lives. So an owner destroyed mid-task gets
/// nothing, and its task is cancelled.
class BackgroundTask : public QObject {
    Q_OBJECT
public:
    using Work = std::function<void(TaskContext&)>;

    /// Starts `work`; the task deletes itself after finished() unless `owner` goes first.
    static BackgroundTask* start(QObject* owner, const QString& title, Work work);
    ~BackgroundTask() override;

    [[nodiscard]] QString title() const { return m_title; }
    /// Asks the work to stop at its next check; finished() still follows.
    void cancel();
    [[nodiscard]] bool isCancelled() const { return m_cancel->load(); }

Q_SIGNALS:
    void progressed(double fraction, const QString& text);
    void succeeded();
    void failed(const QString& message);
    void finished();

private:
    BackgroundTask(QObject* owner, QString title);
    QString m_title;
    std::shared_ptr<std::atomic<bool>> m_cancel = std::make_shared<std::atomic<bool>>(false);
};

/// The one task of a kind an owner runs (the saved history, a preview, a prediction):
/// starting another cancels the one before and cuts it off from every handler, so a
/// superseded task never touches what the newer one shows (its progress, its outcome).
class TaskSlot {
public:
    BackgroundTask* start(QObject* owner, const QString& title, BackgroundTask::Work work);
    /// Cancels the running task; none of its signals reach anyone after this.
    void cancel();
    [[nodiscard]] BackgroundTask* current() const { return m_task; }

private:
    QPointer<BackgroundTask> m_task;
};

} // namespace kdna::ui
