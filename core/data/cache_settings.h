#pragma once

// What a person sets about the streamed data's caches, the same from the CLI (--memory,
// --cache-precision) and the studio's preferences: the block cache's memory budget
// (block_cache.h) and how track caches on disk keep values (stream.h). Torch-free.

#include "core/data/stream.h"

#include <cstdint>
#include <optional>
#include <string>

namespace kdna::store {

/// The smallest budget a person may set: below it every window would evict the last.
inline constexpr std::int64_t kMinMemoryBudget = std::int64_t{16} << 20;

/// Bytes of "4G", "512M", "64k", "1.5G", "4GB" or a plain byte count; -1 when not a size.
[[nodiscard]] std::int64_t parseMemorySize(const std::string& text);
/// Why `text` is not a budget to set, as the end of a sentence ("must be a size such as 4G,
/// 512M or 1.5G, not 'lots'"); empty when it is one.
[[nodiscard]] std::string memorySizeProblem(const std::string& text);
/// "1G", "512M", "1.5G": a budget as a person writes it.
[[nodiscard]] std::string formatMemorySize(std::int64_t bytes);

/// "float32" or "bfloat16".
[[nodiscard]] std::string precisionName(CachePrecision precision);
[[nodiscard]] std::optional<CachePrecision> parsePrecision(const std::string& name);

struct CacheSettings {
    std::string memory;    ///< a size (parseMemorySize); empty: leave the budget as it is
    std::string precision; ///< precisionName's; empty: leave the default as it is
    /// Sets the block cache's budget and the precision the track caches opened from now on
    /// are written and read at. Throws kdna::Error naming the setting for a bad value.
    void apply() const;
    /// What is in force now.
    [[nodiscard]] static CacheSettings current();
};

} // namespace kdna::store
