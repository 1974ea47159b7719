// Fast in-silico mutagenesis: one substitution changes only a narrow slice of each layer's
// map, so each mutant recomputes that slice from the reference maps around it.
//
// Every map is channels first, (rows, channels, positions), at the window's own resolution
// (strides applied, as the window-by-window model runs). A mutant's state after a layer is a
// slice: its first position and the values of a fixed number of positions from there, the
// same number for every mutant of the layer, moved inside the map at the edges. The slice
// always covers every position the substitution changes, so the values outside it are the
// reference's, and a layer's slice is computed from the reference input with the previous
// slice written over it.
//
// A convolution of stride 1 is linear before its activation, so its slice is the reference's
// value before the activation plus the convolution of the input's change alone. That change
// spans only the previous slice (a few positions, where the recomputed slice reads the whole
// kernel's reach around them), and its convolution is one matrix product per batch with a
// banded matrix made once from the kernel: about width / kernel_size of the recomputation's
// multiply-adds (0.3 on the tutorial's last convolution), in a product shape BLAS runs
// near its peak, where a convolution over a few dozen positions does not.

#include "core/eval/whole_sequence.h"
#include "core/genome/sequence.h"
#include "core/interpret/batches.h"
#include "core/interpret/ism.h"
#include "core/model/layer_registry.h"
#include "core/model/model.h"
#include "core/model/torch_model.h"
#include "core/util/error.h"

#include <algorithm>
#include <cstring>
#include <numeric>
#include <optional>

namespace kdna::interpret {
namespace F = torch::nn::functional;
using Kind = InferenceStep::Kind;

namespace {

/// Floats in the largest map a batch of mutants makes (16 MB, as WholeSequenceRunner keeps).
constexpr std::int64_t kBatchFloats = std::int64_t{4} << 20;

/// One layer as the window sees it.
struct Op {
    Kind kind = Kind::Identity;
    std::int64_t kernel = 1, dilation = 1, stride = 1;
    std::int64_t inLength = 0, outLength = 0; ///< map lengths (sliding kinds)
    std::int64_t inChannels = 0;
    std::int64_t inWidth = 1; ///< positions of the slice this layer receives
    std::int64_t width = 1;   ///< positions of a mutant's slice after this layer
    std::int64_t window = 1;  ///< input positions that slice reads
    torch::Tensor weight, bias, scale, shift;
    /// A convolution served by changes: (C_in * inWidth, C_out * (inWidth + reach)), the
    /// input change's positions and channels to the output change's (see the file's head).
    torch::Tensor change;
    std::string activation = "linear";

    [[nodiscard]] bool slides() const
    {
        return kind == Kind::Conv || kind == Kind::MaxPool || kind == Kind::AvgPool;
    }
    [[nodiscard]] std::int64_t reach() const { return (kernel - 1) * dilation; }

    /// A convolution's value before its activation.
    [[nodiscard]] torch::Tensor convolve(const torch::Tensor& x) const
    {
        auto o = F::Conv1dFuncOptions().stride(stride).dilation(dilation);
        if (bias.defined())
            o = o.bias(bias);
        return F::conv1d(x, weight, o);
    }

