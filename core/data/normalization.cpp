#include "core/data/normalization.h"

#include "core/util/error.h"
#include "core/util/text.h"

#include <algorithm>
#include <cstring>
#include <numeric>
#include <optional>

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

constexpr std::size_t kBins = 65536;

/// What one pass over the raw values gives.
struct Profile {
    std::uint64_t n = 0;
    double sum = 0, sq = 0;
    float min = 0, max = 0;
    std::vector<std::uint64_t> high; ///< counts by the upper 16 bits of orderKey
};

/// The values of a worker's top `need` bases, kept exactly during the first pass so that a
/// percentile among the top `need` bases of the scan (perctrim's 99th) needs no second pass.
/// It keeps every value at or above a threshold: the start of the highest bin of the
/// worker's own histogram whose bins from there up hold `need` bases, raised as values come.
/// The scan's top `need` are then at or above the highest workers' threshold, whatever the
/// other workers saw. Past `limit` kept runs (values with many distinct keys, each its own
/// base) it gives up, and the second pass runs as before.
class TopValues {
public:
    TopValues(std::uint64_t need, std::size_t limit)
        : m_need(need)
        , m_limit(limit)
        , m_active(need > 0)
    {}

    void add(std::uint32_t key, std::uint32_t repeats, const std::vector<std::uint64_t>& high)
    {
        if (!m_active || key < m_threshold)
            return;
        m_kept.push_back({key, repeats});
        if (m_kept.size() >= m_nextCheck)
            tighten(high);
    }
    [[nodiscard]] bool active() const { return m_active; }
    [[nodiscard]] std::uint32_t threshold() const { return m_threshold; }
    [[nodiscard]] const std::vector<std::pair<std::uint32_t, std::uint32_t>>& kept() const
    {
        return m_kept;
    }

private:
    void tighten(const std::vector<std::uint64_t>& high)
    {
        std::uint64_t above = 0;
        std::uint32_t bin = kBins;
        while (bin > 0 && above < m_need)
            above += high[--bin];
        if (above >= m_need && (bin << 16) > m_threshold) {
            m_threshold = bin << 16;
            std::erase_if(m_kept, [&](const auto& k) { return k.first < m_threshold; });
        }
        if (m_kept.size() > m_limit) {
            m_active = false;
            m_kept = {};
            return;
        }
        m_nextCheck = std::max<std::size_t>(2 * m_kept.size(), 1U << 16);
    }

    std::uint64_t m_need;
    std::size_t m_limit;
    bool m_active;
    std::uint32_t m_threshold = 0;
    std::size_t m_nextCheck = 1U << 16;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> m_kept;
};

/// Memory the first pass may spend on TopValues, over all workers.
constexpr std::size_t kTopValuesBytes = std::size_t{64} << 20;

/// One pass's profile, visited on the scan's workers: counts, extremes and the histogram per
/// worker, sums per part (each in the part's own order, added up in part order, so any number
/// of workers gives the same sums, and one part gives a plain sum in scan order).
class PassProfile {
public:
    /// `topBases`: the top bases whose values to keep (TopValues; 0: none).
    PassProfile(const Scan& scan, bool histogram, std::uint64_t topBases = 0)
        : m_workers(scan.workers())
        , m_parts(scan.parts())
    {
        if (histogram)
            for (auto& w : m_workers)
                w.high.assign(kBins, 0);
        const std::size_t limit =
            kTopValuesBytes / sizeof(std::pair<std::uint32_t, std::uint32_t>) / m_workers.size();
        m_tops.assign(m_workers.size(), TopValues(histogram ? topBases : 0, limit));
    }

    /// `piece` of part at.part, each value through `f` first.
    template<typename F>
    void add(ScanPlace at, const ScanPiece& piece, F&& f)
    {
        Profile& w = m_workers[at.worker];
        TopValues& top = m_tops[at.worker];
        Sums& part = m_parts[at.part];
        double sum = part.sum, sq = part.sq; // a register each: workers' parts share lines
        piece.forEach([&](float raw, std::uint32_t repeats) {
            const float x = f(raw);
            if (w.n == 0 || x > w.max)
                w.max = x;
            if (w.n == 0 || x < w.min)
                w.min = x;
            w.n += repeats;
            const double r = repeats;
            sum += r * x;
            sq += r * static_cast<double>(x) * x;
            if (!w.high.empty()) {
                const std::uint32_t key = orderKey(x);
                w.high[key >> 16] += repeats;
                top.add(key, repeats, w.high);
            }
        });
        part = {sum, sq};
    }

