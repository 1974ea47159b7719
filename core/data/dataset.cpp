#include "core/data/dataset.h"

#include "core/data/continuous_dataset.h"
#include "core/data/sparse_dataset.h"
#include "core/data/statistics_cache.h"
#include "core/genome/sequence.h"
#include "core/tracks/bigwig.h"
#include "core/util/opening_progress.h"
#include "core/util/text.h"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <numeric>

#include <nlohmann/json.hpp>

namespace kdna {
namespace {

/// The longest run a scan piece states (its lengths are 32-bit).
constexpr std::int64_t kMaxRun = std::int64_t{1} << 30;

} // namespace

nlohmann::json DataStatistics::toJson() const
{
    nlohmann::json j;
    j["labels"] = nlohmann::json::array();
    for (const auto& n : labels)
        j["labels"].push_back(n.toJson());
    j["secondary"] = nlohmann::json::array();
    for (const auto& n : secondary)
        j["secondary"].push_back(n.toJson());
    j["weights"] = nlohmann::json::array();
    for (const auto& w : weights)
        j["weights"].push_back(w.toJson());
    return j;
}

DataStatistics DataStatistics::fromJson(const nlohmann::json& j)
{
    DataStatistics s;
    for (const auto& n : j.at("labels"))
        s.labels.push_back(Normalizer::fromJson(n));
    for (const auto& n : j.at("secondary"))
        s.secondary.push_back(Normalizer::fromJson(n));
    for (const auto& w : j.at("weights"))
        s.weights.push_back(BalancedWeights::fromJson(w));
    return s;
}

std::string Locus::toString() const
{
    return chrom + ":" + text::withThousands(start) + "-" + text::withThousands(end) +
           (reverse ? " (-)" : " (+)") + " " + kind;
}

void writeOneHot(const std::uint8_t* codes, std::int64_t length, bool reverse, bool alphabetFirst,
                 float* out)
{
    const auto n = static_cast<std::size_t>(length);
    if (!alphabetFirst) {
        if (reverse)
            sequence::oneHotReverseComplement(codes, n, out);
        else
            sequence::oneHot(codes, n, out);
        return;
    }
    std::fill(out, out + 4 * n, 0.0F);
    for (std::size_t i = 0; i < n; ++i) {
        std::uint8_t c = reverse ? codes[n - 1 - i] : codes[i];
        if (c >= sequence::kUnknown)
            continue;
        if (reverse)
            c = static_cast<std::uint8_t>(3 - c);
        out[c * n + i] = 1.0F;
    }
}

Normalizer::Scan scanOfTrack(const std::filesystem::path& bigwig,
                             std::vector<Chromosome> chromosomes, const std::string& file)
{
    // Parts of at most 16 Mbp (a multiple of visitRuns' chunk, so the runs are the same as
    // in one sweep), each within a chromosome.
    struct Part {
        std::size_t chromosome;
        std::int64_t start, end;
    };
    constexpr std::int64_t kPartBases = std::int64_t{1} << 24;
    std::vector<Part> parts;
    std::int64_t total = 0;
    for (std::size_t c = 0; c < chromosomes.size(); ++c) {
        for (std::int64_t s = 0; s < chromosomes[c].length; s += kPartBases)
            parts.push_back({c, s, std::min(chromosomes[c].length, s + kPartBases)});
        total += chromosomes[c].length;
    }
    const std::size_t partCount = parts.size();
    const std::size_t workers = scanWorkers(partCount);
    // One reader per worker (libBigWig's handle reads one block at a time), opened by the
    // first pass: a statistic found in the cache takes none.
    auto readers = std::make_shared<std::vector<BigWigReader>>();
    auto passes = std::make_shared<int>(0);
    auto run = [readers, bigwig, chromosomes = std::move(chromosomes), parts = std::move(parts),
                file, total, passes](std::size_t workers, const Scan::PlacedVisit& visit) {
        while (readers->size() < workers)
            readers->push_back(BigWigReader::open(bigwig));
        const std::string what = "statistics of " +
                                 std::filesystem::path(file).filename().string() +
                                 (++*passes > 1 ? ", pass " + std::to_string(*passes) : "");
        std::atomic<std::int64_t> done{0};
        std::int64_t told = -1; // on the calling thread only
        const auto tell = [&] {
            if (const std::int64_t now = done; now != told)
                reportOpening(what, told = now, total);
        };
        tell();
        const auto visitPart = [&](std::size_t p, std::size_t worker) {
            const Part& part = parts[p];
            const Chromosome& c = chromosomes[part.chromosome];
            const BigWigReader& reader = (*readers)[worker];
            const auto piece = [&](std::span<const float> values,
                                   std::span<const std::uint32_t> lengths) {
                visit({p, worker}, {values, lengths});
                done += lengths.empty()
                            ? static_cast<std::int64_t>(values.size())
                            : std::accumulate(lengths.begin(), lengths.end(), std::int64_t{0});
                if (worker == 0) // the opening's progress scope is the calling thread's
                    tell();
            };
            // Bases past the file's end of the chromosome, or on one it lacks, read as 0.
            const std::int64_t stored =
                reader.contains(c.name) ? std::min(c.length, reader.length(c.name)) : 0;
            if (part.start < stored)
                reader.visitRuns(c.name, part.start, std::min(part.end, stored), piece);
            const float zero = 0.0F;
            for (std::int64_t at = std::max(part.start, stored); at < part.end; at += kMaxRun) {
                const auto n = static_cast<std::uint32_t>(std::min(kMaxRun, part.end - at));
                piece({&zero, 1}, {&n, 1});
            }
        };
        runParts(parts.size(), workers, visitPart, tell);
        tell();
    };
    return {partCount, workers, std::move(run), static_cast<std::uint64_t>(total)};
}

std::vector<std::string> chromosomesDrawnFrom(const Dataset& data,
                                              const std::vector<std::string>& names)
{
    std::vector<std::string> out;
    for (const auto& c : data.summary().chromosomes)
        if (c.examples > 0 && std::find(names.begin(), names.end(), c.chrom) != names.end())
            out.push_back(c.chrom);
    return out;
}

std::string overlapNote(const std::string& about, const std::vector<std::string>& chromosomes,
                        const std::string& role, const std::string& consequence,
                        const std::string& leaveOutOf)
{
    const bool one = chromosomes.size() == 1;
    return about + ": " + text::join(chromosomes, ", ") + (one ? " is also a " : " are also ") +
           role + (one ? " chromosome" : " chromosomes") + ", so " + consequence + " (leave " +
           (one ? "it" : "them") + " out of " + leaveOutOf + ")";
}

std::string fittedOn(const std::string& role, const std::vector<NormalizationMode>& modes,
                     const std::vector<Chromosome>& chromosomes)
{
    std::string out = role + "\nmodes";
    for (const auto& m : modes)
        out += " " + std::string(m.word());
    out += "\nchromosomes";
    for (const auto& c : chromosomes)
        out += " " + c.name + ":" + std::to_string(c.length);
    return out;
}

Normalizer fitNormalizer(const std::filesystem::path& track, const std::string& role,
                         const std::vector<NormalizationMode>& modes,
                         const std::vector<Chromosome>& chromosomes, const Normalizer::Scan& scan)
{
    return store::cachedStatistic<Normalizer>(track, fittedOn(role, modes, chromosomes),
                                              [&] { return Normalizer::fit(modes, scan); });
}

std::shared_ptr<const Dataset> openDataset(const DatasetSpec& spec, const DataStatistics* fitted)
{
    if (spec.isSparse())
        return std::make_shared<SparseDataset>(spec, fitted);
    return std::make_shared<ContinuousDataset>(spec, fitted);
}

} // namespace kdna
