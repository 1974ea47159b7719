#pragma once

#include "core/data/normalization.h"

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

/// A prediction beside the experiment it predicts: which bigWig each predicted track learned
/// from, and how well the two agree over a region. The track viewer's status line and its lane
/// label both ask here, so they cannot disagree.
namespace kdna {

struct DatasetSpec;
struct DataStatistics;
struct OutputLayouts;

/// One track a model predicts, and the experiment it learned from.
struct PredictedTrack {
    std::string name;                 ///< keras_dna's "cell_number0_annotation_number0"
    std::filesystem::path experiment; ///< the bigWig; empty when the targets are not a signal
    Normalizer normalizer;            ///< what the targets went through in training
};

/// The tracks a model trained on `spec` predicts, every written output's in order (the
/// layouts predict() uses): a continuous dataset predicts one track per annotation file, so
/// track k pairs with annotation_files[k]; secondary targets pair with their sec_inputs file.
[[nodiscard]] std::vector<PredictedTrack> predictedTracks(const DatasetSpec& spec,
                                                          const OutputLayouts& layouts,
                                                          const std::vector<DataStatistics>& stats);

/// Pearson's r, base by base, between a prediction and its experiment over the same bases
/// (`predicted[i]` and `measured[i]` are one base), the experiment normalised as the model's
/// targets were. A base without a prediction (NaN) is left out; a base the bigWig leaves empty
/// (NaN) counts 0, as in training. NaN when fewer than 3 bases remain.
[[nodiscard]] double predictionCorrelation(std::span<const float> predicted,
                                           std::span<const float> measured,
                                           const Normalizer& normalizer);

} // namespace kdna
