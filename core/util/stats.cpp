#include "core/util/stats.h"

#include "core/util/error.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <numeric>

namespace kdna::stats {

double Pearson::value() const
{
    if (n < 2)
        return std::nan("");
    const double dn = static_cast<double>(n);
    const double cov = sxy - sx * sy / dn;
    const double vx = sxx - sx * sx / dn;
    const double vy = syy - sy * sy / dn;
    return vx > 0 && vy > 0 ? cov / std::sqrt(vx * vy) : std::nan("");
}

namespace {

std::vector<std::size_t> descending(const std::vector<float>& scores)
{
    std::vector<std::size_t> order(scores.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(),
              [&](std::size_t a, std::size_t b) { return scores[a] > scores[b]; });
    return order;
}

/// Walks down the scores a group of tied ones at a time, calling `group(positives,
/// negatives)` for each.
template<typename Group>
void walkTiedGroups(const std::vector<float>& scores, const std::vector<bool>& positive,
                    Group group)
{
    const auto order = descending(scores);
    for (std::size_t i = 0; i < order.size();) {
        const float s = scores[order[i]];
        double tp = 0, fp = 0;
        for (; i < order.size() && scores[order[i]] == s; ++i)
            (positive[order[i]] ? tp : fp) += 1;
        group(tp, fp);
    }
}

/// At most `maxPoints` evenly spaced points of a longer list, the first and last kept.
std::vector<CurvePoint> thinned(std::vector<CurvePoint> points, std::size_t maxPoints)
{
    maxPoints = std::max<std::size_t>(maxPoints, 2);
    if (points.size() <= maxPoints)
        return points;
    std::vector<CurvePoint> out;
    out.reserve(maxPoints);
    const std::size_t last = points.size() - 1;
    for (std::size_t k = 0; k < maxPoints; ++k)
        out.push_back(points[k * last / (maxPoints - 1)]);
    return out;
}

/// The ranking of `positives` and `negatives` in all, walked down by `walk(group)`, which calls
/// group(p, n, exact) for each group of scores ranked as tied, from the highest: p positives and
/// n negatives; `exact` when they do tie (else the group's inner order is unknown, and the
/// errors grow by the most it could change).
template<typename Walk>
Ranking rankGroups(double positives, double negatives, std::size_t maxPoints, Walk walk)
{
    Ranking r;
    if (positives == 0)
        return r;
    // Each group adds a trapezoid under the ROC curve and a step of average precision, and a
    // point to each curve.
    std::vector<CurvePoint> roc{{0, 0}}, pr;
    double area = 0, ap = 0, tp = 0, fp = 0, lastRecall = 0, apError = 0, areaError = 0;
    walk([&](double p, double n, bool exact) {
        if (!exact) {
            // Inside the group, the pairs of a positive and a negative are counted half; in
            // truth each is 0 or 1. The group's step of average precision is its precision at
            // the end, p times; in truth it is highest with the group's positives first and
            // lowest with them last.
            areaError += p * n / 2;
            const double step = p * (tp + p) / (tp + fp + p + n);
            double best = 0, worst = 0;
            for (double j = 1; j <= p; ++j) {
                best += (tp + j) / (tp + fp + j);
                worst += (tp + j) / (tp + fp + n + j);
            }
            apError += std::max(best - step, step - worst);
        }
        area += n * (tp + p / 2);
        tp += p;
        fp += n;
        const double recall = tp / positives;
        const double precision = tp / (tp + fp);
        ap += (recall - lastRecall) * precision;
        lastRecall = recall;
        roc.push_back({fp / negatives, recall});
        pr.push_back({recall, precision});
    });
    r.auprc = ap;
    r.auprcError = apError / positives;
    r.pr = thinned(std::move(pr), maxPoints);
    if (negatives > 0) {
        r.auroc = area / (positives * negatives);
        r.aurocError = areaError / (positives * negatives);
        r.roc = thinned(std::move(roc), maxPoints);
    }
    return r;
}

/// A float's bits in an order that sorts as the floats do (negative ones reversed).
std::uint32_t orderedBits(float f)
{
    const auto bits = std::bit_cast<std::uint32_t>(f);
    return (bits & 0x80000000U) != 0 ? ~bits : bits | 0x80000000U;
}

constexpr int kBinShift = 12; // 32 - 20 bits of bin

} // namespace

Ranking rank(const std::vector<float>& scores, const std::vector<bool>& positive,
             std::size_t maxPoints)
{
    const auto positives = static_cast<double>(std::count(positive.begin(), positive.end(), true));
    const double negatives = static_cast<double>(positive.size()) - positives;
    return rankGroups(positives, negatives, maxPoints, [&](auto group) {
        walkTiedGroups(scores, positive, [&](double p, double n) { group(p, n, true); });
    });
}

RankingAccumulator::RankingAccumulator(std::size_t exactLimit)
    : m_exactLimit(exactLimit)
{}

void RankingAccumulator::add(float score, bool positive)
{
    (positive ? m_positives : m_negatives) += 1;
    if (!exact()) {
        addToBin(score, positive);
        return;
    }
    m_scores.push_back(score);
    m_positive.push_back(positive);
    if (m_scores.size() > m_exactLimit)
        binAll();
}

void RankingAccumulator::addToBin(float score, bool positive)
{
    const std::uint32_t key = orderedBits(score);
    Bin& b = m_bins[key >> kBinShift];
    if (b.positives + b.negatives == 0)
        b.firstKey = key;
    else if (key != b.firstKey)
        b.mixed = true;
    (positive ? b.positives : b.negatives) += 1;
}

void RankingAccumulator::binAll()
{
    m_bins.resize(std::size_t{1} << (32 - kBinShift));
    for (std::size_t i = 0; i < m_scores.size(); ++i)
        addToBin(m_scores[i], m_positive[i]);
    m_scores = {};
    m_positive = {};
}

void RankingAccumulator::merge(const RankingAccumulator& other)
{
    m_positives += other.m_positives;
    m_negatives += other.m_negatives;
    if (exact() && other.exact() && m_scores.size() + other.m_scores.size() <= m_exactLimit) {
        m_scores.insert(m_scores.end(), other.m_scores.begin(), other.m_scores.end());
        m_positive.insert(m_positive.end(), other.m_positive.begin(), other.m_positive.end());
        return;
    }
    if (exact())
        binAll();
    for (std::size_t i = 0; i < other.m_scores.size(); ++i)
        addToBin(other.m_scores[i], other.m_positive[i]);
    for (std::size_t k = 0; k < other.m_bins.size(); ++k) {
        const Bin& from = other.m_bins[k];
        if (from.positives + from.negatives == 0)
            continue;
        Bin& to = m_bins[k];
        if (to.positives + to.negatives == 0) {
            to.firstKey = from.firstKey;
            to.mixed = from.mixed;
        } else if (from.mixed || from.firstKey != to.firstKey) {
            to.mixed = true;
        }
        to.positives += from.positives;
        to.negatives += from.negatives;
    }
}

namespace {
// toWords' layout: a header, then one word per exact score (its bits, the label above them)
// or four per bin that saw a score (index, positives, negatives, first key with `mixed` above).
constexpr std::size_t kHeaderWords = 3; // binned?, positives, negatives
constexpr std::size_t kBinWords = 4;
constexpr std::int64_t kAbove = std::int64_t{1} << 32;
} // namespace

std::vector<std::int64_t> RankingAccumulator::toWords() const
{
    std::vector<std::int64_t> words{exact() ? 0 : 1, m_positives, m_negatives};
    if (exact()) {
        words.reserve(kHeaderWords + m_scores.size());
        for (std::size_t i = 0; i < m_scores.size(); ++i)
            words.push_back(std::bit_cast<std::uint32_t>(m_scores[i]) +
                            (m_positive[i] ? kAbove : 0));
        return words;
    }
    for (std::size_t k = 0; k < m_bins.size(); ++k) {
        const Bin& b = m_bins[k];
        if (b.positives + b.negatives > 0)
            words.insert(words.end(), {static_cast<std::int64_t>(k), b.positives, b.negatives,
                                       b.firstKey + (b.mixed ? kAbove : 0)});
    }
    return words;
}

RankingAccumulator RankingAccumulator::fromWords(const std::int64_t* words, std::size_t count,
                                                 std::size_t exactLimit)
{
    const auto malformed = [] {
        return Error("internal: malformed ranking words");
    };
    if (count < kHeaderWords || words[0] < 0 || words[0] > 1 || words[1] < 0 || words[2] < 0)
        throw malformed();
    RankingAccumulator out(exactLimit);
    const bool binned = words[0] == 1;
    const std::int64_t* entry = words + kHeaderWords;
    const std::size_t entries = count - kHeaderWords;
    if (!binned) {
        if (static_cast<std::int64_t>(entries) != words[1] + words[2])
            throw malformed();
        for (std::size_t i = 0; i < entries; ++i)
            out.add(std::bit_cast<float>(static_cast<std::uint32_t>(entry[i] & (kAbove - 1))),
                    entry[i] >= kAbove);
        return out;
    }
    if (entries % kBinWords != 0)
        throw malformed();
    out.m_bins.resize(std::size_t{1} << (32 - kBinShift));
    std::int64_t positives = 0, negatives = 0;
    for (std::size_t i = 0; i < entries; i += kBinWords) {
        const std::int64_t k = entry[i];
        if (k < 0 || static_cast<std::size_t>(k) >= out.m_bins.size() || entry[i + 1] < 0 ||
            entry[i + 2] < 0 || entry[i + 3] < 0)
            throw malformed();
        Bin& b = out.m_bins[static_cast<std::size_t>(k)];
        b.positives = entry[i + 1];
        b.negatives = entry[i + 2];
        b.firstKey = static_cast<std::uint32_t>(entry[i + 3] & (kAbove - 1));
        b.mixed = entry[i + 3] >= kAbove;
        positives += b.positives;
        negatives += b.negatives;
    }
    if (positives != words[1] || negatives != words[2])
        throw malformed();
    out.m_positives = positives;
    out.m_negatives = negatives;
    return out;
}

Ranking RankingAccumulator::ranking(std::size_t maxPoints) const
{
    const auto positives = static_cast<double>(m_positives);
    const auto negatives = static_cast<double>(m_negatives);
    if (exact())
        return rank(m_scores, m_positive, maxPoints);
    return rankGroups(positives, negatives, maxPoints, [&](auto group) {
        for (std::size_t k = m_bins.size(); k-- > 0;) {
            const Bin& b = m_bins[k];
            if (b.positives + b.negatives > 0)
                group(static_cast<double>(b.positives), static_cast<double>(b.negatives), !b.mixed);
        }
    });
}

double auroc(const std::vector<float>& scores, const std::vector<bool>& positive)
{
    return rank(scores, positive).auroc;
}

double auprc(const std::vector<float>& scores, const std::vector<bool>& positive)
{
    return rank(scores, positive).auprc;
}

} // namespace kdna::stats
