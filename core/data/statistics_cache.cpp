#include "core/data/statistics_cache.h"

#include "core/util/atomic_output.h"
#include "core/util/paths.h"

#include <fstream>

#include <nlohmann/json.hpp>

namespace kdna::store {
namespace {

namespace fs = std::filesystem;

constexpr std::uintmax_t kMaxEntryBytes = 1 << 20; // a statistic is a few kB

fs::path entryPath(const std::string& key)
{
    return paths::userCacheDir() / "statistics" / (paths::cacheName(key) + ".json");
}

} // namespace

std::string statisticKey(const fs::path& track, const std::string& what)
{
    return "kdna statistics 1\n" + paths::fileStamp(track) + "\n" + what;
}

nlohmann::json findStatistic(const std::string& key)
{
    const fs::path path = entryPath(key);
    std::error_code ec;
    const auto size = fs::file_size(path, ec);
    if (ec || size > kMaxEntryBytes)
        return nullptr;
    std::ifstream in(path, std::ios::binary);
    const auto entry = nlohmann::json::parse(in, nullptr, false);
    if (!entry.is_object() || !entry.contains("key") || entry["key"] != key ||
        !entry.contains("value"))
        return nullptr;
    return entry["value"];
}

void keepStatistic(const std::string& key, const nlohmann::json& value)
{
    try {
        const fs::path path = entryPath(key);
        fs::create_directories(path.parent_path());
        const nlohmann::json entry = {{"key", key}, {"value", value}};
        AtomicOutput::writeFile(path, [&](std::ostream& out) { out << entry.dump(); });
    } catch (const std::exception&) {
        // a read-only cache folder: the next run fits again
    }
}

} // namespace kdna::store
