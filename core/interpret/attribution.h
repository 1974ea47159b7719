#pragma once

// Why a model predicts what it does: gradient attributions over one-hot windows. Torch-free
// (the LibTorch side is in attribution.cpp and batches.h).

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace kdna {
class Model;
}

namespace kdna::interpret {

/// The length L of the model's one sequence input, which must be (L, 4). Throws kdna::Error
/// naming the inputs when the model has secondary inputs or another input shape.
[[nodiscard]] std::int64_t sequenceLength(const Model& model);

/// The scalar an attribution explains: one value of one output (its values flattened in
/// Keras layout), or with `value` < 0 the sum of all that output's values.
struct Target {
    std::size_t output = 0;
    std::int64_t value = -1;
};
/// Throws kdna::Error in one sentence naming the output when `target` is not in the model.
void checkTarget(const Model& model, const Target& target);

enum class Method {
    Saliency,           ///< d target / d input
    InputTimesGradient, ///< input * d target / d input
    IntegratedGradients ///< (x - baseline) * mean gradient along the straight path
};
/// "saliency", "ixg", "ig" (and "ism", which is not a gradient method: throws).
[[nodiscard]] Method parseMethod(const std::string& name);

struct AttributionOptions {
    Method method = Method::Saliency;
    Target target;
    /// Integrated gradients: path points, taken at the midpoints of `steps` equal intervals
    /// (the midpoint rule errs by O(1/steps^2) where the path is smooth).
    int steps = 64;
    /// Integrated gradients: one window of L x 4 values; empty means all zero.
    std::vector<float> baseline;
    std::int64_t batchSize = 256; ///< model rows per pass (windows, or path points for IG)
};

/// Attributions for n windows given as n x L x 4 one-hot floats (alphabet last), in the same
/// layout. Gradients are taken with the model in eval mode, on its device, in fp32.
[[nodiscard]] std::vector<float> attribute(Model& model, const std::vector<float>& windows,
                                           const AttributionOptions& options);

/// The model's outputs for n windows (n x L x 4 floats), each output flattened per window
/// (n x V_j values), in batches of `batchSize`, without gradients.
[[nodiscard]] std::vector<std::vector<float>>
outputsOf(Model& model, const std::vector<float>& windows, std::int64_t batchSize = 256);

/// Values per window of every output (V_j), in output order.
[[nodiscard]] std::vector<std::int64_t> outputSizes(const Model& model);

} // namespace kdna::interpret
