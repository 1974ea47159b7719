#include "core/eval/window_batches.h"

#include "core/model/autocast.h"
#include "core/model/torch_model.h"
#include "core/util/error.h"

#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>

namespace kdna {
namespace {

/// Batches filled ahead of the model, in order, by one thread: filling a batch takes a small
/// part of the time the model takes to run it, so one thread keeps the model fed.
class Prefetch {
public:
    Prefetch(const WindowBatchJob& job, int depth)
        : m_job(job)
        , m_depth(depth)
        , m_thread([this] { work(); })
    {}
    ~Prefetch()
    {
        {
            std::lock_guard lock(m_mutex);
            m_stop = true;
        }
        m_changed.notify_all();
        m_thread.join();
    }
    Prefetch(const Prefetch&) = delete;
    Prefetch& operator=(const Prefetch&) = delete;

    /// The next batch, in order; rethrows the filler's error.
    Batch next()
    {
        std::unique_lock lock(m_mutex);
        m_changed.wait(lock, [&] { return m_error || !m_ready.empty(); });
        if (m_error)
            std::rethrow_exception(m_error);
        Batch b = std::move(m_ready.front());
        m_ready.pop_front();
        lock.unlock();
        m_changed.notify_all();
        return b;
    }
    /// Gives a batch's buffers back for the next fill.
    void recycle(Batch&& b)
    {
        std::lock_guard lock(m_mutex);
        m_free.push_back(std::move(b));
    }

private:
    void work()
    {
        for (std::int64_t g = 0; g < m_job.count; ++g) {
            Batch b;
            {
                std::unique_lock lock(m_mutex);
                m_changed.wait(
                    lock, [&] { return m_stop || static_cast<int>(m_ready.size()) < m_depth; });
                if (m_stop)
                    return;
                if (!m_free.empty()) {
                    b = std::move(m_free.back());
                    m_free.pop_back();
                }
            }
            try {
                b.index = g;
                m_job.fill(g, b);
            } catch (...) {
                std::lock_guard lock(m_mutex);
                m_error = std::current_exception();
                m_changed.notify_all();
                return;
            }
            {
                std::lock_guard lock(m_mutex);
                m_ready.push_back(std::move(b));
            }
            m_changed.notify_all();
        }
    }

    const WindowBatchJob& m_job;
    const int m_depth;
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::deque<Batch> m_ready;
    std::vector<Batch> m_free;
    std::exception_ptr m_error;
    bool m_stop = false;
    std::thread m_thread; // last: starts once the members it uses exist
};

} // namespace

void runWindowBatches(Model& model, const WindowBatchJob& job)
{
    if (job.count <= 0)
        return;
    torch::NoGradGuard noGrad;
    auto& module = model.impl().module;
    module->eval();
    const torch::Device device = model.impl().device;
    Prefetch prefetch(job, 2);
    for (std::int64_t g = 0; g < job.count; ++g) {
        Batch batch = prefetch.next();
        std::vector<torch::Tensor> inputs;
        for (auto& a : batch.inputs)
            inputs.push_back(torch::from_blob(a.values.data(), a.shape, torch::kFloat).to(device));
        std::vector<torch::Tensor> outputs;
        {
            AutocastScope autocast(job.bf16, device.is_cuda());
            outputs = module->forward(inputs);
        }
        for (auto& y : outputs)
            y = y.to(torch::kFloat).cpu().contiguous();
        job.take(g, batch, outputs);
        prefetch.recycle(std::move(batch));
        if (job.progress && !job.progress(g + 1))
            throw Error("cancelled");
    }
}

} // namespace kdna
