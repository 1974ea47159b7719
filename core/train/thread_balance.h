#pragma once

#include <optional>
#include <string>

namespace kdna {

/// Gives a core back to batch preparation when the model waits for its batches. Torch's
/// OpenMP threads spin between parallel regions, so on a machine with fewer cores than torch
/// threads plus data threads they starve the data threads whenever preparing a batch costs
/// real work (a streamed human genome: 215 samples/s with 2 torch threads on 2 cores, 453
/// with 1), while a model fed from memory wants every core (the yeast tutorial: 1,058 with 2,
/// 534 with 1). So the choice is made from what the training shows: over each window of
/// steps, if the steps spent more than a third of their time waiting for batches, one torch
/// thread fewer, down to the cores the data threads leave; once they wait under a twentieth
/// (the track caches written behind the reads have arrived), the thread back, tried again
/// less often each time it starved them. Only when the user left the thread count to kdna,
/// and only on the CPU.
class ThreadBalance {
public:
    /// `automatic`: the torch thread count was not chosen by the user; `dataThreads`: batch
    /// preparation's threads; `cores`: the machine's.
    ThreadBalance(bool automatic, int torchThreads, int dataThreads, int cores);

    /// After each step: the seconds it waited for its batch and its whole seconds. Returns
    /// the torch thread count to use from now on when it should change.
    [[nodiscard]] std::optional<int> afterStep(double waitedSeconds, double stepSeconds);

    /// The torch thread count the training started with, to give back when it ends (the
    /// studio's next prediction is not this training's data).
    [[nodiscard]] int initialThreads() const { return m_initial; }
    [[nodiscard]] bool changed() const { return m_threads != m_initial; }
    /// What changed, for the end of the training ("" when nothing did).
    [[nodiscard]] std::string note() const;

    static constexpr int kWindowSteps = 16;
    static constexpr double kWaitingShare = 1.0 / 3.0;
    static constexpr double kFedShare = 1.0 / 20.0;

private:
    bool m_active;
    int m_initial;
    int m_threads;
    int m_floor;
    int m_steps = 0;
    int m_backoff = 1;         ///< windows to wait before giving a thread back
    int m_quiet = 0;           ///< windows left before the next try
    bool m_justRaised = false; ///< the last window gave a thread back
    double m_waited = 0;
    double m_total = 0;
};

} // namespace kdna
