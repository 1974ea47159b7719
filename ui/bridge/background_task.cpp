#include "background_task.h"

#include "util/memory.h"

#include <exception>

#include <QMetaObject>
#include <QPointer>
#include <QThreadPool>

namespace kdna::ui {

void TaskContext::progress(double fraction, const QString& text) const
{
    if (m_report)
        m_report(fraction, text);
}

BackgroundTask::BackgroundTask(QObject* owner, QString title)
    : QObject(owner)
    , m_title(std::move(title))
{}

void BackgroundTask::cancel()
{
    m_cancel->store(true);
}

BackgroundTask* BackgroundTask::start(QObject* owner, const QString& title, Work work)
{
    auto* task = new BackgroundTask(owner, title);
    QPointer<BackgroundTask> guard(task);
    auto cancel = task->m_cancel;
    QThreadPool::globalInstance()->start([guard, cancel, work = std::move(work)] {
        TaskContext context;
        context.m_cancel = cancel;
        context.m_report = [guard](double f, const QString& text) {
            QMetaObject::invokeMethod(
                guard.data(),
                [guard, f, text] {
                    if (guard)
                        Q_EMIT guard->progressed(f, text);
                },
                Qt::QueuedConnection);
        };
        QString error;
        bool ok = true;
        try {
            work(context);
        } catch (const std::exception& e) {
            ok = false;
            error = QString::fromStdString(e.what());
        } catch (...) {
            ok = false;
            error = QStringLiteral("an unexpected error stopped the task");
        }
        releaseFreeMemory(); // a prediction's maps stay on the heap otherwise
        // Outcome on the GUI thread; the task may be gone if its owner was destroyed.
        QMetaObject::invokeMethod(
            guard.data(),
            [guard, ok, error] {
                if (!guard)
                    return;
                if (ok)
                    Q_EMIT guard->succeeded();
                else
                    Q_EMIT guard->failed(error);
                Q_EMIT guard->finished();
                guard->deleteLater();
            },
            Qt::QueuedConnection);
    });
    return task;
}

} // namespace kdna::ui
