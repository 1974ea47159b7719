#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

/// Statistics over many values, accumulated in one pass.
namespace kdna::stats {

/// Pearson's r over pairs added one by one (or in blocks); NaN when a side has no variance.
class Pearson {
public:
    void add(double x, double y)
    {
        ++n;
        sx += x;
        sy += y;
        sxx += x * x;
        syy += y * y;
        sxy += x * y;
    }
    void merge(const Pearson& o)
    {
        n += o.n;
        sx += o.sx;
        sy += o.sy;
        sxx += o.sxx;
        syy += o.syy;
        sxy += o.sxy;
    }
    [[nodiscard]] double value() const;
    [[nodiscard]] std::int64_t count() const { return n; }

    std::int64_t n = 0;
    double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
};

/// A point of a curve or a scatter plot.
struct CurvePoint {
    double x = 0;
    double y = 0;
    friend bool operator==(const CurvePoint&, const CurvePoint&) = default;
};

/// What one ranking of scores against labels gives, from one sort and one walk down the
/// scores, a group of tied scores at a time (`positive[i]` marks the positives).
struct Ranking {
    /// Area under the ROC curve, exact (ties count half); NaN without positives or negatives.
    double auroc = std::nan("");
    /// Area under the precision-recall curve as average precision (sklearn's definition);
    /// NaN without positives.
    double auprc = std::nan("");
    /// (false positive rate, true positive rate) from (0, 0), a point after each group, to
    /// (1, 1); empty when auroc is NaN.
    std::vector<CurvePoint> roc;
    /// (recall, precision) after each group; empty when auprc is NaN.
    std::vector<CurvePoint> pr;
};
/// The ranking of `scores`; each curve at most `maxPoints` (at least 2): a longer walk keeps
/// evenly spaced points and both ends.
[[nodiscard]] Ranking rank(const std::vector<float>& scores, const std::vector<bool>& positive,
                           std::size_t maxPoints = 400);
/// rank()'s areas alone.
[[nodiscard]] double auroc(const std::vector<float>& scores, const std::vector<bool>& positive);
[[nodiscard]] double auprc(const std::vector<float>& scores, const std::vector<bool>& positive);

} // namespace kdna::stats
