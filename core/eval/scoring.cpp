#include "core/eval/scoring.h"

#include "core/data/generator.h"
#include "core/data/stream.h"
#include "core/distributed/process_group.h"
#include "core/eval/whole_sequence.h"
#include "core/eval/window_batches.h"
#include "core/genome/sequence.h"
#include "core/model/autocast.h"
#include "core/model/torch_model.h"
#include "core/util/error.h"
#include "core/util/text.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <numeric>

namespace kdna {
namespace {

using Clock = std::chrono::steady_clock;

/// The items [first, last) of `count` a rank scores: a run of them, the runs in rank order.
struct Share {
    std::int64_t first = 0;
    std::int64_t last = 0;
    [[nodiscard]] std::int64_t size() const { return last - first; }
};

Share shareOf(std::int64_t count, const dist::ProcessGroup* group)
{
    const auto [first, last] = dist::shareOf(group, count);
    return {first, last};
}

void report(const ScoreOptions& options, double fraction)
{
    if (options.progress && !options.progress(fraction))
        throw Error("cancelled");
}

ScoringRun describe(const Model& model, const Generator& data)
{
    ScoringRun run;
    run.examples = data.dataset().size();
    run.shapes.push_back(data.dataset().labelShape());
    if (data.secondaryAsTarget())
        run.shapes.push_back(data.dataset().secondaryShape());
    for (const auto& shape : model.summary().outputShapes)
        run.predictionSize.push_back(elementCount(shape));
    run.weighted = data.dataset().weighted();
    return run;
}

/// The model takes exactly the shapes the data yields, or a sentence says which differs (rather
/// than LibTorch failing deep inside a layer).
void requireInputShapes(const Model& model, const Generator& data)
{
    std::vector<Shape> given = {data.inputShape()};
    if (!data.secondaryShape().empty() && !data.secondaryAsTarget())
        given.push_back(data.secondaryShape());
    const auto& taken = model.summary().inputShapes;
    if (given.size() != taken.size())
        throw Error("the model takes " + std::to_string(taken.size()) +
                    " input(s) but the data gives " + std::to_string(given.size()));
    for (std::size_t i = 0; i < given.size(); ++i)
        if (given[i] != taken[i])
            throw Error("input " + std::to_string(i) + " of the model is " + text::tuple(taken[i]) +
                        " but the data gives " + text::tuple(given[i]) +
                        (i == 0 ? " (dummy_axis, alphabet_axis)" : " (sec_input_shape)"));
}

/// The generator's data in batches of kWindowBatch rows (keras_dna's batch_size is the
/// training's; scoring only needs every example once, in order, and larger batches run
/// faster).
Generator scoringBatches(const Generator& data)
{
    BatchLayout layout = data.layout();
    layout.batchSize = std::max(layout.batchSize, kWindowBatch);
    for (Shape* shape : {&layout.outputShape, &layout.secInputShape})
        if (!shape->empty())
            shape->front() = layout.batchSize;
    GeneratorOptions options = data.options();
    options.shuffle = false;
    return Generator(data.datasetPtr(), layout, options);
}

/// Scores this rank's share of the batches; returns the examples it scored.
std::int64_t scoreWindows(Model& model, const Generator& data, const ScoreOptions& options,
                          const ScoringRun& run, ScoreSink& sink)
{
    requireInputShapes(model, data);
    const Generator batches = scoringBatches(data);
    const std::int64_t rowsPerBatch = batches.batchSize();
    const Share share = shareOf(batches.batchesPerEpoch(), options.group);
    std::vector<std::int64_t> examples;
    std::int64_t scored = 0;
    WindowBatchJob job;
    job.count = share.size();
    job.bf16 = options.precision == "bf16";
    job.fill = [&](std::int64_t g, Batch& batch) {
        batches.fill(share.first + g, batch);
    };
    job.take = [&](std::int64_t g, const Batch& batch, const std::vector<torch::Tensor>& outputs) {
        ScoredRows rows;
        rows.rows = outputs.empty() ? 0 : outputs.front().size(0);
        examples.resize(static_cast<std::size_t>(rows.rows));
        std::iota(examples.begin(), examples.end(), (share.first + g) * rowsPerBatch);
        scored += rows.rows;
        rows.examples = examples.data();
        for (std::size_t o = 0; o < outputs.size() && o < run.predictionSize.size(); ++o)
            rows.predictions.push_back(outputs[o].data_ptr<float>());
        for (std::size_t o = 0; o < batch.targets.size() && o < run.shapes.size(); ++o)
            rows.targets.push_back(batch.targets[o].values.data());
        if (run.weighted)
            rows.weights = batch.weights.values.data();
        sink.take(rows);
    };
    job.progress = [&](std::int64_t done) {
        return !options.progress ||
               options.progress(static_cast<double>(done) / static_cast<double>(job.count));
    };
    if (job.count > 0)
        runWindowBatches(model, job);
    return scored;
}

/// Examples placed on their strands at a time: their loci (16 bytes each) are what the
/// whole-sequence plan keeps beside the model's chunk.
constexpr std::int64_t kExamplesPerPass = std::int64_t{1} << 18;
/// Rows handed to the sink at a time: enough that its work per call is not the cost.
constexpr std::int64_t kRowsPerBlock = 4096;

/// Window starts on one strand of a chromosome and their examples, (start, example).
using StrandStarts = std::vector<std::pair<std::int64_t, std::int64_t>>;
using StrandKey = std::pair<std::string, bool>; // chromosome, reverse

/// Runs the plan along one strand over the window starts of `forward` (sorted forward
/// starts): each stretch of starts no further apart than a window is run as one, a chunk of
/// starts at a time (so memory is a chunk's bases and outputs, not the chromosome's, and a gap
/// wider than a window costs a window, not its width), and row(example, outputs) hears each
/// example, done() each chunk. On the reverse strand it runs along the reverse complement,
/// where the window at forward start x starts at n - window - x.
template<typename Row, typename Done>
void runStrand(const WholeSequenceRunner& runner, const store::SequenceStream& stream, bool reverse,
               StrandStarts along, Row row, Done done)
{
    const std::int64_t n = stream.length(), window = runner.plan().window;
    const std::int64_t outputs = runner.plan().outputs;
    if (reverse) {
        for (auto& [start, example] : along)
            start = n - window - start;
        std::reverse(along.begin(), along.end());
    }
    std::vector<std::uint8_t> codes;
    std::vector<float> values;
    for (auto next = along.begin(); next != along.end();) {
        auto end = std::next(next);
        while (end != along.end() && end->first - std::prev(end)->first <= window)
            ++end;
        const std::int64_t last = std::prev(end)->first;
        for (std::int64_t a = next->first; a <= last; a += runner.chunk) {
            const std::int64_t k = std::min(runner.chunk, last - a + 1);
            codes.resize(static_cast<std::size_t>(k - 1 + window));
            const auto bases = static_cast<std::int64_t>(codes.size());
            stream.read(reverse ? n - a - bases : a, bases, codes.data());
            if (reverse)
                sequence::reverseComplementCodes(codes.data(), codes.size());
            values.resize(static_cast<std::size_t>(k * outputs));
            runner.run(codes.data(), bases, 0, k, values.data());
            for (; next != end && next->first < a + k; ++next)
                row(next->second, values.data() + (next->first - a) * outputs);
            done();
        }
    }
}

/// The rows of the whole-sequence plan on their way to the sink: each example's outputs as
/// the plan gives them, its target and weight from the dataset.
class WholeSequenceRows {
public:
    WholeSequenceRows(const Dataset& dataset, const ScoringRun& run, ScoreSink& sink)
        : m_dataset(dataset)
        , m_outputs(run.predictionSize.at(0))
        , m_labelSize(run.elements(0))
        , m_weighted(run.weighted)
        , m_sink(sink)
    {}

