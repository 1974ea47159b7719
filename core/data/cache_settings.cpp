#include "core/data/cache_settings.h"

#include "core/data/block_cache.h"
#include "core/util/error.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <exception>

namespace kdna::store {
namespace {
constexpr std::int64_t kMaxMemory = std::int64_t{1} << 50;
constexpr const char* kUnits = "KMGT";
} // namespace

std::int64_t parseMemorySize(const std::string& text)
{
    std::size_t used = 0;
    double number = 0;
    try {
        number = std::stod(text, &used);
    } catch (const std::exception&) {
        return -1;
    }
    std::string unit = text.substr(used);
    if (!unit.empty() && (unit.back() == 'B' || unit.back() == 'b') && unit.size() > 1)
        unit.pop_back(); // "4GB" as "4G"
    double scale = 1;
    if (unit.size() == 1) {
        const char u = static_cast<char>(std::toupper(static_cast<unsigned char>(unit[0])));
        const std::string units = kUnits;
        const auto at = units.find(u);
        if (at == std::string::npos)
            return -1;
        scale = std::pow(1024.0, static_cast<double>(at + 1));
    } else if (!unit.empty()) {
        return -1;
    }
    const double bytes = number * scale;
    if (!std::isfinite(bytes) || bytes < 0 || bytes > static_cast<double>(kMaxMemory))
        return -1;
    return static_cast<std::int64_t>(bytes);
}

std::string memorySizeProblem(const std::string& text)
{
    const std::int64_t bytes = parseMemorySize(text);
    if (bytes < 0)
        return "must be a size such as 4G, 512M or 1.5G, not '" + text + "'";
    if (bytes < kMinMemoryBudget)
        return "must be at least 16M, not '" + text + "'";
    return {};
}

std::string formatMemorySize(std::int64_t bytes)
{
    // The largest unit it is at least one of, with a decimal when it is not whole.
    double value = static_cast<double>(bytes);
    int unit = -1;
    while (unit + 1 < 4 && value >= 1024) {
        value /= 1024;
        ++unit;
    }
    char text[32];
    if (std::abs(value - std::round(value)) < 1e-9)
        std::snprintf(text, sizeof text, "%.0f", value);
    else
        std::snprintf(text, sizeof text, "%.3g", value);
    return unit < 0 ? std::string(text) : std::string(text) + kUnits[unit];
}

std::string precisionName(CachePrecision precision)
{
    return precision == CachePrecision::BFloat16 ? "bfloat16" : "float32";
}

std::optional<CachePrecision> parsePrecision(const std::string& name)
{
    if (name == "float32")
        return CachePrecision::Float32;
    if (name == "bfloat16")
        return CachePrecision::BFloat16;
    return std::nullopt;
}

void CacheSettings::apply() const
{
    // Both checked before either is set: a bad value changes nothing.
    if (!memory.empty())
        if (const std::string problem = memorySizeProblem(memory); !problem.empty())
            throw Error("memory: " + problem);
    const auto chosen = parsePrecision(precision);
    if (!precision.empty() && !chosen)
        throw Error("cache precision: must be float32 or bfloat16, not '" + precision + "'");
    if (!memory.empty())
        setMemoryBudget(parseMemorySize(memory));
    if (chosen) {
        StreamOptions options = defaultStreamOptions();
        options.precision = *chosen;
        setDefaultStreamOptions(options);
    }
}

CacheSettings CacheSettings::current()
{
    return {formatMemorySize(memoryBudget()), precisionName(defaultStreamOptions().precision)};
}

} // namespace kdna::store
