#include "core/eval/predictor.h"

#include "core/data/shapes.h"
#include "core/data/stream.h"
#include "core/eval/whole_sequence.h"
#include "core/eval/window_batches.h"
#include "core/genome/genome.h"
#include "core/genome/sequence.h"
#include "core/model/autocast.h"
#include "core/model/torch_model.h"
#include "core/tracks/chrom_sizes.h"
#include "core/util/chrom_names.h"
#include "core/util/error.h"
#include "core/util/text.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>

namespace kdna {
namespace {

using Clock = std::chrono::steady_clock;
constexpr float kEmpty = std::numeric_limits<float>::quiet_NaN();

/// A region no window centre reaches would give an empty track: said before any work.
void checkRegions(const PredictRequest& request, const std::vector<Chromosome>& chromosomes,
                  std::int64_t inputLength)
{
    if (!request.startStop.empty() && request.startStop.size() != chromosomes.size())
        throw Error::atKeyword("start_stop", "give one (start, stop) per chromosome (" +
                                                 std::to_string(chromosomes.size()) + "), not " +
                                                 std::to_string(request.startStop.size()));
    for (std::size_t ci = 0; ci < request.startStop.size(); ++ci) {
        const auto [s, e] = request.startStop[ci];
        const Chromosome& c = chromosomes[ci];
        const std::int64_t first = inputLength / 2, last = c.length - inputLength + inputLength / 2;
        if (e < first || s > last)
            throw Error::atKeyword(
                "start_stop", "(" + std::to_string(s) + ", " + std::to_string(e) + ") on " +
                                  c.name + " holds no window centre: with " +
                                  std::to_string(inputLength) + " bp windows they run from " +
                                  text::withThousands(first) + " to " + text::withThousands(last) +
                                  " (half a window from each end)");
    }
}

/// The chromosomes asked for, in the bigWig header's order.
std::vector<Chromosome> chromosomesInOrder(const Genome& genome, const PredictRequest& request)
{
    std::vector<Chromosome> wanted;
    if (request.chromosomes.empty()) {
        wanted = genome.chromosomes();
    } else {
        for (const auto& name : request.chromosomes) {
            if (!genome.contains(name))
                throw Error::atKeyword(
                    "incl_chromosomes",
                    chrom_names::unknownMessage(name, "the genome " + genome.path().string(),
                                                genome.names()));
            wanted.push_back({name, genome.length(name)});
        }
    }
    if (request.chromSizes.empty())
        return wanted;
    // keras_dna lists the predicted chromosomes in the chrom.sizes file's order.
    const auto sizes = readChromSizes(request.chromSizes);
    std::vector<Chromosome> ordered;
    for (const auto& s : sizes)
        for (const auto& w : wanted)
            if (w.name == s.name) {
                if (w.length != s.length)
                    throw Error::atKeyword("chrom_size", request.chromSizes.string() + " gives " +
                                                             s.name + " " +
                                                             text::withThousands(s.length) +
                                                             " bp but the genome has " +
                                                             text::withThousands(w.length) + " bp");
                ordered.push_back(w);
            }
    for (const auto& w : wanted)
        if (std::none_of(ordered.begin(), ordered.end(),
                         [&](const Chromosome& c) { return c.name == w.name; }))
            throw Error::atKeyword(
                "chrom_size",
                chrom_names::unknownMessage(w.name, request.chromSizes.string(), namesOf(sizes)));
    return ordered;
}

} // namespace

std::vector<Chromosome> chromosomesToPredict(const Genome& genome, const PredictRequest& request,
                                             std::int64_t inputLength)
{
    std::vector<Chromosome> chosen = chromosomesInOrder(genome, request);
    checkRegions(request, chosen, inputLength);
    return chosen;
}

PredictionLayout predictionLayout(const DatasetSpec& spec, std::int64_t inputLength)
{
    PredictionLayout l;
    l.window = inputLength;
    if (!spec.isSparse()) {
        l.valuesPerTrack = spec.tg_window;
        if (spec.downsampling == Downsampling::None) {
            l.offset = inputLength / 2 - spec.tg_window / 2;
        } else {
            l.span = inputLength / spec.tg_window;
            l.offset = 0;
        }
        const auto k = static_cast<std::size_t>(std::max(1, spec.nb_annotation_type));
        for (std::size_t i = 0; i < spec.annotation_files.size(); ++i)
            l.trackNames.push_back("cell_number" + std::to_string(i / k) + "_annotation_number" +
                                   std::to_string(i % k));
    } else {
        if (spec.seq2seq) {
            l.valuesPerTrack = inputLength;
            l.offset = 0;
        } else {
            l.valuesPerTrack = 1;
            l.offset = inputLength / 2;
        }
        for (std::size_t c = 0; c < spec.annotation_files.size(); ++c)
            for (const auto& a : spec.annotation_list)
                l.trackNames.push_back("cell_number" + std::to_string(c) + "_" + a);
    }
    l.stride = l.valuesPerTrack * l.span;
    return l;
}

namespace {

/// The secondary targets' output (use_sec_as 'targets'): sec_input_length values of each
/// sec_inputs file, centred in the window as training takes them, (length, files) in order.
/// Windows step by that length, so each base is written once, as keras_dna tiles its tracks.
PredictionLayout secondaryLayout(const DatasetSpec& spec, std::int64_t inputLength,
                                 const std::string& output)
{
    PredictionLayout l;
    l.output = output;
    l.window = inputLength;
    l.valuesPerTrack = secondaryLength(spec, inputLength);
    l.offset = inputLength / 2 - l.valuesPerTrack / 2;
    l.stride = l.valuesPerTrack;
    for (std::size_t f = 0; f < spec.sec_inputs.size(); ++f)
        l.trackNames.push_back(
            spec.sec_inputs.size() == 1 ? output : output + "_sec_number" + std::to_string(f));
    return l;
}

std::int64_t valuesOf(const PredictionLayout& l)
{
    return l.valuesPerTrack * static_cast<std::int64_t>(l.trackNames.size());
}

} // namespace

std::vector<std::string> OutputLayouts::trackNames() const
{
    std::vector<std::string> out;
    for (const auto& o : outputs)
        out.insert(out.end(), o.trackNames.begin(), o.trackNames.end());
    return out;
}

std::size_t OutputLayouts::trackCount() const
{
    return trackNames().size();
}

OutputLayouts outputLayouts(const DatasetSpec& spec, std::int64_t inputLength,
                            const std::vector<std::string>& outputNames,
                            const std::vector<Shape>& outputShapes)
{
    OutputLayouts out;
    PredictionLayout first = predictionLayout(spec, inputLength);
    first.output = outputNames.empty() ? std::string() : outputNames.front();
    const std::int64_t given = outputShapes.empty() ? 0 : elementCount(outputShapes.front());
    if (given != valuesOf(first))
        throw Error("the model's first output holds " + std::to_string(given) +
                    " values a window, but its data gives " + std::to_string(first.valuesPerTrack) +
                    " x " + std::to_string(first.trackNames.size()) + " (values x tracks)");
    out.outputs.push_back(std::move(first));
    const bool secondaryTargets =
        !spec.sec_inputs.empty() && spec.use_sec_as == SecondaryUse::Targets;
    for (std::size_t o = 1; o < outputNames.size() && o < outputShapes.size(); ++o) {
        const std::string& name = outputNames[o];
        const std::int64_t values = elementCount(outputShapes[o]);
        if (o == 1 && secondaryTargets) {
            PredictionLayout sec = secondaryLayout(spec, inputLength, name);
            sec.outputIndex = o;
            if (values == valuesOf(sec)) {
                out.outputs.push_back(std::move(sec));
                continue;
            }
            out.notes.push_back("output '" + name + "' is not written: it gives " +
                                std::to_string(values) + " values a window, not the " +
                                std::to_string(sec.valuesPerTrack) + " x " +
                                std::to_string(sec.trackNames.size()) +
                                " (sec_input_length x sec_inputs) of the secondary targets");
            continue;
        }
        out.notes.push_back(
            "output '" + name + "' is not written: a " + text::tuple(outputShapes[o]) +
            " output has no track layout, as the data gives targets for " +
            (secondaryTargets ? "two outputs (the labels, then sec_inputs as targets)"
                              : "one output (the labels; sec_inputs with use_sec_as "
                                "'targets' give a second)"));
    }
    return out;
}

namespace {

/// The windows to predict on one chromosome: starts first + k * step for k < count, every
/// `step` from the first that fits, optionally those centred in start_stop. Arithmetic, not a
/// list: a human chromosome at step 1 would list 2 GB of starts.
struct WindowRange {
    std::int64_t first = 0;
    std::int64_t step = 1;
    std::int64_t count = 0;
    [[nodiscard]] std::int64_t start(std::int64_t k) const { return first + k * step; }
    /// The bases the windows predict, one stride of starts each (for progress).
    [[nodiscard]] std::int64_t bases() const { return count * step; }
};

WindowRange windowRange(const Chromosome& chrom, std::int64_t window, std::int64_t step,
                        const PredictRequest& request, std::size_t index)
{
    std::int64_t first = 0, last = chrom.length - window;
    if (!request.startStop.empty()) {
        const auto [s, e] = request.startStop[index];
        first = std::max<std::int64_t>(first, s - window / 2);
        last = std::min<std::int64_t>(last, e - window / 2);
    }
    return {first, step, last < first ? 0 : (last - first) / step + 1};
}

/// What predict() knows before the first chromosome.
struct PredictContext {
    Model& model;
    const DatasetSpec& spec;
    const DataStatistics& statistics;
    const PredictRequest& request;
    OutputLayouts layouts;
    std::int64_t window = 0;
    bool secondaryInput = false;
    std::int64_t step = 1; ///< window starts step: every output's stride is a multiple
    /// Bases to predict (the windows' centres: a region's, not its chromosome's), for progress.
    std::int64_t totalBases = 0;
    std::int64_t basesBefore = 0; ///< of the chromosomes already predicted
};

/// One whole-sequence runner per written output (planWholeSequenceFor: each head on its own),
/// or none and why not (a sentence for the summary).
std::vector<std::unique_ptr<WholeSequenceRunner>> chooseRunners(const PredictContext& c,
                                                                std::string& blocker)
{
    std::vector<WholeSequencePlan> plans;
    for (const auto& layout : c.layouts.outputs)
        plans.push_back(planWholeSequenceFor(c.model.spec(), layout.outputIndex));
    blocker = c.request.method == "windows" ? std::string("windows were asked for") : "";
    for (const auto& plan : plans)
        if (blocker.empty() && !plan.possible)
            blocker = plan.reason;
    if (blocker.empty() && c.secondaryInput)
        blocker = "the model takes a secondary input";
    if (blocker.empty() && alphabetBeforeSequence(c.spec))
        blocker = "the model takes the alphabet first";
    if (c.request.method == "whole" && !blocker.empty())
        throw Error::atKeyword("method", "whole-sequence inference is not possible: " + blocker);
    std::vector<std::unique_ptr<WholeSequenceRunner>> runners;
    if (blocker.empty())
        for (auto& plan : plans)
            runners.push_back(std::make_unique<WholeSequenceRunner>(c.model, std::move(plan),
                                                                    c.request.precision == "bf16"));
    return runners;
}

/// Each track's values from `start` on (NaN where no window reaches), until handed to the
/// sink: a segment's worth and the bases its last windows reach past it.
struct PendingValues {
    std::int64_t start = 0;
    std::vector<std::vector<float>> tracks;

