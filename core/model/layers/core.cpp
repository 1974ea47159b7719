// The Input layer and Keras' core layers: Dense, Flatten, Dropout, BatchNormalization,
// Activation, Reshape; and the arguments several families share. Their torch builders are in
// core_torch.cpp.

#include "core/model/layers/families.h"
#include "core/util/text.h"

namespace kdna::layers {

const Argument& activationArgument()
{
    static const Argument a{"activation",
                            ArgKind::Choice,
                            "\"linear\"",
                            "applied to the layer's output",
                            {"linear", "relu", "sigmoid", "tanh", "softmax", "elu", "selu",
                             "softplus", "swish", "exponential"}};
    return a;
}

const Argument& paddingArgument()
{
    static const Argument a{"padding",
                            ArgKind::Choice,
                            "\"valid\"",
                            "valid: no padding; same: the output keeps length / strides",
                            {"valid", "same"}};
    return a;
}

const Argument& useBiasArgument()
{
    static const Argument a{"use_bias", ArgKind::Bool, "true", "add a bias vector"};
    return a;
}

namespace {

using safetensors::TensorInfo;

Inferred input(const InferInput& x)
{
    Inferred out;
    out.outputShape = x.args.shape("shape");
    needPositive(x.type.name, out.outputShape, out.outputShape, "every dimension must be positive");
    return out;
}

Inferred dense(const InferInput& x)
{
    if (x.in.empty())
        throw ShapeError{"Dense needs an input"};
    const std::int64_t units = x.args.integer("units");
    needAtLeastOne("units", units);
    Inferred out;
    out.outputShape = x.in;
    out.outputShape.back() = units;
    needPositive(x.type.name, out.outputShape, x.in, "units must be positive");
    out.params = x.in.back() * units + (x.args.bias() ? units : 0);
    return out;
}

std::vector<TensorInfo> denseTensors(const Args& a, const Shape& in, const std::string& layer)
{
    const std::int64_t units = a.integer("units");
    std::vector<TensorInfo> out = {
        {layer + ".weight", safetensors::DType::F32, {units, in.back()}, "units"}};
    if (a.bias())
        out.push_back({layer + ".bias", safetensors::DType::F32, {units}, "units"});
    return out;
}

/// A Dense layer on (length, features), or after Flatten + Dense: a 1x1 convolution.
PlanOutcome denseStep(const PlanInput& p, PlanWalk& walk, InferenceStep& step)
{
    if (!walk.flattened && p.in.size() != 2)
        return cannotSlide(p.layer);
    step.kind = InferenceStep::Kind::PointwiseDense;
    step.channels = p.in.back();
    return {};
}

Inferred flatten(const InferInput& x)
{
    return {{elementCount(x.in)}, 0, -1};
}

/// Flatten and the Dense layer after it become one dilated convolution over the last map.
PlanOutcome flattenStep(const PlanInput& p, PlanWalk& walk, InferenceStep& step)
{
    if (walk.flattened)
        return cannotSlide(p.layer);
    if (!p.next || p.next->type != "Dense")
        return {"Flatten is not followed by a Dense layer"};
    step.kind = InferenceStep::Kind::FlattenDense;
    step.layer = p.next->name;
    step.activation = Args(*find(p.next->type), p.next->args).activation();
    step.kernel = p.in[0];
    step.dilation = walk.dilation;
    step.channels = p.in[1];
    walk.span += (p.in[0] - 1) * walk.dilation;
    walk.flattened = true;
    return {"", true};
}

PlanOutcome identityStep(const PlanInput&, PlanWalk&, InferenceStep& step)
{
    step.kind = InferenceStep::Kind::Identity;
    return {};
}

PlanOutcome activationStep(const PlanInput&, PlanWalk&, InferenceStep& step)
{
    step.kind = InferenceStep::Kind::Activation;
    return {};
}

Inferred batchNormalization(const InferInput& x)
{
    if (x.in.empty())
        throw ShapeError{"BatchNormalization needs an input"};
    // gamma and beta are trained; the moving mean and variance are not.
    return {x.in, 4 * x.in.back(), 2 * x.in.back()};
}

std::vector<TensorInfo> batchNormalizationTensors(const Args&, const Shape& in,
                                                  const std::string& layer)
{
    std::vector<TensorInfo> out;
    for (const char* s : {"weight", "bias", "running_mean", "running_var"})
        out.push_back({layer + "." + s, safetensors::DType::F32, {in.back()}, ""});
    out.push_back({layer + ".num_batches_tracked", safetensors::DType::I64, {}, ""});
    return out;
}

PlanOutcome batchNormalizationStep(const PlanInput&, PlanWalk&, InferenceStep& step)
{
    step.kind = InferenceStep::Kind::BatchNorm;
    return {};
}

/// Reshape's target with its one -1 worked out from `total` values.
Inferred reshape(const InferInput& x)
{
    Shape target = x.args.shape("target_shape");
    const std::int64_t total = elementCount(x.in);
    std::int64_t known = 1;
    int unknown = -1;
    for (std::size_t i = 0; i < target.size(); ++i) {
        if (target[i] == -1) {
            if (unknown >= 0)
                throw ShapeError{"Reshape: only one -1 is allowed in target_shape"};
            unknown = static_cast<int>(i);
        } else {
            known *= target[i];
        }
    }
    if (unknown >= 0 && known > 0 && total % known == 0)
        target[static_cast<std::size_t>(unknown)] = total / known;
    if (elementCount(target) != total)
        throw ShapeError{"Reshape cannot turn " + text::tuple(x.in) + " (" +
                         text::withThousands(total) + " values) into " + text::tuple(target)};
    return {target, 0, -1};
}

} // namespace

std::vector<LayerType> inputLayers()
{
    return {{.name = "Input",
             .group = "Input",
             .help = "a model input; shape without the batch axis, e.g. [2001, 4]",
             .arguments = {{.name = "shape",
                            .kind = ArgKind::Shape,
                            .defaultJson = "null",
                            .help = "input shape without the batch axis",
                            .firstValue = "[2001, 4]"}},
             .minInputs = 0,
             .maxInputs = 0,
             .infer = input}};
}

std::vector<LayerType> coreLayers()
{
    return {
        {.name = "Dense",
         .group = "Core",
         .help = "fully connected layer on the last axis",
         .arguments = {{.name = "units",
                        .kind = ArgKind::Int,
                        .defaultJson = "null",
                        .help = "output size",
                        .firstValue = "1"},
                       activationArgument(),
                       useBiasArgument()},
         .infer = dense,
         .tensors = denseTensors,
         .plan = denseStep},
        {.name = "Flatten",
         .group = "Core",
         .help = "flattens all but the batch axis",
         .arguments = {},
         .infer = flatten,
         .plan = flattenStep},
        {.name = "Dropout",
         .group = "Core",
         .help = "randomly zeroes a fraction of inputs while training",
         .arguments = {{"rate", ArgKind::Float, "0.5", "fraction dropped"}},
         .infer = sameShape,
         .plan = identityStep},
        {.name = "BatchNormalization",
         .group = "Core",
         .help = "normalises the channels (last axis) over the batch",
         .arguments = {{"momentum", ArgKind::Float, "0.99", "moving-average momentum"},
                       {"epsilon", ArgKind::Float, "0.001", "added to the variance"}},
         .infer = batchNormalization,
         .tensors = batchNormalizationTensors,
         .plan = batchNormalizationStep},
        {.name = "Activation",
         .group = "Core",
         .help = "an activation on its own",
         .arguments = {activationArgument()},
         .infer = sameShape,
         .plan = activationStep},
        {.name = "Reshape",
         .group = "Core",
         .help = "reshapes all but the batch axis; one -1 is inferred",
         .arguments = {{.name = "target_shape",
                        .kind = ArgKind::Shape,
                        .defaultJson = "null",
                        .help = "new shape without the batch axis",
                        .firstValue = "[-1]"}},
         .infer = reshape},
    };
}

} // namespace kdna::layers
