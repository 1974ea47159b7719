#pragma once

#include "core/util/chromosome.h"
#include "ui/tracks/locus.h"

#include <cstdint>
#include <string>
#include <vector>

namespace kdna::ui {

/// Where the viewer looks: its chromosomes and the stretch of one shown, in (fractional) bases.
/// Every move is clipped to the chromosome and kept at least kMinSpan bases wide. No widget:
/// TrackView owns one and repaints when it moves.
class Viewport {
public:
    static constexpr std::int64_t kMinSpan = 20;

    [[nodiscard]] const std::vector<Chromosome>& chromosomes() const { return m_chromosomes; }
    /// False when the list is the one already held.
    bool setChromosomes(std::vector<Chromosome> chromosomes);
    /// The genome's name for `name` ('IV' may be 'chrIV'), or empty when it has none.
    [[nodiscard]] std::string match(const std::string& name) const;
    /// 0 for a chromosome the viewport does not have.
    [[nodiscard]] std::int64_t chromosomeLength(const std::string& chrom) const;

    [[nodiscard]] const std::string& chrom() const { return m_chrom; }
    [[nodiscard]] double start() const { return m_start; }
    [[nodiscard]] double end() const { return m_end; }
    [[nodiscard]] double span() const { return m_end - m_start; }
    [[nodiscard]] bool isEmpty() const { return m_chrom.empty(); }
    /// The shown stretch in whole bases, within the chromosome.
    [[nodiscard]] GenomicRange range() const;

    /// Shows [start, end) of `chrom`, clipped (a stretch narrower than the minimum grows
    /// around its middle). Returns whether the view changed; an unknown chromosome changes
    /// nothing.
    bool moveTo(const std::string& chrom, double start, double end);
    void clear();

private:
    std::vector<Chromosome> m_chromosomes;
    std::string m_chrom;
    double m_start = 0;
    double m_end = 0;
};

} // namespace kdna::ui
