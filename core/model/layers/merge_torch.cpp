// The torch builder of the Concatenate layer declared in merge.cpp.

#include "core/model/layers/torch_layers.h"

namespace kdna::nn {
namespace {

Forward concatenate(const BuildInput& b)
{
    // The summary refused axes outside the shape; torch's axis 0 is the batch too.
    const std::int64_t axis = layers::axisWithoutBatch(b.args.integer("axis"), b.in.size()) + 1;
    return [axis, rank = static_cast<int>(b.in.size())](const std::vector<Value>& v) {
        std::vector<torch::Tensor> parts;
        for (const auto& x : v)
            parts.push_back(channelsLast(x).tensor);
        return Value{torch::cat(parts, axis), false, rank};
    };
}

} // namespace

void addMergeBuilders(TorchLayers& to)
{
    to["Concatenate"] = {concatenate};
}

} // namespace kdna::nn
