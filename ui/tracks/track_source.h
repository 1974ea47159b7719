#pragma once

#include "core/util/chromosome.h"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace kdna {
class BigWigReader;
class Genome;
} // namespace kdna

namespace kdna::ui {

/// One stretch of a track as a view reads it: values spread evenly over [start, end) (one a
/// base, or one a bin of a zoom-level summary; NaN where there is no data), or bases.
struct Tile {
    std::int64_t start = 0;
    std::int64_t end = 0;
    std::vector<float> values;
    std::string bases;

    [[nodiscard]] std::size_t bins() const { return values.empty() ? bases.size() : values.size(); }
    /// The bin holding base `pos` (clamped to the tile).
    [[nodiscard]] std::size_t binAt(double pos) const;
    [[nodiscard]] double binStart(std::size_t bin) const;
    [[nodiscard]] std::size_t bytes() const
    {
        return sizeof(Tile) + values.size() * sizeof(float) + bases.size();
    }
};

/// A track's data. read() runs off the GUI thread, often on several threads at once: sources
/// are immutable once built, or serialise their reads.
class TrackSource {
public:
    virtual ~TrackSource() = default;
    TrackSource(const TrackSource&) = delete;
    TrackSource& operator=(const TrackSource&) = delete;

    /// Unique in the process, so a refreshed source never meets its predecessor's cached tiles.
    [[nodiscard]] std::uint64_t id() const { return m_id; }
    [[nodiscard]] const std::vector<Chromosome>& chromosomes() const { return m_chromosomes; }
    /// This source's own name for a view's chromosome ('IV' for 'chrIV'), or empty.
    [[nodiscard]] std::string chromosomeName(const std::string& viewChrom) const;
    [[nodiscard]] std::int64_t length(const std::string& chrom) const;

    /// [start, end) of `chrom` (the source's own name) in bins of `binSize` bases; 1 reads
    /// every base. Throws kdna::Error.
    [[nodiscard]] virtual Tile read(const std::string& chrom, std::int64_t start, std::int64_t end,
                                    std::int64_t binSize) const = 0;

protected:
    explicit TrackSource(std::vector<Chromosome> chromosomes);

private:
    std::uint64_t m_id;
    std::vector<Chromosome> m_chromosomes;
    std::unordered_map<std::string, std::int64_t> m_lengths;
    mutable std::mutex m_aliasMutex;
    mutable std::unordered_map<std::string, std::string> m_aliases;
};

/// A bigWig file: per-base values when narrow, zoom-level means (libBigWig's summaries) when
/// wide. Bins finer than the file's zoom levels are averaged from one per-base read. One
/// reader serves every thread; libBigWig calls are serialised inside it.
class BigWigSource final : public TrackSource {
public:
    /// Throws kdna::Error when the file is missing or not a bigWig.
    static std::shared_ptr<BigWigSource> open(const std::filesystem::path& path);
    [[nodiscard]] const BigWigReader& reader() const { return *m_reader; }
    /// Whether bins of `binSize` bases come from the file's zoom levels.
    [[nodiscard]] bool zoomServes(std::int64_t binSize) const;
    [[nodiscard]] Tile read(const std::string& chrom, std::int64_t start, std::int64_t end,
                            std::int64_t binSize) const override;

private:
    BigWigSource(std::unique_ptr<BigWigReader> reader, std::int64_t finestZoom);
    std::unique_ptr<BigWigReader> m_reader;
    std::int64_t m_finestZoom; ///< reduction of the finest zoom level, in bases
};

/// Per-base values held in memory for part of one chromosome (a region prediction); NaN
/// elsewhere.
class MemorySignalSource final : public TrackSource {
public:
    MemorySignalSource(Chromosome chrom, std::int64_t start, std::vector<float> values);
    [[nodiscard]] Tile read(const std::string& chrom, std::int64_t start, std::int64_t end,
                            std::int64_t binSize) const override;

private:
    std::int64_t m_start;
    std::vector<float> m_values;
};

/// The genome's bases (binSize 1 only).
class SequenceSource final : public TrackSource {
public:
    explicit SequenceSource(std::shared_ptr<const Genome> genome);
    [[nodiscard]] Tile read(const std::string& chrom, std::int64_t start, std::int64_t end,
                            std::int64_t binSize) const override;
    [[nodiscard]] const Genome& genome() const { return *m_genome; }

private:
    std::shared_ptr<const Genome> m_genome;
};

} // namespace kdna::ui
