#pragma once

#include "core/data/dataset.h"
#include "core/data/stream.h"

#include <cstdint>
#include <vector>

namespace kdna {

class BigWigReader;

/// Regression examples from bigWig tracks (keras_dna's ContinuousDataset): every position
/// whose window fits inside an included chromosome is an example (step 1, or tg_window with
/// overlapping=False); its targets are the tg_window values at the window's centre for every
/// annotation file, normalised. Sequence and tracks are streamed in blocks through the block
/// cache (core/data/stream.h), so memory follows the cache's budget, not the genome.
class ContinuousDataset final : public Dataset {
public:
    ContinuousDataset(const DatasetSpec& spec, const DataStatistics* fitted);

    [[nodiscard]] std::int64_t size() const override { return m_size; }
    [[nodiscard]] const DatasetSpec& spec() const override { return m_spec; }
    [[nodiscard]] std::int64_t inputLength() const override { return m_spec.window; }
    float fill(std::int64_t index, const ExampleSlots& out) const override;
    [[nodiscard]] Locus locus(std::int64_t index) const override;
    [[nodiscard]] DatasetSummary summary() const override;
    [[nodiscard]] const DataStatistics& statistics() const override { return m_stats; }

    /// Start of the window of example `index` on its chromosome, and the chromosome's slot.
    struct Position {
        std::size_t chrom;
        std::int64_t start;
    };
    [[nodiscard]] Position position(std::int64_t index) const;

private:
    struct Chrom {
        Chromosome info;
        std::int64_t first = 0; // global index of its first example
        std::int64_t count = 0;
        std::shared_ptr<const store::SequenceStream> sequence;
        std::vector<std::shared_ptr<const store::TrackStream>> tracks;
        std::vector<std::shared_ptr<const store::TrackStream>> secondary;
    };

    void placeWindows(const std::vector<Chromosome>& chroms);
    void loadTracks(const std::vector<BigWigReader>& labels);
    void useSavedStatistics(const DataStatistics& fitted);
    /// Statistics over every base of the included chromosomes, per file, streamed.
    void fitStatistics();
    [[nodiscard]] Normalizer::Scan scanOf(std::size_t file, bool secondary) const;
    void fillLabels(const Chrom& c, std::int64_t start, float* label, float& weight) const;
    void fillSecondary(const Chrom& c, std::int64_t start, float* out) const;

    DatasetSpec m_spec;
    DataStatistics m_stats;
    std::vector<Chrom> m_chroms;
    std::vector<std::string> m_notes;
    std::int64_t m_size = 0;
    std::int64_t m_step = 1;
    bool m_alphabetFirst = false;
};

} // namespace kdna
