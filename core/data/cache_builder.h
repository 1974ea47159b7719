#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

namespace kdna {
class BigWigReader;
class Genome;
} // namespace kdna

/// Cache files written behind the reads. Decoding a human chromosome into its cache takes
/// seconds, and a run that waited for every cache before its first batch started minutes
/// late; instead a stream reads its source (the bigWig, the FASTA) at once and switches to
/// the cache file when it is ready (both give the same values). One lower-priority thread
/// serves the whole process, so building yields to the training yet finishes within it; a
/// build whose stream has closed, or under a process that is ending, stops and leaves
/// nothing.
namespace kdna::store {

class TrackCacheFile;
class SequenceCacheFile;
enum class CachePrecision;

/// Where a stream finds its cache once the builder has written it.
template<typename File>
class CacheSlot {
public:
    /// The cache file, or null until it is ready; lock-free once it is.
    [[nodiscard]] const File* file() const
    {
        return m_ready.load(std::memory_order_acquire) ? m_file.get() : nullptr;
    }
    /// Called once: by the opener when the cache is there already (before the slot is
    /// shared), else by the builder thread.
    void publish(std::shared_ptr<const File> file)
    {
        m_file = std::move(file);
        m_ready.store(true, std::memory_order_release);
    }

private:
    std::shared_ptr<const File> m_file;
    std::atomic<bool> m_ready{false};
};
using TrackCacheSlot = CacheSlot<TrackCacheFile>;
using SequenceCacheSlot = CacheSlot<SequenceCacheFile>;

/// The cache of `chrom` of `reader` over [0, length) at `precision`: the slot is filled at
/// once when a valid cache is there, else when the builder has written it (the build is
/// skipped when nobody holds the slot by its turn).
[[nodiscard]] std::shared_ptr<TrackCacheSlot>
openTrackCache(std::shared_ptr<const BigWigReader> reader, const std::string& chrom,
               std::int64_t length, CachePrecision precision);
/// The same for the sequence cache of `chrom` of `genome` (`length` bases).
[[nodiscard]] std::shared_ptr<SequenceCacheSlot>
openSequenceCache(std::shared_ptr<const Genome> genome, const std::string& chrom,
                  std::int64_t length);

/// Whether a cache of `bytes` may be written to a disk with `space`: it must leave 5 % of
/// the disk, and at least 2 GB, free, so that caches (12 GB a human track) never fill the
/// disk a run's own model, checkpoints and predictions are written to.
[[nodiscard]] bool leavesRoomFor(std::uintmax_t bytes, const std::filesystem::space_info& space);

/// Waits until every queued build has finished or been skipped (tests and benchmarks).
void waitForCaches();

} // namespace kdna::store
