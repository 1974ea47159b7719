#include "core/data/normalization.h"

#include "core/util/error.h"
#include "core/util/text.h"

#include <algorithm>
#include <cstring>
#include <numeric>

#include <nlohmann/json.hpp>

namespace kdna {
namespace {

/// The mode's enum; a name the catalog does not hold is refused (validation reports it first).
NormalizationStep::Kind kindOf(const NormalizationMode& mode)
{
    if (!mode.known()) {
        std::vector<std::string> names;
        for (const char* w : NormalizationMode::words())
            names.emplace_back(w);
        throw Error::atKeyword("normalization_mode", "'" + mode.text() + "' is not one of " +
                                                         text::quotedList(names, 20));
    }
    return mode.value();
}

/// Float order as unsigned order (negative values reversed below the positive ones).
std::uint32_t orderKey(float x)
{
    std::uint32_t u = 0;
    std::memcpy(&u, &x, sizeof u);
    return (u & 0x80000000U) ? ~u : (u | 0x80000000U);
}

float fromOrderKey(std::uint32_t k)
{
    const std::uint32_t u = (k & 0x80000000U) ? (k & 0x7FFFFFFFU) : ~k;
    float x = 0;
    std::memcpy(&x, &u, sizeof x);
    return x;
}

/// Values after the steps fitted so far (keras_dna applies the list back to front).
Normalizer::Scan transformed(const Normalizer::Scan& raw, std::vector<NormalizationStep> before)
{
    if (before.empty())
        return raw;
    return [raw, before](const std::function<void(std::span<const float>)>& visit) {
        std::vector<float> buffer;
        raw([&](std::span<const float> piece) {
            buffer.assign(piece.begin(), piece.end());
            for (float& x : buffer)
                for (const auto& s : before)
                    x = s.apply(x);
            visit(buffer);
        });
    };
}

/// The values of ascending ranks `ranks` (exact), in two passes of 2^16-bin histograms.
std::vector<float> orderStatistics(const Normalizer::Scan& scan,
                                   const std::vector<std::uint64_t>& ranks)
{
    std::vector<std::uint64_t> high(65536, 0);
    scan([&](std::span<const float> piece) {
        for (float x : piece)
            ++high[orderKey(x) >> 16];
    });
    // Bin and rank within the bin of each wanted rank.
    std::vector<std::pair<std::uint32_t, std::uint64_t>> where;
    for (std::uint64_t r : ranks) {
        std::uint64_t below = 0;
        std::uint32_t bin = 0;
        while (below + high[bin] <= r)
            below += high[bin++];
        where.emplace_back(bin, r - below);
    }
    std::vector<std::vector<std::uint64_t>> low(where.size(), std::vector<std::uint64_t>(65536, 0));
    scan([&](std::span<const float> piece) {
        for (float x : piece) {
            const std::uint32_t k = orderKey(x);
            for (std::size_t i = 0; i < where.size(); ++i)
                if ((k >> 16) == where[i].first)
                    ++low[i][k & 0xFFFFU];
        }
    });
    std::vector<float> out;
    for (std::size_t i = 0; i < where.size(); ++i) {
        std::uint64_t below = 0;
        std::uint32_t bin = 0;
        while (below + low[i][bin] <= where[i].second)
            below += low[i][bin++];
        out.push_back(fromOrderKey((where[i].first << 16) | bin));
    }
    return out;
}

/// numpy's percentile with linear interpolation over every value `scan` gives.
double streamedPercentile(const Normalizer::Scan& scan, std::uint64_t n, double q)
{
    const double pos = q / 100.0 * static_cast<double>(n - 1);
    const auto lo = static_cast<std::uint64_t>(pos);
    if (lo + 1 >= n)
        return orderStatistics(scan, {lo}).front();
    const auto v = orderStatistics(scan, {lo, lo + 1});
    const double low = v[0];
    const double high = v[1];
    return low + (pos - static_cast<double>(lo)) * (high - low);
}

struct Moments {
    std::uint64_t n = 0;
    double sum = 0, sq = 0;
    float min = 0, max = 0;
};

Moments momentsOf(const Normalizer::Scan& scan)
{
    Moments m;
    scan([&](std::span<const float> piece) {
        for (float x : piece) {
            if (m.n == 0 || x > m.max)
                m.max = x;
            if (m.n == 0 || x < m.min)
                m.min = x;
            m.sum += x;
            m.sq += static_cast<double>(x) * x;
            ++m.n;
        }
    });
    return m;
}

NormalizationStep fitStep(NormalizationStep::Kind kind, const Normalizer::Scan& scan)
{
    using K = NormalizationStep::Kind;
    NormalizationStep s{kind, 0, 0};
    if (kind == K::LogTransform)
        return s;
    const Moments m = momentsOf(scan);
    if (m.n == 0)
        return s;
    switch (kind) {
    case K::Max:
        s.a = m.max;
        break;
    case K::PercTrim:
        s.a = streamedPercentile(scan, m.n, 99.0);
        break;
    case K::ZScore: {
        const double n = static_cast<double>(m.n);
        s.a = m.sum / n;
        s.b = std::sqrt(std::max(0.0, m.sq / n - s.a * s.a));
        break;
    }
    case K::MinMax:
        s.a = m.min;
        s.b = m.max;
        break;
    case K::LogTransform:
        break;
    }
    return s;
}

} // namespace

std::vector<float> strideSample(const std::vector<std::span<const float>>& values,
                                std::size_t limit)
{
    std::size_t total = 0;
    for (const auto& v : values)
        total += v.size();
    std::vector<float> out;
    if (total <= limit) {
        out.reserve(total);
        for (const auto& v : values)
            out.insert(out.end(), v.begin(), v.end());
        return out;
    }
    out.reserve(limit);
    const double step = static_cast<double>(total) / static_cast<double>(limit);
    std::size_t base = 0;
    double next = 0;
    for (const auto& v : values) {
        while (next < static_cast<double>(base + v.size()) && out.size() < limit) {
            out.push_back(v[static_cast<std::size_t>(next) - base]);
            next += step;
        }
        base += v.size();
    }
    return out;
}

double percentile(std::vector<float>& v, double q)
{
    if (v.empty())
        return 0;
    const double pos = q / 100.0 * static_cast<double>(v.size() - 1);
    const auto lo = static_cast<std::size_t>(pos);
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(lo), v.end());
    const double low = v[lo];
    if (lo + 1 >= v.size())
        return low;
    const double high = *std::min_element(v.begin() + static_cast<std::ptrdiff_t>(lo) + 1, v.end());
    return low + (pos - static_cast<double>(lo)) * (high - low);
}

