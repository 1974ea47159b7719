#pragma once

#include "core/data/dataset.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace kdna {

struct FeatureSet;

/// Classification examples from BED/narrowPeak/GFF annotations (keras_dna's SparseDataset).
/// Positive windows of seq_len are centred on each feature of an annotation_list type (or,
/// with data_augmentation, every window that holds the whole feature); negatives are genomic
/// windows that touch no positive ('real'), random sequences ('random'), or none. Each
/// annotation file is a cell type; a label is 1 for (cell, annotation) when the window
/// matches one of its features (defined_positive), per base with seq2seq.
class SparseDataset final : public Dataset {
public:
    SparseDataset(const DatasetSpec& spec, const DataStatistics* fitted);

    [[nodiscard]] std::int64_t size() const override { return m_size; }
    [[nodiscard]] const DatasetSpec& spec() const override { return m_spec; }
    [[nodiscard]] std::int64_t inputLength() const override { return m_length; }
    float fill(std::int64_t index, const ExampleSlots& out) const override;
    [[nodiscard]] Locus locus(std::int64_t index) const override;
    [[nodiscard]] DatasetSummary summary() const override;
    [[nodiscard]] const DataStatistics& statistics() const override { return m_stats; }

private:
    enum class Kind : std::uint8_t { Positive, Negative, Random };

    struct Feature {
        std::int64_t start = 0;
        std::int64_t end = 0;
        std::uint16_t cell = 0;
        std::uint16_t label = 0;
        bool reverse = false;
    };
    struct Chrom {
        Chromosome info;
        std::vector<Feature> features;    // sorted by start
        std::vector<std::int64_t> maxEnd; // running max of features[..i].end
        std::shared_ptr<const store::SequenceStream> sequence;
        std::vector<std::shared_ptr<const store::TrackStream>> secondary;
    };
    /// A run of examples: windows starting at firstStart, firstStart + 1, ...
    struct Group {
        std::int64_t first = 0; // global index of its first example
        std::int64_t count = 0;
        std::int64_t firstStart = 0;
        std::uint32_t chrom = 0;
        Kind kind = Kind::Positive;
        bool reverse = false;
    };

    struct Resolved;
    void readAnnotations(Resolved& r);
    void addFeatures(Resolved& r, const FeatureSet& set, std::size_t cell,
                     const std::vector<int>& labelOfType,
                     const std::map<std::string, std::uint32_t>& slotOf);
    /// m_length from seq_len or the longest positive; too short without augmentation throws.
    void chooseLength(const Resolved& resolved);
    /// Positives, negatives and the balanced weights.
    void placeExamples();
    void loadTracks(const DataStatistics* fitted);
    void summarise(const Resolved& resolved);
    void buildPositives();
    void buildRealNegatives();
    void addGroup(Group g);
    [[nodiscard]] const Group& groupOf(std::int64_t index) const;
    void fillLabels(const Chrom& c, std::int64_t start, bool reverse, float* label) const;

    DatasetSpec m_spec;
    DataStatistics m_stats;
    std::vector<Chrom> m_chroms;
    std::vector<Group> m_groups;
    std::int64_t m_length = 0;
    std::int64_t m_size = 0;
    std::int64_t m_positives = 0;
    std::int64_t m_randomNegatives = 0;
    std::int64_t m_randomFirst = 0;
    float m_positiveWeight = 1.0F;
    float m_negativeWeight = 1.0F;
    bool m_alphabetFirst = false;
    DatasetSummary m_summary;
};

} // namespace kdna
