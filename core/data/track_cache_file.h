#pragma once

#include "core/data/cache_file.h"
#include "core/data/stream.h"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

namespace kdna {
class BigWigReader;
}

/// A bigWig chromosome decoded once into float32 (or bfloat16) per base, in the user's cache
/// folder, so later reads are a pread instead of libBigWig's decompression: a CacheFile
/// (cache_file.h: keyed by the bigWig's stamp and the chromosome, not used when stale,
/// truncated or foreign, written atomically). Streams build theirs behind the reads
/// (core/data/cache_builder.h).
namespace kdna::store {

/// `v` at `precision` (CachePrecision, stream.h; itself at Float32).
[[nodiscard]] float atPrecision(float v, CachePrecision precision);
/// Bytes a cache file keeps per base at `precision`.
[[nodiscard]] std::size_t bytesPerValue(CachePrecision precision);

class TrackCacheFile {
public:
    /// Opens the cache of `chrom` of `bigwig` over [0, length), building it from `reader`
    /// when missing or not valid. `built`, when given, says whether it was (re)built.
    static std::shared_ptr<const TrackCacheFile>
    open(const BigWigReader& reader, const std::string& chrom, std::int64_t length,
         bool* built = nullptr, CachePrecision precision = CachePrecision::Float32);
    /// The cache `path` (pathFor) of `chrom` of `reader`'s bigWig over [0, length) when it is
    /// there and valid (of the file as `reader` opened it), else null.
    static std::shared_ptr<const TrackCacheFile>
    openIfValid(const std::filesystem::path& path, const BigWigReader& reader,
                const std::string& chrom, std::int64_t length,
                CachePrecision precision = CachePrecision::Float32);
    /// Writes `path`, the cache of `chrom` from `reader` over [0, length), a chunk at a time
    /// while `keepGoing()` says so and the bigWig is as `reader` opened it; returns false, with
    /// nothing left under the real name, when it stopped early.
    static bool build(const std::filesystem::path& path, const BigWigReader& reader,
                      const std::string& chrom, std::int64_t length,
                      const std::function<bool()>& keepGoing,
                      CachePrecision precision = CachePrecision::Float32);
    ~TrackCacheFile();
    TrackCacheFile(const TrackCacheFile&) = delete;
    TrackCacheFile& operator=(const TrackCacheFile&) = delete;

    /// Values [start, end) into `out`.
    void read(std::int64_t start, std::int64_t end, float* out) const;
    [[nodiscard]] const std::filesystem::path& path() const;

    /// Where the cache of (bigwig, chrom) at `precision` lives (folder: the user's
    /// cache/tracks).
    [[nodiscard]] static std::filesystem::path
    pathFor(const std::filesystem::path& bigwig, const std::string& chrom,
            CachePrecision precision = CachePrecision::Float32);

private:
    TrackCacheFile(std::unique_ptr<const CacheFile> file, CachePrecision precision);
    std::unique_ptr<const CacheFile> m_file;
    CachePrecision m_precision;
};

} // namespace kdna::store
