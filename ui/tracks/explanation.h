#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <QString>
#include <QStringList>

namespace kdna::ui {

/// How "Explain here" scores the bases of the view.
enum class ExplainMethod { InputTimesGradient, Saliency, IntegratedGradients, Ism };
/// "input × gradient", "saliency", "integrated gradients", "ISM": the combo's and the lane's
/// words.
[[nodiscard]] QString methodLabel(ExplainMethod method);

/// Per-base importance of a stretch of the view's chromosome for the model's first output
/// (the sum of its values), as "Explain here" computed it.
struct Explanation {
    std::string chrom; ///< as the view names it
    std::int64_t start = 0;
    std::string bases;         ///< the reference, one letter a base
    std::vector<float> scores; ///< per base: the letter's height (core/interpret/region.h)
    /// ISM only: per base, the change of the output for A, C, G, T (0 at the reference base).
    std::vector<float> ism;
    ExplainMethod method = ExplainMethod::InputTimesGradient;
    QString target; ///< the output explained
    std::int64_t windows = 0;
    std::int64_t windowLength = 0;
    double seconds = 0;
    /// Set when the view was wider than the method covers: what was left out, in a sentence.
    QString note;

    [[nodiscard]] std::int64_t end() const
    {
        return start + static_cast<std::int64_t>(scores.size());
    }
};

/// One scored variant of a VCF: the model's first output (summed over its values) on the
/// reference and the alternative window.
struct VariantMark {
    std::string chrom;    ///< as the VCF names it
    std::int64_t pos = 0; ///< 0-based, REF's first base
    QString id;
    QString ref;
    QString alt;
    float refValue = 0;
    float altValue = 0;
    [[nodiscard]] float effect() const { return altValue - refValue; }
};

/// A VCF's variants as the variant lane draws them.
struct VariantMarks {
    std::vector<VariantMark> marks; ///< in file order
    QString target;                 ///< the output scored
    QStringList skipped;            ///< one sentence per variant left out
    double seconds = 0;
    /// The largest |alt - ref| of the file: the lane's scale, the same wherever one looks.
    [[nodiscard]] float largestEffect() const;
};

/// Whether `path` names a VCF or BCF (.vcf, .vcf.gz, .bcf), which the viewer scores with the
/// model instead of opening as a track of its own.
[[nodiscard]] bool isVariantFile(const QString& path);

} // namespace kdna::ui
