#pragma once

// The torch side of the layer registry (kdna_model): for each type the spec registry
// (core/model/layer_registry.h) declares, a builder under the same name that registers the
// layer's parameters and says how it computes. One file per family, beside the family's
// declaration: conv_torch.cpp next to conv.cpp, and so on. test_model checks that every
// declared type has a builder and every builder a declaration.

#include "core/model/layer_registry.h"
#include "core/model/torch_model.h"

#include <array>
#include <cstdint>
#include <map>
#include <string>

namespace kdna::nn {

using Forward = std::function<Value(const std::vector<Value>&)>;

/// What a builder works from: the layer, its arguments, the shapes the summary found.
struct BuildInput {
    torch::nn::Module& module; ///< registers the layer's parameters under its name
    const LayerSpec& layer;
    const layers::Args& args;
    const Shape& in;  ///< the first input's shape (Keras layout, no batch axis)
    const Shape& out; ///< the layer's output shape
    /// The layer's activation; "linear" when it moved after the max pooling that follows.
    std::string activation;
    /// The activation of the convolution before it, moved here (a max pooling); "linear".
    std::string movedActivation;
};

struct TorchLayer {
    Forward (*build)(const BuildInput&) = nullptr;
    /// A monotonic activation may run after the max pooling this layer feeds (a convolution).
    bool activationMayMoveOn = false;
    /// It applies the activation moved from the layer before it (a max pooling).
    bool takesMovedActivation = false;
};
using TorchLayers = std::map<std::string, TorchLayer>;

/// Every builder, by layer type name.
[[nodiscard]] const TorchLayers& torchLayers();

// The families, each adding its builders.
void addCoreBuilders(TorchLayers& to);        // core_torch.cpp
void addConvolutionBuilders(TorchLayers& to); // conv_torch.cpp
void addPoolingBuilders(TorchLayers& to);     // pooling_torch.cpp
void addRecurrentBuilders(TorchLayers& to);   // recurrent_torch.cpp
void addMergeBuilders(TorchLayers& to);       // merge_torch.cpp

/// torch's conv_transpose2d (groups and dilation 1; weight (in, out, kh, kw); an undefined
/// `bias` adds none), computed as stride_h x stride_w plain convolutions, one per output phase.
/// Debian's LibTorch runs conv_transpose2d on a slow reference path that MKL-DNN's
/// convolutions outrun about 16 times (256 windows through the tutorial seq2seq model's first
/// Conv2DTranspose: 8.3 s against 0.5 s on one thread). Same values, same gradients.
[[nodiscard]] torch::Tensor polyphaseConvTranspose2d(const torch::Tensor& x,
                                                     const torch::Tensor& weight,
                                                     const torch::Tensor& bias,
                                                     std::array<std::int64_t, 2> stride,
                                                     std::array<std::int64_t, 2> padding,
                                                     std::array<std::int64_t, 2> outputPadding);

/// A value in torch's channels-first layout, or in Keras' channels-last one; converted only
/// when it is not already.
[[nodiscard]] Value channelsFirst(Value v);
[[nodiscard]] Value channelsLast(Value v);

} // namespace kdna::nn
