#pragma once

#include "core/data/stream.h"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

namespace kdna {
class BigWigReader;
}

/// A bigWig chromosome decoded once into float32 per base, in the user's cache folder, so
/// later reads are a pread instead of libBigWig's decompression. The file is keyed by the
/// bigWig's path, size and modification time and the chromosome; a stale, truncated or
/// foreign file is not used and is rebuilt; building goes through AtomicOutput, so a crash
/// or a cancelled build never leaves a half-written cache under the real name. Streams build
/// theirs behind the reads (core/data/track_cache_builder.h).
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
    /// The cache `path` (pathFor) of `chrom` of `bigwig` over [0, length) when it is there
    /// and valid, else null.
    static std::shared_ptr<const TrackCacheFile>
    openIfValid(const std::filesystem::path& path, const std::filesystem::path& bigwig,
                const std::string& chrom, std::int64_t length,
                CachePrecision precision = CachePrecision::Float32);
    /// Writes `path`, the cache of `chrom` from `reader` over [0, length), a chunk at a time
    /// while `keepGoing()` says so; returns false, with nothing left under the real name, when
    /// it stopped early.
    static bool build(const std::filesystem::path& path, const BigWigReader& reader,
                      const std::string& chrom, std::int64_t length,
                      const std::function<bool()>& keepGoing,
                      CachePrecision precision = CachePrecision::Float32);
    ~TrackCacheFile();
    TrackCacheFile(const TrackCacheFile&) = delete;
    TrackCacheFile& operator=(const TrackCacheFile&) = delete;

    /// Values [start, end) into `out`.
    void read(std::int64_t start, std::int64_t end, float* out) const;
    [[nodiscard]] const std::filesystem::path& path() const { return m_path; }

    /// Where the cache of (bigwig, chrom) at `precision` lives (folder: the user's
    /// cache/tracks).
    [[nodiscard]] static std::filesystem::path
    pathFor(const std::filesystem::path& bigwig, const std::string& chrom,
            CachePrecision precision = CachePrecision::Float32);

private:
    TrackCacheFile(std::filesystem::path path, int fd, std::int64_t dataOffset,
                   CachePrecision precision);
    /// Bytes [offset, offset + size) of the file into `out`.
    void readBytes(std::int64_t offset, std::size_t size, char* out) const;
    std::filesystem::path m_path;
    int m_fd;
    std::int64_t m_dataOffset;
    CachePrecision m_precision;
};

} // namespace kdna::store
