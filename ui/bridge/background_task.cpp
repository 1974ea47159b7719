#include "ui/bridge/background_task.h"

#include "core/util/describe.h"
#include "core/util/memory.h"

#include <exception>

#include <QCoreApplication>
#include <QMetaObject>
#include <QThreadPool>

namespace kdna::ui {
namespace {

/// Runs `f` on the GUI thread. The receiver is the application object, never the task: a
/// task may be deleted at any moment on the GUI thread, the application lives on.
template<typename F>
void postToGui(F f)
{
    if (QCoreApplication* app = QCoreApplication::instance())
        QMetaObject::invokeMethod(app, std::move(f), Qt::QueuedConnection);
}

} // namespace

void TaskContext::progress(double fraction, const QString& text) const
{
    if (m_report)
        m_report(fraction, text);
}

BackgroundTask::BackgroundTask(QObject* owner, QString title)
    : QObject(owner)
    , m_title(std::move(title))
{}

BackgroundTask::~BackgroundTask()
{
    m_cancel->store(true); // nobody waits for the outcome any more
}

void BackgroundTask::cancel()
{
    m_cancel->store(true);
}

BackgroundTask* BackgroundTask::start(QObject* owner, const QString& title, Work work)
{
    auto* task = new BackgroundTask(owner, title);
    // Read only on the GUI thread (in the posted functions); the worker just carries it.
    const QPointer<BackgroundTask> guard(task);
    auto cancel = task->m_cancel;
    QThreadPool::globalInstance()->start([guard, cancel, work = std::move(work)] {
        TaskContext context;
        context.m_cancel = cancel;
        context.m_report = [guard](double f, const QString& text) {
            postToGui([guard, f, text] {
                if (guard)
                    Q_EMIT guard->progressed(f, text);
            });
        };
        QString error;
        bool ok = true;
        try {
            work(context);
        } catch (const std::exception& e) {
            ok = false;
            error = QString::fromStdString(describe(e));
        } catch (...) {
            ok = false;
            error = QStringLiteral("an unexpected error stopped the task");
        }
        releaseFreeMemory(); // a prediction's maps stay on the heap otherwise
        postToGui([guard, ok, error] {
            if (!guard)
                return; // the owner, and the task with it, is gone
            if (ok)
                Q_EMIT guard->succeeded();
            else
                Q_EMIT guard->failed(error);
            if (guard) // a handler may have deleted the owner
                Q_EMIT guard->finished();
            if (guard)
                guard->deleteLater();
        });
    });
    return task;
}

BackgroundTask* TaskSlot::start(QObject* owner, const QString& title, BackgroundTask::Work work)
{
    cancel();
    m_task = BackgroundTask::start(owner, title, std::move(work));
    return m_task;
}

void TaskSlot::cancel()
{
    if (!m_task)
        return;
    m_task->cancel();
    // Its outcome may already be queued: cut every handler off, it still deletes itself.
    QObject::disconnect(m_task, nullptr, nullptr, nullptr);
    m_task = nullptr;
}

} // namespace kdna::ui
