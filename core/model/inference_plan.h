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
/// Flatten becomes a dilated convolution over the last feature map.
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
};

struct WholeSequencePlan {
    bool possible = false;
    std::string reason; ///< why not, when not possible
    std::vector<InferenceStep> steps;
    std::int64_t window = 0;  ///< the model's input length
    std::int64_t span = 0;    ///< bases one output depends on (<= window)
    std::int64_t outputs = 0; ///< values per window
};

[[nodiscard]] WholeSequencePlan planWholeSequence(const ModelSpec& spec);

} // namespace kdna
