#include "core/eval/predictor.h"

#include "core/data/shapes.h"
#include "core/data/store.h"
#include "core/genome/genome.h"
#include "core/genome/sequence.h"
#include "core/model/autocast.h"
#include "core/model/torch_model.h"
#include "core/tracks/bigwig.h"
#include "core/tracks/chrom_sizes.h"
#include "core/util/chrom_names.h"
#include "core/util/error.h"
#include "core/util/text.h"
#include "core/eval/whole_sequence.h"

#include <chrono>
#include <cmath>
#include <cstdint>
#include <future>
#include <limits>

namespace kdna {
namespace {

using Clock = std::chrono::steady_clock;
constexpr float kEmpty = std::numeric_limits<float>::quiet_NaN();

/// The chromosomes to predict, with their lengths, in the order the bigWig header lists them.
std::vector<Chromosome> chromosomesToPredict(const Genome& genome, const PredictRequest& request)
{
    std::vector<Chromosome> wanted;
    if (request.chromosomes.empty()) {
        wanted = genome.chromosomes();
    } else {
        for (const auto& name : request.chromosomes) {
            if (!genome.contains(name))
                throw Error("incl_chromosomes: " +
                                chrom_names::unknownMessage(
                                    name, "the genome " + genome.path().string(), genome.names()),
                            "incl_chromosomes");
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
                    throw Error("chrom_size: " + request.chromSizes.string() + " gives " + s.name +
                                    " " + text::withThousands(s.length) +
                                    " bp but the genome has " + text::withThousands(w.length) +
                                    " bp",
                                "chrom_size");
                ordered.push_back(w);
            }
    for (const auto& w : wanted)
        if (std::none_of(ordered.begin(), ordered.end(),
                         [&](const Chromosome& c) { return c.name == w.name; }))
            throw Error("chrom_size: " + chrom_names::unknownMessage(
                                             w.name, request.chromSizes.string(), namesOf(sizes)),
                        "chrom_size");
    return ordered;
}

} // namespace

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

PredictSummary predict(Model& model, const DatasetSpec& trainSpec, std::int64_t inputLength,
                       const DataStatistics& statistics, const PredictRequest& request,
                       const PredictionSink& sink)
{
    const auto start = Clock::now();
    PredictSummary summary;
    summary.layout = predictionLayout(trainSpec, inputLength);
    const PredictionLayout& layout = summary.layout;
    const auto tracks = static_cast<std::int64_t>(layout.trackNames.size());
    const std::int64_t perWindow = layout.valuesPerTrack * tracks;
    const auto& outShapes = model.summary().outputShapes;
    if (outShapes.empty() || elementCount(outShapes.front()) != perWindow)
        throw Error("the model's first output holds " +
                    std::to_string(outShapes.empty() ? 0 : elementCount(outShapes.front())) +
                    " values a window, but its data gives " +
                    std::to_string(layout.valuesPerTrack) + " x " + std::to_string(tracks) +
                    " (values x tracks)");
    const auto outputNames = model.spec().outputNames();
    for (std::size_t o = 1; o < outputNames.size(); ++o)
        summary.notes.push_back(
            "output '" + outputNames[o] +
            "' is not written: kdna exports the first output, whose "
            "values are the labels' tracks; a " +
            text::tuple(outShapes[o]) +
            " output of secondary targets has no track layout in keras_dna's predict");
    const bool secondaryInput =
        !trainSpec.sec_inputs.empty() && trainSpec.use_sec_as == SecondaryUse::Inputs;
    if (model.spec().inputNames().size() != (secondaryInput ? 2U : 1U))
        throw Error("the model takes " + std::to_string(model.spec().inputNames().size()) +
                    " inputs, but prediction gives it the sequence" +
                    (secondaryInput ? std::string(" and the secondary track") : std::string()));

    const std::filesystem::path fasta =
        request.fasta.empty() ? trainSpec.resolve(trainSpec.fasta_file) : request.fasta;
    const Genome genome = Genome::open(fasta);
    summary.chromosomes = chromosomesToPredict(genome, request);
    if (!request.startStop.empty() && request.startStop.size() != summary.chromosomes.size())
        throw Error("start_stop: give one (start, stop) per chromosome (" +
                        std::to_string(summary.chromosomes.size()) + "), not " +
                        std::to_string(request.startStop.size()),
                    "start_stop");
    // A region no window centre reaches would give an empty track: say so before any work.
    for (std::size_t ci = 0; ci < request.startStop.size(); ++ci) {
        const auto [s, e] = request.startStop[ci];
        const Chromosome& c = summary.chromosomes[ci];
        const std::int64_t first = inputLength / 2, last = c.length - inputLength + inputLength / 2;
        if (e < first || s > last)
            throw Error("start_stop: (" + std::to_string(s) + ", " + std::to_string(e) + ") on " +
                            c.name + " holds no window centre: with " +
                            std::to_string(inputLength) + " bp windows they run from " +
                            text::withThousands(first) + " to " + text::withThousands(last) +
                            " (half a window from each end)",
                        "start_stop");
    }

    // Whole-sequence when the model and the request allow it.
    WholeSequencePlan plan = planWholeSequence(model.spec());
    std::string blocker =
        request.method == "windows" ? std::string("windows were asked for") : plan.reason;
    if (blocker.empty() && secondaryInput)
        blocker = "the model takes a secondary input";
    if (blocker.empty() && alphabetBeforeSequence(trainSpec))
        blocker = "the model takes the alphabet first";
    if (request.method == "whole" && !blocker.empty())
        throw Error("method: whole-sequence inference is not possible: " + blocker, "method");
    std::unique_ptr<WholeSequenceRunner> runner;
    if (blocker.empty())
        runner = std::make_unique<WholeSequenceRunner>(model, plan, request.precision == "bf16");
    summary.method = runner ? "whole-sequence" : "windows";
    summary.reason = runner ? std::string() : blocker;

    std::int64_t total = 0, done = 0;
    for (const auto& c : summary.chromosomes)
        total += c.length;
    auto& module = model.impl().module;
    module->eval();
    torch::NoGradGuard noGrad;
    const torch::Device device = model.impl().device;
    const Shape inShape = predictInputShape(trainSpec, inputLength);
    const bool alphabetFirst = alphabetBeforeSequence(trainSpec);
    const std::int64_t W = inputLength;

    for (std::size_t ci = 0; ci < summary.chromosomes.size(); ++ci) {
        const Chromosome& chrom = summary.chromosomes[ci];
        const std::int64_t N = chrom.length;
        std::vector<std::vector<float>> values(
            static_cast<std::size_t>(tracks),
            std::vector<float>(static_cast<std::size_t>(N), kEmpty));
        // Window starts: every stride, from the first that fits, optionally within start_stop.
        std::int64_t firstX = 0, lastX = N - W;
        if (!request.startStop.empty()) {
            const auto [s, e] = request.startStop[ci];
            firstX = std::max<std::int64_t>(firstX, s - W / 2);
            lastX = std::min<std::int64_t>(lastX, e - W / 2);
        }
        std::vector<std::int64_t> starts;
        for (std::int64_t x = firstX; x <= lastX; x += layout.stride)
            starts.push_back(x);
        if (!starts.empty()) {
            std::vector<std::uint8_t> codes = genome.loadCodes(chrom.name);
            if (request.rc)
                sequence::reverseComplementCodes(codes.data(), codes.size());
            // On the reverse strand, the window at x is the one starting at N - W - x.
            auto strandStart = [&](std::int64_t x) {
                return request.rc ? N - W - x : x;
            };
            std::vector<float> out;
            auto scatter = [&](std::int64_t x, const float* o) {
                for (std::int64_t t = 0; t < layout.valuesPerTrack; ++t) {
                    const std::int64_t from = x + layout.offset + t * layout.span;
                    const std::int64_t tt = request.rc ? layout.valuesPerTrack - 1 - t : t;
                    for (std::int64_t k = 0; k < tracks; ++k) {
                        const float v = o[tt * tracks + k];
                        auto& track = values[static_cast<std::size_t>(k)];
                        for (std::int64_t b = from; b < std::min(N, from + layout.span); ++b)
                            track[static_cast<std::size_t>(b)] = v;
                    }
                }
            };
            if (runner) {
                // One run over every start in range (stride 1), then read every stride-th.
                const std::int64_t lo = strandStart(request.rc ? starts.back() : starts.front());
                const std::int64_t hi = strandStart(request.rc ? starts.front() : starts.back());
                out.resize(static_cast<std::size_t>((hi - lo + 1) * perWindow));
                for (std::int64_t a = lo; a <= hi; a += runner->chunk) {
                    const std::int64_t n = std::min(runner->chunk, hi - a + 1);
                    runner->run(codes.data(), N, a, n, out.data() + (a - lo) * perWindow);
                    if (request.progress &&
                        !request.progress(done + N * (a - lo + n) / (hi - lo + 1), total))
                        throw Error("cancelled");
                }
                for (const std::int64_t x : starts)
                    scatter(x, out.data() + (strandStart(x) - lo) * perWindow);
            } else {
                const std::int64_t inSize = elementCount(inShape);
                std::vector<float> batch, secondary;
                std::vector<std::shared_ptr<const store::Values>> secTracks;
                const std::int64_t secLength =
                    secondaryInput ? secondaryLength(trainSpec, inputLength) : 0;
                if (secondaryInput)
                    for (const auto& f : trainSpec.sec_inputs)
                        secTracks.push_back(store::track(trainSpec.resolve(f), chrom.name, N));
                for (std::size_t b = 0; b < starts.size();
                     b += static_cast<std::size_t>(request.batchSize)) {
                    const std::size_t n = std::min<std::size_t>(
                        static_cast<std::size_t>(request.batchSize), starts.size() - b);
                    batch.resize(n * static_cast<std::size_t>(inSize));
                    for (std::size_t i = 0; i < n; ++i)
                        writeOneHot(codes.data() + strandStart(starts[b + i]), W, false,
                                    alphabetFirst,
                                    batch.data() + i * static_cast<std::size_t>(inSize));
                    Shape shape = inShape;
                    shape.insert(shape.begin(), static_cast<std::int64_t>(n));
                    std::vector<torch::Tensor> inputs = {
                        torch::from_blob(batch.data(), shape, torch::kFloat).to(device)};
                    if (secondaryInput) {
                        const auto files = static_cast<std::int64_t>(secTracks.size());
                        secondary.assign(n * static_cast<std::size_t>(secLength * files), 0.0F);
                        for (std::size_t i = 0; i < n; ++i) {
                            const std::int64_t first = starts[b + i] + W / 2 - secLength / 2;
                            for (std::int64_t f = 0; f < files; ++f)
                                for (std::int64_t p = 0; p < secLength; ++p) {
                                    const std::int64_t row = request.rc ? secLength - 1 - p : p;
                                    secondary[i * static_cast<std::size_t>(secLength * files) +
                                              static_cast<std::size_t>(row * files + f)] =
                                        statistics.secondary[static_cast<std::size_t>(f)].apply(
                                            (*secTracks[static_cast<std::size_t>(
                                                f)])[static_cast<std::size_t>(first + p)]);
                                }
                        }
                        Shape secShape = predictSecInputShape(trainSpec, inputLength);
                        secShape.insert(secShape.begin(), static_cast<std::int64_t>(n));
                        inputs.push_back(
                            torch::from_blob(secondary.data(), secShape, torch::kFloat).to(device));
                    }
                    torch::Tensor y;
                    {
                        AutocastScope autocast(request.precision == "bf16", device.is_cuda());
                        y = module->forward(inputs)[0];
                    }
                    y = y.to(torch::kFloat).cpu().contiguous();
                    for (std::size_t i = 0; i < n; ++i)
                        scatter(starts[b + i],
                                y.data_ptr<float>() + i * static_cast<std::size_t>(perWindow));
                    if (request.progress &&
                        !request.progress(done + N * static_cast<std::int64_t>(b + n) /
                                                     static_cast<std::int64_t>(starts.size()),
                                          total))
                        throw Error("cancelled");
                }
            }
        }
        summary.windows += static_cast<std::int64_t>(starts.size());
        for (const float v : values.front())
            summary.bases += !std::isnan(v);
        sink(chrom, std::move(values));
        done += N;
        if (request.progress && !request.progress(done, total))
            throw Error("cancelled");
    }
    summary.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return summary;
}

std::vector<std::filesystem::path> exportPaths(const std::string& path,
                                               const PredictionLayout& layout)
{
    if (layout.trackNames.size() == 1)
        return {path};
    std::string prefix = path;
    if (text::endsWith(text::toLower(prefix), ".bw"))
        prefix.resize(prefix.size() - 3);
    std::vector<std::filesystem::path> out;
    for (const auto& name : layout.trackNames)
        out.emplace_back(prefix + "_" + name + ".bw");
    return out;
}

std::vector<std::filesystem::path>
predictToBigWig(Model& model, const DatasetSpec& trainSpec, std::int64_t inputLength,
                const DataStatistics& statistics, const PredictRequest& request,
                const std::string& path, PredictSummary* summaryOut)
{
    // The header needs the chromosome list before any data: resolve it the way predict() does.
    const std::filesystem::path fasta =
        request.fasta.empty() ? trainSpec.resolve(trainSpec.fasta_file) : request.fasta;
    const auto chromosomes = chromosomesToPredict(Genome::open(fasta), request);
    const auto layout = predictionLayout(trainSpec, inputLength);
    const auto paths = exportPaths(path, layout);
    std::vector<std::unique_ptr<BigWigWriter>> writers;
    BigWigWriterOptions options;
    options.skipZeros = false; // a prediction of 0 is a value, not a gap
    for (const auto& p : paths)
        writers.push_back(std::make_unique<BigWigWriter>(p, chromosomes, options));
    // A chromosome is compressed into the bigWig on a second thread while the next one is
    // predicted: zlib alone takes about as long as the network on a GPU.
    std::future<void> writing;
    auto write = [&](const Chromosome& chrom, std::vector<std::vector<float>> tracks) {
        if (writing.valid())
            writing.get(); // one chromosome in flight; rethrows a write error
        writing = std::async(std::launch::async,
                             [&writers, name = chrom.name, tracks = std::move(tracks)] {
                                 for (std::size_t k = 0; k < tracks.size(); ++k)
                                     writers[k]->addValues(name, 0, tracks[k]);
                             });
    };
    const PredictSummary summary =
        predict(model, trainSpec, inputLength, statistics, request, write);
    if (writing.valid())
        writing.get();
    for (auto& w : writers)
        w->finish();
    if (summaryOut)
        *summaryOut = summary;
    return paths;
}

} // namespace kdna
