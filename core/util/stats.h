#pragma once

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

} // namespace kdna::stats
