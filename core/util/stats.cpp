#include "core/util/stats.h"

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