    [[nodiscard]] std::int64_t end() const
    {
        return start + static_cast<std::int64_t>(tracks.empty() ? 0 : tracks.front().size());
    }
    void extendTo(std::int64_t to)
    {
        if (to > end())
            for (auto& t : tracks)
                t.resize(static_cast<std::size_t>(to - start), kEmpty);
    }
    /// Bases [start, to) of every track, the rest kept from `to` on.
    std::vector<std::vector<float>> takeBefore(std::int64_t to)
    {
        to = std::clamp(to, start, end());
        std::vector<std::vector<float>> out;
        for (auto& t : tracks) {
            const auto n = static_cast<std::ptrdiff_t>(to - start);
            out.emplace_back(t.begin(), t.begin() + n);
            t.erase(t.begin(), t.begin() + n);
        }
        start = to;
        return out;
    }
};

/// One chromosome being predicted a segment of windows at a time: the segment's bases (on
/// the strand asked for) and the values its windows give, so memory follows the segment, not
/// the chromosome.
struct ChromosomeWork {
    ChromosomeWork(const Chromosome& c, WindowRange range)
        : chrom(c)
        , windows(range)
    {}
    const Chromosome& chrom;
    WindowRange windows;
    std::int64_t begin = 0, end = 0; ///< the segment's windows, [begin, end) of `windows`
    std::vector<std::uint8_t> codes; ///< the segment's bases on the strand
    std::int64_t codesStart = 0;     ///< strand coordinate of codes[0]
    PendingValues values;

