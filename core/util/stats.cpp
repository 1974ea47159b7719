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

} // namespace

Ranking rank(const std::vector<float>& scores, const std::vector<bool>& positive,
             std::size_t maxPoints)
{
    const auto positives = static_cast<double>(std::count(positive.begin(), positive.end(), true));
    const double negatives = static_cast<double>(positive.size()) - positives;
    Ranking r;
    if (positives == 0)
        return r;
    // Each group of tied scores adds a trapezoid under the ROC curve and a step of average
    // precision, and a point to each curve.
    std::vector<CurvePoint> roc{{0, 0}}, pr;
    double area = 0, ap = 0, lastTp = 0, lastFp = 0, lastRecall = 0;
    walkThresholds(scores, positive, [&](double tp, double fp) {
        area += (fp - lastFp) * (lastTp + (tp - lastTp) / 2);
        const double recall = tp / positives;
        const double precision = tp / (tp + fp);
        ap += (recall - lastRecall) * precision;
        lastTp = tp;
        lastFp = fp;
        lastRecall = recall;
        roc.push_back({fp / negatives, recall});
        pr.push_back({recall, precision});
    });
    r.auprc = ap;
    r.pr = thinned(std::move(pr), maxPoints);
    if (negatives > 0) {
        r.auroc = area / (positives * negatives);
        r.roc = thinned(std::move(roc), maxPoints);
    }
    return r;
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
