#pragma once

#include "core/distributed/group_config.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <ATen/core/Tensor.h>

namespace kdna::dist {

/// How long a rank waits for the others to finish their share of long work (predicting their
/// chromosomes, scoring their examples: hours on a large genome). A rank that dies closes its
/// connections and is noticed at once, so only a rank that hangs waits this long.
inline constexpr std::chrono::milliseconds kShareWait = std::chrono::hours(24);

class ProcessGroup;

/// A collective under way (ProcessGroup::startSum); its tensor holds the result once wait()
/// returns. Waiting throws the group's one sentence naming the rank when the collective failed
/// or timed out.
class PendingCollective {
public:
    PendingCollective();
    ~PendingCollective();
    PendingCollective(PendingCollective&&) noexcept;
    PendingCollective& operator=(PendingCollective&&) noexcept;

    void wait(const std::string& what);

private:
    friend class ProcessGroup;
    struct Work;
    std::unique_ptr<Work> m_work;
};

/// One rank's membership of a data-parallel group on PyTorch's c10d (ProcessGroupGloo over a
/// TCPStore on the master, or a FileStore). Every collective waits at most the configured
/// timeout; a failure becomes one kdna::Error naming the rank that left when it can be told.
/// The c10d types stay in the .cpp: they need USE_C10D_GLOO and gloo's headers.
class ProcessGroup {
public:
    explicit ProcessGroup(const GroupConfig& config);
    ~ProcessGroup();
    ProcessGroup(const ProcessGroup&) = delete;
    ProcessGroup& operator=(const ProcessGroup&) = delete;

    [[nodiscard]] int rank() const;
    [[nodiscard]] int size() const;
    [[nodiscard]] const GroupConfig& config() const;

    /// Copies rank 0's values into every rank's tensors (parameters and buffers), in one flat
    /// buffer per dtype.
    void broadcastFromRankZero(const std::vector<at::Tensor>& tensors, const std::string& what);
    /// Starts summing the contiguous `flat` over the ranks in place and returns at once (the
    /// gradient buckets of a backward pass still under way). Every rank starts its sums in the
    /// same order.
    [[nodiscard]] PendingCollective startSum(const at::Tensor& flat);
    /// Replaces each tensor by its sum over the ranks, in one flat buffer per dtype (the ranks'
    /// running sums of a split validation). Every rank passes tensors of the same shapes.
    void sumOverRanks(const std::vector<at::Tensor>& tensors, const std::string& what);
    /// Replaces each value by its sum over the ranks: results a rank filled its share of and
    /// left zero elsewhere come out whole on every rank (x + 0 is x exactly).
    void sumOverRanks(std::vector<float>& values, const std::string& what);
    void sumOverRanks(std::vector<double>& values, const std::string& what);
    /// Rank 0's `flag` on every rank.
    bool broadcastFlag(bool flag, const std::string& what);
    /// Every rank's `values` (as many on each rank), in rank order, on every rank. `timeout`
    /// (default: the group's) bounds the wait for the slowest rank.
    std::vector<std::vector<std::int64_t>>
    gather(const std::vector<std::int64_t>& values, const std::string& what,
           std::optional<std::chrono::milliseconds> timeout = {});

private:
    friend class PendingCollective;
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

/// The run [first, last) of `count` items that rank of `group` takes: contiguous runs, in rank
/// order, as equal as they divide; all of them alone (no group).
[[nodiscard]] std::pair<std::int64_t, std::int64_t> shareOf(const ProcessGroup* group,
                                                            std::int64_t count);
/// Runs `work`, this rank's share of a long task (all of it alone), then hears from every rank
/// how its share went: a rank whose work threw rethrows its own error; the others throw one
/// sentence naming it, "rank 1 of 2 could not <task> (its own message says why)", instead of
/// waiting at the next collective for what it will never send.
void runShare(ProcessGroup* group, const std::function<void()>& work, const std::string& task);

/// The ranks whose report (gather's answer) has 0 at `field`, as "1" or "1, 3": who said
/// they failed; empty when none did.
[[nodiscard]] std::string ranksWithout(const std::vector<std::vector<std::int64_t>>& reports,
                                       std::size_t field);

} // namespace kdna::dist
