// Convolutions: Conv1D, Conv2D, Conv2DTranspose (channels last, Keras' padding rules). Their
// torch builders are in conv_torch.cpp.

#include "core/model/layers/families.h"

namespace kdna::layers {
namespace {

using safetensors::TensorInfo;

Inferred conv1d(const InferInput& x)
{
    needRank(x.type.name, x.in, 2, "(length, channels)");
    const std::int64_t k = x.args.integer("kernel_size"), f = x.args.integer("filters");
    needAtLeastOne("filters", f);
    Inferred out;
    out.outputShape = {convLength(x.in[0], k, x.args.integer("strides"),
                                  x.args.integer("dilation_rate"), x.args.samePadding()),
                       f};
    needPositive(x.type.name, out.outputShape, x.in, "the input is shorter than the kernel");
    out.params = k * x.in[1] * f + (x.args.bias() ? f : 0);
    return out;
}

/// Conv2D and Conv2DTranspose: the same weights, `height` and `width` computing the output.
template<typename Length>
Inferred conv2d(const InferInput& x, Length length)
{
    needRank(x.type.name, x.in, 3, "(height, width, channels)");
    const auto [kh, kw] = x.args.pair("kernel_size", {1, 1});
    const auto [sh, sw] = x.args.pair("strides", {1, 1});
    const std::int64_t f = x.args.integer("filters");
    needAtLeastOne("filters", f);
    Inferred out;
    out.outputShape = {length(x.in[0], kh, sh), length(x.in[1], kw, sw), f};
    needPositive(x.type.name, out.outputShape, x.in, "the input is smaller than the kernel");
    out.params = kh * kw * x.in[2] * f + (x.args.bias() ? f : 0);
    return out;
}

Inferred conv2dForward(const InferInput& x)
{
    const bool same = x.args.samePadding();
    return conv2d(x, [same](std::int64_t in, std::int64_t k, std::int64_t s) {
        return convLength(in, k, s, 1, same);
    });
}

Inferred conv2dTranspose(const InferInput& x)
{
    const bool same = x.args.samePadding();
    return conv2d(x, [same](std::int64_t in, std::int64_t k, std::int64_t s) {
        return same ? in * s : (in - 1) * s + k;
    });
}

std::vector<TensorInfo> withBias(const std::string& layer, Shape weight, std::int64_t filters,
                                 bool bias)
{
    std::vector<TensorInfo> out = {
        {layer + ".weight", safetensors::DType::F32, std::move(weight), "filters"}};
    if (bias)
        out.push_back({layer + ".bias", safetensors::DType::F32, {filters}, "filters"});
    return out;
}

std::vector<TensorInfo> conv1dTensors(const Args& a, const Shape& in, const std::string& layer)
{
    const std::int64_t f = a.integer("filters");
    return withBias(layer, {f, in[1], a.integer("kernel_size")}, f, a.bias());
}

std::vector<TensorInfo> conv2dTensors(const Args& a, const Shape& in, const std::string& layer)
{
    const std::int64_t f = a.integer("filters");
    const auto [kh, kw] = a.pair("kernel_size", {1, 1});
    return withBias(layer, {f, in[2], kh, kw}, f, a.bias());
}

std::vector<TensorInfo> conv2dTransposeTensors(const Args& a, const Shape& in,
                                               const std::string& layer)
{
    // torch's ConvTranspose2d holds (in, out, kh, kw).
    const std::int64_t f = a.integer("filters");
    const auto [kh, kw] = a.pair("kernel_size", {1, 1});
    return withBias(layer, {in[2], f, kh, kw}, f, a.bias());
}

/// A valid Conv1D slides: its taps spread by the strides of the layers before it.
PlanOutcome conv1dStep(const PlanInput& p, PlanWalk& walk, InferenceStep& step)
{
    if (walk.flattened)
        return cannotSlide(p.layer);
    if (p.args.samePadding())
        return {"layer '" + p.layer.name + "' pads ('same'), so windows see zeros at their edges"};
    const std::int64_t k = p.args.integer("kernel_size");
    step.kind = InferenceStep::Kind::Conv;
    step.kernel = k;
    step.dilation = walk.dilation * p.args.integer("dilation_rate");
    step.channels = p.in[1];
    walk.span += (k - 1) * step.dilation;
    step.stride = p.args.integer("strides");
    walk.dilation *= step.stride;
    return {};
}

} // namespace

std::vector<LayerType> convolutionLayers()
{
    const auto filters = [](const char* help) {
        return Argument{.name = "filters",
                        .kind = ArgKind::Int,
                        .defaultJson = "null",
                        .help = help,
                        .firstValue = "16"};
    };
    const Argument kernel2d{.name = "kernel_size",
                            .kind = ArgKind::IntList,
                            .defaultJson = "null",
                            .help = "[height, width]",
                            .firstValue = "[3, 1]"};
    return {
        {.name = "Conv1D",
         .group = "Convolution",
         .help = "1D convolution over the sequence axis (channels last)",
         .arguments = {filters("number of filters (output channels)"),
                       {.name = "kernel_size",
                        .kind = ArgKind::Int,
                        .defaultJson = "null",
                        .help = "width of each filter, in bases",
                        .firstValue = "3"},
                       {"strides", ArgKind::Int, "1", "step between filter positions"},
                       paddingArgument(),
                       {"dilation_rate", ArgKind::Int, "1", "spacing between filter taps"},
                       activationArgument(),
                       useBiasArgument()},
         .aliases = {"Convolution1D"},
         .infer = conv1d,
         .tensors = conv1dTensors,
         .plan = conv1dStep},
        {.name = "Conv2D",
         .group = "Convolution",
         .help = "2D convolution (channels last)",
         .arguments = {filters("number of filters"),
                       kernel2d,
                       {"strides", ArgKind::IntList, "[1, 1]", "[height, width] steps"},
                       paddingArgument(),
                       activationArgument(),
                       useBiasArgument()},
         .aliases = {"Convolution2D"},
         .infer = conv2dForward,
         .tensors = conv2dTensors},
        {.name = "Conv2DTranspose",
         .group = "Convolution",
         .help = "transposed 2D convolution (upsampling)",
         .arguments = {filters("number of filters"),
                       kernel2d,
                       {"strides", ArgKind::IntList, "[1, 1]",
                        "[height, width] upsampling factors"},
                       paddingArgument(),
                       activationArgument(),
                       useBiasArgument()},
         .aliases = {"Convolution2DTranspose"},
         .infer = conv2dTranspose,
         .tensors = conv2dTransposeTensors},
    };
}

} // namespace kdna::layers
