#pragma once

// The layer families the registry is made of (core/model/layer_registry.cpp puts them in the
// palette's order), and what their declarations share. Internal to kdna_model_spec.

#include "core/model/layer_registry.h"

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

namespace kdna::layers {

[[nodiscard]] std::vector<LayerType> inputLayers();       // core.cpp
[[nodiscard]] std::vector<LayerType> convolutionLayers(); // conv.cpp
[[nodiscard]] std::vector<LayerType> poolingLayers();     // pooling.cpp
[[nodiscard]] std::vector<LayerType> coreLayers();        // core.cpp
[[nodiscard]] std::vector<LayerType> recurrentLayers();   // recurrent.cpp
[[nodiscard]] std::vector<LayerType> mergeLayers();       // merge.cpp

/// Keras' `activation`, `padding` and `use_bias`, shared by several families.
[[nodiscard]] const Argument& activationArgument();
[[nodiscard]] const Argument& paddingArgument();
[[nodiscard]] const Argument& useBiasArgument();

/// The output length of a convolution or pooling window along one axis, as Keras computes
/// it: ceil(in / stride) with 'same' padding, else the positions where the window fits.
[[nodiscard]] inline std::int64_t convLength(std::int64_t in, std::int64_t kernel,
                                             std::int64_t stride, std::int64_t dilation,
                                             bool samePadding)
{
    // A size, step or dilation of 0 (or less) has no output length (and would divide by 0).
    needAtLeastOne("the kernel or pool size", kernel);
    needAtLeastOne("strides", stride);
    needAtLeastOne("dilation_rate", dilation);
    if (in <= 0)
        return 0;
    if (samePadding)
        return (in - 1) / stride + 1;
    // The kernel's reach minus one; one past the input (or past int64) leaves no position.
    std::int64_t reach = 0;
    if (__builtin_mul_overflow(dilation, kernel - 1, &reach) || reach >= in)
        return 0;
    return (in - reach - 1) / stride + 1;
}

/// Keras/TensorFlow 'same' padding before and after: the output length is ceil(in / stride),
/// the extra padding goes to the end.
[[nodiscard]] inline std::pair<std::int64_t, std::int64_t>
samePadding(std::int64_t in, std::int64_t kernel, std::int64_t stride, std::int64_t dilation = 1)
{
    const std::int64_t out = (in + stride - 1) / stride;
    const std::int64_t total =
        std::max<std::int64_t>((out - 1) * stride + dilation * (kernel - 1) + 1 - in, 0);
    return {total / 2, total - total / 2};
}

/// A layer's output with the input's shape and no parameters.
[[nodiscard]] inline Inferred sameShape(const InferInput& x)
{
    return {x.in, 0, -1};
}

} // namespace kdna::layers
