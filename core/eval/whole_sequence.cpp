#include "core/eval/whole_sequence.h"

#include "core/data/dataset.h"
#include "core/model/autocast.h"
#include "core/model/layer_registry.h"
#include "core/model/torch_model.h"
#include "core/util/error.h"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <string>

namespace kdna {
namespace F = torch::nn::functional;

namespace {

/// One step, ready to apply to (1, C, 1, L) maps.
struct Compiled {
    InferenceStep step;
    torch::Tensor weight;       // conv-shaped (out, in, 1, k)
    torch::Tensor projection;   // FlattenDense with few outputs: (out * k, in, 1, 1)
    torch::Tensor bias;         // may be undefined
    torch::Tensor scale, shift; // batch normalisation, per channel
};

/// Window starts per chunk. Every step keeps one value per output channel and per start, so
/// the widest step sets the work memory. On the CPU a chunk whose widest map stays near 16 MB,
/// under glibc's largest mmap threshold, reuses freed heap memory; larger maps are mapped and
/// unmapped on every chunk and the page faults cost more than the convolutions. A GPU's
/// caching allocator has no such cost, and large chunks keep it busy.
std::int64_t chunkFor(const torch::Device& device, const std::vector<Compiled>& steps)
{
    constexpr std::int64_t largest = std::int64_t{1} << 18;
    if (device.is_cuda())
        return largest;
    std::int64_t widest = 4; // the one-hot input
    for (const auto& c : steps)
        for (const auto* t : {&c.weight, &c.projection})
            if (t->defined())
                widest = std::max(widest, t->size(0));
    const auto starts = static_cast<std::uint64_t>((std::int64_t{16} << 20) /
                                                   (widest * std::int64_t{sizeof(float)}));
    return std::clamp(static_cast<std::int64_t>(std::bit_floor(starts)), std::int64_t{1} << 10,
                      largest);
}

} // namespace

WholeSequencePlan planWholeSequenceFor(const ModelSpec& spec, std::size_t output)
{
    const auto outputs = spec.outputNames();
    if (output >= outputs.size())
        return planWholeSequence(spec);
    return planWholeSequenceOf(spec, outputs[output]);
}

namespace {

/// A step's tensors, from the model's parameters and buffers.
Compiled compile(const InferenceStep& step, Model& model)
{
    auto& module = *model.impl().module;
    const auto param = [&](const std::string& name) -> torch::Tensor {
        const auto* p = module.named_parameters().find(name);
        return p ? p->detach() : torch::Tensor();
    };
    Compiled c;
    c.step = step;
    switch (step.kind) {
    case InferenceStep::Kind::Conv:
        c.weight = param(step.layer + ".weight").unsqueeze(2);
        c.bias = param(step.layer + ".bias");
        break;
    case InferenceStep::Kind::AvgPool:
        c.weight = torch::full({step.channels > 0 ? step.channels : 1, 1, 1, step.kernel},
                               1.0 / static_cast<double>(step.kernel));
        break;
    case InferenceStep::Kind::FlattenDense: {
        // Keras flattens (length, channels): feature l * C + c.
        const torch::Tensor w = param(step.layer + ".weight"); // (U, L * C)
        c.weight = w.reshape({w.size(0), step.kernel, step.channels})
                       .permute({0, 2, 1})
                       .unsqueeze(2)
                       .contiguous();
        c.bias = param(step.layer + ".bias");
        if (w.size(0) <= 4) // (U, L, C) -> (U * L, C, 1, 1): output channel u * L + l
            c.projection = w.reshape({w.size(0) * step.kernel, step.channels, 1, 1}).contiguous();
        break;
    }
    case InferenceStep::Kind::PointwiseDense: {
        const torch::Tensor w = param(step.layer + ".weight"); // (U, C)
        c.weight = w.unsqueeze(2).unsqueeze(3);
        c.bias = param(step.layer + ".bias");
        break;
    }
    case InferenceStep::Kind::BatchNorm: {
        const LayerSpec& l =
            model.spec().layers[static_cast<std::size_t>(model.spec().indexOf(step.layer))];
        const double eps = layers::argument(*layers::find(l.type), l.args, "epsilon").get<double>();
        auto buffers = module.named_buffers();
        const torch::Tensor mean = buffers[step.layer + ".running_mean"];
        const torch::Tensor var = buffers[step.layer + ".running_var"];
        c.scale = param(step.layer + ".weight") / torch::sqrt(var + eps);
        c.shift = param(step.layer + ".bias") - mean * c.scale;
        c.scale = c.scale.reshape({1, -1, 1, 1});
        c.shift = c.shift.reshape({1, -1, 1, 1});
        break;
    }
    default:
        break;
    }
    return c;
}

std::vector<Compiled> compileAll(const std::vector<InferenceStep>& steps, Model& model)
{
    std::vector<Compiled> out;
    for (const auto& step : steps)
        out.push_back(compile(step, model));
    return out;
}

/// Maps of (batch, C, 1, L) with strided layers' phases moved to the batch axis, so every
/// layer runs as a plain (undilated) convolution or pooling, which oneDNN runs fastest:
/// position i = s * q + r of a map becomes position q of phase r.
struct Maps {
    torch::Tensor x;
    std::vector<std::int64_t> splits;
    std::int64_t phaseStride = 1; // product of the splits so far
};

/// Flatten + Dense with few outputs: every position projected onto each tap as one matrix
/// product (C -> taps x outputs channels), then the taps added along the diagonal. A
/// convolution with one output channel would leave oneDNN idle.
torch::Tensor projectTaps(const Compiled& c, const torch::Tensor& x, const torch::Device& device)
{
    const torch::Tensor z = F::conv2d(x, c.projection.to(device)); // (B, U*taps, 1, L)
    const std::int64_t taps = c.step.kernel;
    const std::int64_t q = z.size(3) - (taps - 1);
    const torch::Tensor zz = z.view({z.size(0), z.size(1) / taps, taps, z.size(3)});
    torch::Tensor sum = zz.select(2, 0).slice(2, 0, q).clone();
    for (std::int64_t l = 1; l < taps; ++l)
        sum.add_(zz.select(2, l).slice(2, l, l + q));
    if (c.bias.defined())
        sum.add_(c.bias.to(device).view({1, -1, 1}));
    return nn::activate(sum.unsqueeze(2), c.step.activation, true);
}

torch::Tensor applyStep(const Compiled& c, const torch::Tensor& x, std::int64_t phaseStride,
                        const torch::Device& device)
{
    const InferenceStep& s = c.step;
    switch (s.kind) {
    case InferenceStep::Kind::FlattenDense:
        if (c.projection.defined())
            return projectTaps(c, x, device);
        [[fallthrough]];
    case InferenceStep::Kind::Conv:
    case InferenceStep::Kind::PointwiseDense: {
        auto opts = F::Conv2dFuncOptions().dilation(
            {1, std::max<std::int64_t>(1, s.dilation / phaseStride)});
        if (c.bias.defined())
            opts = opts.bias(c.bias.to(device));
        return nn::activate(F::conv2d(x, c.weight.to(device), opts), s.activation, true);
    }
    case InferenceStep::Kind::MaxPool: {
        // Stride-1 max over k neighbours as k - 1 elementwise maxima of shifted views: one
        // streaming pass each, faster than max_pool2d's indexed kernel here.
        const std::int64_t q = x.size(3) - (s.kernel - 1);
        torch::Tensor m = x.slice(3, 0, q);
        for (std::int64_t k = 1; k < s.kernel; ++k)
            m = torch::maximum(m, x.slice(3, k, k + q));
        return m;
    }
    case InferenceStep::Kind::AvgPool:
        return F::avg_pool2d(x, F::AvgPool2dFuncOptions({1, s.kernel}).stride({1, 1}));
    case InferenceStep::Kind::Activation:
        return nn::activate(x, s.activation, true);
    case InferenceStep::Kind::BatchNorm:
        return x * c.scale.to(device) + c.shift.to(device);
    case InferenceStep::Kind::Identity:
        break;
    }
    return x;
}

/// A strided layer's phases moved to the batch axis.
void splitPhases(Maps& m, std::int64_t stride)
{
    torch::Tensor& x = m.x;
    const std::int64_t length = x.size(3);
    const std::int64_t padded = (length + stride - 1) / stride * stride;
    if (padded != length)
        x = F::pad(x, F::PadFuncOptions({0, padded - length}));
    x = x.reshape({x.size(0), x.size(1), 1, padded / stride, stride})
            .permute({0, 4, 1, 2, 3})
            .reshape({x.size(0) * stride, x.size(1), 1, padded / stride});
    m.splits.push_back(stride);
    m.phaseStride *= stride;
}

void runSteps(const std::vector<Compiled>& steps, Maps& m, const torch::Device& device)
{
    for (const Compiled& c : steps) {
        m.x = applyStep(c, m.x, m.phaseStride, device);
        if (c.step.stride > 1)
            splitPhases(m, c.step.stride);
    }
}

/// The phase splits undone: (pieces * s1 * ... * sk, U, 1, Q) -> (pieces, U, Q * D), where
/// position i = D q + r1 + s1 r2 + s1 s2 r3 + ...
torch::Tensor joinPhases(const Maps& m, std::int64_t pieces)
{
    std::vector<std::int64_t> view = {pieces};
    view.insert(view.end(), m.splits.begin(), m.splits.end());
    view.push_back(m.x.size(1));
    view.push_back(m.x.size(3));
    const auto k = static_cast<std::int64_t>(m.splits.size());
    std::vector<std::int64_t> order = {0, k + 1, k + 2};
    for (std::int64_t j = k; j >= 1; --j)
        order.push_back(j);
    return m.x.reshape(view).permute(order).reshape({pieces, m.x.size(1), -1});
}

} // namespace

struct WholeSequenceRunner::Impl {
    std::vector<Compiled> steps;
    std::vector<std::vector<Compiled>> heads;
    torch::Tensor order; // the joined output's values among the heads'; undefined: in order

