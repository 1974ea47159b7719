// The torch builders of the poolings declared in pooling.cpp.

#include "core/model/layers/families.h"
#include "core/model/layers/torch_layers.h"

#include <limits>

namespace kdna::nn {
namespace {

namespace F = torch::nn::functional;
using layers::samePadding;

/// A 1D pooling's window, stride and 'same' padding along the sequence.
struct Window1d {
    std::int64_t size;
    std::int64_t stride;
    std::pair<std::int64_t, std::int64_t> pad;

    [[nodiscard]] bool padded() const { return pad.first || pad.second; }
};

Window1d window1d(const BuildInput& b)
{
    const std::int64_t p = b.args.integer("pool_size");
    const std::int64_t stride = b.args.integer("strides", p);
    return {p, stride,
            b.args.samePadding() ? samePadding(b.in[0], p, stride)
                                 : std::pair<std::int64_t, std::int64_t>{0, 0}};
}

Forward maxPool1d(const BuildInput& b)
{
    return [w = window1d(b), act = b.movedActivation](const std::vector<Value>& v) {
        torch::Tensor x = channelsFirst(v.front()).tensor; // (N, C, 1, L)
        if (w.padded())
            x = F::pad(x, F::PadFuncOptions({w.pad.first, w.pad.second})
                              .value(-std::numeric_limits<double>::infinity()));
        return Value{
            activate(F::max_pool2d(x, F::MaxPool2dFuncOptions({1, w.size}).stride({1, w.stride})),
                     act, true),
            true, 2};
    };
}

Forward averagePool1d(const BuildInput& b)
{
    return [w = window1d(b)](const std::vector<Value>& v) {
        const torch::Tensor x = channelsFirst(v.front()).tensor; // (N, C, 1, L)
        const auto pool = F::AvgPool2dFuncOptions({1, w.size}).stride({1, w.stride});
        if (!w.padded())
            return Value{F::avg_pool2d(x, pool), true, 2};
        // Keras averages over the real bases only.
        const torch::Tensor ones = torch::ones({1, 1, 1, x.size(3)}, x.options());
        const auto opts = F::PadFuncOptions({w.pad.first, w.pad.second});
        return Value{F::avg_pool2d(F::pad(x, opts), pool) / F::avg_pool2d(F::pad(ones, opts), pool),
                     true, 2};
    };
}

Forward maxPool2d(const BuildInput& b)
{
    const auto pool = b.args.pair("pool_size", {2, 2});
    const auto stride = b.args.pair("strides", pool);
    std::vector<std::int64_t> pad = {0, 0, 0, 0};
    if (b.args.samePadding()) {
        const auto h = samePadding(b.in[0], pool.first, stride.first);
        const auto w = samePadding(b.in[1], pool.second, stride.second);
        pad = {w.first, w.second, h.first, h.second};
    }
    return [pool, stride, pad, act = b.movedActivation](const std::vector<Value>& v) {
        torch::Tensor x = channelsFirst(v.front()).tensor;
        if (pad != std::vector<std::int64_t>{0, 0, 0, 0})
            x = F::pad(x, F::PadFuncOptions(pad).value(-std::numeric_limits<double>::infinity()));
        return Value{activate(F::max_pool2d(x, F::MaxPool2dFuncOptions({pool.first, pool.second})
                                                   .stride({stride.first, stride.second})),
                              act, true),
                     true, 3};
    };
}

template<bool isMax>
Forward globalPool1d(const BuildInput&)
{
    return [](const std::vector<Value>& v) {
        const torch::Tensor x = channelsFirst(v.front()).tensor.flatten(2); // (N, C, L)
        return Value{isMax ? std::get<0>(x.max(2)) : x.mean(2), false, 1};
    };
}

} // namespace

void addPoolingBuilders(TorchLayers& to)
{
    to["MaxPooling1D"] = {maxPool1d, false, true};
    to["AveragePooling1D"] = {averagePool1d};
    to["MaxPooling2D"] = {maxPool2d, false, true};
    to["GlobalMaxPooling1D"] = {globalPool1d<true>};
    to["GlobalAveragePooling1D"] = {globalPool1d<false>};
}

} // namespace kdna::nn