    /// The values of ascending ranks `ranks` of `n` bases from the kept top values, when
    /// every worker kept them and the ranks lie among them.
    [[nodiscard]] std::optional<std::vector<float>>
    topOrderStatistics(std::uint64_t n, const std::vector<std::uint64_t>& ranks) const
    {
        std::uint32_t threshold = 0;
        for (const auto& t : m_tops) {
            if (!t.active())
                return std::nullopt;
            threshold = std::max(threshold, t.threshold());
        }
        std::vector<std::pair<std::uint32_t, std::uint32_t>> all;
        std::uint64_t above = 0;
        for (const auto& t : m_tops)
            for (const auto& k : t.kept())
                if (k.first >= threshold) {
                    all.push_back(k);
                    above += k.second;
                }
        if (above > n)
            return std::nullopt;
        const std::uint64_t below = n - above;
        std::sort(all.begin(), all.end());
        std::vector<float> out;
        for (std::uint64_t r : ranks) {
            if (r < below)
                return std::nullopt;
            std::uint64_t seen = below;
            auto it = all.begin();
            while (it != all.end() && seen + it->second <= r)
                seen += (it++)->second;
            if (it == all.end())
                return std::nullopt;
            out.push_back(fromOrderKey(it->first));
        }
        return out;
    }

    [[nodiscard]] Profile merged() const
    {
        Profile p = m_workers.front();
        for (std::size_t i = 1; i < m_workers.size(); ++i) {
            const Profile& w = m_workers[i];
            if (w.n == 0)
                continue;
            if (p.n == 0 || w.max > p.max)
                p.max = w.max;
            if (p.n == 0 || w.min < p.min)
                p.min = w.min;
            p.n += w.n;
            for (std::size_t b = 0; b < p.high.size(); ++b)
                p.high[b] += w.high[b];
        }
        for (const auto& part : m_parts) {
            p.sum += part.sum;
            p.sq += part.sq;
        }
        return p;
    }

private:
    struct Sums {
        double sum = 0, sq = 0;
    };
    std::vector<Profile> m_workers;
    std::vector<Sums> m_parts;
    std::vector<TopValues> m_tops;
};

/// The first pass. With `ranks` (ascending ranks among the scan's bases, when it knows how
/// many), `rankValues` gets their values too when the kept top values hold them.
Profile profileOf(const Normalizer::Scan& scan, const std::vector<std::uint64_t>& ranks,
                  std::optional<std::vector<float>>& rankValues)
{
    const std::uint64_t n = scan.bases();
    const std::uint64_t need =
        ranks.empty() || n == 0 ? 0 : n - *std::min_element(ranks.begin(), ranks.end());
    PassProfile pass(scan, true, need);
    scan.visitParts([&](ScanPlace at, const ScanPiece& piece) {
        pass.add(at, piece, [](float x) { return x; });
    });
    Profile p = pass.merged();
    if (need > 0 && p.n == n)
        rankValues = pass.topOrderStatistics(n, ranks);
    return p;
}

/// Count, sums and extremes of the values after `before` (a zscore fitted after another step).
Profile momentsAfter(const Normalizer::Scan& scan, const std::vector<NormalizationStep>& before)
{
    PassProfile pass(scan, false);
    scan.visitParts([&](ScanPlace at, const ScanPiece& piece) {
        pass.add(at, piece, [&](float x) {
            for (const auto& s : before)
                x = s.apply(x);
            return x;
        });
    });
    return pass.merged();
}