Normalizer Normalizer::fit(const std::vector<NormalizationMode>& modes,
                           const std::vector<std::span<const float>>& values)
{
    return fit(modes, [&](const std::function<void(std::span<const float>)>& visit) {
        for (const auto& v : values)
            visit(v);
    });
}

Normalizer Normalizer::fit(const std::vector<NormalizationMode>& modes, const Scan& scan)
{
    Normalizer n;
    if (modes.empty())
        return n;
    if (modes.size() > 2)
        throw Error::atKeyword("normalization_mode", "takes one or two normalisations");
    // keras_dna applies the list back to front: the last mode sees the raw data.
    for (auto it = modes.rbegin(); it != modes.rend(); ++it)
        n.m_steps.push_back(fitStep(kindOf(*it), transformed(scan, n.m_steps)));
    return n;
}

StrideSampler::StrideSampler(std::size_t total, std::size_t limit)
    : m_limit(limit)
    , m_all(total <= limit)
{
    if (!m_all)
        m_step = static_cast<double>(total) / static_cast<double>(limit);
    m_out.reserve(std::min(total, limit));
}

void StrideSampler::add(std::span<const float> v)
{
    if (m_all) {
        m_out.insert(m_out.end(), v.begin(), v.end());
        return;
    }
    while (m_next < static_cast<double>(m_base + v.size()) && m_out.size() < m_limit) {
        m_out.push_back(v[static_cast<std::size_t>(m_next) - m_base]);
        m_next += m_step;
    }
    m_base += v.size();
}

std::string Normalizer::describe() const
{
    if (m_steps.empty())
        return "none";
    std::vector<std::string> parts;
    for (const auto& s : m_steps) {
        using K = NormalizationStep::Kind;
        std::string p = NormalizationMode(s.kind).word();
        if (s.kind == K::Max || s.kind == K::PercTrim)
            p += " " + text::number(s.a);
        else if (s.kind == K::ZScore)
            p += " (mean " + text::number(s.a) + ", sd " + text::number(s.b) + ")";
        else if (s.kind == K::MinMax)
            p += " (" + text::number(s.a) + " to " + text::number(s.b) + ")";
        parts.push_back(p);
    }
    return text::join(parts, ", then ");
}

nlohmann::json Normalizer::toJson() const
{
    auto j = nlohmann::json::array();
    for (const auto& s : m_steps)
        j.push_back({{"mode", NormalizationMode(s.kind).word()}, {"a", s.a}, {"b", s.b}});
    return j;
}

Normalizer Normalizer::fromJson(const nlohmann::json& j)
{
    Normalizer n;
    for (const auto& s : j)
        n.m_steps.push_back({kindOf(NormalizationMode(s.at("mode").get<std::string>())),
                             s.at("a").get<double>(), s.at("b").get<double>()});
    return n;
}

} // namespace kdna