    [[nodiscard]] torch::Tensor apply(const torch::Tensor& x) const
    {
        switch (kind) {
        case Kind::Conv:
        case Kind::PointwiseDense:
            return nn::activate(convolve(x), activation, true);
        case Kind::MaxPool:
            return F::max_pool1d(x, F::MaxPool1dFuncOptions(kernel).stride(stride));
        case Kind::AvgPool:
            return F::avg_pool1d(x, F::AvgPool1dFuncOptions(kernel).stride(stride));
        case Kind::Activation:
            return nn::activate(x, activation, true);
        case Kind::BatchNorm:
            return x * scale + shift;
        default:
            return x;
        }
    }
};

/// One output's layers: the trunk up to Flatten, the Dense after it, the layers after that.
struct Head {
    std::size_t output = 0;
    std::vector<Op> trunk;
    torch::Tensor dense; ///< (N, C, U): Keras flattens (length, channels), feature n * C + c
    torch::Tensor denseBias;
    std::string denseActivation = "linear";
    std::vector<Op> tail;       ///< on (rows, U, 1)
    std::int64_t rowFloats = 1; ///< floats per mutant in the widest map it makes
    /// The trunk's strides multiplied: mutants whose positions are equal modulo the period
    /// meet every layer at the same offset from its sliding grid (edges aside).
    std::int64_t period = 1;
    std::int64_t windowFloats = 0; ///< floats in one window's reference maps
};

/// The reference maps of one window, whose every mutant gathers its slices from them, or of
/// W windows each with one mutant (a batch of variants): maps[0] the input, maps[l + 1] after
/// trunk layer l, each (W, C, N).
struct Reference {
    std::vector<torch::Tensor> maps;
    /// Per trunk layer served by changes, its map before the activation (undefined for the
    /// others).
    std::vector<torch::Tensor> pres;
    /// One window: maps and pres positions first, (N + 1, C), for gathering slices (see
    /// gatherSlices); empty when each mutant has a window of its own.
    std::vector<torch::Tensor> byPosition;
    std::vector<torch::Tensor> preByPosition;
    torch::Tensor pre; ///< (W, U) the Dense's value before its activation
    torch::Tensor out; ///< (W, V)

