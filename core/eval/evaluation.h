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
/// Scores every example of `data` once and measures the compiled loss and metrics as Keras
/// does, from running sums: memory does not grow with the examples.
[[nodiscard]] EvaluationReport evaluate(Model& model, const Generator& data,
                                        const CompileSettings& compile,
                                        const std::vector<OutputTracks>& tracks, bool useWeights,
                                        const ScoreOptions& options = {});

/// keras_dna's get_correlation over every position of `data`.
struct CorrelationScores {
    /// Pearson's r per track of the first output, named correlate_{cell}_{annotation}; one r
    /// over every position evaluated (keras_dna averages a per-batch r instead).
    std::map<std::string, double> correlations;
    /// By the same names: up to maxPoints (measured, predicted) pairs, evenly spaced over the
    /// positions in example order: the scatter a correlation is read from.
    std::map<std::string, std::vector<stats::CurvePoint>> scatter;
    std::int64_t positions = 0; ///< each track has one value at each
    ScoringRun run;
};
[[nodiscard]] CorrelationScores correlate(Model& model, const Generator& data,
                                          const OutputTracks& tracks,
                                          const ScoreOptions& options = {},
                                          std::size_t maxPoints = 2000);

/// One AUC of keras_dna's get_auc.
struct AucResult {
    int cell = 0;
    std::string annotation;
    std::string curve; ///< "ROC" or "PR"
    double value = 0;  ///< the area under `curve`
    std::int64_t positives = 0;
    std::int64_t negatives = 0;
    stats::Ranking ranking; ///< both areas and both curves (thinned for drawing)

    /// How far `value` can be from the exact area: 0 when exact (always so while the windows
    /// are within the exact ranking's limit).
    [[nodiscard]] double error() const
    {
        return curve == "PR" ? ranking.auprcError : ranking.aurocError;
    }
    /// "" when exact, else what a reader of the value should know, e.g. "within 2.1e-05 of the
    /// exact area: 12,000,000 windows ranked in score bins".
    [[nodiscard]] std::string errorNote() const;
};
/// The AUC of output element `element` (a (cell, annotation) slot) against the first target
/// element over every example of `data`: exact (no thresholds) up to
/// RankingAccumulator::kDefaultExactLimit examples, from score bins past it, with the bound
/// the ranking states.
[[nodiscard]] AucResult aucOf(Model& model, const Generator& data, std::int64_t element,
                              const std::string& curve, const ScoreOptions& options = {});

} // namespace kdna
