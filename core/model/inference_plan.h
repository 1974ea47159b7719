#pragma once

#include "core/model/model_spec.h"

#include <cstdint>
#include <string>
#include <vector>

namespace kdna {

/// How to run a window model over a whole chromosome at once. A chain of valid convolutions,
/// poolings, activations, batch normalisations, dropouts, a Flatten and Dense layers gives,
/// for every window start, exactly what the window-by-window model gives: poolings run with
/// stride 1 and the layers after them dilate by the pooling stride; the Dense layer after
/// Flatten becomes a dilated convolution over the last feature map. A model whose output joins
/// such chains (Concatenate, each input possibly reshaped) runs their shared layers once and
/// each chain's own layers after them.
struct InferenceStep {
    enum class Kind {
        Conv,
        MaxPool,
        AvgPool,
        Activation,
        BatchNorm,
        FlattenDense,
        PointwiseDense,
        Identity
    };
    Kind kind = Kind::Identity;
    std::string layer;       ///< the layer whose parameters it uses
    std::int64_t kernel = 1; ///< taps, at base resolution spaced by `dilation`
    std::int64_t dilation = 1;
    std::int64_t stride = 1;   ///< the layer's stride (the next layers' dilation grows by it)
    std::int64_t channels = 0; ///< input channels (FlattenDense: of the flattened map)
    std::string activation = "linear";
    bool operator==(const InferenceStep&) const = default;
};

struct WholeSequencePlan {
    bool possible = false;
    std::string reason; ///< why not, when not possible
    std::vector<InferenceStep> steps;
    std::int64_t window = 0;  ///< the model's input length
    std::int64_t span = 0;    ///< bases one output depends on (<= window)
    std::int64_t outputs = 0; ///< values per window
    /// For an output that joins heads: each head's steps after the shared `steps`, the values
    /// each gives a window, and where the joined output takes its values from (value u of a
    /// window is value order[u] of the heads' values laid one after another). Empty for a
    /// single chain, whose `steps` give the `outputs` values in order.
    std::vector<std::vector<InferenceStep>> heads;
    std::vector<std::int64_t> headOutputs;
    std::vector<std::int64_t> order;
};

/// The plan for a model with one input and one output.
[[nodiscard]] WholeSequencePlan planWholeSequence(const ModelSpec& spec);

/// The plan for the values of layer `name` alone: the layers it depends on, planned as a model
/// of their own, a trailing Reshape read as the view it is (a window's values keep their
/// order), and a Concatenate as the heads it joins.
[[nodiscard]] WholeSequencePlan planWholeSequenceOf(const ModelSpec& spec, const std::string& name);

} // namespace kdna