    [[nodiscard]] bool windowPerMutant() const { return byPosition.empty(); }
};

torch::Tensor parameter(Model& model, const std::string& name)
{
    auto params = model.impl().module->named_parameters();
    const auto* p = params.find(name);
    return p ? p->detach() : torch::Tensor();
}

/// Batch normalisation as a scale and a shift per channel, from the running statistics.
void foldBatchNorm(Model& model, const std::string& layer, Op& op)
{
    const LayerSpec& l = model.spec().layers[static_cast<std::size_t>(model.spec().indexOf(layer))];
    const double eps = layers::argument(*layers::find(l.type), l.args, "epsilon").get<double>();
    auto buffers = model.impl().module->named_buffers();
    const torch::Tensor mean = buffers[layer + ".running_mean"].detach();
    const torch::Tensor var = buffers[layer + ".running_var"].detach();
    const torch::Tensor scale = parameter(model, layer + ".weight") / torch::sqrt(var + eps);
    op.shift = (parameter(model, layer + ".bias") - mean * scale).reshape({1, -1, 1});
    op.scale = scale.reshape({1, -1, 1});
}

/// A trunk layer's slice sizes, from the slice it receives (`width` positions).
void sizeSlice(Op& op, std::int64_t& length, std::int64_t& width)
{
    op.inLength = length;
    op.inWidth = width;
    op.outLength = (length - op.reach() - 1) / op.stride + 1;
    // The outputs that read a slice of `width` positions: at most this many, wherever it is.
    op.width = std::min(op.outLength, (width - 1 + op.reach()) / op.stride + 1);
    op.window = (op.width - 1) * op.stride + op.reach() + 1;
    length = op.outLength;
    width = op.width;
}

/// The Op of a plan step other than the Flatten + Dense.
Op opOf(Model& model, const InferenceStep& step, std::int64_t strideSoFar)
{
    Op op;
    op.kind = step.kind;
    op.activation = step.activation;
    op.kernel = step.kernel;
    op.stride = step.stride;
    switch (step.kind) {
    case Kind::Conv: // the plan's dilation includes the strides before the layer
        op.dilation = step.dilation / strideSoFar;
        op.weight = parameter(model, step.layer + ".weight");
        op.bias = parameter(model, step.layer + ".bias");
        break;
    case Kind::PointwiseDense:
        op.weight = parameter(model, step.layer + ".weight").unsqueeze(2);
        op.bias = parameter(model, step.layer + ".bias");
        break;
    case Kind::BatchNorm:
        foldBatchNorm(model, step.layer, op);
        break;
    default:
        break;
    }
    return op;
}

/// Floats a convolution's change matrix may hold (16 MB); a wider layer is recomputed.
constexpr std::int64_t kChangeFloats = std::int64_t{4} << 20;

/// The change matrix of a sized convolution (Op::change), when serving it by changes costs
/// no more multiply-adds than recomputing its slice and the matrix fits kChangeFloats.
torch::Tensor changeMatrix(const Op& op)
{
    if (op.kind != Kind::Conv || op.stride != 1)
        return {};
    const std::int64_t cin = op.weight.size(1), cout = op.weight.size(0);
    const std::int64_t w = op.inWidth, span = op.inWidth + op.reach();
    if (w * span > op.kernel * op.width || cin * w * cout * span > kChangeFloats)
        return {};
    // An input change at slice position j reaches output j + dilation * k' (counted from the
    // first output that reads the slice) through tap kernel - 1 - k'.
    auto m = torch::zeros({cin, w, cout, span}, op.weight.options());
    for (std::int64_t j = 0; j < w; ++j)
        for (std::int64_t k = 0; k < op.kernel; ++k)
            m.select(1, j).select(2, j + op.dilation * k) =
                op.weight.select(2, op.kernel - 1 - k).t();
    return m.reshape({cin * w, cout * span});
}

/// The head for one output's plan; `reason` says why not when the plan cannot be sliced.
std::optional<Head> headOf(Model& model, const WholeSequencePlan& plan, std::size_t output,
                           std::string& reason)
{
    Head h;
    h.output = output;
    std::int64_t length = plan.window, width = 1, channels = 4, strides = 1;
    h.windowFloats = 4 * length;
    bool flattened = false;
    for (const InferenceStep& step : plan.steps) {
        if (step.kind == Kind::FlattenDense) {
            if (step.kernel != length) {
                reason = "internal: the plan's Flatten reads " + std::to_string(step.kernel) +
                         " positions, the window's map has " + std::to_string(length);
                return std::nullopt;
            }
            const torch::Tensor w = parameter(model, step.layer + ".weight"); // (U, N * C)
            h.dense = w.reshape({w.size(0), length, step.channels}).permute({1, 2, 0}).contiguous();
            h.denseBias = parameter(model, step.layer + ".bias");
            h.denseActivation = step.activation;
            h.rowFloats = std::max(h.rowFloats, width * step.channels * w.size(0));
            flattened = true;
            continue;
        }
        Op op = opOf(model, step, strides);
        if (flattened) {
            h.tail.push_back(std::move(op));
            continue;
        }
        op.inChannels = channels;
        if (op.slides()) {
            sizeSlice(op, length, width);
            strides *= op.stride;
            h.rowFloats = std::max(h.rowFloats, channels * (op.window + 1));
            op.change = changeMatrix(op);
        }
        if (op.weight.defined())
            channels = op.weight.size(0);
        if (op.change.defined()) // the change and its copy padded for the slice's gather
            h.rowFloats =
                std::max(h.rowFloats, 2 * channels * (op.inWidth + op.reach() + 2 * width));
        h.rowFloats = std::max(h.rowFloats, channels * width);
        h.windowFloats += channels * length * (op.change.defined() ? 2 : 1);
        h.trunk.push_back(std::move(op));
    }
    if (!flattened) {
        reason = "internal: the plan has no Flatten + Dense";
        return std::nullopt;
    }
    h.period = strides;
    return h;
}

/// The Dense's activation and the layers after it, from its value before the activation.
torch::Tensor finish(const Head& h, const torch::Tensor& pre)
{
    torch::Tensor y = nn::activate(pre, h.denseActivation, true).unsqueeze(2);
    for (const Op& op : h.tail)
        y = op.apply(y);
    return y.reshape({y.size(0), -1});
}

/// A (1, C, N) map with its positions first, (N + 1, C), for gathering slices: the last
/// position is a spare of zeros (see gatherSlices).
torch::Tensor positionsFirst(const torch::Tensor& map)
{
    return F::pad(map, F::PadFuncOptions({0, 1})).squeeze(0).t().contiguous();
}

/// The reference maps of `input` (W, 4, L): one window whose mutants share them, or with
/// `windowPerMutant` W windows, mutant b gathering from window b.
Reference referenceOf(const Head& h, const torch::Tensor& input, bool windowPerMutant = false)
{
    Reference r;
    r.maps.push_back(input);
    for (const Op& op : h.trunk) {
        if (!op.change.defined()) {
            r.pres.emplace_back();
            r.maps.push_back(op.apply(r.maps.back()));
            continue;
        }
        r.pres.push_back(op.convolve(r.maps.back()));
        r.maps.push_back(nn::activate(r.pres.back(), op.activation, true));
    }
    if (!windowPerMutant) {
        for (const auto& m : r.maps)
            r.byPosition.push_back(positionsFirst(m));
        for (const auto& p : r.pres)
            r.preByPosition.push_back(p.defined() ? positionsFirst(p) : p);
    }
    const torch::Tensor& last = r.maps.back(); // (W, C, N)
    const torch::Tensor flat = last.permute({0, 2, 1}).reshape({last.size(0), -1});
    r.pre = flat.matmul(h.dense.reshape({flat.size(1), -1}));
    if (h.denseBias.defined())
        r.pre = r.pre + h.denseBias;
    r.out = finish(h, r.pre);
    return r;
}

/// `map`'s positions first[b] .. first[b] + count - 1 for each row b, channels first:
/// (rows, C, count), plus with `spare` one position more at the end, a bin for the values a
/// patch drops. `map` is held positions first (positionsFirst), so that its windows of
/// positions are a view whose gather is the one copy, already in the slices' layout.
torch::Tensor gatherSlices(const torch::Tensor& map, const torch::Tensor& first, std::int64_t count,
                           bool spare = false)
{
    return map.unfold(0, count + (spare ? 1 : 0), 1).index_select(0, first);
}

/// The offset every row of `offset` holds, when they all hold the same (as a batch of
/// mutants of one position class does away from the window's edges).
std::optional<std::int64_t> sharedOffset(const torch::Tensor& offset)
{
    const auto [low, high] = torch::aminmax(offset);
    const auto value = low.item<std::int64_t>();
    if (value != high.item<std::int64_t>())
        return std::nullopt;
    return value;
}

/// Which reference map a slice is gathered from for trunk layer l: its input (maps[l]; l =
/// the trunk's size for its output) or its value before the activation (pres[l]).
enum class Stage { Input, BeforeActivation };

/// The slices of the reference's `stage` map of layer `l`, as gatherSlices gives them: a
/// copy, which the caller may write over.
torch::Tensor slicesOf(const Reference& r, Stage stage, std::size_t l, const torch::Tensor& first,
                       std::int64_t count, bool spare = false)
{
    if (!r.windowPerMutant())
        return gatherSlices(stage == Stage::Input ? r.byPosition[l] : r.preByPosition[l], first,
                            count, spare);
    torch::Tensor map = stage == Stage::Input ? r.maps[l] : r.pres[l]; // (rows, C, N)
    if (spare)
        map = F::pad(map, F::PadFuncOptions({0, 1}));
    const std::int64_t k = count + (spare ? 1 : 0);
    if (const auto s = sharedOffset(first)) // variants: every window's allele at its centre
        return map.narrow(2, *s, k).clone(torch::MemoryFormat::Contiguous);
    return map.unfold(2, k, 1).index(
        {torch::arange(first.size(0), first.options()), torch::indexing::Slice(), first});
}

/// Writes slice values `p` (rows, C, w), which start at `offset[b]` positions into `x`'s
/// first `count` positions, over x; positions outside go to the spare one.
void patch(torch::Tensor& x, const torch::Tensor& p, const torch::Tensor& offset,
           std::int64_t count)
{
    auto pos = offset.unsqueeze(1) + torch::arange(p.size(2), offset.options());
    pos = torch::where((pos >= 0).logical_and(pos < count), pos, torch::full_like(pos, count));
    x.scatter_(2, pos.unsqueeze(1).expand({p.size(0), p.size(1), p.size(2)}), p);
}

/// Units from which the Dense's change is a batched matrix product; below, torch's CPU bmm
/// runs one tiny product per mutant and a multiply-and-sum over the same weights is faster.
constexpr std::int64_t kBmmUnits = 32;

/// The Dense's change, W · (mutant slice - reference slice), for slices (rows, C, w) that
/// start at `first`; in parts so the gathered weights stay near kBatchFloats.
torch::Tensor denseChange(const Head& h, const torch::Tensor& diff, const torch::Tensor& first)
{
    const std::int64_t rows = diff.size(0), C = diff.size(1), w = diff.size(2);
    const std::int64_t U = h.dense.size(2);
    const std::int64_t part = std::max<std::int64_t>(1, kBatchFloats / (w * C * U));
    std::vector<torch::Tensor> parts;
    for (std::int64_t a = 0; a < rows; a += part) {
        const std::int64_t n = std::min(part, rows - a);
        const auto idx =
            first.slice(0, a, a + n).unsqueeze(1) + torch::arange(w, first.options()); // (n, w)
        const auto weights = h.dense.index_select(0, idx.reshape({-1})).view({n, w * C, U});
        const auto d = diff.slice(0, a, a + n).permute({0, 2, 1}).reshape({n, 1, w * C});
        parts.push_back(U >= kBmmUnits ? torch::bmm(d, weights).squeeze(1)
                                       : (d.transpose(1, 2) * weights).sum(1));
    }
    return torch::cat(parts);
}

/// Trunk layer `l`, a convolution served by changes, on the slice `p` (rows, C_in, inWidth)
/// starting at `start`: the slice after the layer, whose first position goes to `start`.
torch::Tensor convolveChange(const Op& op, const Reference& ref, std::size_t l,
                             const torch::Tensor& p, torch::Tensor& start)
{
    const std::int64_t rows = p.size(0), w = op.inWidth, span = w + op.reach();
    const torch::Tensor in = p - slicesOf(ref, Stage::Input, l, start, w);
    const torch::Tensor change =
        in.reshape({rows, -1}).matmul(op.change).view({rows, -1, span}); // (rows, C_out, span)
    // The slice moved inside the map at its edges reads columns before or past the change,
    // where nothing changed: zeros, from padding of the slice's width on either side.
    const auto reached = start - op.reach();
    const auto o = reached.clamp(0, op.outLength - op.width);
    const auto shift = sharedOffset(o - reached);
    torch::Tensor moved;
    if (shift && *shift >= 0 && *shift + op.width <= span) {
        moved = change.narrow(2, *shift, op.width);
    } else { // rows moved differently at the edges: rare, so a copy
        const auto columns = (o - reached + op.width).unsqueeze(1) +
                             torch::arange(op.width, start.options()); // (rows, width)
        moved = F::pad(change, F::PadFuncOptions({op.width, op.width}))
                    .gather(2, columns.unsqueeze(1).expand({rows, change.size(1), op.width}));
    }
    start = o;
    return nn::activate(slicesOf(ref, Stage::BeforeActivation, l, o, op.width) + moved,
                        op.activation, true);
}

/// The head's outputs (rows, V) for mutants putting one-hot `values` (rows, 4, 1) at `pos`.
torch::Tensor mutantOutputs(const Head& h, const Reference& ref, const torch::Tensor& pos,
                            const torch::Tensor& values)
{
    torch::Tensor start = pos, p = values;
    for (std::size_t l = 0; l < h.trunk.size(); ++l) {
        const Op& op = h.trunk[l];
        if (!op.slides()) {
            p = op.apply(p);
            continue;
        }
        if (op.change.defined()) {
            p = convolveChange(op, ref, l, p, start);
            continue;
        }
        // The first output that reads the slice, moved so the slice fits the map.
        const auto first = torch::div(start - op.reach() + op.stride - 1, op.stride, "floor");
        const auto o = first.clamp(0, op.outLength - op.width);
        const auto in0 = o * op.stride;
        const auto offset = start - in0;
        const auto shared = sharedOffset(offset);
        torch::Tensor x = slicesOf(ref, Stage::Input, l, in0, op.window, !shared);
        if (shared) { // one copy of the columns that fall inside the window
            const std::int64_t from = std::max<std::int64_t>(0, -*shared);
            const std::int64_t to = std::min(p.size(2), op.window - *shared);
            if (from < to)
                x.narrow(2, *shared + from, to - from).copy_(p.narrow(2, from, to - from));
        } else {
            patch(x, p, offset, op.window);
        }
        p = op.apply(x.slice(2, 0, op.window));
        start = o;
    }
    const auto diff = p - slicesOf(ref, Stage::Input, h.trunk.size(), start, p.size(2));
    return finish(h, ref.pre + denseChange(h, diff, start));
}

} // namespace

struct Mutagenesis::Impl {
    std::vector<Head> heads;
    std::int64_t rows = 256;  ///< mutants per batch
    std::int64_t period = 1;  ///< every head's period divides it
    std::int64_t windows = 1; ///< windows per batch of substitutions
};

namespace {

/// The heads of every output, or null with the reason when one cannot be sliced.
std::unique_ptr<Mutagenesis::Impl> prepare(Model& model, std::string& reason)
{
    auto impl = std::make_unique<Mutagenesis::Impl>();
    const auto names = model.spec().outputNames();
    std::int64_t rowFloats = 1, windowFloats = 1;
    for (std::size_t j = 0; j < names.size(); ++j) {
        const WholeSequencePlan plan = planWholeSequenceFor(model.spec(), j);
        std::string why = plan.possible ? "" : plan.reason;
        std::optional<Head> head;
        if (why.empty())
            head = headOf(model, plan, j, why);
        if (!head) {
            reason = "output '" + names[j] + "' cannot be computed by slices (" + why + ")";
            return nullptr;
        }
        rowFloats = std::max(rowFloats, head->rowFloats);
        windowFloats = std::max(windowFloats, head->windowFloats);
        impl->period = std::lcm(impl->period, head->period);
        impl->heads.push_back(std::move(*head));
    }
    const torch::Device device = model.impl().device;
    for (Head& h : impl->heads)
        for (auto* ops : {&h.trunk, &h.tail})
            for (Op& op : *ops)
                for (auto* t : {&op.weight, &op.bias, &op.scale, &op.shift, &op.change})
                    if (t->defined())
                        *t = t->to(device);
    for (Head& h : impl->heads) {
        h.dense = h.dense.to(device);
        if (h.denseBias.defined())
            h.denseBias = h.denseBias.to(device);
    }
    impl->rows = std::clamp<std::int64_t>(kBatchFloats / rowFloats, 16, 8192);
    impl->windows = std::clamp<std::int64_t>(kBatchFloats / windowFloats, 1, 256);
    return impl;
}

} // namespace

Mutagenesis::Mutagenesis(Model& model, IsmWay way, std::int64_t batchSize)
    : m_model(model)
    , m_batch(batchSize)
{
    (void)sequenceLength(model); // throws for a model without one (L, 4) input
    if (way == IsmWay::Fastest)
        d = prepare(model, m_reason);
}

Mutagenesis::~Mutagenesis() = default;

bool Mutagenesis::fast() const
{
    return d != nullptr;
}

const std::string& Mutagenesis::fallbackReason() const
{
    return m_reason;
}

IsmResult Mutagenesis::run(const std::uint8_t* codes, std::int64_t length) const
{
    if (!d)
        return detail::naiveIsm(m_model, codes, length, m_batch);
    const std::int64_t L = sequenceLength(m_model);
    if (length != L)
        throw Error("the window holds " + std::to_string(length) + " bases but the model takes " +
                    std::to_string(L));
    torch::NoGradGuard noGrad;
    const torch::Device device = m_model.impl().device;
    IsmResult r;
    r.length = L;
    r.fast = true;
    r.outputSizes = outputSizes(m_model);

    // Position class by position class (Head::period), so that a batch's mutants share their
    // offsets and a slice is written into its window by one copy, not a scatter per row.
    std::vector<std::int64_t> pos;
    std::vector<std::int64_t> base;
    for (std::int64_t c = 0; c < std::min(d->period, L); ++c)
        for (std::int64_t i = c; i < L; i += d->period)
            for (int b = 0; b < sequence::kAlphabetSize; ++b)
                if (codes[i] != b) {
                    pos.push_back(i);
                    base.push_back(b);
                }
    r.mutants = static_cast<std::int64_t>(pos.size());
    std::vector<float> onehot(static_cast<std::size_t>(L * 4));
    sequence::oneHot(codes, static_cast<std::size_t>(L), onehot.data());
    const auto input = torch::from_blob(onehot.data(), {1, L, 4}).permute({0, 2, 1}).to(device);
    const auto posAll = torch::from_blob(pos.data(), {r.mutants}, torch::kLong).to(device);
    const auto baseAll = torch::from_blob(base.data(), {r.mutants}, torch::kLong).to(device);
    const auto valuesAll = F::one_hot(baseAll, 4).to(torch::kFloat).unsqueeze(2); // (M, 4, 1)

    for (const Head& h : d->heads) {
        const std::int64_t V = r.outputSizes[h.output];
        const Reference ref = referenceOf(h, input);
        const auto refCpu = ref.out.to(torch::kCPU).contiguous();
        r.reference.emplace_back(refCpu.data_ptr<float>(), refCpu.data_ptr<float>() + V);
        auto& delta = r.delta.emplace_back(static_cast<std::size_t>(L * 4 * V), 0.0f);
        for (std::int64_t a = 0; a < r.mutants; a += d->rows) {
            const std::int64_t n = std::min(d->rows, r.mutants - a);
            const auto y =
                (mutantOutputs(h, ref, posAll.slice(0, a, a + n), valuesAll.slice(0, a, a + n)) -
                 ref.out)
                    .to(torch::kCPU)
                    .contiguous();
            const float* src = y.data_ptr<float>();
            for (std::int64_t k = 0; k < n; ++k) {
                const auto m = static_cast<std::size_t>(a + k);
                std::memcpy(delta.data() + (pos[m] * 4 + base[m]) * V, src + k * V,
                            sizeof(float) * static_cast<std::size_t>(V));
            }
        }
    }
    return r;
}

Mutagenesis::Substituted Mutagenesis::substitute(const std::uint8_t* codes, std::int64_t windows,
                                                 const std::int64_t* positions,
                                                 const std::uint8_t* bases) const
{
    if (!d)
        throw Error("internal: substitutions by slices need a model fast ISM serves (" + m_reason +
                    ")");
    const std::int64_t L = sequenceLength(m_model);
    for (std::int64_t w = 0; w < windows; ++w)
        if (positions[w] < 0 || positions[w] >= L || bases[w] >= sequence::kAlphabetSize)
            throw Error("internal: substitution " + std::to_string(w) + " puts base " +
                        std::to_string(bases[w]) + " at " + std::to_string(positions[w]) +
                        " of a " + std::to_string(L) + " bp window");
    torch::NoGradGuard noGrad;
    const torch::Device device = m_model.impl().device;
    const auto sizes = outputSizes(m_model);
    Substituted out;
    for (const std::int64_t V : sizes) {
        out.reference.emplace_back(static_cast<std::size_t>(windows * V));
        out.substituted.emplace_back(static_cast<std::size_t>(windows * V));
    }
    const auto copyRows = [](const torch::Tensor& y, std::vector<float>& to, std::int64_t at) {
        const auto c = y.to(torch::kCPU).contiguous();
        std::memcpy(to.data() + at * c.size(1), c.data_ptr<float>(),
                    sizeof(float) * static_cast<std::size_t>(c.numel()));
    };
    std::vector<float> onehot;
    for (std::int64_t a = 0; a < windows; a += d->windows) {
        const std::int64_t n = std::min(d->windows, windows - a);
        onehot.resize(static_cast<std::size_t>(n * L * 4));
        sequence::oneHot(codes + a * L, static_cast<std::size_t>(n * L), onehot.data());
        const auto input = torch::from_blob(onehot.data(), {n, L, 4}).permute({0, 2, 1}).to(device);
        const auto pos =
            torch::tensor(std::vector<std::int64_t>(positions + a, positions + a + n), torch::kLong)
                .to(device);
        const auto base =
            torch::tensor(std::vector<std::int64_t>(bases + a, bases + a + n), torch::kLong);
        const auto values = F::one_hot(base, 4).to(torch::kFloat).unsqueeze(2).to(device);
        for (const Head& h : d->heads) {
            const Reference ref = referenceOf(h, input, true);
            copyRows(ref.out, out.reference[h.output], a);
            copyRows(mutantOutputs(h, ref, pos, values), out.substituted[h.output], a);
        }
    }
    return out;
}

IsmResult ism(Model& model, const std::uint8_t* codes, std::int64_t length, std::int64_t batchSize,
              IsmWay way)
{
    return Mutagenesis(model, way, batchSize).run(codes, length);
}

} // namespace kdna::interpret