    /// The plan's values for one batch of pieces: (pieces, U, piece).
    [[nodiscard]] torch::Tensor network(torch::Tensor x, std::int64_t pieces, std::int64_t piece,
                                        const torch::Device& device) const
    {
        Maps trunk{std::move(x), {}, 1};
        runSteps(steps, trunk, device);
        if (heads.empty())
            return joinPhases(trunk, pieces).slice(2, 0, piece);
        std::vector<torch::Tensor> values;
        for (const auto& head : heads) {
            Maps m = trunk;
            runSteps(head, m, device);
            values.push_back(joinPhases(m, pieces).slice(2, 0, piece));
        }
        return torch::cat(values, 1).index_select(1, order.to(device));
    }
};

WholeSequenceRunner::WholeSequenceRunner(Model& model, WholeSequencePlan plan, bool bf16)
    : m_model(model)
    , m_plan(std::move(plan))
    , m_bf16(bf16)
    , d(std::make_unique<Impl>())
{
    if (!m_plan.possible)
        throw Error("whole-sequence inference is not possible: " + m_plan.reason);
    d->steps = compileAll(m_plan.steps, model);
    std::vector<Compiled> all = d->steps;
    for (const auto& head : m_plan.heads) {
        d->heads.push_back(compileAll(head, model));
        all.insert(all.end(), d->heads.back().begin(), d->heads.back().end());
    }
    if (!m_plan.heads.empty())
        d->order = torch::tensor(m_plan.order, torch::kLong);
    chunk = chunkFor(model.impl().device, all);
}

WholeSequenceRunner::~WholeSequenceRunner() = default;

namespace {

/// The one-hot input of `pieces` pieces of `length` bases from `from`, channels first: (pieces,
/// 4, 1, length). A short last piece leaves zeros (N) beyond the sequence; those outputs are
/// dropped.
std::vector<float> oneHotPieces(const std::uint8_t* codes, std::int64_t n, std::int64_t from,
                                std::int64_t pieces, std::int64_t piece, std::int64_t length)
{
    std::vector<float> onehot(static_cast<std::size_t>(pieces * 4 * length), 0.0F);
    std::vector<float> part;
    for (std::int64_t p = 0; p < pieces; ++p) {
        const std::int64_t at = from + p * piece;
        const std::int64_t available = std::min(length, n - at);
        part.assign(static_cast<std::size_t>(4 * available), 0.0F);
        writeOneHot(codes + at, available, false, /*alphabetFirst=*/true, part.data());
        for (int k = 0; k < 4; ++k)
            std::copy(part.begin() + k * available, part.begin() + (k + 1) * available,
                      onehot.begin() + (p * 4 + k) * length);
    }
    return onehot;
}

} // namespace

void WholeSequenceRunner::run(const std::uint8_t* codes, std::int64_t n, std::int64_t first,
                              std::int64_t count, float* out) const
{
    if (count <= 0)
        return;
    if (first < 0 || first + count - 1 + m_plan.window > n)
        throw Error("whole-sequence inference: windows " + std::to_string(first) + ".." +
                    std::to_string(first + count - 1) + " do not fit a sequence of " +
                    std::to_string(n));
    torch::NoGradGuard noGrad;
    const torch::Device device = m_model.impl().device;
    const std::int64_t outputs = m_plan.outputs;
    // Each chunk is cut into pieces that run as one batch: LibTorch spreads a batch over every
    // core, where one long sequence would keep a single core busy.
    const std::int64_t piece = std::min<std::int64_t>(1 << 14, chunk);
    for (std::int64_t a = first; a < first + count; a += chunk) {
        const std::int64_t starts = std::min(chunk, first + count - a);
        const std::int64_t pieces = (starts + piece - 1) / piece;
        const std::int64_t length = piece - 1 + m_plan.span;
        std::vector<float> onehot = oneHotPieces(codes, n, a, pieces, piece, length);
        torch::Tensor x =
            torch::from_blob(onehot.data(), {pieces, 4, 1, length}, torch::kFloat).to(device);
        torch::Tensor values;
        {
            const AutocastScope autocast(m_bf16, device.is_cuda()); // the copy out is fp32
            values = d->network(std::move(x), pieces, piece, device);
        }
        // (pieces, U, piece) -> (pieces * piece, U), the first `starts` rows kept.
        const torch::Tensor y = values.to(torch::kFloat)
                                    .permute({0, 2, 1})
                                    .reshape({pieces * piece, outputs})
                                    .cpu()
                                    .contiguous();
        std::memcpy(out + (a - first) * outputs, y.data_ptr<float>(),
                    sizeof(float) * static_cast<std::size_t>(starts * outputs));
    }
}

} // namespace kdna
