#include "core/distributed/process_group.h"
#include "core/eval/predictor.h"
#include "core/genome/genome.h"
#include "core/model/model.h"
#include "core/tracks/bigwig.h"
#include "core/util/error.h"
#include "core/util/paths.h"
#include "core/util/text.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <exception>
#include <future>
#include <map>
#include <numeric>
#include <optional>
#include <set>

namespace kdna {

using Clock = std::chrono::steady_clock;

std::vector<std::filesystem::path> exportPaths(const std::string& path,
                                               const OutputLayouts& layouts)
{
    const std::vector<std::string> names = layouts.trackNames();
    if (names.size() == 1)
        return {path};
    std::string prefix = path;
    if (text::endsWith(text::toLower(prefix), ".bw"))
        prefix.resize(prefix.size() - 3);
    std::vector<std::filesystem::path> out;
    std::set<std::string> taken;
    for (const auto& name : names) {
        // Two names that read alike once made file names ("a/b", "a_b") get their own files.
        const std::string base = paths::fileNamePart(name);
        std::string part = base;
        for (int n = 2; !taken.insert(part).second; ++n)
            part = base + "_" + std::to_string(n);
        out.emplace_back(prefix + "_" + part + ".bw");
    }
    return out;
}

std::vector<std::vector<Chromosome>> shareChromosomes(const std::vector<Chromosome>& chromosomes,
                                                      int ranks)
{
    std::vector<std::size_t> longestFirst(chromosomes.size());
    std::iota(longestFirst.begin(), longestFirst.end(), std::size_t{0});
    std::stable_sort(longestFirst.begin(), longestFirst.end(), [&](std::size_t a, std::size_t b) {
        return chromosomes[a].length > chromosomes[b].length;
    });
    std::vector<std::int64_t> load(static_cast<std::size_t>(std::max(1, ranks)), 0);
    std::vector<std::size_t> owner(chromosomes.size());
    for (const std::size_t i : longestFirst) {
        // min_element finds the first of equal loads: the lower rank.
        const auto least =
            static_cast<std::size_t>(std::min_element(load.begin(), load.end()) - load.begin());
        owner[i] = least;
        load[least] += chromosomes[i].length;
    }
    std::vector<std::vector<Chromosome>> shares(load.size());
    for (std::size_t i = 0; i < chromosomes.size(); ++i)
        shares[owner[i]].push_back(chromosomes[i]);
    return shares;
}

namespace {

namespace fs = std::filesystem;

/// Passes the zoom pass of `file` on to `request.writing`, when it listens.
BigWigWriter::FinishProgress finishProgress(const PredictRequest& request, const fs::path& file)
{
    if (!request.writing)
        return {};
    return [&request, what = "zoom levels of " + file.filename().string()](std::int64_t done,
                                                                           std::int64_t total) {
        request.writing(what, done, total);
    };
}

/// A prediction written to bigWig: the summary, and whether each track got any value.
struct WrittenPrediction {
    PredictSummary summary;
    std::vector<bool> valued;
};

/// predict() into one bigWig per path, whose header lists `header`. A track that got no value
/// is finished only with `keepEmpty` (else its file is not made).
WrittenPrediction writeBigWigs(Model& model, const DatasetSpec& trainSpec, std::int64_t inputLength,
                               const DataStatistics& statistics, const PredictRequest& request,
                               const std::vector<Chromosome>& header,
                               const std::vector<fs::path>& paths, bool keepEmpty)
{
    std::vector<std::unique_ptr<BigWigWriter>> writers;
    BigWigWriterOptions options;
    options.skipZeros = false; // a prediction of 0 is a value, not a gap
    for (const auto& p : paths)
        writers.push_back(std::make_unique<BigWigWriter>(p, header, options));
    WrittenPrediction out;
    out.valued.assign(paths.size(), false);
    // A piece is compressed into the bigWig on a second thread while the next one is
    // predicted: zlib alone takes about as long as the network on a GPU.
    std::future<void> writing;
    auto write = [&](const Chromosome& chrom, std::int64_t from,
                     std::vector<std::vector<float>> tracks) {
        if (writing.valid())
            writing.get(); // one piece in flight; rethrows a write error
        writing = std::async(std::launch::async, [&writers, &valued = out.valued, name = chrom.name,
                                                  from, tracks = std::move(tracks)] {
            for (std::size_t k = 0; k < tracks.size(); ++k) {
                valued[k] = valued[k] || std::any_of(tracks[k].begin(), tracks[k].end(),
                                                     [](float v) { return !std::isnan(v); });
                writers[k]->addValues(name, from, tracks[k]);
            }
        });
    };
    out.summary = predict(model, trainSpec, inputLength, statistics, request, write);
    if (writing.valid())
        writing.get();
    for (std::size_t k = 0; k < writers.size(); ++k)
        if (keepEmpty || out.valued[k])
            writers[k]->finish(finishProgress(request, paths[k]));
    return out;
}

/// Where rank `rank` writes its share of each output file: beside it, so that rank 0 reads
/// it on the same (shared) file system.
std::vector<fs::path> partPaths(const std::vector<fs::path>& paths, int rank)
{
    std::vector<fs::path> out;
    for (const auto& p : paths)
        out.push_back(p.parent_path() /
                      (p.filename().string() + ".rank" + std::to_string(rank) + ".part"));
    return out;
}

void removeFiles(const std::vector<fs::path>& files)
{
    for (const auto& f : files) {
        std::error_code ignored; // a part never written is not there
        fs::remove(f, ignored);
    }
}

/// The request for one rank's share: its chromosomes (and their regions) in `all`'s order.
PredictRequest shareRequest(const PredictRequest& request, const std::vector<Chromosome>& all,
                            const std::vector<Chromosome>& mine)
{
    PredictRequest share = request;
    share.group = nullptr;
    share.chromosomes.clear();
    share.startStop.clear();
    for (std::size_t i = 0; i < all.size(); ++i) {
        if (std::find(mine.begin(), mine.end(), all[i]) == mine.end())
            continue;
        share.chromosomes.push_back(all[i].name);
        if (!request.startStop.empty())
            share.startStop.push_back(request.startStop[i]);
    }
    return share;
}

/// What each rank tells the others once its share is written: whether it succeeded, its
/// bases and windows, and whether each track got a value (so rank 0 knows which parts exist
/// without asking a shared file system).
enum ShareField : std::size_t { kSucceeded, kBases, kWindows, kFirstTrack };

std::vector<std::int64_t> shareReport(bool succeeded, const WrittenPrediction& written,
                                      std::size_t tracks)
{
    std::vector<std::int64_t> out(kFirstTrack + tracks, 0);
    if (!succeeded)
        return out;
    out[kSucceeded] = 1;
    out[kBases] = written.summary.bases;
    out[kWindows] = written.summary.windows;
    for (std::size_t k = 0; k < written.valued.size(); ++k)
        out[kFirstTrack + k] = written.valued[k] ? 1 : 0;
    return out;
}

/// Rank 0: each output file from the ranks' parts, chromosome by chromosome in `all`'s order
/// (the single process's header), copied a block at a time.
void mergeParts(const std::vector<Chromosome>& all,
                const std::vector<std::vector<Chromosome>>& shares,
                const std::vector<std::vector<std::int64_t>>& reports,
                const std::vector<fs::path>& paths, const PredictRequest& request)
{
    std::map<std::string, std::size_t> owner;
    for (std::size_t r = 0; r < shares.size(); ++r)
        for (const auto& c : shares[r])
            owner[c.name] = r;
    BigWigWriterOptions options;
    options.skipZeros = false;
    for (std::size_t k = 0; k < paths.size(); ++k) {
        std::vector<std::optional<BigWigReader>> parts(shares.size());
        for (std::size_t r = 0; r < shares.size(); ++r)
            if (reports[r][kFirstTrack + k] != 0)
                parts[r].emplace(BigWigReader::open(partPaths(paths, static_cast<int>(r))[k]));
        BigWigWriter out(paths[k], all, options);
        for (const auto& chrom : all)
            if (const auto& part = parts[owner.at(chrom.name)])
                copyChromosome(*part, out, chrom.name);
        out.finish(finishProgress(request, paths[k]));
    }
}

/// predictToBigWig as one rank of `request.group`.
std::vector<fs::path> predictAsRank(Model& model, const DatasetSpec& trainSpec,
                                    std::int64_t inputLength, const DataStatistics& statistics,
                                    const PredictRequest& request,
                                    const std::vector<Chromosome>& all,
                                    const std::vector<fs::path>& paths, PredictSummary* summaryOut)
{
    const auto start = Clock::now();
    dist::ProcessGroup& group = *request.group;
    const auto shares = shareChromosomes(all, group.size());
    const auto& mine = shares[static_cast<std::size_t>(group.rank())];
    const auto parts = partPaths(paths, group.rank());
    removeFiles(parts); // an earlier run's, so that no stale part is merged
    WrittenPrediction written;
    std::exception_ptr failure;
    try {
        if (!mine.empty())
            written = writeBigWigs(model, trainSpec, inputLength, statistics,
                                   shareRequest(request, all, mine), mine, parts, false);
    } catch (...) {
        failure = std::current_exception();
        removeFiles(parts);
    }
    const auto reports = group.gather(shareReport(!failure, written, paths.size()),
                                      "the wait for every rank's chromosomes", dist::kShareWait);
    if (failure)
        std::rethrow_exception(failure);
    if (const std::string failed = dist::ranksWithout(reports, kSucceeded); !failed.empty()) {
        removeFiles(parts);
        throw Error("rank " + failed + " of " + std::to_string(group.size()) +
                    " could not predict its chromosomes (its own message says why), so " +
                    paths.front().string() + " was not written");
    }
    if (summaryOut)
        *summaryOut = written.summary;
    if (group.rank() != 0)
        return {}; // rank 0 merges and removes the parts
    try {
        mergeParts(all, shares, reports, paths, request);
    } catch (...) {
        for (int r = 0; r < group.size(); ++r)
            removeFiles(partPaths(paths, r));
        throw;
    }
    for (int r = 0; r < group.size(); ++r)
        removeFiles(partPaths(paths, r));
    if (summaryOut) {
        summaryOut->chromosomes = all;
        summaryOut->bases = summaryOut->windows = 0;
        for (const auto& report : reports) {
            summaryOut->bases += report[kBases];
            summaryOut->windows += report[kWindows];
        }
        summaryOut->seconds = std::chrono::duration<double>(Clock::now() - start).count();
    }
    return paths;
}

} // namespace

std::vector<std::filesystem::path>
predictToBigWig(Model& model, const DatasetSpec& trainSpec, std::int64_t inputLength,
                const DataStatistics& statistics, const PredictRequest& request,
                const std::string& path, PredictSummary* summaryOut)
{
    // The header needs the chromosome list before any data: resolve it the way predict() does
    // (so every rank of a group refuses a bad region alike, before any rank starts).
    const std::filesystem::path fasta =
        request.fasta.empty() ? trainSpec.resolve(trainSpec.fasta_file) : request.fasta;
    const auto chromosomes = chromosomesToPredict(Genome::open(fasta), request, inputLength);
    const auto paths =
        exportPaths(path, outputLayouts(trainSpec, inputLength, model.spec().outputNames(),
                                        model.summary().outputShapes));
    if (request.group && request.group->size() > 1)
        return predictAsRank(model, trainSpec, inputLength, statistics, request, chromosomes, paths,
                             summaryOut);
    const WrittenPrediction written =
        writeBigWigs(model, trainSpec, inputLength, statistics, request, chromosomes, paths, true);
    if (summaryOut)
        *summaryOut = written.summary;
    return paths;
}

} // namespace kdna