/// The values of ascending ranks `ranks` (exact): the bin of each from the first pass's
/// histogram, then one pass counting the lower 16 bits inside those bins.
std::vector<float> orderStatistics(const Normalizer::Scan& scan, const Profile& profile,
                                   const std::vector<std::uint64_t>& ranks)
{
    // Bin and rank within the bin of each wanted rank.
    std::vector<std::pair<std::uint32_t, std::uint64_t>> where;
    for (std::uint64_t r : ranks) {
        std::uint64_t below = 0;
        std::uint32_t bin = 0;
        while (below + profile.high[bin] <= r)
            below += profile.high[bin++];
        where.emplace_back(bin, r - below);
    }
    // Per worker, per wanted rank: counts by the lower 16 bits.
    std::vector<std::vector<std::vector<std::uint64_t>>> low(
        scan.workers(), std::vector<std::vector<std::uint64_t>>(
                            where.size(), std::vector<std::uint64_t>(kBins, 0)));
    scan.visitParts([&](ScanPlace at, const ScanPiece& piece) {
        auto& mine = low[at.worker];
        piece.forEach([&](float x, std::uint32_t r) {
            const std::uint32_t k = orderKey(x);
            for (std::size_t i = 0; i < where.size(); ++i)
                if ((k >> 16) == where[i].first)
                    mine[i][k & 0xFFFFU] += r;
        });
    });
    auto& counts = low.front(); // the workers' counts, added up
    for (std::size_t w = 1; w < low.size(); ++w)
        for (std::size_t i = 0; i < where.size(); ++i)
            for (std::size_t bin = 0; bin < kBins; ++bin)
                counts[i][bin] += low[w][i][bin];
    std::vector<float> out;
    for (std::size_t i = 0; i < where.size(); ++i) {
        std::uint64_t below = 0;
        std::uint32_t bin = 0;
        while (below + counts[i][bin] <= where[i].second)
            below += counts[i][bin++];
        out.push_back(fromOrderKey((where[i].first << 16) | bin));
    }
    return out;
}

/// numpy's percentile (linear interpolation) of `q`: the two ranks it reads, and the value
/// from those ranks' values.
struct PercentileRanks {
    double pos;
    std::vector<std::uint64_t> ranks;
};

PercentileRanks percentileRanks(std::uint64_t n, double q)
{
    const double pos = q / 100.0 * static_cast<double>(n - 1);
    const auto lo = static_cast<std::uint64_t>(pos);
    if (lo + 1 >= n)
        return {pos, {lo}};
    return {pos, {lo, lo + 1}};
}

double interpolated(const PercentileRanks& at, float low, float high)
{
    const double lo = std::floor(at.pos);
    return low + (at.pos - lo) * (static_cast<double>(high) - low);
}

constexpr double kTrimPercentile = 99.0;

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
    using K = NormalizationStep::Kind;
    Normalizer n;
    if (modes.empty())
        return n;
    if (modes.size() > 2)
        throw Error::atKeyword("normalization_mode", "takes one or two normalisations");
    // keras_dna applies the list back to front: the last mode sees the raw data.
    std::vector<K> kinds;
    for (auto it = modes.rbegin(); it != modes.rend(); ++it)
        kinds.push_back(kindOf(*it));
    const bool trims = std::find(kinds.begin(), kinds.end(), K::PercTrim) != kinds.end();
    std::optional<std::vector<float>> trimInFirstPass;
    const Profile raw =
        profileOf(scan,
                  trims && scan.bases() > 0 ? percentileRanks(scan.bases(), kTrimPercentile).ranks
                                            : std::vector<std::uint64_t>{},
                  trimInFirstPass);
    if (raw.n == 0) {
        for (K k : kinds)
            n.m_steps.push_back({k, 0, 0});
        return n;
    }
    const PercentileRanks trim = percentileRanks(raw.n, kTrimPercentile);
    std::vector<float> trimValues;
    if (trims)
        trimValues = trimInFirstPass ? *trimInFirstPass : orderStatistics(scan, raw, trim.ranks);
    for (K kind : kinds) {
        // The raw statistic seen through the steps fitted so far (all non-decreasing).
        const auto through = [&](float x) {
            return n.apply(x);
        };
        NormalizationStep s{kind, 0, 0};
        switch (kind) {
        case K::Max:
            s.a = through(raw.max);
            break;
        case K::MinMax:
            s.a = through(raw.min);
            s.b = through(raw.max);
            break;
        case K::PercTrim:
            s.a = interpolated(trim, through(trimValues.front()), through(trimValues.back()));
            break;
        case K::ZScore: {
            const Profile m = n.m_steps.empty() ? Profile{raw} : momentsAfter(scan, n.m_steps);
            const double count = static_cast<double>(m.n);
            s.a = m.sum / count;
            s.b = std::sqrt(std::max(0.0, m.sq / count - s.a * s.a));
            break;
        }
        case K::LogTransform:
            break;
        }
        n.m_steps.push_back(s);
    }
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

void StrideSampler::add(const ScanPiece& piece)
{
    piece.forEach([&](float x, std::uint32_t repeats) {
        if (m_all) {
            m_out.insert(m_out.end(), repeats, x);
            return;
        }
        while (m_next < static_cast<double>(m_base + repeats) && m_out.size() < m_limit) {
            m_out.push_back(x);
            m_next += m_step;
        }
        m_base += repeats;
    });
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
