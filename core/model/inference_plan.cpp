#include "core/model/inference_plan.h"

#include "core/model/layer_registry.h"
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

/// Layer `i`'s step, by its registry entry; `reason` is set when it cannot slide.
layers::PlanOutcome stepOf(const ModelSpec& spec, const ModelSummary& summary, std::size_t i,
                           layers::PlanWalk& walk, InferenceStep& step)
{
    const LayerSpec& l = spec.layers[i];
    if (l.inputs != std::vector<std::string>{spec.layers[i - 1].name})
        return {"layer '" + l.name + "' does not simply follow the one above it"};
    const layers::LayerType& type = *layers::find(l.type);
    if (!type.plan)
        return layers::cannotSlide(l);
    const layers::Args args(type, l.args);
    step.layer = l.name;
    step.activation = args.activation();
    const LayerSpec* next = i + 1 < spec.layers.size() ? &spec.layers[i + 1] : nullptr;
    return type.plan({l, args, summary.layers[i - 1].outputShape, next}, walk, step);
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
    layers::PlanWalk walk;
    for (std::size_t i = 1; i < spec.layers.size(); ++i) {
        InferenceStep step;
        const layers::PlanOutcome outcome = stepOf(spec, summary, i, walk, step);
        if (!outcome.reason.empty())
            return notPossible(outcome.reason);
        plan.steps.push_back(step);
        if (outcome.takesNext)
            ++i;
    }
    if (!walk.flattened)
        return notPossible(
            "the model does not end in Flatten and Dense (its output is not one vector a window)");
    plan.outputs = summary.outputShapes.front().back();
    plan.span = walk.span;
    if (walk.span > plan.window)
        return notPossible("internal: the plan spans more than the window");
    plan.possible = true;
    return plan;
}

} // namespace kdna
