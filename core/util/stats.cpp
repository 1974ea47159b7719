#include "core/util/stats.h"

#include <algorithm>
#include <cmath>
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

/// Walks down the scores a group of tied ones at a time, calling `at(tp, fp)` after each.
template<typename At>
void walkThresholds(const std::vector<float>& scores, const std::vector<bool>& positive, At at)
{
    const auto order = descending(scores);
    double tp = 0, fp = 0;
    for (std::size_t i = 0; i < order.size();) {
        const float s = scores[order[i]];
        for (; i < order.size() && scores[order[i]] == s; ++i)
            (positive[order[i]] ? tp : fp) += 1;
        at(tp, fp);
    }
}

} // namespace

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

std::vector<CurvePoint> rocCurve(const std::vector<float>& scores,
                                 const std::vector<bool>& positive, std::size_t maxPoints)
{
    const auto positives = static_cast<double>(std::count(positive.begin(), positive.end(), true));
    const double negatives = static_cast<double>(positive.size()) - positives;
    if (positives == 0 || negatives == 0)
        return {};
    std::vector<CurvePoint> points{{0, 0}};
    walkThresholds(scores, positive, [&](double tp, double fp) {
        points.push_back({fp / negatives, tp / positives});
    });
    return thinned(std::move(points), maxPoints);
}

std::vector<CurvePoint> prCurve(const std::vector<float>& scores, const std::vector<bool>& positive,
                                std::size_t maxPoints)
{
    const auto positives = static_cast<double>(std::count(positive.begin(), positive.end(), true));
    if (positives == 0)
        return {};
    std::vector<CurvePoint> points;
    walkThresholds(scores, positive, [&](double tp, double fp) {
        points.push_back({tp / positives, tp / (tp + fp)});
    });
    return thinned(std::move(points), maxPoints);
}

double auroc(const std::vector<float>& scores, const std::vector<bool>& positive)
{
    const auto order = descending(scores);
    double positives = 0, negatives = 0;
    for (bool p : positive)
        (p ? positives : negatives) += 1;
    if (positives == 0 || negatives == 0)
        return std::nan("");
    // Walk down the scores; each group of ties adds a trapezoid.
    double tp = 0, fp = 0, area = 0;
    for (std::size_t i = 0; i < order.size();) {
        double groupTp = 0, groupFp = 0;
        const float s = scores[order[i]];
        for (; i < order.size() && scores[order[i]] == s; ++i)
            (positive[order[i]] ? groupTp : groupFp) += 1;
        area += groupFp * (tp + groupTp / 2);
        tp += groupTp;
        fp += groupFp;
    }
    return area / (positives * negatives);
}

double auprc(const std::vector<float>& scores, const std::vector<bool>& positive)
{
    const auto order = descending(scores);
    const double positives =
        static_cast<double>(std::count(positive.begin(), positive.end(), true));
    if (positives == 0)
        return std::nan("");
    double tp = 0, fp = 0, ap = 0, lastRecall = 0;
    for (std::size_t i = 0; i < order.size();) {
        const float s = scores[order[i]];
        for (; i < order.size() && scores[order[i]] == s; ++i)
            (positive[order[i]] ? tp : fp) += 1;
        const double recall = tp / positives;
        ap += (recall - lastRecall) * (tp / (tp + fp));
        lastRecall = recall;
    }
    return ap;
}

} // namespace kdna::stats
