#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

/// A process-wide, thread-safe LRU cache of decoded blocks (sequence codes, track values),
/// bounded in bytes, shared by every streamed chromosome so that training memory follows the
/// budget, not the genome's size.
namespace kdna::store {

/// Bytes the block cache may hold (default 1 GiB). Lowering it evicts at once. The cache is
/// split in 16 shards with a share each; a shard keeps its newest block even when that block
/// is larger than its share.
void setMemoryBudget(std::int64_t bytes);
[[nodiscard]] std::int64_t memoryBudget();
/// Bytes the cache holds now plus those reserved by resident sources (blocks still used by a
/// reader may live a little longer).
[[nodiscard]] std::int64_t cachedBytes();
/// Empties the cache (tests, and a GUI after a long task).
void clearBlockCache();

/// A block: `bytes` of immutable data.
struct Block {
    std::shared_ptr<const void> data;
    std::size_t bytes = 0;
};

/// Reserves `bytes` of the budget for a source kept whole while it lives (a chromosome small
/// beside the budget, then read with no lookup, lock or reference count on the hot path):
/// granted while the reserved total stays within half the budget, and taken from the cache's
/// share, so that the budget still bounds all the memory.
[[nodiscard]] bool reserveResident(std::int64_t bytes);
/// Gives back what reserveResident granted.
void releaseResident(std::int64_t bytes);

/// A fresh id for a source's blocks (one per stream).
[[nodiscard]] std::uint64_t newSourceId();
/// Block `index` of source `source`, or an empty Block when the cache lacks it.
[[nodiscard]] Block findBlock(std::uint64_t source, std::int64_t index);
/// Keeps `block` as block `index` of `source` and returns the one kept: loading runs without
/// the cache's lock, so two threads may load one block at once (equal results; one is kept).
Block insertBlock(std::uint64_t source, std::int64_t index, Block block);

} // namespace kdna::store
