#include "core/data/store.h"

#include "core/genome/genome.h"
#include "core/tracks/bigwig.h"

#include <cstdint>
#include <map>
#include <mutex>

namespace kdna::store {
namespace {

template<typename T>
class Cache {
public:
    template<typename Load>
    std::shared_ptr<const T> get(const std::string& key, Load load)
    {
        std::lock_guard lock(m_mutex);
        if (auto alive = m_entries[key].lock())
            return alive;
        std::shared_ptr<const T> fresh = std::make_shared<const T>(load());
        m_entries[key] = fresh;
        return fresh;
    }

private:
    std::mutex m_mutex;
    std::map<std::string, std::weak_ptr<const T>> m_entries;
};

std::string keyOf(const std::filesystem::path& path, const std::string& chrom)
{
    std::error_code ec;
    const auto canonical = std::filesystem::weakly_canonical(path, ec);
    const auto stamp = std::filesystem::last_write_time(path, ec).time_since_epoch().count();
    return canonical.string() + "|" + std::to_string(stamp) + "|" + chrom;
}

} // namespace

std::shared_ptr<const Codes> sequence(const std::filesystem::path& fasta, const std::string& chrom)
{
    static Cache<Codes> cache;
    return cache.get(keyOf(fasta, chrom), [&] { return Genome::open(fasta).loadCodes(chrom); });
}

std::shared_ptr<const Values> track(const std::filesystem::path& bigwig, const std::string& chrom,
                                    std::int64_t length)
{
    static Cache<Values> cache;
    return cache.get(keyOf(bigwig, chrom) + "|" + std::to_string(length), [&] {
        const auto reader = BigWigReader::open(bigwig);
        if (!reader.contains(chrom))
            return Values(static_cast<std::size_t>(length), 0.0F);
        Values v = reader.values(chrom, 0, std::min(length, reader.length(chrom)));
        v.resize(static_cast<std::size_t>(length), 0.0F);
        return v;
    });
}

} // namespace kdna::store
