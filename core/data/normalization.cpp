#include "core/data/normalization.h"

#include "core/util/error.h"
#include "core/util/text.h"

#include <algorithm>
#include <numeric>

#include <nlohmann/json.hpp>

namespace kdna {
namespace {

constexpr std::size_t kSampleLimit = 16'000'000;

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

NormalizationStep fitStep(NormalizationStep::Kind kind, std::vector<float>& sample)
{
    using K = NormalizationStep::Kind;
    NormalizationStep s{kind, 0, 0};
    if (sample.empty())
        return s;
    switch (kind) {
    case K::Max:
        s.a = *std::max_element(sample.begin(), sample.end());
        break;
    case K::PercTrim:
        s.a = percentile(sample, 99.0);
        break;
    case K::ZScore: {
        double sum = 0, sq = 0;
        for (float x : sample) {
            sum += x;
            sq += static_cast<double>(x) * x;
        }
        const double n = static_cast<double>(sample.size());
        s.a = sum / n;
        s.b = std::sqrt(std::max(0.0, sq / n - s.a * s.a));
        break;
    }
    case K::MinMax: {
        const auto [mn, mx] = std::minmax_element(sample.begin(), sample.end());
        s.a = *mn;
        s.b = *mx;
        break;
    }
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
    Normalizer n;
    if (modes.empty())
        return n;
    if (modes.size() > 2)
        throw Error::atKeyword("normalization_mode", "takes one or two normalisations");
    std::vector<float> sample = strideSample(values, kSampleLimit);
    // keras_dna applies the list back to front: the last mode sees the raw data.
    for (auto it = modes.rbegin(); it != modes.rend(); ++it) {
        NormalizationStep step = fitStep(kindOf(*it), sample);
        if (std::next(it) != modes.rend())
            for (float& x : sample)
                x = step.apply(x);
        n.m_steps.push_back(step);
    }
    return n;
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
