#include "core/data/scan.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace kdna {

Scan::Scan(std::size_t parts, std::size_t workers, Run run, std::uint64_t bases)
    : m_parts(parts)
    , m_workers(std::max<std::size_t>(1, workers))
    , m_run(std::move(run))
    , m_bases(bases)
{}

void Scan::operator()(const Visit& visit) const
{
    m_run(1, [&](ScanPlace, const ScanPiece& piece) { visit(piece); });
}

void Scan::visitParts(const PlacedVisit& visit) const
{
    m_run(m_workers, visit);
}

std::size_t scanWorkers(std::size_t parts)
{
    return std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1,
                                   std::max<std::size_t>(parts, 1));
}

void runParts(std::size_t parts, std::size_t workers,
              const std::function<void(std::size_t part, std::size_t worker)>& visitPart,
              const std::function<void()>& wait)
{
    workers = std::clamp<std::size_t>(workers, 1, std::max<std::size_t>(parts, 1));
    std::atomic<std::size_t> next{0};
    std::atomic<bool> failed{false};
    std::mutex mutex;
    std::condition_variable finished;
    std::size_t running = workers;
    std::exception_ptr error;
    const auto work = [&](std::size_t worker) {
        try {
            for (std::size_t part = next++; part < parts && !failed; part = next++)
                visitPart(part, worker);
        } catch (...) {
            std::lock_guard lock(mutex);
            if (!error)
                error = std::current_exception();
            failed = true;
        }
        std::lock_guard lock(mutex);
        --running;
        finished.notify_all();
    };
    std::vector<std::jthread> others;
    for (std::size_t w = 1; w < workers; ++w)
        others.emplace_back(work, w);
    work(0);
    std::unique_lock lock(mutex);
    while (!finished.wait_for(lock, std::chrono::milliseconds(100), [&] { return running == 0; })) {
        lock.unlock();
        try {
            wait();
        } catch (...) {
            failed = true; // the others stop at their next part; joined below
            lock.lock();
            if (!error)
                error = std::current_exception();
            continue;
        }
        lock.lock();
    }
    lock.unlock();
    others.clear();
    if (error)
        std::rethrow_exception(error);
}

} // namespace kdna
