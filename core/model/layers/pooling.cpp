// Poolings: MaxPooling1D, AveragePooling1D, MaxPooling2D and the global ones. Their torch
// builders are in pooling_torch.cpp.

#include "core/model/layers/families.h"

namespace kdna::layers {
namespace {

Inferred pool1d(const InferInput& x)
{
    needRank(x.type.name, x.in, 2, "(length, channels)");
    const std::int64_t p = x.args.integer("pool_size");
    const std::int64_t stride = x.args.integer("strides", p);
    Inferred out;
    out.outputShape = {convLength(x.in[0], p, stride, 1, x.args.samePadding()), x.in[1]};
    needPositive(x.type.name, out.outputShape, x.in, "the input is shorter than the pool");
    return out;
}

Inferred pool2d(const InferInput& x)
{
    needRank(x.type.name, x.in, 3, "(height, width, channels)");
    const auto pool = x.args.pair("pool_size", {2, 2});
    const auto stride = x.args.pair("strides", pool);
    const bool same = x.args.samePadding();
    Inferred out;
    out.outputShape = {convLength(x.in[0], pool.first, stride.first, 1, same),
                       convLength(x.in[1], pool.second, stride.second, 1, same), x.in[2]};
    needPositive(x.type.name, out.outputShape, x.in, "the input is smaller than the pool");
    return out;
}

Inferred globalPool1d(const InferInput& x)
{
    needRank(x.type.name, x.in, 2, "(length, channels)");
    return {{x.in[1]}, 0, -1};
}

/// A valid 1D pooling slides with stride 1; the layers after it dilate by its stride.
PlanOutcome pool1dStep(const PlanInput& p, PlanWalk& walk, InferenceStep& step,
                       InferenceStep::Kind kind)
{
    if (walk.flattened)
        return cannotSlide(p.layer);
    if (p.args.samePadding())
        return {"layer '" + p.layer.name + "' pads ('same')"};
    const std::int64_t size = p.args.integer("pool_size");
    step.kind = kind;
    step.kernel = size;
    step.dilation = walk.dilation;
    walk.span += (size - 1) * walk.dilation;
    step.stride = p.args.integer("strides", size);
    walk.dilation *= step.stride;
    return {};
}

PlanOutcome maxPool1dStep(const PlanInput& p, PlanWalk& walk, InferenceStep& step)
{
    return pool1dStep(p, walk, step, InferenceStep::Kind::MaxPool);
}

PlanOutcome avgPool1dStep(const PlanInput& p, PlanWalk& walk, InferenceStep& step)
{
    return pool1dStep(p, walk, step, InferenceStep::Kind::AvgPool);
}

std::vector<Argument> pool1dArguments()
{
    return {{"pool_size", ArgKind::Int, "2", "window size"},
            {.name = "strides",
             .kind = ArgKind::Int,
             .defaultJson = "null",
             .help = "step (default: pool_size)",
             .minimum = 0,
             .nullMeans = "= pool size"},
            paddingArgument()};
}

} // namespace

std::vector<LayerType> poolingLayers()
{
    return {
        {.name = "MaxPooling1D",
         .group = "Pooling",
         .help = "maximum over windows of the sequence axis",
         .arguments = pool1dArguments(),
         .aliases = {"MaxPool1D"},
         .infer = pool1d,
         .plan = maxPool1dStep},
        {.name = "AveragePooling1D",
         .group = "Pooling",
         .help = "average over windows of the sequence axis",
         .arguments = pool1dArguments(),
         .aliases = {"AvgPool1D"},
         .infer = pool1d,
         .plan = avgPool1dStep},
        {.name = "MaxPooling2D",
         .group = "Pooling",
         .help = "maximum over 2D windows",
         .arguments = {{"pool_size", ArgKind::IntList, "[2, 2]", "[height, width]"},
                       {.name = "strides",
                        .kind = ArgKind::IntList,
                        .defaultJson = "null",
                        .help = "step (default: pool_size)",
                        .nullMeans = "= pool size"},
                       paddingArgument()},
         .aliases = {"MaxPool2D"},
         .infer = pool2d},
        {.name = "GlobalMaxPooling1D",
         .group = "Pooling",
         .help = "maximum over the whole sequence axis",
         .arguments = {},
         .aliases = {"GlobalMaxPool1D"},
         .infer = globalPool1d},
        {.name = "GlobalAveragePooling1D",
         .group = "Pooling",
         .help = "average over the whole sequence axis",
         .arguments = {},
         .aliases = {"GlobalAvgPool1D"},
         .infer = globalPool1d},
    };
}

} // namespace kdna::layers
