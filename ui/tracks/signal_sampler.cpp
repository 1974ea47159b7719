#include "ui/tracks/signal_sampler.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>

namespace kdna::ui {
namespace {

constexpr float kNoData = std::numeric_limits<float>::quiet_NaN();
constexpr int kLevels = 40;
/// How many coarser levels may stand in for a tile still loading.
constexpr int kFallbackLevels = 12;

/// Finds cached tiles by position, remembering the last tile of each level: consecutive
/// positions mostly fall in the same tile, so most lookups cost no hashing.
class TileLookup {
public:
    TileLookup(const TileFetcher& fetcher, const TrackSource& source, const std::string& chrom)
        : m_fetcher(fetcher)
        , m_key{source.id(), chrom, 0, 0}
        , m_length(source.length(chrom))
    {}

    [[nodiscard]] std::int64_t length() const { return m_length; }

    const Tile* at(int level, double pos)
    {
        const auto index = static_cast<std::int64_t>(
            std::floor(pos / static_cast<double>(tiles::tileSpan(level))));
        Memo& memo = m_memo[static_cast<std::size_t>(level)];
        if (!memo.valid || memo.index != index) {
            m_key.level = level;
            m_key.index = index;
            memo.tile = m_fetcher.find(m_key);
            memo.index = index;
            memo.valid = true;
        }
        return memo.tile.get();
    }

