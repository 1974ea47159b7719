#include "core/eval/scoring.h"

#include "core/data/generator.h"
#include "core/data/stream.h"
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
#include <cstring>
#include <functional>
#include <map>

namespace kdna {
namespace {

using Clock = std::chrono::steady_clock;

void report(const ScoreOptions& options, double fraction)
{
    if (options.progress && !options.progress(fraction))
        throw Error("cancelled");
}

ScoredData prepare(const Model& model, const Generator& data)
{
    ScoredData s;
    s.examples = data.dataset().size();
    s.shapes.push_back(data.dataset().labelShape());
    if (data.secondaryAsTarget())
        s.shapes.push_back(data.dataset().secondaryShape());
    const auto& outputs = model.summary().outputShapes;
    for (std::size_t o = 0; o < outputs.size(); ++o) {
        s.predictionSize.push_back(elementCount(outputs[o]));
        s.predictions.emplace_back(static_cast<std::size_t>(s.examples * s.predictionSize.back()),
                                   0.0F);
    }
    for (const auto& shape : s.shapes)
        s.targets.emplace_back(static_cast<std::size_t>(s.examples * elementCount(shape)), 0.0F);
    if (data.dataset().weighted())
        s.weights.resize(static_cast<std::size_t>(s.examples));
    return s;
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

void scoreWindows(Model& model, const Generator& data, const ScoreOptions& options, ScoredData& s)
{
    requireInputShapes(model, data);
    const Generator batches = scoringBatches(data);
    const std::int64_t rowsPerBatch = batches.batchSize();
    WindowBatchJob job;
    job.count = batches.batchesPerEpoch();
    job.bf16 = options.precision == "bf16";
    job.fill = [&](std::int64_t g, Batch& batch) {
        batches.fill(g, batch);
    };
    job.take = [&](std::int64_t g, const Batch& batch, const std::vector<torch::Tensor>& outputs) {
        const std::int64_t row = g * rowsPerBatch;
        for (std::size_t o = 0; o < outputs.size() && o < s.predictionSize.size(); ++o)
            std::memcpy(s.predictions[o].data() + row * s.predictionSize[o],
                        outputs[o].data_ptr<float>(),
                        sizeof(float) * static_cast<std::size_t>(outputs[o].numel()));
        for (std::size_t o = 0; o < batch.targets.size() && o < s.targets.size(); ++o)
            std::memcpy(s.targets[o].data() + row * s.elements(o), batch.targets[o].values.data(),
                        sizeof(float) * batch.targets[o].values.size());
        if (!s.weights.empty())
            std::memcpy(s.weights.data() + row, batch.weights.values.data(),
                        sizeof(float) * batch.weights.values.size());
    };
    job.progress = [&](std::int64_t done) {
        return !options.progress ||
               options.progress(static_cast<double>(done) / static_cast<double>(job.count));
    };
    runWindowBatches(model, job);
}

/// The examples on one strand of a chromosome, by window start in forward coordinates.
struct StrandExamples {
    std::vector<std::pair<std::int64_t, std::int64_t>> byStart; ///< (start, example), sorted
};
using StrandKey = std::pair<std::string, bool>; // chromosome, reverse

/// Runs the plan along one strand over every window start from the first example's to the
/// last's, a chunk of starts at a time (so memory is a chunk's bases and outputs, not the
/// chromosome's), and copies each example's outputs into `predictions`. On the reverse strand
/// it runs along the reverse complement, where the window at forward start x starts at
/// n - window - x.
void runStrand(const WholeSequenceRunner& runner, const std::filesystem::path& fasta,
               const StrandKey& key, const StrandExamples& e, float* predictions,
               const std::function<void(std::int64_t)>& done)
{
    const auto stream = store::openSequence(fasta, key.first);
    const std::int64_t n = stream->length(), window = runner.plan().window;
    const std::int64_t outputs = runner.plan().outputs;
    // Strand coordinates: a forward start x is position x, or n - window - x reversed.
    std::vector<std::pair<std::int64_t, std::int64_t>> along = e.byStart;
    if (key.second) {
        for (auto& [start, example] : along)
            start = n - window - start;
        std::reverse(along.begin(), along.end());
    }
    const std::int64_t first = along.front().first, last = along.back().first;
    std::vector<std::uint8_t> codes;
    std::vector<float> values;
    auto next = along.begin();
    for (std::int64_t a = first; a <= last; a += runner.chunk) {
        const std::int64_t k = std::min(runner.chunk, last - a + 1);
        codes.resize(static_cast<std::size_t>(k - 1 + window));
        const auto bases = static_cast<std::int64_t>(codes.size());
        stream->read(key.second ? n - a - bases : a, bases, codes.data());
        if (key.second)
            sequence::reverseComplementCodes(codes.data(), codes.size());
        values.resize(static_cast<std::size_t>(k * outputs));
        runner.run(codes.data(), bases, 0, k, values.data());
        for (; next != along.end() && next->first < a + k; ++next)
            std::copy_n(values.begin() + (next->first - a) * outputs, outputs,
                        predictions + next->second * outputs);
        done(k);
    }
}

void scoreWhole(Model& model, const Generator& data, const ScoreOptions& options, ScoredData& s)
{
    const Dataset& dataset = data.dataset();
    const WholeSequenceRunner runner(model, planWholeSequenceFor(model.spec(), 0),
                                     options.precision == "bf16");
    std::map<StrandKey, StrandExamples> strands;
    for (std::int64_t i = 0; i < s.examples; ++i) {
        const Locus l = dataset.locus(i);
        strands[{l.chrom, l.reverse}].byStart.emplace_back(l.start, i);
    }
    std::int64_t done = 0, total = 0;
    for (auto& [key, e] : strands) {
        std::sort(e.byStart.begin(), e.byStart.end());
        total += e.byStart.back().first - e.byStart.front().first + 1;
    }
    const auto fasta = dataset.spec().resolve(dataset.spec().fasta_file);
    for (const auto& [key, e] : strands)
        runStrand(runner, fasta, key, e, s.predictions[0].data(), [&](std::int64_t k) {
            done += k;
            report(options, 0.95 * static_cast<double>(done) / static_cast<double>(total));
        });
    const std::int64_t labelSize = s.elements(0);
    for (std::int64_t i = 0; i < s.examples; ++i) {
        ExampleSlots slots;
        slots.label = s.targets[0].data() + i * labelSize;
        const float w = dataset.fill(i, slots);
        if (!s.weights.empty())
            s.weights[static_cast<std::size_t>(i)] = w;
    }
    report(options, 1.0);
}

} // namespace

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

ScoredData scoreData(Model& model, const Generator& data, const ScoreOptions& options)
{
    if (data.options().shuffle)
        throw Error("internal: scoring needs a generator that does not shuffle");
    const auto start = Clock::now();
    ScoredData s = prepare(model, data);
    std::string blocker =
        options.method == "windows" ? "windows were asked for" : wholeSequenceBlocker(model, data);
    if (options.method == "whole" && !blocker.empty())
        throw Error::atKeyword("method", "whole-sequence inference is not possible: " + blocker);
    if (blocker.empty()) {
        scoreWhole(model, data, options, s);
        s.method = "whole-sequence";
    } else {
        scoreWindows(model, data, options, s);
        s.method = "windows";
        s.reason = blocker;
    }
    s.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return s;
}

} // namespace kdna
