// The torch builders of the Input layer and the core layers declared in core.cpp.

#include "core/model/layers/torch_layers.h"

namespace kdna::nn {
namespace {

Forward input(const BuildInput&)
{
    // GraphModuleImpl::run() feeds the model's inputs to Input nodes directly.
    return [](const std::vector<Value>& v) {
        return v.front();
    };
}

Forward dense(const BuildInput& b)
{
    auto linear = b.module.register_module(
        b.layer.name,
        torch::nn::Linear(
            torch::nn::LinearOptions(b.in.back(), b.args.integer("units")).bias(b.args.bias())));
    return [linear, act = b.activation,
            rank = static_cast<int>(b.out.size())](const std::vector<Value>& v) {
        return Value{activate(linear->forward(channelsLast(v.front()).tensor), act, false), false,
                     rank};
    };
}

Forward flatten(const BuildInput&)
{
    return [](const std::vector<Value>& v) {
        const torch::Tensor x = channelsLast(v.front()).tensor;
        return Value{x.reshape({x.size(0), -1}), false, 1};
    };
}

Forward dropout(const BuildInput& b)
{
    auto drop = b.module.register_module(b.layer.name, torch::nn::Dropout(b.args.number("rate")));
    return [drop](const std::vector<Value>& v) {
        Value x = v.front();
        x.tensor = drop->forward(x.tensor);
        return x;
    };
}

Forward activation(const BuildInput& b)
{
    return [act = b.activation](const std::vector<Value>& v) {
        Value x = v.front();
        x.tensor = activate(x.tensor, act, x.channelsFirst);
        return x;
    };
}

Forward batchNormalization(const BuildInput& b)
{
    // Keras' momentum weighs the old statistics, torch's the new batch.
    const auto options = torch::nn::BatchNormOptions(b.in.back())
                             .momentum(1.0 - b.args.number("momentum"))
                             .eps(b.args.number("epsilon"));
    const int rank = static_cast<int>(b.in.size());
    if (rank >= 2) {
        // Channels-first values of rank 2 and 3 are both 4D (N, C, ., .).
        auto bn = b.module.register_module(b.layer.name, torch::nn::BatchNorm2d(options));
        return [bn, rank](const std::vector<Value>& v) {
            return Value{bn->forward(channelsFirst(v.front()).tensor), true, rank};
        };
    }
    auto bn = b.module.register_module(b.layer.name, torch::nn::BatchNorm1d(options));
    return [bn, rank](const std::vector<Value>& v) {
        return Value{bn->forward(v.front().tensor), false, rank};
    };
}

Forward reshape(const BuildInput& b)
{
    std::vector<std::int64_t> target = {0}; // the batch axis, set by each call
    target.insert(target.end(), b.out.begin(), b.out.end());
    return [target, rank = static_cast<int>(b.out.size())](const std::vector<Value>& v) mutable {
        const torch::Tensor x = channelsLast(v.front()).tensor;
        target[0] = x.size(0);
        return Value{x.reshape(target), false, rank};
    };
}

} // namespace

void addCoreBuilders(TorchLayers& to)
{
    to["Input"] = {input};
    to["Dense"] = {dense};
    to["Flatten"] = {flatten};
    to["Dropout"] = {dropout};
    to["Activation"] = {activation};
    to["BatchNormalization"] = {batchNormalization};
    to["Reshape"] = {reshape};
}

} // namespace kdna::nn
