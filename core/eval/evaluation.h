#pragma once

#include "core/eval/scoring.h"
#include "core/train/settings.h"
#include "core/train/trainer.h"
#include "core/util/stats.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace kdna {

/// Loss and metrics of a model on data (keras_dna's evaluate).
struct EvaluationReport {
    std::map<std::string, double> metrics;
    std::int64_t examples = 0;
    std::int64_t sampledFrom = 0; ///< the examples a sample was drawn from; 0: all were scored
    std::string method;
    std::string reason;
    double seconds = 0;
};
[[nodiscard]] EvaluationReport evaluateScores(const Model& model, const ScoredData& scores,
                                              const CompileSettings& compile,
                                              const std::vector<OutputTracks>& tracks,
                                              bool useWeights);

/// keras_dna's get_correlation: Pearson's r per track of the first output, named
/// correlate_{cell}_{annotation}; one r over every position evaluated (keras_dna averages a
/// per-batch r instead).
[[nodiscard]] std::map<std::string, double> correlations(const ScoredData& scores,
                                                         const OutputTracks& tracks);

/// One AUC of keras_dna's get_auc.
struct AucResult {
    int cell = 0;
    std::string annotation;
    std::string curve; ///< "ROC" or "PR"
    double value = 0;  ///< the area under `curve`
    std::int64_t positives = 0;
    std::int64_t negatives = 0;
    stats::Ranking ranking; ///< both areas and both curves (thinned for drawing)
};
/// Up to `maxPoints` (measured, predicted) pairs of each track of the first output, evenly
/// spaced over the examples, by correlate_{cell}_{annotation} as correlations() names them:
/// the scatter a correlation is read from.
[[nodiscard]] std::map<std::string, std::vector<stats::CurvePoint>>
scatterSample(const ScoredData& scores, const OutputTracks& tracks, std::size_t maxPoints = 2000);

/// The AUC of output element `element` (a (cell, annotation) slot) against the first target
/// element, exact (no thresholds).
[[nodiscard]] AucResult aucOf(const ScoredData& scores, std::int64_t element,
                              const std::string& curve);

} // namespace kdna
