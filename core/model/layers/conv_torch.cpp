// The torch builders of the convolutions declared in conv.cpp.

#include "core/model/layers/families.h"
#include "core/model/layers/torch_layers.h"

namespace kdna::nn {
namespace {

namespace F = torch::nn::functional;
using layers::samePadding;

Forward conv1d(const BuildInput& b)
{
    const std::int64_t k = b.args.integer("kernel_size"), stride = b.args.integer("strides"),
                       dil = b.args.integer("dilation_rate");
    const bool bias = b.args.bias();
    // The parameters keep Conv1d's shapes (filters, channels, kernel); the computation is a
    // (1, kernel) 2D convolution on (N, C, 1, L).
    auto conv = b.module.register_module(
        b.layer.name,
        torch::nn::Conv1d(torch::nn::Conv1dOptions(b.in[1], b.args.integer("filters"), k)
                              .stride(stride)
                              .dilation(dil)
                              .bias(bias)));
    const auto pad = b.args.samePadding() ? samePadding(b.in[0], k, stride, dil)
                                          : std::pair<std::int64_t, std::int64_t>{0, 0};
    return [conv, pad, act = b.activation, stride, dil, bias](const std::vector<Value>& v) {
        torch::Tensor x = channelsFirst(v.front()).tensor;
        if (pad.first || pad.second)
            x = F::pad(x, F::PadFuncOptions({pad.first, pad.second}));
        auto opts = F::Conv2dFuncOptions().stride({1, stride}).dilation({1, dil});
        if (bias)
            opts = opts.bias(conv->bias);
        return Value{activate(F::conv2d(x, conv->weight.unsqueeze(2), opts), act, true), true, 2};
    };
}

Forward conv2d(const BuildInput& b)
{
    const auto [kh, kw] = b.args.pair("kernel_size", {1, 1});
    const auto [sh, sw] = b.args.pair("strides", {1, 1});
    auto conv = b.module.register_module(
        b.layer.name,
        torch::nn::Conv2d(torch::nn::Conv2dOptions(b.in[2], b.args.integer("filters"), {kh, kw})
                              .stride({sh, sw})
                              .bias(b.args.bias())));
    std::vector<std::int64_t> pad = {0, 0, 0, 0};
    if (b.args.samePadding()) {
        const auto h = samePadding(b.in[0], kh, sh);
        const auto w = samePadding(b.in[1], kw, sw);
        pad = {w.first, w.second, h.first, h.second};
    }
    return [conv, pad, act = b.activation](const std::vector<Value>& v) {
        torch::Tensor t = channelsFirst(v.front()).tensor;
        if (pad != std::vector<std::int64_t>{0, 0, 0, 0})
            t = F::pad(t, F::PadFuncOptions(pad));
        return Value{activate(conv->forward(t), act, true), true, 3};
    };
}

/// torch's padding and output padding for Keras' 'same' (output = input * stride, i.e.
/// 2p - output_padding = kernel - stride), along one axis.
std::pair<std::int64_t, std::int64_t> transposePadding(std::int64_t kernel, std::int64_t stride)
{
    const std::int64_t diff = kernel - stride;
    if (diff < 0)
        return {0, -diff};
    const std::int64_t p = (diff + 1) / 2;
    return {p, 2 * p - diff};
}

Forward conv2dTranspose(const BuildInput& b)
{
    const auto [kh, kw] = b.args.pair("kernel_size", {1, 1});
    const auto [sh, sw] = b.args.pair("strides", {1, 1});
    std::pair<std::int64_t, std::int64_t> h{0, 0}, w{0, 0};
    if (b.args.samePadding()) {
        h = transposePadding(kh, sh);
        w = transposePadding(kw, sw);
    }
    auto conv = b.module.register_module(
        b.layer.name, torch::nn::ConvTranspose2d(torch::nn::ConvTranspose2dOptions(
                                                     b.in[2], b.args.integer("filters"), {kh, kw})
                                                     .stride({sh, sw})
                                                     .padding({h.first, w.first})
                                                     .output_padding({h.second, w.second})
                                                     .bias(b.args.bias())));
    return [conv, act = b.activation](const std::vector<Value>& v) {
        return Value{activate(conv->forward(channelsFirst(v.front()).tensor), act, true), true, 3};
    };
}

} // namespace

void addConvolutionBuilders(TorchLayers& to)
{
    to["Conv1D"] = {conv1d, true, false};
    to["Conv2D"] = {conv2d, true, false};
    to["Conv2DTranspose"] = {conv2dTranspose};
}

} // namespace kdna::nn
