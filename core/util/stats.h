#pragma once

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

/// Area under the ROC curve, exact (ties count half). `positive[i]` marks the positives.
[[nodiscard]] double auroc(const std::vector<float>& scores, const std::vector<bool>& positive);
/// Area under the precision-recall curve as average precision (sklearn's definition).
[[nodiscard]] double auprc(const std::vector<float>& scores, const std::vector<bool>& positive);

/// A point of a curve or a scatter plot.
struct CurvePoint {
    double x = 0;
    double y = 0;
    friend bool operator==(const CurvePoint&, const CurvePoint&) = default;
};

/// The ROC curve: (false positive rate, true positive rate) from (0, 0), a point after each
/// group of tied scores (walking down), to (1, 1); empty without positives or negatives. At
/// most `maxPoints` (at least 2): a longer walk keeps evenly spaced points and both ends.
[[nodiscard]] std::vector<CurvePoint> rocCurve(const std::vector<float>& scores,
                                               const std::vector<bool>& positive,
                                               std::size_t maxPoints = 400);
/// The precision-recall curve: (recall, precision) after each group of tied scores; empty
/// without positives. Thinned as rocCurve.
[[nodiscard]] std::vector<CurvePoint> prCurve(const std::vector<float>& scores,
                                              const std::vector<bool>& positive,
                                              std::size_t maxPoints = 400);
/// At most `maxPoints` evenly spaced points of a longer list, the first and last kept.
[[nodiscard]] std::vector<CurvePoint> thinned(std::vector<CurvePoint> points,
                                              std::size_t maxPoints);

} // namespace kdna::stats