    /// On the reverse strand, the window at x is the one starting at N - W - x.
    [[nodiscard]] std::int64_t strandStart(std::int64_t x, std::int64_t window, bool rc) const
    {
        return rc ? chrom.length - window - x : x;
    }
    /// The codes of the window at strand coordinate `s`.
    [[nodiscard]] const std::uint8_t* codesAt(std::int64_t s) const
    {
        return codes.data() + (s - codesStart);
    }
};

/// The segment's bases: forward [x first, x last + W) from the FASTA, reverse-complemented for
/// the reverse strand (whose window at x starts at N - W - x).
void loadSegmentCodes(const PredictContext& c, const Genome& genome, ChromosomeWork& w)
{
    const std::int64_t from = w.windows.start(w.begin);
    const std::int64_t to = w.windows.start(w.end - 1) + c.window;
    w.codes.resize(static_cast<std::size_t>(to - from));
    genome.fetchCodes(w.chrom.name, from, to, w.codes.data());
    w.codesStart = from;
    if (c.request.rc) {
        sequence::reverseComplementCodes(w.codes.data(), w.codes.size());
        w.codesStart = w.chrom.length - to;
    }
}

/// Tells the request's progress that `done` bases of all are predicted.
void reportBases(const PredictContext& c, std::int64_t done)
{
    if (c.request.progress && !c.request.progress(done, c.totalBases))
        throw Error("cancelled");
}

/// Tells the request's progress that `fraction` of the current segment is done.
void reportProgress(const PredictContext& c, const ChromosomeWork& w, double fraction)
{
    const double windows =
        static_cast<double>(w.begin) + fraction * static_cast<double>(w.end - w.begin);
    reportBases(c, c.basesBefore + static_cast<std::int64_t>(windows) * w.windows.step);
}

/// Writes one window's values of one output (`o`: valuesPerTrack x tracks, as the model gives
/// them) onto the bases they cover, from track `firstTrack` of `values` on.
void scatter(const PredictionLayout& layout, std::size_t firstTrack, std::int64_t x, const float* o,
             bool rc, std::int64_t chromLength, PendingValues& values)
{
    const auto tracks = static_cast<std::int64_t>(layout.trackNames.size());
    for (std::int64_t t = 0; t < layout.valuesPerTrack; ++t) {
        const std::int64_t from = x + layout.offset + t * layout.span;
        const std::int64_t to = std::min(chromLength, from + layout.span);
        if (from < values.start || to > values.end()) // a segment's bounds gone wrong
            throw Error("prediction wrote bases " + std::to_string(from) + "-" +
                        std::to_string(to) + " outside its segment's " +
                        std::to_string(values.start) + "-" + std::to_string(values.end()));
        const std::int64_t tt = rc ? layout.valuesPerTrack - 1 - t : t;
        for (std::int64_t k = 0; k < tracks; ++k) {
            const float v = o[tt * tracks + k];
            auto& track = values.tracks[firstTrack + static_cast<std::size_t>(k)];
            for (std::int64_t b = from; b < to; ++b)
                track[static_cast<std::size_t>(b - values.start)] = v;
        }
    }
}

/// Every window an output's stride reaches gets its values (the windows step by the finest
/// stride; a coarser output takes every stride-th).
void scatterOutputs(const PredictContext& c, ChromosomeWork& w, std::int64_t x,
                    const std::vector<const float*>& outputs)
{
    std::size_t firstTrack = 0;
    for (std::size_t o = 0; o < c.layouts.outputs.size(); ++o) {
        const PredictionLayout& layout = c.layouts.outputs[o];
        if ((x - w.windows.first) % layout.stride == 0)
            scatter(layout, firstTrack, x, outputs[o], c.request.rc, w.chrom.length, w.values);
        firstTrack += layout.trackNames.size();
    }
}

/// Each output's runner over every start of the segment (stride 1), a chunk at a time, each
/// chunk's windows that the output's stride reaches scattered before the next is run (so
/// memory stays one chunk's outputs, however many values a window has).
void predictWhole(const PredictContext& c,
                  const std::vector<std::unique_ptr<WholeSequenceRunner>>& runners,
                  ChromosomeWork& w)
{
    const std::int64_t W = c.window;
    const bool rc = c.request.rc;
    const std::int64_t first = w.windows.start(w.begin), last = w.windows.start(w.end - 1);
    const std::int64_t lo = w.strandStart(rc ? last : first, W, rc);
    const std::int64_t hi = w.strandStart(rc ? first : last, W, rc);
    const auto outputs = static_cast<std::int64_t>(runners.size());
    const auto codes = static_cast<std::int64_t>(w.codes.size());
    std::size_t firstTrack = 0;
    std::vector<float> out;
    for (std::int64_t o = 0; o < outputs; ++o) {
        const PredictionLayout& layout = c.layouts.outputs[static_cast<std::size_t>(o)];
        const WholeSequenceRunner& runner = *runners[static_cast<std::size_t>(o)];
        const std::int64_t perWindow = valuesOf(layout);
        for (std::int64_t a = lo; a <= hi; a += runner.chunk) {
            const std::int64_t n = std::min(runner.chunk, hi - a + 1);
            out.resize(static_cast<std::size_t>(n * perWindow));
            runner.run(w.codes.data(), codes, a - w.codesStart, n, out.data());
            for (std::int64_t s = a; s < a + n; ++s) {
                const std::int64_t x = w.strandStart(s, W, rc); // the same map both ways
                if ((x - w.windows.first) % layout.stride == 0)
                    scatter(layout, firstTrack, x, out.data() + (s - a) * perWindow, rc,
                            w.chrom.length, w.values);
            }
            reportProgress(c, w,
                           (static_cast<double>(o) +
                            static_cast<double>(a - lo + n) / static_cast<double>(hi - lo + 1)) /
                               static_cast<double>(outputs));
        }
        firstTrack += layout.trackNames.size();
    }
}

/// The secondary input of the windows at `starts` (sec_input_length bases of each
/// sec_inputs file centred in the window, normalised as in training), (windows, length,
/// files) in order.
void fillSecondaryInput(const PredictContext& c,
                        const std::vector<std::shared_ptr<const store::TrackStream>>& tracks,
                        const WindowRange& windows, std::int64_t k0, std::int64_t n, Array& out)
{
    const std::int64_t length = secondaryLength(c.spec, c.window);
    const auto files = static_cast<std::int64_t>(tracks.size());
    out.shape = predictSecInputShape(c.spec, c.window);
    out.shape.insert(out.shape.begin(), n);
    out.values.assign(static_cast<std::size_t>(n * length * files), 0.0F);
    thread_local std::vector<float> scratch;
    for (std::int64_t i = 0; i < n; ++i) {
        const std::int64_t first = windows.start(k0 + i) + c.window / 2 - length / 2;
        float* row = out.values.data() + i * length * files;
        for (std::int64_t f = 0; f < files; ++f) {
            std::shared_ptr<const float[]> pin;
            const float* track =
                tracks[static_cast<std::size_t>(f)]->view(first, length, scratch, pin);
            const Normalizer& norm = c.statistics.secondary[static_cast<std::size_t>(f)];
            for (std::int64_t p = 0; p < length; ++p) {
                const std::int64_t r = c.request.rc ? length - 1 - p : p;
                row[r * files + f] = norm.apply(track[p]);
            }
        }
    }
}

/// Batches of the segment's windows through the model (runWindowBatches: inputs prepared on
/// a second thread while the model runs), each window's outputs scattered onto the bases.
void predictWindows(const PredictContext& c,
                    const std::vector<std::shared_ptr<const store::TrackStream>>& secondary,
                    ChromosomeWork& w)
{
    const std::int64_t W = c.window;
    const Shape inShape = predictInputShape(c.spec, W);
    const std::int64_t inSize = elementCount(inShape);
    const bool alphabetFirst = alphabetBeforeSequence(c.spec);
    const std::int64_t perBatch = std::max<std::int64_t>(1, c.request.batchSize);
    const std::int64_t windows = w.end - w.begin;

    WindowBatchJob job;
    job.count = (windows + perBatch - 1) / perBatch;
    job.bf16 = c.request.precision == "bf16";
    job.fill = [&](std::int64_t g, Batch& batch) {
        const std::int64_t first = w.begin + g * perBatch;
        const std::int64_t n = std::min(perBatch, w.end - first);
        batch.examples = n;
        batch.inputs.resize(c.secondaryInput ? 2 : 1);
        Array& dna = batch.inputs[0];
        dna.shape = inShape;
        dna.shape.insert(dna.shape.begin(), n);
        dna.values.resize(static_cast<std::size_t>(n * inSize));
        for (std::int64_t i = 0; i < n; ++i)
            writeOneHot(w.codesAt(w.strandStart(w.windows.start(first + i), W, c.request.rc)), W,
                        false, alphabetFirst, dna.values.data() + i * inSize);
        if (c.secondaryInput)
            fillSecondaryInput(c, secondary, w.windows, first, n, batch.inputs[1]);
    };
    job.take = [&](std::int64_t g, const Batch& batch, const std::vector<torch::Tensor>& outputs) {
        std::vector<const float*> row(c.layouts.outputs.size());
        for (std::int64_t i = 0; i < batch.examples; ++i) {
            for (std::size_t o = 0; o < row.size(); ++o) {
                const PredictionLayout& layout = c.layouts.outputs[o];
                row[o] = outputs[layout.outputIndex].data_ptr<float>() + i * valuesOf(layout);
            }
            scatterOutputs(c, w, w.windows.start(w.begin + g * perBatch + i), row);
        }
    };
    job.progress = [&](std::int64_t done) {
        reportProgress(c, w, static_cast<double>(done) / static_cast<double>(job.count));
        return true;
    };
    runWindowBatches(c.model, job);
}

/// Windows per segment: about request.segmentBases of starts, a whole number of every
/// output's stride so that each output's windows tile the segment as they tile the
/// chromosome.
std::int64_t segmentWindows(const PredictContext& c)
{
    std::int64_t strides = 1; // lcm of the strides, in steps
    for (const auto& l : c.layouts.outputs)
        strides = std::lcm(strides, l.stride / c.step);
    const std::int64_t wanted = std::max<std::int64_t>(1, c.request.segmentBases / c.step);
    return (wanted + strides - 1) / strides * strides;
}

/// The lowest offset of any output: no window at x writes below x + this.
std::int64_t lowestOffset(const OutputLayouts& layouts)
{
    std::int64_t low = std::numeric_limits<std::int64_t>::max();
    for (const auto& l : layouts.outputs)
        low = std::min(low, l.offset);
    return low;
}

/// How far past its start a window writes, at the most.
std::int64_t farthestReach(const OutputLayouts& layouts)
{
    std::int64_t reach = 0;
    for (const auto& l : layouts.outputs)
        reach = std::max(reach, l.offset + l.valuesPerTrack * l.span);
    return reach;
}

/// The context: outputs and inputs checked, the genome's chromosomes, the regions checked.
PredictContext openPrediction(Model& model, const DatasetSpec& spec, std::int64_t inputLength,
                              const DataStatistics& statistics, const PredictRequest& request,
                              PredictSummary& summary)
{
    PredictContext c{model, spec, statistics, request, {}, inputLength};
    c.layouts =
        outputLayouts(spec, inputLength, model.spec().outputNames(), model.summary().outputShapes);
    c.secondaryInput = !spec.sec_inputs.empty() && spec.use_sec_as == SecondaryUse::Inputs;
    if (model.spec().inputNames().size() != (c.secondaryInput ? 2U : 1U))
        throw Error("the model takes " + std::to_string(model.spec().inputNames().size()) +
                    " inputs, but prediction gives it the sequence" +
                    (c.secondaryInput ? std::string(" and the secondary track") : std::string()));
    c.step = c.layouts.outputs.front().stride;
    for (const auto& l : c.layouts.outputs)
        c.step = std::gcd(c.step, l.stride);
    summary.layout = c.layouts.outputs.front();
    summary.layouts = c.layouts;
    summary.notes = c.layouts.notes;
    return c;
}

} // namespace

PredictSummary predict(Model& model, const DatasetSpec& trainSpec, std::int64_t inputLength,
                       const DataStatistics& statistics, const PredictRequest& request,
                       const PredictionSink& sink)
{
    const auto start = Clock::now();
    PredictSummary summary;
    PredictContext c = openPrediction(model, trainSpec, inputLength, statistics, request, summary);
    const Genome genome = Genome::open(
        request.fasta.empty() ? trainSpec.resolve(trainSpec.fasta_file) : request.fasta);
    summary.chromosomes = chromosomesToPredict(genome, request, inputLength);
    const auto runners = chooseRunners(c, summary.reason);
    summary.method = runners.empty() ? "windows" : "whole-sequence";
    for (std::size_t ci = 0; ci < summary.chromosomes.size(); ++ci)
        c.totalBases +=
            windowRange(summary.chromosomes[ci], inputLength, c.step, request, ci).bases();

    const std::int64_t perSegment = segmentWindows(c);
    const std::int64_t low = lowestOffset(c.layouts), reach = farthestReach(c.layouts);
    for (std::size_t ci = 0; ci < summary.chromosomes.size(); ++ci) {
        ChromosomeWork w(summary.chromosomes[ci],
                         windowRange(summary.chromosomes[ci], inputLength, c.step, request, ci));
        std::vector<std::shared_ptr<const store::TrackStream>> secondary;
        if (c.secondaryInput)
            for (const auto& f : trainSpec.sec_inputs)
                secondary.push_back(
                    store::openTrack(trainSpec.resolve(f), w.chrom.name, w.chrom.length));
        w.values.start = w.windows.count == 0 ? 0 : w.windows.start(0) + low;
        w.values.tracks.resize(c.layouts.trackCount());
        const auto hand = [&](std::int64_t to) {
            const std::int64_t from = w.values.start;
            auto piece = w.values.takeBefore(to);
            summary.bases += std::count_if(piece.front().begin(), piece.front().end(),
                                           [](float v) { return !std::isnan(v); });
            sink(w.chrom, from, std::move(piece));
        };
        for (w.begin = 0; w.begin < w.windows.count; w.begin = w.end) {
            w.end = std::min(w.windows.count, w.begin + perSegment);
            loadSegmentCodes(c, genome, w);
            w.values.extendTo(std::min(w.chrom.length, w.windows.start(w.end - 1) + reach));
            if (runners.empty())
                predictWindows(c, secondary, w);
            else
                predictWhole(c, runners, w);
            // Windows from the next segment on write from its first start + low up.
            if (w.end < w.windows.count)
                hand(w.windows.start(w.end) + low);
        }
        hand(w.values.end()); // the rest, or an empty piece for a chromosome with no window
        summary.windows += w.windows.count;
        c.basesBefore += w.windows.bases();
        reportBases(c, c.basesBefore);
    }
    summary.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return summary;
}

} // namespace kdna
