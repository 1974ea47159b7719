#pragma once

#include "core/util/chromosome.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <QString>

namespace kdna::ui {

/// A stretch of one chromosome: bases [start, end), 0-based.
struct GenomicRange {
    std::string chrom;
    std::int64_t start = 0;
    std::int64_t end = 0;

    [[nodiscard]] std::int64_t length() const { return end - start; }
    [[nodiscard]] bool isValid() const { return !chrom.empty() && end > start; }
    friend bool operator==(const GenomicRange&, const GenomicRange&) = default;
};

/// "chrIX:100,000-120,000": 1-based and inclusive, as IGV and the UCSC browser write loci.
[[nodiscard]] QString formatLocus(const GenomicRange& range);

/// A locus box's text read as coordinates (1-based, as typed), before it meets a genome.
struct LocusText {
    std::string chrom;
    std::optional<std::int64_t> first;
    std::optional<std::int64_t> last;
};

/// Reads "chrIX", "chrIX:100000", "chrIX:100,000-120,000" (also with spaces or an en dash);
/// nullopt when the text is not coordinates (it may be a gene name).
[[nodiscard]] std::optional<LocusText> parseLocusText(const QString& text);

/// Places a parsed locus on `chromosomes`: a chromosome alone is all of it, a position is the
/// `pointSpan` bases centred on it, a range is clipped to the chromosome. nullopt, with the
/// reason in `error`, when the chromosome is unknown or the range lies outside it.
[[nodiscard]] std::optional<GenomicRange> resolveLocus(const LocusText& locus,
                                                       const std::vector<Chromosome>& chromosomes,
                                                       QString* error,
                                                       std::int64_t pointSpan = 100);

/// The tick spacing, 1, 2 or 5 x 10^k bases, that leaves at least `minPixels` between ticks.
[[nodiscard]] std::int64_t tickStep(double bpPerPixel, double minPixels);
/// A ruler label at `position` for ticks `step` apart: "1,200 kb", "3 Mb", "100,020".
[[nodiscard]] QString tickLabel(std::int64_t position, std::int64_t step);
/// A length for people: "12 bp", "10.5 kb", "1.53 Mb".
[[nodiscard]] QString spanText(double bases);

} // namespace kdna::ui
