// Merge layers: Concatenate (Keras' axis counts the batch axis). Its torch builder is in
// merge_torch.cpp.

#include "core/model/layers/families.h"
#include "core/util/text.h"

namespace kdna::layers {
namespace {

/// The Keras axis asked for, as an index into shapes without the batch axis.
int concatenationAxis(std::int64_t asked, const Shape& in)
{
    const int axis = axisWithoutBatch(asked, in.size());
    if (asked == 0)
        throw ShapeError{"Concatenate: axis 0 is the batch axis (Keras counts it: axis 1 is "
                         "the first axis after it, -1 the last)"};
    if (axis < 0)
        throw ShapeError{"Concatenate: axis " + std::to_string(asked) +
                         " is outside inputs of shape " + withNone(in) +
                         " (Keras counts the batch axis: 1 to " + std::to_string(in.size()) +
                         ", or -1 for the last)"};
    return axis;
}

Inferred concatenate(const InferInput& x)
{
    const std::int64_t asked = x.args.integer("axis");
    const auto axis = static_cast<std::size_t>(concatenationAxis(asked, x.in));
    Inferred out;
    out.outputShape = x.in;
    out.outputShape[axis] = 0;
    for (const Shape& other : x.inputs) {
        bool fits = other.size() == x.in.size();
        for (std::size_t d = 0; fits && d < x.in.size(); ++d)
            fits = d == axis || other[d] == x.in[d];
        if (!fits) {
            std::vector<std::string> shapes;
            for (const auto& i : x.inputs)
                shapes.push_back(text::tuple(i));
            throw ShapeError{"Concatenate on axis " + std::to_string(asked) +
                             " needs inputs equal on every other axis, but gets " +
                             text::join(shapes, " and ")};
        }
        out.outputShape[axis] += other[axis];
    }
    return out;
}

} // namespace

std::vector<LayerType> mergeLayers()
{
    return {
        {.name = "Concatenate",
         .group = "Merge",
         .help = "joins its inputs along an axis",
         .arguments = {{.name = "axis",
                        .kind = ArgKind::Int,
                        .defaultJson = "-1",
                        .help = "axis, counting the batch axis as Keras does (1: the first "
                                "after it, -1: the last)",
                        .minimum = -8}},
         .minInputs = 2,
         .maxInputs = -1,
         .infer = concatenate},
    };
}

} // namespace kdna::layers
