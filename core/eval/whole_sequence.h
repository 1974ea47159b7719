#pragma once

#include "core/model/inference_plan.h"

#include <cstdint>
#include <vector>

namespace kdna {

class Model;

/// The plan for output `output` of a model, planned as a model of its own: the layers that
/// output depends on (another head's layers left out), without a trailing Reshape (a view: a
/// window's values keep their order, so the flattened outputs are the same). A model with
/// several heads runs each head whole-sequence, and a reshaped output (the tutorial's two
/// tracks out of Dense then Reshape) runs as its Dense.
[[nodiscard]] WholeSequencePlan planWholeSequenceFor(const ModelSpec& spec, std::size_t output);

/// Runs a WholeSequencePlan with a model's weights: the outputs for many consecutive window
/// starts at once, in chunks that bound memory.
class WholeSequenceRunner {
public:
    /// Throws when the plan is not possible.
    WholeSequenceRunner(Model& model, WholeSequencePlan plan, bool bf16 = false);
    ~WholeSequenceRunner();
    WholeSequenceRunner(const WholeSequenceRunner&) = delete;
    WholeSequenceRunner& operator=(const WholeSequenceRunner&) = delete;

    [[nodiscard]] const WholeSequencePlan& plan() const { return m_plan; }
    /// Outputs for window starts [first, first + count) of a sequence of codes (length n):
    /// out[s * outputs + u] for start first + s. Every window must fit: first + count - 1 +
    /// window <= n.
    void run(const std::uint8_t* codes, std::int64_t n, std::int64_t first, std::int64_t count,
             float* out) const;

    /// Window starts per chunk; memory grows with it. Chosen for the model and the device
    /// (about 16 MB for the widest map on the CPU, 2^18 starts on a GPU).
    std::int64_t chunk = 1 << 18;

private:
    struct Impl;
    Model& m_model;
    WholeSequencePlan m_plan;
    bool m_bf16;
    std::unique_ptr<Impl> d;
};

} // namespace kdna
