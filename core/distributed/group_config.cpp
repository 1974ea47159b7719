#include "core/distributed/group_config.h"

#include "core/util/error.h"

#include <charconv>
#include <cstdlib>
#include <optional>

namespace kdna::dist {
namespace {

std::optional<std::string> lookup(const EnvLookup& env, const char* name)
{
    const char* v = env(name);
    if (!v || !*v)
        return std::nullopt;
    return std::string(v);
}

/// A whole number in [low, high] from `name`, or `fallback` when it is not set.
int integerIn(const EnvLookup& env, const char* name, int low, int high,
              std::optional<int> fallback, const std::string& range)
{
    const auto text = lookup(env, name);
    if (!text) {
        if (fallback)
            return *fallback;
        throw Error("the environment variable " + std::string(name) + " is not set; it must be " +
                    range);
    }
    int value = 0;
    const char* end = text->data() + text->size();
    const auto [ptr, ec] = std::from_chars(text->data(), end, value);
    if (ec != std::errc() || ptr != end || value < low || value > high)
        throw Error("the environment variable " + std::string(name) + " is '" + *text +
                    "' but must be " + range);
    return value;
}

std::string rankRange(const char* sizeName, int size)
{
    return "a whole number from 0 to " + std::string(sizeName) + " - 1 (" +
           std::to_string(size - 1) + ")";
}

void readMaster(const EnvLookup& env, GroupConfig& c, std::optional<std::string> defaultAddr)
{
    auto addr = lookup(env, "MASTER_ADDR");
    if (!addr)
        addr = defaultAddr;
    if (!addr && c.distributed())
        throw Error("the environment variable MASTER_ADDR is not set; it must name the host "
                    "of rank 0");
    if (addr)
        c.masterAddr = *addr;
    c.masterPort = integerIn(env, "MASTER_PORT", 1, 65535, 29500, "a port from 1 to 65535");
}

/// The variables a launcher names its group by.
struct RankVariables {
    const char* size;
    const char* rank;
    const char* localRank;
    const char* sizeWords; ///< what `size` must be, in its launcher's words
};

void readRanks(const EnvLookup& env, GroupConfig& c, const RankVariables& v)
{
    c.worldSize = integerIn(env, v.size, 1, 1 << 20, std::nullopt, v.sizeWords);
    c.rank =
        integerIn(env, v.rank, 0, c.worldSize - 1, std::nullopt, rankRange(v.size, c.worldSize));
    c.localRank =
        integerIn(env, v.localRank, 0, c.worldSize - 1, 0, rankRange(v.size, c.worldSize));
}

GroupConfig torchrun(const EnvLookup& env)
{
    GroupConfig c;
    c.source = "torchrun";
    readRanks(env, c, {"WORLD_SIZE", "RANK", "LOCAL_RANK", "a whole number of ranks, 1 or more"});
    readMaster(env, c, std::nullopt);
    return c;
}

GroupConfig slurm(const EnvLookup& env)
{
    GroupConfig c;
    c.source = "slurm";
    readRanks(
        env, c,
        {"SLURM_NTASKS", "SLURM_PROCID", "SLURM_LOCALID", "a whole number of tasks, 1 or more"});
    std::optional<std::string> host;
    if (const auto list = lookup(env, "SLURM_NODELIST"))
        host = firstSlurmHost(*list);
    else if (const auto jobList = lookup(env, "SLURM_JOB_NODELIST"))
        host = firstSlurmHost(*jobList);
    readMaster(env, c, host);
    return c;
}

} // namespace

std::string firstSlurmHost(const std::string& nodeList)
{
    const auto comma = nodeList.find(',');
    const auto bracket = nodeList.find('[');
    if (bracket == std::string::npos || (comma != std::string::npos && comma < bracket))
        return nodeList.substr(0, comma);
    const auto first = nodeList.find_first_of(",-]", bracket + 1);
    if (first == std::string::npos)
        throw Error("the environment variable SLURM_NODELIST is '" + nodeList +
                    "' and has an unclosed '['");
    return nodeList.substr(0, bracket) + nodeList.substr(bracket + 1, first - bracket - 1);
}

GroupConfig configFromEnvironment(const EnvLookup& env)
{
    GroupConfig c;
    if (lookup(env, "WORLD_SIZE") || lookup(env, "RANK"))
        c = torchrun(env);
    else if (lookup(env, "SLURM_PROCID") || lookup(env, "SLURM_NTASKS"))
        c = slurm(env);
    const int seconds = integerIn(env, "KDNA_DIST_TIMEOUT", 1, 7 * 24 * 3600, 300,
                                  "a whole number of seconds, 1 or more");
    c.timeout = std::chrono::seconds(seconds);
    return c;
}

GroupConfig configFromEnvironment()
{
    return configFromEnvironment([](const char* n) { return std::getenv(n); });
}

} // namespace kdna::dist
