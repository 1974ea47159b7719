#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace kdna {

enum class FeatureFormat { Bed3, Bed4, Bed6, NarrowPeak, Gff3 };
[[nodiscard]] const char* formatName(FeatureFormat f);

enum class Strand : std::int8_t { None = 0, Forward = 1, Reverse = -1 };

/// One annotation: 0-based, half-open [start, end) on chromosome `chrom` (an index into the
/// set's chromosome names), of type `type` (an index into the set's type names).
struct Feature {
    std::uint32_t chrom = 0;
    std::uint32_t type = 0;
    std::int64_t start = 0;
    std::int64_t end = 0;
    Strand strand = Strand::None;
    float score = 0;
    std::int64_t summit = -1; ///< narrowPeak peak offset from start, -1 when absent
    std::string name;         ///< BED name column, GFF Name (else ID) attribute
    std::string id;           ///< GFF ID attribute (empty for BED)

    [[nodiscard]] std::int64_t length() const { return end - start; }
};

/// The features of one BED, narrowPeak or GFF3 file. Chromosome and type names are interned.
struct FeatureSet {
    /// The type every BED feature gets: a BED holds one kind of annotation, so any single
    /// name in `annotation_list` (e.g. 'binding site', 'nucleosome') selects all of it.
    static constexpr const char* kBedType = "bed feature";

    std::filesystem::path path;
    FeatureFormat format = FeatureFormat::Bed3;
    std::vector<std::string> chromosomes; ///< in order of first appearance
    std::vector<std::string> types;       ///< in order of first appearance
    std::vector<Feature> features;        ///< in file order

    [[nodiscard]] bool isGff() const { return format == FeatureFormat::Gff3; }
    [[nodiscard]] const std::string& chromName(const Feature& f) const
    {
        return chromosomes[f.chrom];
    }
    [[nodiscard]] const std::string& typeName(const Feature& f) const { return types[f.type]; }
    /// Index of a type name, or -1.
    [[nodiscard]] int typeIndex(const std::string& type) const;
    [[nodiscard]] std::map<std::string, std::int64_t> countByChromosome() const;
    [[nodiscard]] std::map<std::string, std::int64_t> countByType() const;
};

/// BED with 3 to 12 columns, or narrowPeak (10 columns); `track`, `browser` and `#` lines are
/// skipped. Throws kdna::Error naming the file and line of the first malformed record.
[[nodiscard]] FeatureSet readBed(const std::filesystem::path& path);
/// GFF3 (and GTF): type from column 3, strand from column 7, Name/ID from column 9; 1-based
/// inclusive coordinates become 0-based half-open; reading stops at a `##FASTA` line.
[[nodiscard]] FeatureSet readGff(const std::filesystem::path& path);
/// readBed or readGff, chosen by the file's extension and first record.
[[nodiscard]] FeatureSet readFeatures(const std::filesystem::path& path);

} // namespace kdna
