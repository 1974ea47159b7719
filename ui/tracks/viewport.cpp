#include "ui/tracks/viewport.h"

#include "core/util/chrom_names.h"

#include <algorithm>
#include <cmath>

namespace kdna::ui {

bool Viewport::setChromosomes(std::vector<Chromosome> chromosomes)
{
    if (chromosomes == m_chromosomes)
        return false;
    m_chromosomes = std::move(chromosomes);
    return true;
}

std::string Viewport::match(const std::string& name) const
{
    return chrom_names::match(name, namesOf(m_chromosomes));
}

std::int64_t Viewport::chromosomeLength(const std::string& chrom) const
{
    const auto it = std::find_if(m_chromosomes.begin(), m_chromosomes.end(),
                                 [&](const Chromosome& c) { return c.name == chrom; });
    return it == m_chromosomes.end() ? 0 : it->length;
}

GenomicRange Viewport::range() const
{
    const std::int64_t length = chromosomeLength(m_chrom);
    return {m_chrom, std::max<std::int64_t>(0, static_cast<std::int64_t>(std::floor(m_start))),
            std::min(length, static_cast<std::int64_t>(std::ceil(m_end)))};
}

bool Viewport::moveTo(const std::string& chrom, double start, double end)
{
    const auto length = static_cast<double>(chromosomeLength(chrom));
    if (length <= 0)
        return false;
    const double span = std::clamp(end - start, std::min<double>(kMinSpan, length), length);
    // A range narrower than the minimum grows around its middle.
    const double from = end - start < span ? 0.5 * (start + end) - 0.5 * span : start;
    const double s = std::clamp(from, 0.0, length - span);
    const bool changed = chrom != m_chrom || s != m_start || s + span != m_end;
    m_chrom = chrom;
    m_start = s;
    m_end = s + span;
    return changed;
}

void Viewport::clear()
{
    m_chrom.clear();
    m_start = m_end = 0;
}

} // namespace kdna::ui
