#pragma once

#include "core/data/keyword_values.h"
#include "core/data/scan.h"

#include <cmath>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace kdna {

/// One normalisation with its fitted statistics.
struct NormalizationStep {
    using Kind = Normalisation; ///< its names are the catalog's (normalization_mode)
    Kind kind = Kind::Max;
    double a = 0; ///< max | clip limit | mean | min
    double b = 0; ///< -   | -          | std  | max

    [[nodiscard]] float apply(float x) const
    {
        switch (kind) {
        case Kind::Max:
            return a > 0 ? static_cast<float>(x / a) : x;
        case Kind::PercTrim:
            return x > a ? static_cast<float>(a) : x;
        case Kind::ZScore:
            return b > 0 ? static_cast<float>((x - a) / b) : static_cast<float>(x - a);
        case Kind::MinMax:
            return b > a ? static_cast<float>((x - a) / (b - a)) : static_cast<float>(x - a);
        case Kind::LogTransform:
            return static_cast<float>(std::log1p(std::max(x, -0.999999F)));
        }
        return x;
    }
    friend bool operator==(const NormalizationStep&, const NormalizationStep&) = default;
};

/// keras_dna's normalization_mode for one track: none, one, or two steps. With two, keras_dna
/// applies the second first (['max', 'perctrim'] trims, then divides by the trimmed maximum),
/// and the first step's statistics are computed on data the second has transformed.
/// Statistics are exact over every base of the dataset's chromosomes (missing = 0), whatever
/// their number, in one streaming pass over the raw values: count, sums, extremes, a 65,536-bin
/// histogram of the values' upper 16 bits, and each worker's top values above a threshold its
/// histogram raises, which hold perctrim's two ranks (exact); past 64 MB of them, a second pass
/// counts the lower 16 bits in the bins of the two ranks. Every step is non-decreasing, so the
/// extremes and order statistics of values an earlier step transformed are that step applied
/// to the raw ones; only a zscore after another step takes a pass of its own. A pass runs on
/// the scan's workers at once; sums are kept per part, so the result does not depend on their
/// number. Memory: a megabyte per worker, and the kept top values (about 1 % of the runs).
class Normalizer {
public:
    using Scan = kdna::Scan;

    Normalizer() = default;
    /// Fits `modes` (keras_dna order) on the values of every included chromosome.
    static Normalizer fit(const std::vector<NormalizationMode>& modes,
                          const std::vector<std::span<const float>>& values);
    /// The same, reading the values through `scan` (as many passes as the modes need).
    static Normalizer fit(const std::vector<NormalizationMode>& modes, const Scan& scan);

    [[nodiscard]] float apply(float x) const
    {
        for (const auto& s : m_steps)
            x = s.apply(x);
        return x;
    }
    [[nodiscard]] bool isIdentity() const { return m_steps.empty(); }
    /// In the order they are applied.
    [[nodiscard]] const std::vector<NormalizationStep>& steps() const { return m_steps; }
    /// "perctrim at 41.3, then max 41.3".
    [[nodiscard]] std::string describe() const;

    [[nodiscard]] nlohmann::json toJson() const;
    static Normalizer fromJson(const nlohmann::json& j);
    friend bool operator==(const Normalizer&, const Normalizer&) = default;

private:
    std::vector<NormalizationStep> m_steps;
};

/// An evenly strided sample of at most `limit` values across all spans (all of them when
/// fewer), in order.
[[nodiscard]] std::vector<float> strideSample(const std::vector<std::span<const float>>& values,
                                              std::size_t limit);
/// strideSample's choice made on values arriving in pieces: `total` is the count of all of
/// them, known before the first.
class StrideSampler {
public:
    StrideSampler(std::size_t total, std::size_t limit);
    void add(const ScanPiece& piece);
    [[nodiscard]] std::vector<float> take() { return std::move(m_out); }

private:
    std::size_t m_limit;
    bool m_all;
    double m_step = 1;
    double m_next = 0;
    std::size_t m_base = 0;
    std::vector<float> m_out;
};
/// numpy's percentile with linear interpolation; reorders `v`.
[[nodiscard]] double percentile(std::vector<float>& v, double q);

} // namespace kdna
