#pragma once

#include <atomic>
#include <functional>
#include <memory>

#include <QObject>
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
class BackgroundTask : public QObject {
    Q_OBJECT
public:
    using Work = std::function<void(TaskContext&)>;

    /// Starts `work`; the task deletes itself after finished() unless `owner` goes first.
    static BackgroundTask* start(QObject* owner, const QString& title, Work work);

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

} // namespace kdna::ui
