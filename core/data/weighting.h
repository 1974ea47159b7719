#pragma once

#include <cstdint>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace kdna {

/// keras_dna's weighting_mode='balanced' for continuous targets: a histogram of a track's
/// normalised values (numpy's 'auto' bins, or a count) over (min - 0.001, max]; a value in
/// bin b weighs 1 / (p_b * bins), so the expected weight is 1 and rare values count more.
/// Empty bins take the smallest non-zero probability.
class BalancedWeights {
public:
    BalancedWeights() = default;
    /// `bins` = 0 means numpy's 'auto' rule (the finer of Sturges and Freedman-Diaconis).
    static BalancedWeights fit(std::vector<float> values, std::int64_t bins);

    [[nodiscard]] float weight(float x) const;
    [[nodiscard]] std::size_t binCount() const { return m_weights.size(); }
    [[nodiscard]] const std::vector<double>& edges() const { return m_edges; }
    [[nodiscard]] const std::vector<double>& weights() const { return m_weights; }

    [[nodiscard]] nlohmann::json toJson() const;
    static BalancedWeights fromJson(const nlohmann::json& j);
    friend bool operator==(const BalancedWeights&, const BalancedWeights&) = default;

private:
    std::vector<double> m_edges;   // bins + 1, increasing
    std::vector<double> m_weights; // one per bin
};

/// numpy.histogram_bin_edges(values, 'auto') bin count over [lo, hi]; reorders `values`.
[[nodiscard]] std::int64_t autoBinCount(std::vector<float>& values, double lo, double hi);

} // namespace kdna
