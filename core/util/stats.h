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
    /// How far each area can be from the exact one: 0 when every score was ranked exactly;
    /// past RankingAccumulator's exact limit, the most the order inside its score bins can
    /// change the area.
    double aurocError = 0;
    double auprcError = 0;
};
/// The ranking of `scores`; each curve at most `maxPoints` (at least 2): a longer walk keeps
/// evenly spaced points and both ends.
[[nodiscard]] Ranking rank(const std::vector<float>& scores, const std::vector<bool>& positive,
                           std::size_t maxPoints = 400);
/// rank() over scores added one by one, in memory that does not grow with their number:
/// exact up to `exactLimit` scores (rank() of them all), then every score counted in one of
/// 2^20 bins by its leading 20 bits (sign, exponent and 11 bits of mantissa: 1/4096 of the
/// score's size), a bin ranked as one group of tied scores. A bin that only ever saw one score
/// value is exact; Ranking's errors bound what the others can change.
class RankingAccumulator {
public:
    static constexpr std::size_t kDefaultExactLimit = std::size_t{1} << 22;

    explicit RankingAccumulator(std::size_t exactLimit = kDefaultExactLimit);
    void add(float score, bool positive);
    [[nodiscard]] std::int64_t positives() const { return m_positives; }
    [[nodiscard]] std::int64_t negatives() const { return m_negatives; }
    /// True while every score is still kept.
    [[nodiscard]] bool exact() const { return m_bins.empty(); }
    [[nodiscard]] Ranking ranking(std::size_t maxPoints = 400) const;

    /// Adds the scores `other` holds, as if they had been added here: ranks that each ranked
    /// a share of one pass merge into what one accumulator of every score gives (the areas
    /// do not depend on the order scores came in; past the exact limit both are binned).
    void merge(const RankingAccumulator& other);
    /// What this accumulator holds as words, to send to another process, and back: the exact
    /// scores with their labels, or the bins that saw a score. fromWords refuses words that
    /// toWords did not write.
    [[nodiscard]] std::vector<std::int64_t> toWords() const;
    [[nodiscard]] static RankingAccumulator fromWords(const std::int64_t* words, std::size_t count,
                                                      std::size_t exactLimit = kDefaultExactLimit);

private:
    struct Bin {
        std::int64_t positives = 0;
        std::int64_t negatives = 0;
        std::uint32_t firstKey = 0; ///< the first score's ordered bits
        bool mixed = false;         ///< it has seen more than one score value
    };
    void binAll();
    void addToBin(float score, bool positive);

    std::size_t m_exactLimit;
    std::vector<float> m_scores;
    std::vector<bool> m_positive;
    std::vector<Bin> m_bins;
    std::int64_t m_positives = 0;
    std::int64_t m_negatives = 0;
};

/// rank()'s areas alone.
[[nodiscard]] double auroc(const std::vector<float>& scores, const std::vector<bool>& positive);
[[nodiscard]] double auprc(const std::vector<float>& scores, const std::vector<bool>& positive);

} // namespace kdna::stats
