#include "ui/tracks/tile_cache.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>

namespace kdna::ui {

namespace tiles {

int levelFor(double bpPerPixel)
{
    if (bpPerPixel < kPerBaseBelowBpPerPixel)
        return 0;
    return static_cast<int>(std::floor(std::log2(bpPerPixel)));
}

std::pair<std::int64_t, std::int64_t> tileRange(int level, std::int64_t index, std::int64_t length)
{
    const std::int64_t span = tileSpan(level);
    return {std::min(index * span, length), std::min((index + 1) * span, length)};
}

} // namespace tiles

std::size_t TileKeyHash::operator()(const TileKey& key) const noexcept
{
    std::size_t h = std::hash<std::string>{}(key.chrom);
    for (const std::size_t part :
         {static_cast<std::size_t>(key.source), static_cast<std::size_t>(key.level),
          static_cast<std::size_t>(key.index)})
        h ^= part + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    return h;
}

TileCache::TileCache(std::size_t budgetBytes)
    : m_budget(budgetBytes)
{}

std::shared_ptr<const Tile> TileCache::find(const TileKey& key) const
{
    const auto it = m_index.find(key);
    if (it == m_index.end())
        return nullptr;
    m_entries.splice(m_entries.begin(), m_entries, it->second);
    return it->second->second;
}

void TileCache::insert(const TileKey& key, std::shared_ptr<const Tile> tile)
{
    if (const auto it = m_index.find(key); it != m_index.end()) {
        m_bytes -= it->second->second->bytes();
        m_entries.erase(it->second);
        m_index.erase(it);
    }
    m_bytes += tile->bytes();
    m_entries.emplace_front(key, std::move(tile));
    m_index.emplace(key, m_entries.begin());
    evict();
}

void TileCache::forget(std::uint64_t source)
{
    for (auto it = m_entries.begin(); it != m_entries.end();) {
        if (it->first.source == source) {
            m_bytes -= it->second->bytes();
            m_index.erase(it->first);
            it = m_entries.erase(it);
        } else {
            ++it;
        }
    }
}

void TileCache::evict()
{
    // Keep at least one entry: the tile just inserted is the one a view waits for.
    while (m_bytes > m_budget && m_entries.size() > 1) {
        const Entry& last = m_entries.back();
        m_bytes -= last.second->bytes();
        m_index.erase(last.first);
        m_entries.pop_back();
    }
}

} // namespace kdna::ui