    /// The value at `pos` from the finest cached level coarser than `level`, or NaN.
    float fallback(int level, double pos)
    {
        const int first =
            level == 0 ? std::max(1, static_cast<int>(std::log2(tiles::kPerBaseBelowBpPerPixel)))
                       : level + 1;
        for (int l = first; l < std::min(kLevels, first + kFallbackLevels); ++l)
            if (const Tile* tile = at(l, pos))
                return tile->values.empty() ? kNoData : tile->values[tile->binAt(pos)];
        return kNoData;
    }

private:
    struct Memo {
        bool valid = false;
        std::int64_t index = 0;
        std::shared_ptr<const Tile> tile;
    };
    const TileFetcher& m_fetcher;
    TileKey m_key;
    std::int64_t m_length;
    std::array<Memo, kLevels> m_memo;
};

/// The mean of the bins of `level` whose centres fall in [from, to); the bin under the middle
/// when none does (bins wider than the pixel).
float meanOver(TileLookup& lookup, int level, double from, double to, bool& complete)
{
    double sum = 0;
    int n = 0;
    double pos = from;
    const Tile* tile = nullptr;
    while (pos < to) {
        tile = lookup.at(level, pos);
        if (!tile || tile->values.empty()) {
            complete = false;
            return lookup.fallback(level, 0.5 * (from + to));
        }
        const std::size_t bin = tile->binAt(pos);
        const double binFrom = tile->binStart(bin);
        const double binTo =
            bin + 1 < tile->bins() ? tile->binStart(bin + 1) : static_cast<double>(tile->end);
        const double centre = 0.5 * (binFrom + binTo);
        const float v = tile->values[bin];
        if (centre >= from && centre < to && !std::isnan(v)) {
            sum += v;
            ++n;
        }
        pos = std::max(binTo, std::nextafter(pos, to));
    }
    if (n > 0)
        return static_cast<float>(sum / n);
    const double middle = 0.5 * (from + to);
    tile = lookup.at(level, middle);
    return tile && !tile->values.empty() ? tile->values[tile->binAt(middle)] : kNoData;
}

} // namespace

std::vector<TileRequest> tilesFor(const std::shared_ptr<const TrackSource>& source,
                                  const std::string& chrom, double start, double end, int level)
{
    std::vector<TileRequest> out;
    const std::int64_t length = source->length(chrom);
    const std::int64_t span = tiles::tileSpan(level);
    if (length <= 0 || end <= 0 || start >= static_cast<double>(length))
        return out;
    const std::int64_t last = (length - 1) / span;
    const auto tileOf = [&](double pos) {
        return std::clamp<std::int64_t>(
            static_cast<std::int64_t>(std::floor(pos / static_cast<double>(span))), 0, last);
    };
    const std::int64_t first = tileOf(start);
    const std::int64_t lastVisible = tileOf(std::nextafter(end, start));
    const auto add = [&](std::int64_t index) {
        if (index < 0 || index > last)
            return;
        const auto [from, to] = tiles::tileRange(level, index, length);
        out.push_back(
            {TileKey{source->id(), chrom, level, index}, source, from, to, tiles::binSize(level)});
    };
    for (std::int64_t i = first; i <= lastVisible; ++i)
        add(i);
    add(lastVisible + 1);
    add(first - 1);
    return out;
}

SignalSamples sampleSignal(const TileFetcher& fetcher, const TrackSource& source,
                           const std::string& chrom, const ViewFrame& frame)
{
    SignalSamples samples;
    TileLookup lookup(fetcher, source, chrom);
    const double length = static_cast<double>(lookup.length());
    const double bpp = frame.bpPerPixel();
    const int level = tiles::levelFor(bpp);
    if (bpp <= 1.0) {
        samples.resolution = SignalSamples::Resolution::PerBase;
        const auto first = static_cast<std::int64_t>(std::max(0.0, std::floor(frame.start)));
        const auto last = static_cast<std::int64_t>(std::min(length, std::ceil(frame.end)));
        samples.firstBase = first;
        samples.values.assign(static_cast<std::size_t>(std::max<std::int64_t>(0, last - first)),
                              kNoData);
        for (std::int64_t b = first; b < last; ++b) {
            const Tile* tile = lookup.at(0, static_cast<double>(b));
            float& out = samples.values[static_cast<std::size_t>(b - first)];
            if (tile && !tile->values.empty()) {
                out = tile->values[static_cast<std::size_t>(b - tile->start)];
            } else {
                samples.complete = false;
                out = lookup.fallback(0, static_cast<double>(b) + 0.5);
            }
        }
        return samples;
    }
    samples.resolution = SignalSamples::Resolution::PerPixel;
    const int pixels = frame.pixels();
    samples.values.assign(static_cast<std::size_t>(pixels), kNoData);
    for (int x = 0; x < pixels; ++x) {
        const double from = std::max(0.0, frame.start + x * bpp);
        const double to = std::min(length, frame.start + (x + 1) * bpp);
        if (to > from)
            samples.values[static_cast<std::size_t>(x)] =
                meanOver(lookup, level, from, to, samples.complete);
    }
    return samples;
}

std::vector<float> sampleValues(const TileFetcher& fetcher, const TrackSource& source,
                                const std::string& chrom, std::int64_t first, std::int64_t last,
                                bool* complete)
{
    TileLookup lookup(fetcher, source, chrom);
    first = std::max<std::int64_t>(0, first);
    last = std::min(lookup.length(), last);
    std::vector<float> values(static_cast<std::size_t>(std::max<std::int64_t>(0, last - first)),
                              kNoData);
    bool all = true;
    for (std::int64_t b = first; b < last;) {
        const Tile* tile = lookup.at(0, static_cast<double>(b));
        const std::int64_t to = tile
                                    ? std::min(last, tile->end)
                                    : std::min(last, (b / tiles::kTileBins + 1) * tiles::kTileBins);
        if (tile && !tile->values.empty())
            std::copy(tile->values.begin() + (b - tile->start),
                      tile->values.begin() + (to - tile->start), values.begin() + (b - first));
        else
            all = false;
        b = to;
    }
    if (complete)
        *complete = all;
    return values;
}

std::string sampleBases(const TileFetcher& fetcher, const TrackSource& source,
                        const std::string& chrom, std::int64_t first, std::int64_t last,
                        bool* complete)
{
    TileLookup lookup(fetcher, source, chrom);
    first = std::max<std::int64_t>(0, first);
    last = std::min(lookup.length(), last);
    std::string bases(static_cast<std::size_t>(std::max<std::int64_t>(0, last - first)), ' ');
    bool all = true;
    for (std::int64_t b = first; b < last; ++b) {
        const Tile* tile = lookup.at(0, static_cast<double>(b));
        if (tile && !tile->bases.empty())
            bases[static_cast<std::size_t>(b - first)] =
                tile->bases[static_cast<std::size_t>(b - tile->start)];
        else
            all = false;
    }
    if (complete)
        *complete = all;
    return bases;
}

} // namespace kdna::ui
