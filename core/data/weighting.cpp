#include "core/data/weighting.h"

#include "core/data/normalization.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include <nlohmann/json.hpp>

namespace kdna {
namespace {
constexpr std::int64_t kMaxBins = 10000;
}

std::int64_t autoBinCount(std::vector<float>& values, double lo, double hi)
{
    const double n = static_cast<double>(values.size());
    const double range = hi - lo;
    if (values.size() < 2 || range <= 0)
        return 1;
    const double sturges = range / (std::log2(n) + 1.0);
    const double q75 = percentile(values, 75);
    const double q25 = percentile(values, 25);
    const double fd = 2.0 * (q75 - q25) / std::cbrt(n);
    const double width = fd > 0 ? std::min(fd, sturges) : sturges;
    return std::clamp<std::int64_t>(static_cast<std::int64_t>(std::ceil(range / width)), 1,
                                    kMaxBins);
}

BalancedWeights BalancedWeights::fit(std::vector<float> values, std::int64_t bins)
{
    BalancedWeights w;
    if (values.empty()) {
        w.m_edges = {0.0, 1.0};
        w.m_weights = {1.0};
        return w;
    }
    const auto [mn, mx] = std::minmax_element(values.begin(), values.end());
    const double lo = static_cast<double>(*mn) - 0.001; // keras_dna's range
    const double hi = *mx;
    const std::int64_t count = bins > 0 ? std::min(bins, kMaxBins) : autoBinCount(values, lo, hi);
    w.m_edges.resize(static_cast<std::size_t>(count + 1));
    for (std::int64_t i = 0; i <= count; ++i)
        w.m_edges[static_cast<std::size_t>(i)] =
            lo + (hi - lo) * static_cast<double>(i) / static_cast<double>(count);

    std::vector<double> counts(static_cast<std::size_t>(count), 0.0);
    for (float x : values) {
        auto b = static_cast<std::int64_t>((x - lo) / (hi - lo) * static_cast<double>(count));
        counts[static_cast<std::size_t>(std::clamp<std::int64_t>(b, 0, count - 1))] += 1;
    }
    double smallest = 1.0;
    for (double& c : counts) {
        c /= static_cast<double>(values.size());
        if (c > 0)
            smallest = std::min(smallest, c);
    }
    w.m_weights.resize(counts.size());
    for (std::size_t i = 0; i < counts.size(); ++i)
        w.m_weights[i] = 1.0 / (std::max(counts[i], smallest) * static_cast<double>(count));
    return w;
}

float BalancedWeights::weight(float x) const
{
    if (m_weights.empty())
        return 1.0F;
    const double lo = m_edges.front();
    const double hi = m_edges.back();
    const auto count = static_cast<std::int64_t>(m_weights.size());
    auto b =
        hi > lo ? static_cast<std::int64_t>((x - lo) / (hi - lo) * static_cast<double>(count)) : 0;
    return static_cast<float>(
        m_weights[static_cast<std::size_t>(std::clamp<std::int64_t>(b, 0, count - 1))]);
}

nlohmann::json BalancedWeights::toJson() const
{
    return {{"edges", m_edges}, {"weights", m_weights}};
}

BalancedWeights BalancedWeights::fromJson(const nlohmann::json& j)
{
    BalancedWeights w;
    w.m_edges = j.at("edges").get<std::vector<double>>();
    w.m_weights = j.at("weights").get<std::vector<double>>();
    return w;
}

} // namespace kdna
