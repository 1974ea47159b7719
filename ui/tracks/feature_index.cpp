#include "ui/tracks/feature_index.h"

#include "ui/bridge/qt_convert.h"
#include "core/util/chrom_names.h"

#include <algorithm>
#include <cstdint>

namespace kdna::ui {
std::shared_ptr<const FeatureIndex> FeatureIndex::build(const FeatureSet& set)
{
    auto index = std::make_shared<FeatureIndex>();
    index->m_types = set.types;
    index->m_count = set.features.size();
    for (const Feature& f : set.features) {
        const std::string& chrom = set.chromName(f);
        auto [it, added] = index->m_chroms.try_emplace(chrom);
        if (added)
            index->m_order.push_back(chrom);
        const QString name = qs(f.name);
        it->second.features.push_back({f.start, f.end, f.strand, 0, f.type, name});
        if (!name.isEmpty())
            index->addName(name, {chrom, f.start, f.end});
        if (!f.id.empty() && f.id != f.name)
            index->addName(qs(f.id), {chrom, f.start, f.end});
    }
    for (auto& [chrom, per] : index->m_chroms) {
        auto& features = per.features;
        std::stable_sort(
            features.begin(), features.end(),
            [](const PlacedFeature& a, const PlacedFeature& b) { return a.start < b.start; });
        // Greedy packing: each feature goes to the first row free at its start.
        std::vector<std::int64_t> rowEnds;
        for (auto& f : features) {
            const auto row = std::find_if(rowEnds.begin(), rowEnds.end(),
                                          [&](std::int64_t end) { return end <= f.start; });
            f.row = static_cast<int>(row - rowEnds.begin());
            if (row == rowEnds.end())
                rowEnds.push_back(f.end);
            else
                *row = f.end;
            per.extent = std::max(per.extent, f.end);
            per.reach.push_back(per.extent);
        }
        per.rows = static_cast<int>(rowEnds.size());
        index->m_maxRows = std::max(index->m_maxRows, per.rows);
    }
    index->m_names.sort(Qt::CaseInsensitive);
    return index;
}

void FeatureIndex::addName(const QString& name, const GenomicRange& range)
{
    const QString key = name.toLower();
    const auto it = m_byName.find(key);
    if (it == m_byName.end()) {
        m_byName.insert(key, range);
        m_names << name;
    } else if (range.length() > it->length()) {
        // A gene and its transcripts may share a name: the gene spans them all.
        *it = range;
    }
}

std::vector<Chromosome> FeatureIndex::chromosomes() const
{
    std::vector<Chromosome> out;
    for (const auto& name : m_order)
        out.push_back({name, m_chroms.at(name).extent});
    return out;
}

std::string FeatureIndex::chromosomeName(const std::string& viewChrom) const
{
    return chrom_names::match(viewChrom, m_order);
}

std::span<const PlacedFeature> FeatureIndex::overlapping(const std::string& chrom,
                                                         std::int64_t start, std::int64_t end) const
{
    const auto it = m_chroms.find(chrom);
    if (it == m_chroms.end())
        return {};
    const auto& features = it->second.features;
    // reach[i] is the furthest end among features 0..i: it never decreases, so the first
    // feature that can reach `start` is found by bisection, however long some features are.
    const auto& reach = it->second.reach;
    const auto from = std::upper_bound(reach.begin(), reach.end(), start) - reach.begin();
    const auto first = features.begin() + from;
    const auto last =
        std::lower_bound(first, features.end(), end,
                         [](const PlacedFeature& f, std::int64_t pos) { return f.start < pos; });
    return {first, last};
}

int FeatureIndex::rows(const std::string& chrom) const
{
    const auto it = m_chroms.find(chrom);
    return it == m_chroms.end() ? 0 : it->second.rows;
}

std::optional<GenomicRange> FeatureIndex::find(const QString& name) const
{
    const auto it = m_byName.find(name.trimmed().toLower());
    if (it == m_byName.end())
        return std::nullopt;
    return *it;
}

QStringList FeatureIndex::names() const
{
    return m_names;
}

} // namespace kdna::ui
