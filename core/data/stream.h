#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

/// Chromosomes read in fixed-size blocks on demand through the process-wide block cache
/// (core/data/block_cache.h), so memory follows the cache's budget, not the genome's size.
namespace kdna::store {

/// Where a stream's blocks come from.
enum class Backing {
    Source,    ///< straight from the file: a bigWig through libBigWig, a FASTA through faidx
    CacheFile, ///< from a file kdna writes once per (file, chromosome), by pread
};

/// How a track cache keeps its values: float32, the bigWig's own (exact, 4 bytes a base), or
/// bfloat16 (2 bytes a base, 8 bits of mantissa: within 2^-9 of each value, rounded to the
/// nearest, ties to even, as torch rounds). A stream at bfloat16 reads its values rounded so
/// from the bigWig too, so they do not change when the cache arrives; statistics are always
/// fitted on the bigWig's exact values.
enum class CachePrecision { Float32, BFloat16 };

struct StreamOptions { // 8 kb blocks: a random window reads 4x its bases, not 32x (bench_store)
    std::int64_t blockBases = std::int64_t{1} << 13;
    Backing backing = Backing::CacheFile;
    CachePrecision precision = CachePrecision::Float32; ///< of the cache files (CacheFile)
    /// The blocks of a track whose cache file is there when it opens, when smaller than
    /// blockBases: a page of float32. A pread costs about the same for one page or eight,
    /// while a label of one base in an 8 kb block reads (and keeps) 32 KB for 4 bytes; a block
    /// decoded from the bigWig costs a whole bigWig block (tens of kb) however few it keeps.
    std::int64_t cachedTrackBlockBases = std::int64_t{1} << 10;
};
/// What open() uses when not told (a test or a benchmark may change it).
[[nodiscard]] StreamOptions defaultStreamOptions();
void setDefaultStreamOptions(const StreamOptions& options);

/// One chromosome of one file, read as T per base.
template<typename T>
class Stream {
public:
    /// Fills out[0, end - start) with bases [start, end); runs on any thread.
    using Loader = std::function<void(std::int64_t start, std::int64_t end, T* out)>;
    Stream(std::int64_t length, std::int64_t blockBases, Loader load);
    ~Stream();
    Stream(const Stream&) = delete;
    Stream& operator=(const Stream&) = delete;

    [[nodiscard]] std::int64_t length() const { return m_length; }
    [[nodiscard]] std::int64_t blockBases() const { return m_blockBases; }
    /// Bases [start, start + n) into `out`; throws kdna::Error outside the chromosome.
    void read(std::int64_t start, std::int64_t n, T* out) const;
    /// Bases [start, start + n) without a copy when they lie in one block, else copied into
    /// `scratch`; the hot path's read. `pin` holds the block when the cache may evict it; a
    /// resident stream's blocks live as long as the stream and leave `pin` alone.
    const T* view(std::int64_t start, std::int64_t n, std::vector<T>& scratch,
                  std::shared_ptr<const T[]>& pin) const;

    /// Whether the whole chromosome stays once read (reserved from the budget at opening).
    [[nodiscard]] bool resident() const { return m_resident != nullptr; }

private:
    struct Resident;

    /// Block `index`'s bases; `pin` holds it when it comes from the shared cache.
    const T* block(std::int64_t index, std::shared_ptr<const T[]>& pin) const;
    [[nodiscard]] std::shared_ptr<const T[]> loadBlock(std::int64_t index) const;

    std::uint64_t m_id;
    std::int64_t m_length;
    std::int64_t m_blockBases;
    Loader m_load;
    std::unique_ptr<Resident> m_resident;
};

using SequenceStream = Stream<std::uint8_t>;
using TrackStream = Stream<float>;

/// A chromosome of a FASTA as codes (sequence::code): from its sequence cache file when
/// options.backing says so and a valid one is there, else through htslib's faidx per block
/// until the cache written behind the reads is ready (the same codes either way).
[[nodiscard]] std::shared_ptr<const SequenceStream>
openSequence(const std::filesystem::path& fasta, const std::string& chrom,
             const StreamOptions& options = defaultStreamOptions());
/// A chromosome of a bigWig per base over [0, length), missing = 0 (all zero when the file
/// lacks it or past its end).
[[nodiscard]] std::shared_ptr<const TrackStream>
openTrack(const std::filesystem::path& bigwig, const std::string& chrom, std::int64_t length,
          const StreamOptions& options = defaultStreamOptions());

} // namespace kdna::store
