#include "core/interpret/attribution.h"

#include "core/interpret/batches.h"
#include "core/model/torch_model.h"
#include "core/util/error.h"
#include "core/util/text.h"

#include <algorithm>
#include <cstring>

namespace kdna::interpret {

std::int64_t sequenceLength(const Model& model)
{
    const auto& summary = model.summary();
    if (summary.inputShapes.size() != 1)
        throw Error("attributions need a model with one sequence input; this one has " +
                    std::to_string(summary.inputShapes.size()) + " inputs");
    const Shape& in = summary.inputShapes.front();
    if (in.size() != 2 || in[1] != 4)
        throw Error("attributions need a one-hot (length, 4) input; this model's input is " +
                    text::tuple(in));
    return in[0];
}

std::vector<std::int64_t> outputSizes(const Model& model)
{
    std::vector<std::int64_t> sizes;
    for (const Shape& s : model.summary().outputShapes)
        sizes.push_back(elementCount(s));
    return sizes;
}

void checkTarget(const Model& model, const Target& target)
{
    const auto names = model.spec().outputNames();
    const auto sizes = outputSizes(model);
    if (target.output >= sizes.size())
        throw Error("output " + std::to_string(target.output) + " is not in the model, which has " +
                    std::to_string(sizes.size()) + " output(s)");
    if (target.value >= sizes[target.output])
        throw Error("value " + std::to_string(target.value) + " is not in output '" +
                    names[target.output] + "', which has " + std::to_string(sizes[target.output]) +
                    " value(s) per window");
}

Method parseMethod(const std::string& name)
{
    if (name == "saliency")
        return Method::Saliency;
    if (name == "ixg")
        return Method::InputTimesGradient;
    if (name == "ig")
        return Method::IntegratedGradients;
    throw Error("method '" + name + "' is not a gradient method; use saliency, ixg or ig");
}

namespace detail {

std::vector<torch::Tensor> forward(Model& model, const torch::Tensor& x)
{
    auto& impl = model.impl();
    impl.module->eval();
    return impl.module->forward({x.to(impl.device)});
}

torch::Tensor selectTarget(const std::vector<torch::Tensor>& outputs, const Target& target)
{
    const torch::Tensor& y = outputs.at(target.output);
    const auto flat = y.reshape({y.size(0), -1});
    return target.value < 0 ? flat.sum(1) : flat.select(1, target.value);
}

void forEachBatch(
    Model& model, std::int64_t rows, std::int64_t batchSize,
    const std::function<void(std::int64_t, std::int64_t, float*)>& fill,
    const std::function<void(std::int64_t, std::int64_t, const std::vector<torch::Tensor>&)>& take)
{
    torch::NoGradGuard noGrad;
    const std::int64_t L = sequenceLength(model);
    const std::int64_t step = std::max<std::int64_t>(1, batchSize);
    std::vector<float> buffer;
    for (std::int64_t first = 0; first < rows; first += step) {
        const std::int64_t count = std::min(step, rows - first);
        buffer.assign(static_cast<std::size_t>(count * L * 4), 0.0f);
        fill(first, count, buffer.data());
        const auto x = torch::from_blob(buffer.data(), {count, L, 4});
        std::vector<torch::Tensor> outs;
        for (const auto& y : forward(model, x))
            outs.push_back(y.to(torch::kCPU, torch::kFloat).reshape({count, -1}).contiguous());
        take(first, count, outs);
    }
}

} // namespace detail

namespace {

std::int64_t windowCount(const std::vector<float>& windows, std::int64_t L)
{
    if (windows.size() % static_cast<std::size_t>(L * 4) != 0)
        throw Error("the windows hold " + std::to_string(windows.size()) +
                    " values, not a whole number of " + std::to_string(L) + " x 4 windows");
    return static_cast<std::int64_t>(windows.size()) / (L * 4);
}

/// d target / d x for each row of x (rows x L x 4).
torch::Tensor gradientOf(Model& model, const torch::Tensor& x, const Target& target)
{
    torch::AutoGradMode grad(true);
    auto input = x.to(model.impl().device).detach().requires_grad_(true);
    const auto y = detail::selectTarget(detail::forward(model, input), target);
    return torch::autograd::grad({y.sum()}, {input})[0].to(torch::kCPU, torch::kFloat);
}

void copyInto(const torch::Tensor& t, float* out)
{
    const auto c = t.contiguous();
    std::memcpy(out, c.data_ptr<float>(), sizeof(float) * static_cast<std::size_t>(c.numel()));
}

std::vector<float> plainGradients(Model& model, const std::vector<float>& windows, std::int64_t n,
                                  std::int64_t L, const AttributionOptions& o)
{
    std::vector<float> out(windows.size());
    const std::int64_t step = std::max<std::int64_t>(1, o.batchSize);
    for (std::int64_t first = 0; first < n; first += step) {
        const std::int64_t count = std::min(step, n - first);
        const auto x =
            torch::from_blob(const_cast<float*>(windows.data()) + first * L * 4, {count, L, 4});
        auto g = gradientOf(model, x, o.target);
        if (o.method == Method::InputTimesGradient)
            g = g * x;
        copyInto(g, out.data() + first * L * 4);
    }
    return out;
}

/// Integrated gradients: rows are (window, path point) pairs, so a batch can hold the path
/// points of several windows, or part of one window's.
std::vector<float> integratedGradients(Model& model, const std::vector<float>& windows,
                                       std::int64_t n, std::int64_t L, const AttributionOptions& o)
{
    if (o.steps < 1)
        throw Error("integrated gradients need at least 1 step, not " + std::to_string(o.steps));
    const std::int64_t per = L * 4;
    std::vector<float> baseline = o.baseline;
    if (baseline.empty())
        baseline.assign(static_cast<std::size_t>(per), 0.0f);
    if (static_cast<std::int64_t>(baseline.size()) != per)
        throw Error("the integrated-gradients baseline holds " + std::to_string(baseline.size()) +
                    " values, not one " + std::to_string(L) + " x 4 window");
    const auto base = torch::from_blob(baseline.data(), {1, L, 4});
    const auto all = torch::from_blob(const_cast<float*>(windows.data()), {n, L, 4});
    const std::int64_t steps = o.steps;
    const std::int64_t rows = n * steps;
    auto sum = torch::zeros({n, L, 4});
    const std::int64_t batch = std::max<std::int64_t>(1, o.batchSize);
    for (std::int64_t first = 0; first < rows; first += batch) {
        const std::int64_t count = std::min(batch, rows - first);
        const auto r = torch::arange(first, first + count, torch::kLong);
        const auto window = torch::floor_divide(r, steps);
        const auto alpha = ((r % steps).to(torch::kFloat) + 0.5f) / static_cast<float>(steps);
        const auto x = base + alpha.view({-1, 1, 1}) * (all.index_select(0, window) - base);
        sum.index_add_(0, window, gradientOf(model, x, o.target));
    }
    std::vector<float> out(windows.size());
    copyInto((all - base) * sum / static_cast<float>(steps), out.data());
    return out;
}

} // namespace

std::vector<float> attribute(Model& model, const std::vector<float>& windows,
                             const AttributionOptions& options)
{
    const std::int64_t L = sequenceLength(model);
    checkTarget(model, options.target);
    const std::int64_t n = windowCount(windows, L);
    if (options.method == Method::IntegratedGradients)
        return integratedGradients(model, windows, n, L, options);
    return plainGradients(model, windows, n, L, options);
}

std::vector<std::vector<float>> outputsOf(Model& model, const std::vector<float>& windows,
                                          std::int64_t batchSize)
{
    const std::int64_t L = sequenceLength(model);
    const std::int64_t n = windowCount(windows, L);
    const auto sizes = outputSizes(model);
    std::vector<std::vector<float>> out;
    for (const auto v : sizes)
        out.emplace_back(static_cast<std::size_t>(n * v));
    detail::forEachBatch(
        model, n, batchSize,
        [&](std::int64_t first, std::int64_t count, float* dst) {
            std::memcpy(dst, windows.data() + first * L * 4,
                        sizeof(float) * static_cast<std::size_t>(count * L * 4));
        },
        [&](std::int64_t first, std::int64_t, const std::vector<torch::Tensor>& outs) {
            for (std::size_t j = 0; j < outs.size(); ++j)
                copyInto(outs[j], out[j].data() + first * sizes[j]);
        });
    return out;
}

} // namespace kdna::interpret
