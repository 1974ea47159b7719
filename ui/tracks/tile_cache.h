#pragma once

#include "ui/tracks/track_source.h"

#include <cstdint>
#include <list>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>

namespace kdna::ui {

/// How a view cuts a chromosome into tiles: level 0 holds one value a base; level k > 0 one
/// value a bin of 2^k bases, read from the bigWig's zoom levels. Every tile holds kTileBins
/// values, so a view touches a handful of tiles at any scale, and panning reuses them.
namespace tiles {

inline constexpr std::int64_t kTileBins = 4096;
/// Narrower than this many bases a pixel, views read every base (and average per pixel).
inline constexpr double kPerBaseBelowBpPerPixel = 16.0;

/// The level a view at `bpPerPixel` reads: at least one value a pixel.
[[nodiscard]] int levelFor(double bpPerPixel);
[[nodiscard]] inline std::int64_t binSize(int level)
{
    return std::int64_t{1} << level;
}
[[nodiscard]] inline std::int64_t tileSpan(int level)
{
    return kTileBins * binSize(level);
}
/// Bases [start, end) of tile `index` on a chromosome of `length`.
[[nodiscard]] std::pair<std::int64_t, std::int64_t> tileRange(int level, std::int64_t index,
                                                              std::int64_t length);

} // namespace tiles

/// Names one tile in the cache: which source, which chromosome (the source's name), level
/// and index along the chromosome.
struct TileKey {
    std::uint64_t source = 0;
    std::string chrom;
    int level = 0;
    std::int64_t index = 0;

    friend bool operator==(const TileKey&, const TileKey&) = default;
};

struct TileKeyHash {
    std::size_t operator()(const TileKey& key) const noexcept;
};

/// Tiles most recently used first, up to a memory budget. GUI thread only.
class TileCache {
public:
    explicit TileCache(std::size_t budgetBytes);

    /// The tile, or null; a hit counts as a use.
    [[nodiscard]] std::shared_ptr<const Tile> find(const TileKey& key) const;
    [[nodiscard]] bool contains(const TileKey& key) const { return m_index.count(key) > 0; }
    void insert(const TileKey& key, std::shared_ptr<const Tile> tile);
    /// Drops every tile of `source` (a removed or refreshed track).
    void forget(std::uint64_t source);
    [[nodiscard]] std::size_t bytes() const { return m_bytes; }

private:
    using Entry = std::pair<TileKey, std::shared_ptr<const Tile>>;
    void evict();

    std::size_t m_budget;
    std::size_t m_bytes = 0;
    // mutable: a lookup reorders the recency list, which is no visible change of the cache.
    mutable std::list<Entry> m_entries;
    std::unordered_map<TileKey, std::list<Entry>::iterator, TileKeyHash> m_index;
};

} // namespace kdna::ui
