#include "core/data/block_cache.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <list>
#include <mutex>
#include <unordered_map>

namespace kdna::store {
namespace {

struct Key {
    std::uint64_t source;
    std::int64_t index;
    bool operator==(const Key&) const = default;
};

struct KeyHash {
    std::size_t operator()(const Key& k) const noexcept
    {
        return std::hash<std::uint64_t>()(k.source * 0x9E3779B97F4A7C15ULL ^
                                          static_cast<std::uint64_t>(k.index));
    }
};

class Lru {
public:
    Block find(const Key& key)
    {
        std::lock_guard lock(m_mutex);
        const auto it = m_map.find(key);
        if (it == m_map.end())
            return {};
        m_order.splice(m_order.begin(), m_order, it->second);
        return it->second->block;
    }

    Block insert(const Key& key, Block block)
    {
        std::lock_guard lock(m_mutex);
        if (const auto it = m_map.find(key); it != m_map.end())
            return it->second->block; // another thread loaded it first
        m_order.push_front({key, block});
        m_map.emplace(key, m_order.begin());
        m_bytes += static_cast<std::int64_t>(block.bytes);
        evictLocked();
        return block;
    }

    void setBudget(std::int64_t bytes)
    {
        std::lock_guard lock(m_mutex);
        m_budget = bytes;
        evictLocked();
    }
    std::int64_t bytes()
    {
        std::lock_guard lock(m_mutex);
        return m_bytes;
    }
    void clear()
    {
        std::lock_guard lock(m_mutex);
        m_map.clear();
        m_order.clear();
        m_bytes = 0;
    }

private:
    struct Entry {
        Key key;
        Block block;
    };

    // The newest block always stays, so a budget below one block still makes progress.
    void evictLocked()
    {
        while (m_bytes > m_budget && m_order.size() > 1) {
            const Entry& last = m_order.back();
            m_bytes -= static_cast<std::int64_t>(last.block.bytes);
            m_map.erase(last.key);
            m_order.pop_back();
        }
    }

    std::mutex m_mutex;
    std::list<Entry> m_order; // most recent first
    std::unordered_map<Key, std::list<Entry>::iterator, KeyHash> m_map;
    std::int64_t m_bytes = 0;
    std::int64_t m_budget = (std::int64_t{1} << 30) / 16;
};

// Shards, each with its share of the budget, so that the batch threads rarely wait on one
// another's lock.
constexpr std::size_t kShards = 16;

struct Shards {
    std::array<Lru, kShards> lru;
    std::mutex mutex; // budget and resident change together
    std::int64_t budget = std::int64_t{1} << 30;
    std::int64_t resident = 0;

    // The shards share what the resident sources leave.
    void applyBudgetLocked()
    {
        const std::int64_t share = std::max<std::int64_t>(0, budget - resident);
        for (auto& l : lru)
            l.setBudget(share / static_cast<std::int64_t>(kShards));
    }
};

Shards& shards()
{
    static Shards all;
    return all;
}

Lru& lru(const Key& k)
{
    return shards().lru[KeyHash()(k) % kShards];
}

} // namespace

void setMemoryBudget(std::int64_t bytes)
{
    Shards& s = shards();
    std::lock_guard lock(s.mutex);
    s.budget = bytes;
    s.applyBudgetLocked();
}
std::int64_t memoryBudget()
{
    Shards& s = shards();
    std::lock_guard lock(s.mutex);
    return s.budget;
}
std::int64_t cachedBytes()
{
    Shards& s = shards();
    std::int64_t sum = 0;
    for (auto& l : s.lru)
        sum += l.bytes();
    std::lock_guard lock(s.mutex);
    return sum + s.resident;
}

bool reserveResident(std::int64_t bytes)
{
    Shards& s = shards();
    std::lock_guard lock(s.mutex);
    if (bytes < 0 || s.resident + bytes > s.budget / 2)
        return false;
    s.resident += bytes;
    s.applyBudgetLocked();
    return true;
}

void releaseResident(std::int64_t bytes)
{
    Shards& s = shards();
    std::lock_guard lock(s.mutex);
    s.resident -= bytes;
    s.applyBudgetLocked();
}
void clearBlockCache()
{
    for (auto& l : shards().lru)
        l.clear();
}

std::uint64_t newSourceId()
{
    static std::atomic<std::uint64_t> next{1};
    return next++;
}

Block findBlock(std::uint64_t source, std::int64_t index)
{
    const Key k{source, index};
    return lru(k).find(k);
}

Block insertBlock(std::uint64_t source, std::int64_t index, Block block)
{
    const Key k{source, index};
    return lru(k).insert(k, std::move(block));
}

} // namespace kdna::store
