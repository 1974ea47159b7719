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

} // namespace

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
