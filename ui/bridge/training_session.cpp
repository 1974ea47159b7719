#include "ui/bridge/training_session.h"

#include "core/project/test_evaluation.h"
#include "core/project/workflow.h"
#include "core/util/describe.h"
#include "core/util/memory.h"
#include "core/util/opening_progress.h"
#include "core/util/text.h"
#include "ui/bridge/qt_convert.h"

#include <chrono>
#include <memory>
#include <optional>

#include <QMetaObject>
#include <QPointer>

namespace kdna::ui {
namespace {

QVariantMap toVariant(const std::map<std::string, double>& m)
{
    QVariantMap out;
    for (const auto& [k, v] : m)
        out.insert(qs(k), v);
    return out;
}

/// Forwards trainer events to the session's signals on the GUI thread.
class Forwarder final : public TrainingObserver {
public:
    explicit Forwarder(TrainingSession* session)
        : m_session(session)
    {}
    template<typename F>
    void post(F f)
    {
        QMetaObject::invokeMethod(m_session.data(), std::move(f), Qt::QueuedConnection);
    }
    void started(const TrainingStarted& s) override
    {
        auto* self = m_session.data();
        post([self, s] {
            QStringList notes;
            for (const auto& n : s.notes)
                notes << qs(n);
            Q_EMIT self->started(s.epochs, s.stepsPerEpoch, s.validationSteps, qs(s.device),
                                 s.threads, qs(s.precision), notes);
        });
    }
    void batchFinished(const BatchFinished& b) override
    {
        auto* self = m_session.data();
        post([self, b] {
            Q_EMIT self->batchFinished(b.epoch, b.step, b.steps, b.loss, b.meanLoss,
                                       b.samplesPerSecond, b.etaSeconds);
        });
    }
    void validating(int epoch) override
    {
        auto* self = m_session.data();
        post([self, epoch] { Q_EMIT self->validating(epoch); });
    }
    void epochFinished(const EpochFinished& e) override
    {
        auto* self = m_session.data();
        const QVariantMap metrics = toVariant(e.metrics);
        post([self, e, metrics] {
            Q_EMIT self->epochFinished(e.epoch, metrics, e.seconds, e.samplesPerSecond, e.bestEpoch,
                                       e.improved);
        });
    }

private:
    QPointer<TrainingSession> m_session;
};

} // namespace

TrainingSession::TrainingSession(QObject* parent)
    : QObject(parent)
{}

TrainingSession::~TrainingSession()
{
    m_cancel = true;
    m_cancelEvaluation = true;
    wait();
}

void TrainingSession::wait()
{
    if (m_thread.joinable())
        m_thread.join();
}

void TrainingSession::stop()
{
    // A Stop during training ends the training (the evaluation of the kept weights still
    // follows); a Stop during that evaluation ends it.
    m_cancel = true;
    if (m_evaluating)
        m_cancelEvaluation = true;
}

template<typename Post>
void TrainingSession::evaluate(const Project& project, const std::filesystem::path& archive,
                               const Post& post)
{
    QPointer<TrainingSession> self(this);
    const QString what = tr("on %1").arg(qs(text::join(project.test_chr, ", ")));
    post([self, what] {
        if (self)
            Q_EMIT self->evaluationStarted(what);
    });
    // Down again however the evaluation ends (a cancel throws): a later run's Stop must stop
    // its training, not its evaluation.
    struct Evaluating {
        std::atomic<bool>& flag;
        explicit Evaluating(std::atomic<bool>& f)
            : flag(f)
        {
            flag = true;
        }
        ~Evaluating() { flag = false; }
        Evaluating(const Evaluating&) = delete;
        Evaluating& operator=(const Evaluating&) = delete;
    } evaluating(m_evaluating);
    TestEvaluationOptions options;
    options.score.progress = [this](double) {
        return !m_cancelEvaluation.load();
    };
    const TestEvaluation result = evaluateOnTestChromosomes(project, archive, options);
    const QVariantMap metrics = toVariant(result.metrics);
    post([self, metrics, what, plots = result.plots] {
        if (!self)
            return;
        Q_EMIT self->plotted(plots);
        Q_EMIT self->evaluated(metrics, what);
    });
}

namespace {

/// Posts the opening phases' progress as `self`'s opening signal: a phase's start and end,
/// and at most five times a second between (a statistics pass reports every block).
OpeningProgress openingReporter(const QPointer<TrainingSession>& self)
{
    using Clock = std::chrono::steady_clock;
    auto last = std::make_shared<Clock::time_point>();
    return
        [self, last](const std::string& what, std::int64_t done, std::int64_t total, const char*) {
            const auto now = Clock::now();
            if (done != 0 && done < total && now - *last < std::chrono::milliseconds(200))
                return;
            *last = now;
            const double fraction =
                total > 0 ? static_cast<double>(done) / static_cast<double>(total) : 1.0;
            QMetaObject::invokeMethod(
                self.data(),
                [self, what = qs(what), fraction] {
                    if (self)
                        Q_EMIT self->opening(what, fraction);
                },
                Qt::QueuedConnection);
        };
}

} // namespace

void TrainingSession::start(const Project& project, const QString& startFrom)
{
    if (m_running)
        return;
    wait();
    m_cancel = false;
    m_cancelEvaluation = false;
    m_running = true;
    QPointer<TrainingSession> self(this);
    m_thread = std::thread([this, self, project, from = ss(startFrom)] {
        auto post = [self](auto f) {
            QMetaObject::invokeMethod(self.data(), std::move(f), Qt::QueuedConnection);
        };
        try {
            Forwarder forwarder(this);
            std::optional<ModelArchive> archive;
            if (!from.empty())
                archive = ModelArchive::load(from);
            TrainOptions options;
            options.observer = &forwarder;
            options.cancel = &m_cancel;
            options.startFrom = archive ? &*archive : nullptr;
            TrainOutcome outcome = [&] {
                const OpeningProgressScope opening(openingReporter(self)); // not the test's
                return trainProject(project, options);
            }();
            const QString path = outcome.saved ? qs(outcome.archive.string()) : QString();
            const QString reason = qs(outcome.result.stopReason);
            const QString saveProblem = qs(outcome.saveProblem);
            const int best = outcome.result.bestEpoch;
            post([self, reason, best, path, saveProblem] {
                if (self)
                    Q_EMIT self->finished(reason, best, path, saveProblem);
            });
            // The kept weights on the test chromosomes, after a full run and after Stop alike.
            if (outcome.saved && !project.test_chr.empty())
                evaluate(project, outcome.archive, post);
        } catch (const std::exception& e) {
            const QString message = qs(describe(e));
            post([self, message] {
                if (self)
                    Q_EMIT self->failed(message);
            });
        }
        releaseFreeMemory(); // the run's batches stay on the heap otherwise
        m_running = false;
    });
}

} // namespace kdna::ui
