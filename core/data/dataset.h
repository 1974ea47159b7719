#pragma once

#include "core/data/dataset_spec.h"
#include "core/data/normalization.h"
#include "core/data/shapes.h"
#include "core/data/stream.h"
#include "core/data/weighting.h"
#include "core/util/chromosome.h"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace kdna {

/// Statistics fitted on the training data. A validation or test dataset, and a reloaded model,
/// reuse them so every split is normalised exactly as the training data was.
struct DataStatistics {
    std::vector<Normalizer> labels;       ///< one per annotation file (bigWig data)
    std::vector<Normalizer> secondary;    ///< one per sec_inputs file
    std::vector<BalancedWeights> weights; ///< one per annotation file, with 'balanced'

    [[nodiscard]] nlohmann::json toJson() const;
    static DataStatistics fromJson(const nlohmann::json& j);
    friend bool operator==(const DataStatistics&, const DataStatistics&) = default;
};

/// Where one example comes from.
struct Locus {
    std::string chrom;
    std::int64_t start = 0;
    std::int64_t end = 0;
    bool reverse = false; ///< reverse-complemented (rc, or a '-' feature with use_strand)
    std::string kind;     ///< "window", "positive", "negative" or "random"
    [[nodiscard]] std::string toString() const;
};

/// Counts a user wants before training (the shape previewer and `kdna shape --stats`).
struct DatasetSummary {
    struct PerChromosome {
        std::string chrom;
        std::int64_t length = 0;
        std::int64_t examples = 0;
        std::int64_t positives = 0;
        std::int64_t negatives = 0;
    };
    std::int64_t examples = 0;
    std::int64_t positives = 0; ///< sparse data
    std::int64_t negatives = 0;
    std::vector<PerChromosome> chromosomes;
    /// Sparse: positive windows per "file:annotation" (a feature type of a cell type).
    std::map<std::string, std::int64_t> positivesPerAnnotation;
    /// Sparse: lengths of the positive features used.
    std::int64_t minLength = 0, maxLength = 0, mostCommonLength = 0;
    double meanLength = 0;
    std::int64_t features = 0;
    /// Things the user should know (chromosomes too short for the window, features that
    /// could not be placed, ...).
    std::vector<std::string> notes;
    std::string normalization; ///< how each track is normalised
};

/// Pointers to one example's slots in a batch.
struct ExampleSlots {
    float* input = nullptr;     ///< input length x 4, or null to skip the sequence
    float* label = nullptr;     ///< natural label shape
    float* secondary = nullptr; ///< natural secondary shape, or null
};

/// keras_dna's SeqIntervalDl: a fixed list of examples, each filled on demand. Implementations
/// are immutable after construction and fill() is thread-safe and deterministic.
class Dataset {
public:
    virtual ~Dataset() = default;

    [[nodiscard]] virtual std::int64_t size() const = 0;
    [[nodiscard]] virtual const DatasetSpec& spec() const = 0;
    /// The input length (window, or seq_len with 'MAXLEN' resolved).
    [[nodiscard]] virtual std::int64_t inputLength() const = 0;
    /// Writes example `index` and returns its sample weight (1 without weighting).
    virtual float fill(std::int64_t index, const ExampleSlots& out) const = 0;
    [[nodiscard]] virtual Locus locus(std::int64_t index) const = 0;
    [[nodiscard]] virtual DatasetSummary summary() const = 0;
    [[nodiscard]] virtual const DataStatistics& statistics() const = 0;
    /// Whether examples come from several datasets (a MultiGenerator's), each with its genome.
    [[nodiscard]] virtual bool mixesDatasets() const { return false; }

    [[nodiscard]] Shape labelShape() const { return naturalLabelShape(spec(), inputLength()); }
    [[nodiscard]] Shape secondaryShape() const { return naturalSecShape(spec(), inputLength()); }
    [[nodiscard]] bool weighted() const { return !(spec().weighting_mode == Weighting::None); }
};

/// Opens the dataset a spec describes (bigWig or BED/GFF), reading and checking every file.
/// `fitted`, when given, replaces the statistics the training data would give.
/// Throws kdna::Error naming the keyword or file at fault.
[[nodiscard]] std::shared_ptr<const Dataset> openDataset(const DatasetSpec& spec,
                                                         const DataStatistics* fitted = nullptr);

/// Writes a one-hot window into `out` (length x 4, or 4 x length when alphabet comes first),
/// reverse-complemented when `reverse`.
void writeOneHot(const std::uint8_t* codes, std::int64_t length, bool reverse, bool alphabetFirst,
                 float* out);

/// The chromosomes `data` draws examples from that `names` lists, in `data`'s order.
[[nodiscard]] std::vector<std::string> chromosomesDrawnFrom(const Dataset& data,
                                                            const std::vector<std::string>& names);

/// The one sentence for data that draws from chromosomes another role also uses:
/// "<about>: chrI is also a training chromosome, so <consequence> (leave it out of
/// <leaveOutOf>)", in the plural for several.
[[nodiscard]] std::string overlapNote(const std::string& about,
                                      const std::vector<std::string>& chromosomes,
                                      const std::string& role, const std::string& consequence,
                                      const std::string& leaveOutOf);

/// Every base of `bigwig` over `chromosomes` (bases without data, past the file's end of a
/// chromosome or on one it lacks as 0), in order, as the file's own runs: the statistics'
/// passes cost the file's records, not its bases, and need no track cache. Each pass reports
/// its progress (reportOpening) as the statistics of `file` (by its name).
[[nodiscard]] Normalizer::Scan scanOfTrack(const std::filesystem::path& bigwig,
                                           std::vector<Chromosome> chromosomes,
                                           const std::string& file);

/// What a statistic of a track was fitted on, for its cache key: `role` (labels, secondary
/// inputs), the modes and the chromosomes with their lengths.
[[nodiscard]] std::string fittedOn(const std::string& role,
                                   const std::vector<NormalizationMode>& modes,
                                   const std::vector<Chromosome>& chromosomes);

/// Normalizer::fit(modes, scan) of `track` over `chromosomes`, or the one a run on the same
/// file and chromosomes fitted (store::cachedStatistic).
[[nodiscard]] Normalizer fitNormalizer(const std::filesystem::path& track, const std::string& role,
                                       const std::vector<NormalizationMode>& modes,
                                       const std::vector<Chromosome>& chromosomes,
                                       const Normalizer::Scan& scan);

} // namespace kdna