    void add(std::int64_t example, const float* outputs)
    {
        m_examples.push_back(example);
        m_predictions.insert(m_predictions.end(), outputs, outputs + m_outputs);
    }

    /// Hands the rows so far to the sink once there are enough of them (all with `force`);
    /// returns how many it handed.
    std::int64_t flush(bool force)
    {
        const auto rows = static_cast<std::int64_t>(m_examples.size());
        if (rows == 0 || (!force && rows < kRowsPerBlock))
            return 0;
        m_targets.resize(static_cast<std::size_t>(rows * m_labelSize));
        m_weights.resize(m_weighted ? static_cast<std::size_t>(rows) : 0);
        for (std::int64_t r = 0; r < rows; ++r) {
            ExampleSlots slots;
            slots.label = m_targets.data() + r * m_labelSize;
            const float w = m_dataset.fill(m_examples[static_cast<std::size_t>(r)], slots);
            if (m_weighted)
                m_weights[static_cast<std::size_t>(r)] = w;
        }
        ScoredRows block;
        block.rows = rows;
        block.examples = m_examples.data();
        block.predictions = {m_predictions.data()};
        block.targets = {m_targets.data()};
        block.weights = m_weighted ? m_weights.data() : nullptr;
        m_sink.take(block);
        m_examples.clear();
        m_predictions.clear();
        return rows;
    }

private:
    const Dataset& m_dataset;
    std::int64_t m_outputs;
    std::int64_t m_labelSize;
    bool m_weighted;
    ScoreSink& m_sink;
    std::vector<std::int64_t> m_examples;
    std::vector<float> m_predictions, m_targets, m_weights;
};

/// Scores this rank's share of the examples; returns how many it scored.
std::int64_t scoreWhole(Model& model, const Generator& data, const ScoreOptions& options,
                        const ScoringRun& run, ScoreSink& sink)
{
    const Dataset& dataset = data.dataset();
    const Share share = shareOf(run.examples, options.group);
    const WholeSequenceRunner runner(model, planWholeSequenceFor(model.spec(), 0),
                                     options.precision == "bf16");
    const auto fasta = dataset.spec().resolve(dataset.spec().fasta_file);
    WholeSequenceRows rows(dataset, run, sink);
    std::int64_t done = 0;
    const auto flush = [&](bool force) {
        if (const std::int64_t handed = rows.flush(force); handed > 0) {
            done += handed;
            report(options, static_cast<double>(done) / static_cast<double>(share.size()));
        }
    };
    std::shared_ptr<const store::SequenceStream> stream;
    std::string streamChrom;
    for (std::int64_t first = share.first; first < share.last; first += kExamplesPerPass) {
        std::map<StrandKey, StrandStarts> strands;
        for (std::int64_t i = first; i < std::min(share.last, first + kExamplesPerPass); ++i) {
            const Locus l = dataset.locus(i);
            strands[{l.chrom, l.reverse}].emplace_back(l.start, i);
        }
        for (auto& [key, starts] : strands) {
            std::sort(starts.begin(), starts.end());
            if (!stream || streamChrom != key.first) {
                stream = store::openSequence(fasta, key.first);
                streamChrom = key.first;
            }
            runStrand(
                runner, *stream, key.second, std::move(starts),
                [&](std::int64_t example, const float* outputs) { rows.add(example, outputs); },
                [&] { flush(false); });
        }
    }
    flush(true);
    report(options, 1.0);
    return done;
}

} // namespace

void ScoreSink::reduceOver(dist::ProcessGroup& /*group*/)
{
    throw Error("internal: this score cannot be split over ranks");
}

void shapeForScoring(DatasetSpec& spec, bool stepByTarget)
{
    spec.output_shape.clear();
    if (spec.use_sec_as == SecondaryUse::Targets)
        spec.sec_input_shape.clear();
    if (stepByTarget)
        spec.overlapping = false;
}

std::string wholeSequenceBlocker(const Model& model, const Generator& data)
{
    if (model.spec().outputNames().size() != 1)
        return "the model has several outputs";
    const WholeSequencePlan plan = planWholeSequenceFor(model.spec(), 0);
    if (!plan.possible)
        return plan.reason;
    const DatasetSpec& spec = data.dataset().spec();
    if (data.dataset().mixesDatasets())
        return "the data mixes several datasets";
    if (spec.negative_type == NegativeType::Random && spec.isSparse())
        return "the data has random-sequence negatives";
    if (!data.secondaryShape().empty())
        return "the data has secondary inputs or targets";
    if (data.inputShape().size() != 2 || data.inputShape()[1] != 4)
        return "the input is not (length, 4)";
    return {};
}

ScoringRun scoreData(Model& model, const Generator& data, ScoreSink& sink,
                     const ScoreOptions& options)
{
    if (data.options().shuffle)
        throw Error("internal: scoring needs a generator that does not shuffle");
    const auto start = Clock::now();
    ScoringRun run = describe(model, data);
    const std::string blocker =
        options.method == "windows" ? "windows were asked for" : wholeSequenceBlocker(model, data);
    if (options.method == "whole" && !blocker.empty())
        throw Error::atKeyword("method", "whole-sequence inference is not possible: " + blocker);
    sink.begin(run);
    run.method = blocker.empty() ? "whole-sequence" : "windows";
    run.reason = blocker;
    const auto score = [&] {
        if (run.examples > 0)
            run.scoredHere = blocker.empty() ? scoreWhole(model, data, options, run, sink)
                                             : scoreWindows(model, data, options, run, sink);
    };
    dist::runShare(options.group, score, "score its share of the examples");
    if (options.group != nullptr)
        sink.reduceOver(*options.group);
    run.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return run;
}

} // namespace kdna
