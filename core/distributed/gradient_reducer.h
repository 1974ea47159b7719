#pragma once

#include "core/distributed/process_group.h"

#include <cstddef>
#include <cstdint>
#include <exception>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include <ATen/core/Tensor.h>

namespace kdna::dist {

/// Averages a model's gradients over the ranks the way PyTorch's DDP reducer does: the
/// parameters are laid out in buckets of about `bucketBytes`, in reverse order (roughly the
/// order the backward pass computes them), and a hook on each parameter copies its gradient
/// into its bucket; the moment a bucket is full its sum over the ranks starts, while the
/// backward pass goes on through the earlier layers. Buckets go out in the same order on every
/// rank (a full bucket waits for the ones before it), as c10d needs.
///
/// A step is prepare(), backward(), finish(). The gradients must be undefined or zero when
/// backward starts (the trainer drops them), as the hooks see only what this pass adds.
class GradientReducer {
public:
    GradientReducer(ProcessGroup& group, std::vector<at::Tensor> parameters,
                    std::int64_t bucketBytes = kDefaultBucketBytes);
    ~GradientReducer();
    GradientReducer(const GradientReducer&) = delete;
    GradientReducer& operator=(const GradientReducer&) = delete;

    /// Arms the hooks for the coming backward pass; `stop` (this rank asks the group to stop)
    /// rides in the last bucket.
    void prepare(bool stop);
    /// After the backward pass: sends the buckets still waiting (a parameter that got no
    /// gradient counts as zeros), waits for every sum and leaves each parameter's gradient its
    /// mean over the ranks. True on every rank when any rank asked to stop. `when` names the
    /// step in the sentence of a rank that left.
    bool finish(const std::string& when);

    [[nodiscard]] std::size_t bucketCount() const { return m_buckets.size(); }
    /// How many buckets of this step the hooks sent while the backward pass ran (the overlap),
    /// rather than finish after it.
    [[nodiscard]] std::size_t sentDuringBackward() const;

private:
    struct Bucket {
        std::vector<std::size_t> parameters; ///< indices into m_parameters
        at::Tensor flat; ///< the gradients end to end (float32), then the stop flag in the last
        std::size_t waiting = 0; ///< parameters whose gradient this step has not brought yet
        PendingCollective sum;
    };
    /// Where a parameter's gradient goes: its bucket and its offset there.
    struct Slot {
        std::size_t bucket = 0;
        std::int64_t offset = 0;
    };

    void layOut(std::int64_t bucketBytes);
    /// A new step: no gradient in yet, nothing sent; under m_mutex.
    void startStep(bool stop);
    void gradientReady(std::size_t parameter, const at::Tensor& gradient);
    /// Puts `gradient` (or zeros) in the parameter's slot and sends what is ready; under m_mutex.
    void fill(std::size_t parameter, const at::Tensor* gradient, bool duringBackward);
    void sendReady(bool duringBackward);
    [[nodiscard]] at::Tensor slice(std::size_t parameter) const;

    ProcessGroup& m_group;
    std::vector<at::Tensor> m_parameters;
    std::vector<Bucket> m_buckets;
    std::vector<Slot> m_slots;
    std::vector<std::pair<std::size_t, unsigned>> m_hooks; ///< parameter, its hook

    mutable std::mutex m_mutex; // the hooks may run on autograd's device threads
    bool m_armed = false;
    std::vector<bool> m_filled;
    std::size_t m_nextToSend = 0;
    std::size_t m_sentDuringBackward = 0;
    std::exception_ptr m_sendFailure;
};

} // namespace kdna::dist
