#pragma once

#include "ui/tracks/locus.h"
#include "core/tracks/features.h"

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include <QHash>
#include <QString>
#include <QStringList>

namespace kdna::ui {

/// A feature as a lane draws it: where, which strand, its name, and the row it was packed in.
struct PlacedFeature {
    std::int64_t start = 0;
    std::int64_t end = 0;
    Strand strand = Strand::None;
    int row = 0;
    std::uint32_t type = 0;
    QString name;
};

/// The features of one BED/narrowPeak/GFF file ready to draw: sorted per chromosome and packed
/// into rows so that overlapping features never share a row (IGV's expanded mode), with a
/// name lookup (Name and ID, any case) for the locus box. Immutable once built, so it is built
/// off the GUI thread and then shared.
class FeatureIndex {
public:
    /// Builds from a parsed set; a GFF's ID attributes are read from `set.path` as well, since
    /// the set keeps only the Name when there is one.
    static std::shared_ptr<const FeatureIndex> build(const FeatureSet& set);

    [[nodiscard]] std::vector<Chromosome> chromosomes() const;
    /// The index's name for a view chromosome (alias-matched), or empty.
    [[nodiscard]] std::string chromosomeName(const std::string& viewChrom) const;
    /// Features of `chrom` (the index's name) that may overlap [start, end), sorted by start;
    /// some may end before `start` (when a longer one before them reaches into the range).
    [[nodiscard]] std::span<const PlacedFeature>
    overlapping(const std::string& chrom, std::int64_t start, std::int64_t end) const;
    /// Rows `chrom`'s features were packed into.
    [[nodiscard]] int rows(const std::string& chrom) const;
    [[nodiscard]] int maxRows() const { return m_maxRows; }
    [[nodiscard]] const std::string& typeName(std::uint32_t type) const { return m_types[type]; }
    [[nodiscard]] std::size_t size() const { return m_count; }

    /// Where the feature named `name` (Name or ID, case ignored) lies.
    [[nodiscard]] std::optional<GenomicRange> find(const QString& name) const;
    [[nodiscard]] QStringList names() const;

private:
    struct PerChromosome {
        std::vector<PlacedFeature> features;
        std::vector<std::int64_t> reach; ///< furthest end so far, per feature
        std::int64_t extent = 0;
        int rows = 0;
    };
    void addName(const QString& name, const GenomicRange& range);

    std::unordered_map<std::string, PerChromosome> m_chroms;
    std::vector<std::string> m_order;
    std::vector<std::string> m_types;
    QHash<QString, GenomicRange> m_byName; // lower-case
    QStringList m_names;
    int m_maxRows = 0;
    std::size_t m_count = 0;
};

} // namespace kdna::ui
