#pragma once

#include "core/data/cache_file.h"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

namespace kdna {
class Genome;
}

/// A FASTA chromosome as its codes (sequence::code, 0..4), two to a byte, in the user's cache
/// folder: a later block is one pread of half as many bytes as it has bases, instead of faidx's
/// fetch, copy, check and encode under the Genome's lock. A CacheFile (cache_file.h: keyed by
/// the FASTA's stamp and the chromosome, not used when stale, truncated or foreign, written
/// atomically); streams build theirs behind the reads (core/data/cache_builder.h).
namespace kdna::store {

class SequenceCacheFile {
public:
    /// The cache `path` (pathFor) of `chrom` of `genome` over [0, length) when it is there and
    /// valid (of the FASTA as `genome` opened it), else null.
    static std::shared_ptr<const SequenceCacheFile> openIfValid(const std::filesystem::path& path,
                                                                const Genome& genome,
                                                                const std::string& chrom,
                                                                std::int64_t length);
    /// Writes `path`, the cache of `chrom` of `genome` over [0, length), a chunk at a time
    /// while `keepGoing()` says so and the FASTA is as `genome` opened it; returns false, with
    /// nothing left under the real name, when it stopped early.
    static bool build(const std::filesystem::path& path, const Genome& genome,
                      const std::string& chrom, std::int64_t length,
                      const std::function<bool()>& keepGoing);
    ~SequenceCacheFile();
    SequenceCacheFile(const SequenceCacheFile&) = delete;
    SequenceCacheFile& operator=(const SequenceCacheFile&) = delete;

    /// Codes of bases [start, end) into `out`.
    void read(std::int64_t start, std::int64_t end, std::uint8_t* out) const;
    [[nodiscard]] const std::filesystem::path& path() const;

    /// Where the cache of (fasta, chrom) lives (folder: the user's cache/sequences).
    [[nodiscard]] static std::filesystem::path pathFor(const std::filesystem::path& fasta,
                                                       const std::string& chrom);
    /// The data bytes of a chromosome of `length` bases.
    [[nodiscard]] static std::uint64_t bytesFor(std::int64_t length);

private:
    explicit SequenceCacheFile(std::unique_ptr<const CacheFile> file);
    std::unique_ptr<const CacheFile> m_file;
};

} // namespace kdna::store
