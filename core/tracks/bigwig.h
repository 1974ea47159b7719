#pragma once

#include "core/util/atomic_output.h"
#include "core/util/chromosome.h"

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace kdna {

enum class SummaryStat { Mean, Max, Min, Coverage, StdDev, Sum };

/// Whole-file figures from the bigWig header (no data is read).
struct BigWigFileStats {
    std::int64_t coveredBases = 0;
    double min = 0;
    double max = 0;
    double mean = 0;
    double sumSquares = 0;
};

/// Reads a bigWig file through libBigWig. Bases without data read as `missing` (0 unless
/// asked otherwise). Thread-safe: calls are serialised on the one file handle; open one
/// reader per thread for parallel reads.
class BigWigReader {
public:
    /// Throws kdna::Error when the file is missing or is not a bigWig (bigBed, text...).
    static BigWigReader open(const std::filesystem::path& path);

    BigWigReader(BigWigReader&&) noexcept;
    BigWigReader& operator=(BigWigReader&&) noexcept;
    ~BigWigReader();

    [[nodiscard]] const std::filesystem::path& path() const;
    /// The file's stamp (paths::fileStamp) as it was opened: taken before a byte of it was
    /// read, so a cache keyed by it can only be stale for a file changed since, never wrong.
    [[nodiscard]] const std::string& stamp() const;
    [[nodiscard]] const std::vector<Chromosome>& chromosomes() const;
    [[nodiscard]] bool contains(const std::string& chrom) const;
    [[nodiscard]] std::int64_t length(const std::string& chrom) const;
    [[nodiscard]] int zoomLevels() const;
    /// Bases one record of each zoom level summarises, finest first. libBigWig answers
    /// summary() from a zoom level only for bins at least twice a level's reduction.
    [[nodiscard]] std::vector<std::uint32_t> zoomReductions() const;
    [[nodiscard]] BigWigFileStats fileStats() const;

    /// Per-base values of [start, end) into `out` (end - start floats). A chromosome the
    /// file does not list reads as all `missing`; an interval past its end throws.
    void values(const std::string& chrom, std::int64_t start, std::int64_t end, float* out,
                float missing = 0.0F) const;
    [[nodiscard]] std::vector<float> values(const std::string& chrom, std::int64_t start,
                                            std::int64_t end, float missing = 0.0F) const;
    /// [start, end) as consecutive runs that cover it base for base, `values[i]` over
    /// `lengths[i]` bases (bases without data as `missing`), a few Mb at a time: a whole
    /// chromosome's statistics at the file's own resolution instead of per base. A piece
    /// with no lengths is per base (a file whose records overlap is read as values() reads it).
    using RunVisitor =
        std::function<void(std::span<const float> values, std::span<const std::uint32_t> lengths)>;
    void visitRuns(const std::string& chrom, std::int64_t start, std::int64_t end,
                   const RunVisitor& visit, float missing = 0.0F) const;
    /// A whole chromosome, per base.
    [[nodiscard]] std::vector<float> loadChromosome(const std::string& chrom,
                                                    float missing = 0.0F) const;
    /// `bins` summaries over [start, end), from the file's zoom levels when one is fine
    /// enough (libBigWig picks it), else from the data. Empty bins are NaN.
    [[nodiscard]] std::vector<double> summary(const std::string& chrom, std::int64_t start,
                                              std::int64_t end, std::uint32_t bins,
                                              SummaryStat stat) const;

    /// How many per-base and summary reads this reader served (the track viewer's tests
    /// check wide views use summaries).
    [[nodiscard]] std::int64_t valueReads() const;
    [[nodiscard]] std::int64_t summaryReads() const;

private:
    struct Impl;
    explicit BigWigReader(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> d;
};

/// Checks the first bytes: true for a bigWig.
[[nodiscard]] bool looksLikeBigWig(const std::filesystem::path& path);
/// What a bigWig output may replace: another bigWig, never another kind of file.
[[nodiscard]] OutputKind bigWigOutput();

struct BigWigWriterOptions {
    int zoomLevels = 10;
    /// Leave runs of zeros out of the file (they read back as missing = 0 anyway).
    bool skipZeros = true;
};

/// A value over [start, end).
struct ValuedInterval {
    std::int64_t start = 0;
    std::int64_t end = 0;
    float value = 0;
};

/// Writes a bigWig through libBigWig under a temporary name; finish() reads it back and only
/// then renames it into place. Every write is checked (a full disk is one kdna::Error, never a
/// truncated file). An existing file at the path is replaced only if it is a bigWig.
/// Chromosomes must be written in the order given to the constructor, positions increasing.
/// NaN values are never written (they stay empty).
class BigWigWriter {
public:
    BigWigWriter(const std::filesystem::path& path, std::vector<Chromosome> chromosomes,
                 BigWigWriterOptions options = {});
    BigWigWriter(const BigWigWriter&) = delete;
    BigWigWriter& operator=(const BigWigWriter&) = delete;
    /// Without finish(), the temporary file is removed and the target left untouched.
    ~BigWigWriter();

    /// Per-base values starting at `start`; equal neighbours merge into one run.
    void addValues(const std::string& chrom, std::int64_t start, const float* values,
                   std::size_t n);
    void addValues(const std::string& chrom, std::int64_t start, const std::vector<float>& v)
    {
        addValues(chrom, start, v.data(), v.size());
    }
    void addIntervals(const std::string& chrom, const std::vector<ValuedInterval>& intervals);
    /// Told how far the zoom pass has come: `done` of `total` bases of the genome.
    using FinishProgress = std::function<void(std::int64_t done, std::int64_t total)>;
    /// Writes the index and zoom levels and moves the file into place. The zoom levels are
    /// read back from the written values, the one long part, which `progress` hears of.
    void finish(const FinishProgress& progress = {});

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

/// Copies `chrom`'s values from `from` into `to` (which takes chromosomes in its own order),
/// `blockBases` at a time so memory stays one block however long the chromosome; bases
/// without data stay empty. Merges the parts of a prediction sharded over ranks.
void copyChromosome(const BigWigReader& from, BigWigWriter& to, const std::string& chrom,
                    std::int64_t blockBases = std::int64_t{1} << 20);

} // namespace kdna
