// Recurrent layers: GRU (optionally bidirectional, as Keras' Bidirectional(GRU)). Its torch
// builder is in recurrent_torch.cpp.

#include "core/model/layers/families.h"

namespace kdna::layers {
namespace {

using safetensors::TensorInfo;

std::int64_t directions(const Args& a)
{
    return a.flag("bidirectional") ? 2 : 1;
}

Inferred gru(const InferInput& x)
{
    needRank(x.type.name, x.in, 2, "(length, features)");
    const std::int64_t units = x.args.integer("units");
    needAtLeastOne("units", units);
    const std::int64_t both = directions(x.args);
    Inferred out;
    out.params = both * 3 * units * (x.in[1] + units + 2);
    out.outputShape =
        x.args.flag("return_sequences") ? Shape{x.in[0], units * both} : Shape{units * both};
    return out;
}

std::vector<TensorInfo> gruTensors(const Args& a, const Shape& in, const std::string& layer)
{
    const std::int64_t units = a.integer("units");
    std::vector<TensorInfo> out;
    const auto add = [&](const std::string& suffix, Shape shape) {
        out.push_back({layer + "." + suffix, safetensors::DType::F32, std::move(shape), "units"});
    };
    for (const std::string dir : {"", "_reverse"}) {
        if (!dir.empty() && directions(a) == 1)
            break;
        add("weight_ih_l0" + dir, {3 * units, in[1]});
        add("weight_hh_l0" + dir, {3 * units, units});
        add("bias_ih_l0" + dir, {3 * units});
        add("bias_hh_l0" + dir, {3 * units});
    }
    return out;
}

} // namespace

std::vector<LayerType> recurrentLayers()
{
    return {
        {.name = "GRU",
         .group = "Recurrent",
         .help = "gated recurrent unit over the sequence axis",
         .arguments = {{.name = "units",
                        .kind = ArgKind::Int,
                        .defaultJson = "null",
                        .help = "size of the hidden state",
                        .firstValue = "1"},
                       {"return_sequences", ArgKind::Bool, "false",
                        "output every step, not only the last"},
                       {"bidirectional", ArgKind::Bool, "false",
                        "run both directions and concatenate"}},
         .infer = gru,
         .tensors = gruTensors},
    };
}

} // namespace kdna::layers
