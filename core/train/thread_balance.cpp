#include "core/train/thread_balance.h"

#include <algorithm>

namespace kdna {

ThreadBalance::ThreadBalance(bool automatic, int torchThreads, int dataThreads, int cores)
    : m_active(automatic && torchThreads + dataThreads > cores && torchThreads > 1)
    , m_initial(torchThreads)
    , m_threads(torchThreads)
    , m_floor(std::max(1, cores - dataThreads))
{}

std::optional<int> ThreadBalance::afterStep(double waitedSeconds, double stepSeconds)
{
    if (!m_active)
        return std::nullopt;
    // The first window fills the prefetch queue and warms the caches: every step waits.
    ++m_steps;
    if (m_steps <= kWindowSteps)
        return std::nullopt;
    m_waited += waitedSeconds;
    m_total += stepSeconds;
    if ((m_steps % kWindowSteps) != 0)
        return std::nullopt;
    const bool starved = m_total > 0 && m_waited > kWaitingShare * m_total;
    m_waited = 0;
    m_total = 0;
    if (!starved || m_threads <= m_floor)
        return std::nullopt;
    --m_threads;
    m_active = m_threads > m_floor;
    return m_threads;
}

std::string ThreadBalance::note() const
{
    if (m_threads == m_initial)
        return {};
    const auto threads = [](int n) {
        return std::to_string(n) + " torch thread" + (n == 1 ? "" : "s");
    };
    return "the model waited for its batches, so training went on with " + threads(m_threads) +
           " instead of " + std::to_string(m_initial) +
           ", leaving the cores to batch preparation (--threads chooses)";
}

} // namespace kdna
