#include "core/model/inference_plan.h"

#include "core/model/layer_registry.h"
#include "core/model/summary.h"
#include "core/util/text.h"

#include <algorithm>
#include <cstdint>
#include <set>

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

/// The plan of a normalised model that is one chain of layers from its (length, 4) input.
WholeSequencePlan planChain(const ModelSpec& spec, const ModelSummary& summary)
{
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

const LayerSpec& layerNamed(const ModelSpec& spec, const std::string& name)
{
    return spec.layers[static_cast<std::size_t>(spec.indexOf(name))];
}

/// The layer whose values `name` shows: a Reshape is a view of its input.
std::string throughViews(const ModelSpec& spec, std::string name)
{
    while (layerNamed(spec, name).type == "Reshape" && layerNamed(spec, name).inputs.size() == 1)
        name = layerNamed(spec, name).inputs.front();
    return name;
}

/// `last` and the layers it depends on, in the model's order, `last` the output.
ModelSpec subModel(const ModelSpec& spec, const std::string& last)
{
    std::set<std::string> needed;
    std::vector<std::string> pending = {last};
    while (!pending.empty()) {
        const std::string name = pending.back();
        pending.pop_back();
        if (needed.insert(name).second)
            for (const auto& in : layerNamed(spec, name).inputs)
                pending.push_back(in);
    }
    ModelSpec head = spec;
    std::erase_if(head.layers, [&](const LayerSpec& l) { return needed.count(l.name) == 0; });
    head.outputs = {last};
    return head;
}

/// Where each value of a Concatenate's output comes from: order[u] indexes the inputs' values
/// laid one after another, each input's in its own row-major order.
std::vector<std::int64_t> concatenationOrder(const std::vector<Shape>& in, const Shape& out,
                                             std::size_t axis)
{
    std::vector<std::int64_t> firstValue = {0}, firstRow = {0}; // per input
    for (const Shape& s : in) {
        firstValue.push_back(firstValue.back() + elementCount(s));
        firstRow.push_back(firstRow.back() + s[axis]);
    }
    std::vector<std::int64_t> order(static_cast<std::size_t>(elementCount(out)));
    std::vector<std::int64_t> at(out.size(), 0); // coordinates of value u
    for (std::int64_t& value : order) {
        std::size_t h = 0;
        while (at[axis] >= firstRow[h + 1])
            ++h;
        std::int64_t local = 0;
        for (std::size_t d = 0; d < out.size(); ++d)
            local = local * in[h][d] + (d == axis ? at[d] - firstRow[h] : at[d]);
        value = firstValue[h] + local;
        for (std::size_t d = out.size(); d-- > 0;) { // next coordinates, row-major
            if (++at[d] < out[d])
                break;
            at[d] = 0;
        }
    }
    return order;
}

/// The heads' plans as one: their common first steps run once (the same layers), each head's
/// remaining steps after them.
WholeSequencePlan joinHeads(const std::vector<WholeSequencePlan>& heads)
{
    std::size_t shared = heads.front().steps.size();
    for (const auto& h : heads) {
        const auto& a = heads.front().steps;
        const auto mismatch = std::mismatch(a.begin(), a.end(), h.steps.begin(), h.steps.end());
        shared = std::min(shared, static_cast<std::size_t>(mismatch.first - a.begin()));
    }
    WholeSequencePlan plan;
    plan.possible = true;
    plan.window = heads.front().window;
    plan.steps.assign(heads.front().steps.begin(),
                      heads.front().steps.begin() + static_cast<std::ptrdiff_t>(shared));
    for (const auto& h : heads) {
        plan.heads.emplace_back(h.steps.begin() + static_cast<std::ptrdiff_t>(shared),
                                h.steps.end());
        plan.headOutputs.push_back(h.outputs);
        plan.outputs += h.outputs;
        plan.span = std::max(plan.span, h.span);
    }
    return plan;
}

WholeSequencePlan planConcatenation(const ModelSpec& spec, const LayerSpec& joined)
{
    const ModelSpec joining = subModel(spec, joined.name);
    const ModelSummary summary = summarize(joining);
    if (!summary.ok())
        return notPossible(summary.error);
    std::vector<WholeSequencePlan> heads;
    std::vector<Shape> shapes;
    for (const auto& in : joined.inputs) {
        heads.push_back(planWholeSequenceOf(spec, in));
        if (!heads.back().possible)
            return notPossible("head '" + in + "': " + heads.back().reason);
        if (!heads.back().heads.empty())
            return notPossible("head '" + in + "' joins heads of its own");
        shapes.push_back(summary.layers[static_cast<std::size_t>(joining.indexOf(in))].outputShape);
    }
    const Shape& out = summary.outputShapes.front();
    const auto axis = layers::axisWithoutBatch(
        layers::argument(*layers::find(joined.type), joined.args, "axis").get<std::int64_t>(),
        out.size());
    WholeSequencePlan plan = joinHeads(heads);
    plan.order = concatenationOrder(shapes, out, static_cast<std::size_t>(axis));
    return plan;
}

} // namespace

WholeSequencePlan planWholeSequenceOf(const ModelSpec& input, const std::string& name)
{
    ModelSpec spec = input;
    spec.normalize(); // every layer named, with its inputs
    if (spec.indexOf(name) < 0)
        return notPossible("the model has no layer '" + name + "'");
    const std::string last = throughViews(spec, name);
    const LayerSpec& layer = layerNamed(spec, last);
    if (layer.type == "Concatenate")
        return planConcatenation(spec, layer);
    const ModelSpec chain = subModel(spec, last);
    const ModelSummary summary = summarize(chain);
    if (!summary.ok())
        return notPossible(summary.error);
    if (chain.inputNames().size() != 1)
        return notPossible("the model has several inputs or outputs");
    return planChain(chain, summary);
}

WholeSequencePlan planWholeSequence(const ModelSpec& input)
{
    ModelSpec spec = input;
    spec.normalize();
    const ModelSummary summary = summarize(spec);
    if (!summary.ok())
        return notPossible(summary.error);
    if (spec.inputNames().size() != 1 || spec.outputNames().size() != 1)
        return notPossible("the model has several inputs or outputs");
    return planWholeSequenceOf(spec, spec.outputNames().front());
}

} // namespace kdna
