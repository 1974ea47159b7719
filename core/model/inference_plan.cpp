#include "core/model/inference_plan.h"

#include "core/model/layer_catalog.h"
#include "core/model/summary.h"
#include "core/util/text.h"

#include <cstdint>

namespace kdna {
namespace {

WholeSequencePlan notPossible(std::string reason)
{
    WholeSequencePlan p;
    p.reason = std::move(reason);
    return p;
}

std::int64_t intArg(const LayerSpec& l, const char* name)
{
    const auto v = layers::argument(*layers::find(l.type), l.args, name);
    return v.is_number_integer() ? v.get<std::int64_t>() : 0;
}

} // namespace

WholeSequencePlan planWholeSequence(const ModelSpec& input)
{
    ModelSpec spec = input;
    spec.normalize();
    const ModelSummary summary = summarize(spec);
    if (!summary.ok())
        return notPossible(summary.error);
    if (spec.inputNames().size() != 1 || spec.outputNames().size() != 1)
        return notPossible("the model has several inputs or outputs");
    const auto& inShape = summary.inputShapes.front();
    if (inShape.size() != 2 || inShape[1] != 4)
        return notPossible("the input is " + text::tuple(inShape) + ", not (length, 4)");

    WholeSequencePlan plan;
    plan.window = inShape[0];
    std::int64_t dilation = 1;
    std::int64_t span = 1; // bases covered by one value of the current map
    bool flattened = false;
    for (std::size_t i = 1; i < spec.layers.size(); ++i) {
        const LayerSpec& l = spec.layers[i];
        const LayerSummary& s = summary.layers[i];
        const Shape& in = summary.layers[i - 1].outputShape;
        if (l.inputs != std::vector<std::string>{spec.layers[i - 1].name})
            return notPossible("layer '" + l.name + "' does not simply follow the one above it");
        const bool same = l.args.value("padding", std::string("valid")) == "same";
        InferenceStep step;
        step.layer = l.name;
        step.activation = l.args.value("activation", std::string("linear"));
        if (l.type == "Conv1D" && !flattened) {
            if (same)
                return notPossible("layer '" + l.name +
                                   "' pads ('same'), so windows see zeros at their edges");
            const std::int64_t k = intArg(l, "kernel_size");
            step.kind = InferenceStep::Kind::Conv;
            step.kernel = k;
            step.dilation = dilation * intArg(l, "dilation_rate");
            step.channels = in[1];
            span += (k - 1) * step.dilation;
            step.stride = intArg(l, "strides");
            dilation *= step.stride;
        } else if ((l.type == "MaxPooling1D" || l.type == "AveragePooling1D") && !flattened) {
            if (same)
                return notPossible("layer '" + l.name + "' pads ('same')");
            const std::int64_t p = intArg(l, "pool_size");
            const std::int64_t stride =
                l.args.contains("strides") && l.args.at("strides").is_number_integer()
                    ? l.args.at("strides").get<std::int64_t>()
                    : p;
            step.kind = l.type == "MaxPooling1D" ? InferenceStep::Kind::MaxPool
                                                 : InferenceStep::Kind::AvgPool;
            step.kernel = p;
            step.dilation = dilation;
            span += (p - 1) * dilation;
            step.stride = stride;
            dilation *= stride;
        } else if (l.type == "Activation") {
            step.kind = InferenceStep::Kind::Activation;
        } else if (l.type == "Dropout") {
            step.kind = InferenceStep::Kind::Identity;
        } else if (l.type == "BatchNormalization") {
            step.kind = InferenceStep::Kind::BatchNorm;
        } else if (l.type == "Flatten" && !flattened) {
            if (i + 1 >= spec.layers.size() || spec.layers[i + 1].type != "Dense")
                return notPossible("Flatten is not followed by a Dense layer");
            const LayerSpec& dense = spec.layers[i + 1];
            step.kind = InferenceStep::Kind::FlattenDense;
            step.layer = dense.name;
            step.activation = dense.args.value("activation", std::string("linear"));
            step.kernel = in[0];
            step.dilation = dilation;
            step.channels = in[1];
            span += (in[0] - 1) * dilation;
            flattened = true;
            plan.steps.push_back(step);
            ++i; // the Dense layer is part of this step
            continue;
        } else if (l.type == "Dense" && (flattened || in.size() == 2)) {
            step.kind = InferenceStep::Kind::PointwiseDense;
            step.channels = in.back();
        } else {
            return notPossible("layer '" + l.name + "' (" + l.type +
                               ") cannot slide along a chromosome");
        }
        (void)s;
        plan.steps.push_back(step);
    }
    if (!flattened)
        return notPossible(
            "the model does not end in Flatten and Dense (its output is not one vector a window)");
    plan.outputs = summary.outputShapes.front().back();
    plan.span = span;
    if (span > plan.window)
        return notPossible("internal: the plan spans more than the window");
    plan.possible = true;
    return plan;
}

} // namespace kdna
