#include "core/eval/whole_sequence.h"

#include "core/data/dataset.h"
#include "core/model/autocast.h"
#include "core/model/layer_registry.h"
#include "core/model/torch_model.h"
#include "core/util/error.h"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <optional>
#include <set>
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

WholeSequencePlan planWholeSequenceFor(const ModelSpec& input, std::size_t output)
{
    ModelSpec spec = input;
    spec.normalize(); // every layer named, with its inputs
    const auto outputs = spec.outputNames();
    if (output >= outputs.size())
        return planWholeSequence(spec);
    const auto layer = [&](const std::string& name) -> const LayerSpec& {
        return spec.layers[static_cast<std::size_t>(spec.indexOf(name))];
    };
    std::string last = outputs[output];
    while (layer(last).type == "Reshape" && layer(last).inputs.size() == 1)
        last = layer(last).inputs.front();
    std::set<std::string> needed;
    std::vector<std::string> pending = {last};
    while (!pending.empty()) {
        const std::string name = pending.back();
        pending.pop_back();
        if (needed.insert(name).second)
            for (const auto& in : layer(name).inputs)
                pending.push_back(in);
    }
    ModelSpec head = spec;
    std::erase_if(head.layers, [&](const LayerSpec& l) { return needed.count(l.name) == 0; });
    head.outputs = {last};
    return planWholeSequence(head);
}

struct WholeSequenceRunner::Impl {
    std::vector<Compiled> steps;
};

WholeSequenceRunner::WholeSequenceRunner(Model& model, WholeSequencePlan plan, bool bf16)
    : m_model(model)
    , m_plan(std::move(plan))
    , m_bf16(bf16)
    , d(std::make_unique<Impl>())
{
    if (!m_plan.possible)
        throw Error("whole-sequence inference is not possible: " + m_plan.reason);
    auto params = model.impl().module->named_parameters();
    auto buffers = model.impl().module->named_buffers();
    auto param = [&](const std::string& name) -> torch::Tensor {
        const auto* p = params.find(name);
        return p ? p->detach() : torch::Tensor();
    };
    for (const auto& step : m_plan.steps) {
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
                c.projection =
                    w.reshape({w.size(0) * step.kernel, step.channels, 1, 1}).contiguous();
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
            const double eps =
                layers::argument(*layers::find(l.type), l.args, "epsilon").get<double>();
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
        d->steps.push_back(std::move(c));
    }
    chunk = chunkFor(model.impl().device, d->steps);
}

