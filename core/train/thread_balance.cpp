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
    const double share = m_total > 0 ? m_waited / m_total : 0;
    m_waited = 0;
    m_total = 0;
    if (share > kWaitingShare && m_threads > m_floor) {
        if (m_justRaised) // the thread given back starved the data again: wait longer next time
            m_backoff *= 2;
        m_justRaised = false;
        m_quiet = m_backoff;
        return --m_threads;
    }
    m_justRaised = false;
    // Batches became cheap (the track caches written behind the reads are there): try the
    // thread again, less often each time it starved them.
    if (share < kFedShare && m_threads < m_initial && --m_quiet <= 0) {
        m_justRaised = true;
        return ++m_threads;
    }
    return std::nullopt;
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
