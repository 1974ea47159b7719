// The torch builder of the GRU declared in recurrent.cpp.

#include "core/model/layers/torch_layers.h"

namespace kdna::nn {
namespace {

Forward gru(const BuildInput& b)
{
    const bool bidirectional = b.args.flag("bidirectional");
    const bool sequences = b.args.flag("return_sequences");
    auto module = b.module.register_module(
        b.layer.name, torch::nn::GRU(torch::nn::GRUOptions(b.in[1], b.args.integer("units"))
                                         .batch_first(true)
                                         .bidirectional(bidirectional)));
    return [module, bidirectional, sequences](const std::vector<Value>& v) {
        const auto [output, hidden] = module->forward(channelsLast(v.front()).tensor.contiguous());
        if (sequences)
            return Value{output, false, 2};
        // Final state of each direction, as Keras' Bidirectional concatenates them.
        const torch::Tensor last =
            bidirectional ? torch::cat({hidden[0], hidden[1]}, 1) : hidden[0];
        return Value{last, false, 1};
    };
}

} // namespace

void addRecurrentBuilders(TorchLayers& to)
{
    to["GRU"] = {gru};
}

} // namespace kdna::nn
