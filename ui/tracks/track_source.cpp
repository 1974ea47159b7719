#include "ui/tracks/track_source.h"

#include "core/genome/genome.h"
#include "ui/tracks/locus.h"
#include "core/tracks/bigwig.h"
#include "core/util/chrom_names.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <limits>

namespace kdna::ui {
namespace {

constexpr float kNoData = std::numeric_limits<float>::quiet_NaN();

std::uint64_t nextSourceId()
{
    static std::atomic<std::uint64_t> counter{0};
    return ++counter;
}

/// Accumulates per-base values into `bins` even bins over [start, end) (the geometry Tile
/// assumes, and bwStats uses), as means over the bases with data.
class Binner {
public:
    Binner(std::int64_t start, std::int64_t end, std::int64_t bins)
        : m_start(start)
        , m_end(end)
        , m_sums(static_cast<std::size_t>(bins), 0.0)
        , m_counts(static_cast<std::size_t>(bins), 0)
    {}

    /// Adds the values of bases [from, from + n).
    void add(std::int64_t from, const float* values, std::int64_t n)
    {
        const auto bins = static_cast<std::int64_t>(m_sums.size());
        const std::int64_t span = m_end - m_start;
        for (std::int64_t i = 0; i < n; ++i) {
            const float v = values[i];
            if (std::isnan(v))
                continue;
            const auto b =
                static_cast<std::size_t>(std::min(bins - 1, (from + i - m_start) * bins / span));
            m_sums[b] += v;
            ++m_counts[b];
        }
    }

    [[nodiscard]] Tile tile() const
    {
        Tile tile{m_start, m_end, std::vector<float>(m_sums.size(), kNoData), {}};
        for (std::size_t b = 0; b < m_sums.size(); ++b)
            if (m_counts[b] > 0)
                tile.values[b] = static_cast<float>(m_sums[b] / static_cast<double>(m_counts[b]));
        return tile;
    }

private:
    std::int64_t m_start;
    std::int64_t m_end;
    std::vector<double> m_sums;
    std::vector<std::int64_t> m_counts;
};

std::int64_t binCount(std::int64_t start, std::int64_t end, std::int64_t binSize)
{
    return std::max<std::int64_t>(1, (end - start + binSize - 1) / binSize);
}

} // namespace

std::size_t Tile::binAt(double pos) const
{
    const std::size_t n = bins();
    if (n == 0 || end <= start)
        return 0;
    const double f = (pos - static_cast<double>(start)) * static_cast<double>(n) /
                     static_cast<double>(end - start);
    return static_cast<std::size_t>(std::clamp(f, 0.0, static_cast<double>(n - 1)));
}

double Tile::binStart(std::size_t bin) const
{
    const std::size_t n = bins();
    return static_cast<double>(start) + static_cast<double>(bin) *
                                            static_cast<double>(end - start) /
                                            static_cast<double>(std::max<std::size_t>(n, 1));
}

TrackSource::TrackSource(std::vector<Chromosome> chromosomes)
    : m_id(nextSourceId())
    , m_chromosomes(std::move(chromosomes))
{
    for (const auto& c : m_chromosomes)
        m_lengths.emplace(c.name, c.length);
}

std::string TrackSource::chromosomeName(const std::string& viewChrom) const
{
    if (m_lengths.count(viewChrom))
        return viewChrom;
    // Alias matching scans every name: remember the answer, views ask on every frame.
    std::lock_guard lock(m_aliasMutex);
    auto it = m_aliases.find(viewChrom);
    if (it == m_aliases.end())
        it = m_aliases.emplace(viewChrom, chrom_names::match(viewChrom, namesOf(m_chromosomes)))
                 .first;
    return it->second;
}

std::int64_t TrackSource::length(const std::string& chrom) const
{
    const auto it = m_lengths.find(chrom);
    return it == m_lengths.end() ? 0 : it->second;
}

// ---------------------------------------------------------------------------------------------

std::shared_ptr<BigWigSource> BigWigSource::open(const std::filesystem::path& path)
{
    auto reader = std::make_unique<BigWigReader>(BigWigReader::open(path));
    const auto reductions = reader->zoomReductions();
    const std::int64_t finest = reductions.empty() ? std::numeric_limits<std::int64_t>::max() / 4
                                                   : std::int64_t{reductions.front()};
    return std::shared_ptr<BigWigSource>(new BigWigSource(std::move(reader), finest));
}

BigWigSource::BigWigSource(std::unique_ptr<BigWigReader> reader, std::int64_t finestZoom)
    : TrackSource(reader->chromosomes())
    , m_reader(std::move(reader))
    , m_finestZoom(finestZoom)
{}

bool BigWigSource::zoomServes(std::int64_t binSize) const
{
    // libBigWig takes a zoom level whose reduction is at most half the bin, else it computes
    // each bin from the full data with one index query a bin.
    return binSize >= 2 * m_finestZoom;
}

Tile BigWigSource::read(const std::string& chrom, std::int64_t start, std::int64_t end,
                        std::int64_t binSize) const
{
    Tile tile{start, end, {}, {}};
    if (binSize <= 1) {
        tile.values = m_reader->values(chrom, start, end);
        return tile;
    }
    const std::int64_t bins = binCount(start, end, binSize);
    if (zoomServes(binSize)) {
        // The last tile of a chromosome is short: its bins are a little narrower than
        // binSize, which keeps one summary call a tile.
        const auto means = m_reader->summary(chrom, start, end, static_cast<std::uint32_t>(bins),
                                             SummaryStat::Mean);
        tile.values.assign(means.begin(), means.end());
        return tile;
    }
    // Finer than any zoom level: one per-base read a chunk, averaged here, is far faster than
    // libBigWig's per-bin queries (a 100 kb view: milliseconds instead of a second).
    constexpr std::int64_t kChunk = std::int64_t{1} << 20;
    Binner binner(start, end, bins);
    std::vector<float> buffer;
    for (std::int64_t from = start; from < end; from += kChunk) {
        const std::int64_t to = std::min(end, from + kChunk);
        buffer.resize(static_cast<std::size_t>(to - from));
        m_reader->values(chrom, from, to, buffer.data(), kNoData);
        binner.add(from, buffer.data(), to - from);
    }
    return binner.tile();
}

// ---------------------------------------------------------------------------------------------

MemorySignalSource::MemorySignalSource(Chromosome chrom, std::int64_t start,
                                       std::vector<float> values)
    : TrackSource({std::move(chrom)})
    , m_start(start)
    , m_values(std::move(values))
{}

Tile MemorySignalSource::read(const std::string& chrom, std::int64_t start, std::int64_t end,
                              std::int64_t binSize) const
{
    Binner binner(start, end, binCount(start, end, std::max<std::int64_t>(1, binSize)));
    if (chrom == chromosomes().front().name) {
        const std::int64_t from = std::max(start, m_start);
        const std::int64_t to = std::min(end, m_start + static_cast<std::int64_t>(m_values.size()));
        if (from < to)
            binner.add(from, m_values.data() + (from - m_start), to - from);
    }
    return binner.tile();
}

// ---------------------------------------------------------------------------------------------

SequenceSource::SequenceSource(std::shared_ptr<const Genome> genome)
    : TrackSource(genome->chromosomes())
    , m_genome(std::move(genome))
{}

Tile SequenceSource::read(const std::string& chrom, std::int64_t start, std::int64_t end,
                          std::int64_t /*binSize*/) const
{
    Tile tile{start, end, {}, {}};
    tile.bases = m_genome->fetch(chrom, start, end);
    return tile;
}

} // namespace kdna::ui
