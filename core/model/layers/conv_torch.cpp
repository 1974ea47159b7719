// The torch builders of the convolutions declared in conv.cpp.

#include "core/model/layers/families.h"
#include "core/model/layers/torch_layers.h"

#include <algorithm>
#include <array>
#include <vector>

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

/// One axis of a transposed convolution seen as phases: output position s*t + q takes input
/// rows from `first` on through the `taps` kernel taps phase, kernel[phase + s*j].
struct Phase {
    std::int64_t phase = 0; ///< which kernel taps: phase, phase + s, phase + 2s, ...
    std::int64_t taps = 0;  ///< how many (0 when the kernel is shorter than the phase)
    std::int64_t first = 0; ///< the input row the first output of the phase starts at
};

Phase phaseOf(std::int64_t q, std::int64_t kernel, std::int64_t stride, std::int64_t padding)
{
    // Output n is the uncropped output n + padding, which sums input m - j times kernel
    // tap (stride*j + phase) for n + padding = stride*m + phase.
    const std::int64_t r = q + padding;
    Phase p;
    p.phase = r % stride;
    p.taps = p.phase < kernel ? (kernel - p.phase + stride - 1) / stride : 0;
    p.first = r / stride - p.taps + 1;
    return p;
}

/// The rows [first, first + count) of axis `dim`, zero outside the tensor.
torch::Tensor rowsWithZeros(const torch::Tensor& x, int dim, std::int64_t first, std::int64_t count)
{
    const std::int64_t size = x.size(dim);
    const std::int64_t before = std::max<std::int64_t>(0, -first);
    const std::int64_t after = std::max<std::int64_t>(0, first + count - size);
    torch::Tensor t = x;
    if (before || after) {
        std::vector<std::int64_t> pad(4, 0); // (w before, w after, h before, h after)
        pad[dim == 3 ? 0 : 2] = before;
        pad[dim == 3 ? 1 : 3] = after;
        t = torch::constant_pad_nd(t, pad);
    }
    return t.narrow(dim, first + before, count);
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
    return [conv, act = b.activation, stride = std::array<std::int64_t, 2>{sh, sw},
            padding = std::array<std::int64_t, 2>{h.first, w.first},
            outputPadding =
                std::array<std::int64_t, 2>{h.second, w.second}](const std::vector<Value>& v) {
        const torch::Tensor y =
            polyphaseConvTranspose2d(channelsFirst(v.front()).tensor, conv->weight, conv->bias,
                                     stride, padding, outputPadding);
        return Value{activate(y, act, true), true, 3};
    };
}

} // namespace

torch::Tensor polyphaseConvTranspose2d(const torch::Tensor& x, const torch::Tensor& weight,
                                       const torch::Tensor& bias,
                                       std::array<std::int64_t, 2> stride,
                                       std::array<std::int64_t, 2> padding,
                                       std::array<std::int64_t, 2> outputPadding)
{
    const auto [sh, sw] = stride;
    const std::int64_t kh = weight.size(2), kw = weight.size(3);
    const std::int64_t outH = (x.size(2) - 1) * sh - 2 * padding[0] + kh + outputPadding[0];
    const std::int64_t outW = (x.size(3) - 1) * sw - 2 * padding[1] + kw + outputPadding[1];
    // Every phase is computed over the same ceil(out / stride) rows, so that the phases
    // interleave by a reshape; the rows past the output are cut at the end.
    const std::int64_t rowsH = (outH + sh - 1) / sh, rowsW = (outW + sw - 1) / sw;
    std::vector<torch::Tensor> byRow;
    for (std::int64_t qh = 0; qh < sh; ++qh) {
        const Phase ph = phaseOf(qh, kh, sh, padding[0]);
        std::vector<torch::Tensor> byColumn;
        for (std::int64_t qw = 0; qw < sw; ++qw) {
            const Phase pw = phaseOf(qw, kw, sw, padding[1]);
            if (ph.taps == 0 || pw.taps == 0) {
                byColumn.push_back(x.new_zeros({x.size(0), weight.size(1), rowsH, rowsW}));
                continue;
            }
            // The phase's taps, flipped (a transposed convolution sums x[m - j] * w[j]) and
            // laid out (out, in, h, w) as conv2d wants them.
            const torch::Tensor taps = weight.slice(2, ph.phase, kh, sh)
                                           .slice(3, pw.phase, kw, sw)
                                           .flip({2, 3})
                                           .transpose(0, 1);
            torch::Tensor rows = rowsWithZeros(x, 2, ph.first, rowsH + ph.taps - 1);
            rows = rowsWithZeros(rows, 3, pw.first, rowsW + pw.taps - 1);
            byColumn.push_back(torch::conv2d(rows, taps));
        }
        byRow.push_back(torch::stack(byColumn, 4).flatten(3, 4)); // (N, C, rowsH, rowsW * sw)
    }
    torch::Tensor y = torch::stack(byRow, 3).flatten(2, 3); // (N, C, rowsH * sh, rowsW * sw)
    y = y.narrow(2, 0, outH).narrow(3, 0, outW);
    if (bias.defined())
        y = y + bias.view({1, -1, 1, 1});
    return y;
}

void addConvolutionBuilders(TorchLayers& to)
{
    to["Conv1D"] = {conv1d, true, false};
    to["Conv2D"] = {conv2d, true, false};
    to["Conv2DTranspose"] = {conv2dTranspose};
}

} // namespace kdna::nn