WholeSequenceRunner::~WholeSequenceRunner() = default;

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
    std::vector<float> onehot;
    for (std::int64_t a = first; a < first + count; a += chunk) {
        const std::int64_t starts = std::min(chunk, first + count - a);
        const std::int64_t pieces = (starts + piece - 1) / piece;
        const std::int64_t length = piece - 1 + m_plan.span;
        onehot.assign(static_cast<std::size_t>(pieces * 4 * length), 0.0F);
        for (std::int64_t p = 0; p < pieces; ++p) {
            const std::int64_t from = a + p * piece;
            const std::int64_t available = std::min(length, n - from);
            // A short last piece leaves zeros (N) beyond the sequence; those outputs are dropped.
            std::vector<float> part(static_cast<std::size_t>(4 * available));
            writeOneHot(codes + from, available, false, /*alphabetFirst=*/true, part.data());
            for (int k = 0; k < 4; ++k)
                std::copy(part.begin() + k * available, part.begin() + (k + 1) * available,
                          onehot.begin() + (p * 4 + k) * length);
        }
        torch::Tensor x =
            torch::from_blob(onehot.data(), {pieces, 4, 1, length}, torch::kFloat).to(device);
        std::optional<AutocastScope> autocast(std::in_place, m_bf16, device.is_cuda());
        // Strided layers split the map into phases moved to the batch axis, so every layer
        // runs as a plain (undilated) convolution or pooling, which oneDNN runs fastest:
        // position i = s * q + r of a map becomes position q of phase r.
        std::vector<std::int64_t> splits;
        std::int64_t phaseStride = 1; // product of the splits so far
        for (const Compiled& c : d->steps) {
            const InferenceStep& s = c.step;
            switch (s.kind) {
            case InferenceStep::Kind::FlattenDense:
                if (c.projection.defined()) {
                    // Few outputs: project every position onto each tap as one matrix product
                    // (C -> taps x outputs channels), then add the taps along the diagonal.
                    // A convolution with one output channel would leave oneDNN idle.
                    const torch::Tensor z =
                        F::conv2d(x, c.projection.to(device)); // (B, U*taps, 1, L)
                    const std::int64_t taps = s.kernel;
                    const std::int64_t q = z.size(3) - (taps - 1);
                    const torch::Tensor zz = z.view({z.size(0), outputs, taps, z.size(3)});
                    torch::Tensor sum = zz.select(2, 0).slice(2, 0, q).clone();
                    for (std::int64_t l = 1; l < taps; ++l)
                        sum.add_(zz.select(2, l).slice(2, l, l + q));
                    if (c.bias.defined())
                        sum.add_(c.bias.to(device).view({1, -1, 1}));
                    x = nn::activate(sum.unsqueeze(2), s.activation, true);
                    break;
                }
                [[fallthrough]];
            case InferenceStep::Kind::Conv:
            case InferenceStep::Kind::PointwiseDense: {
                auto opts = F::Conv2dFuncOptions().dilation(
                    {1, std::max<std::int64_t>(1, s.dilation / phaseStride)});
                if (c.bias.defined())
                    opts = opts.bias(c.bias.to(device));
                x = nn::activate(F::conv2d(x, c.weight.to(device), opts), s.activation, true);
                break;
            }
            case InferenceStep::Kind::MaxPool: {
                // Stride-1 max over k neighbours as k - 1 elementwise maxima of shifted views:
                // one streaming pass each, faster than max_pool2d's indexed kernel here.
                const std::int64_t q = x.size(3) - (s.kernel - 1);
                torch::Tensor m = x.slice(3, 0, q);
                for (std::int64_t k = 1; k < s.kernel; ++k)
                    m = torch::maximum(m, x.slice(3, k, k + q));
                x = m;
                break;
            }
            case InferenceStep::Kind::AvgPool:
                x = F::avg_pool2d(x, F::AvgPool2dFuncOptions({1, s.kernel}).stride({1, 1}));
                break;
            case InferenceStep::Kind::Activation:
                x = nn::activate(x, s.activation, true);
                break;
            case InferenceStep::Kind::BatchNorm:
                x = x * c.scale.to(device) + c.shift.to(device);
                break;
            case InferenceStep::Kind::Identity:
                break;
            }
            if (s.stride > 1) {
                const std::int64_t length = x.size(3);
                const std::int64_t padded = (length + s.stride - 1) / s.stride * s.stride;
                if (padded != length)
                    x = F::pad(x, F::PadFuncOptions({0, padded - length}));
                x = x.reshape({x.size(0), x.size(1), 1, padded / s.stride, s.stride})
                        .permute({0, 4, 1, 2, 3})
                        .reshape({x.size(0) * s.stride, x.size(1), 1, padded / s.stride});
                splits.push_back(s.stride);
                phaseStride *= s.stride;
            }
        }
        // Undo the phase splits: (pieces * s1 * ... * sk, U, 1, Q) -> (pieces, U, Q * D), where
        // position i = D q + r1 + s1 r2 + s1 s2 r3 + ...
        {
            std::vector<std::int64_t> view = {pieces};
            view.insert(view.end(), splits.begin(), splits.end());
            view.push_back(outputs);
            view.push_back(x.size(3));
            const auto k = static_cast<std::int64_t>(splits.size());
            std::vector<std::int64_t> order = {0, k + 1, k + 2};
            for (std::int64_t j = k; j >= 1; --j)
                order.push_back(j);
            x = x.reshape(view).permute(order).reshape({pieces, outputs, 1, -1});
        }
        autocast.reset(); // only the network runs in bf16; the copy out is fp32
        // (pieces, U, 1, piece) -> (pieces * piece, U), the first `starts` rows kept.
        const torch::Tensor y = x.to(torch::kFloat)
                                    .squeeze(2)
                                    .slice(2, 0, piece)
                                    .permute({0, 2, 1})
                                    .reshape({pieces * piece, outputs})
                                    .cpu()
                                    .contiguous();
        std::memcpy(out + (a - first) * outputs, y.data_ptr<float>(),
                    sizeof(float) * static_cast<std::size_t>(starts * outputs));
    }
}

} // namespace kdna
