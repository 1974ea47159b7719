#include "core/data/dataset.h"

#include "core/data/continuous_dataset.h"
#include "core/data/opening_progress.h"
#include "core/data/sparse_dataset.h"
#include "core/data/statistics_cache.h"
#include "core/genome/sequence.h"
#include "core/util/text.h"

#include <algorithm>
#include <cstdint>
#include <filesystem>

#include <nlohmann/json.hpp>

namespace kdna {

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

Normalizer::Scan scanOfStreams(std::vector<std::shared_ptr<const store::TrackStream>> streams,
                               const std::string& file)
{
    std::int64_t total = 0;
    for (const auto& stream : streams)
        total += stream->length();
    auto passes = std::make_shared<int>(0);
    return [streams = std::move(streams), file, total,
            passes](const std::function<void(std::span<const float>)>& visit) {
        const std::string what = "statistics of " +
                                 std::filesystem::path(file).filename().string() +
                                 (++*passes > 1 ? ", pass " + std::to_string(*passes) : "");
        std::int64_t done = 0;
        reportOpening(what, 0, total);
        for (const auto& stream : streams)
            stream->scan(0, stream->length(), [&](const float* v, std::int64_t n) {
                visit({v, static_cast<std::size_t>(n)});
                reportOpening(what, done += n, total);
            });
    };
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
