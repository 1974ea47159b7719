#pragma once

#include "core/eval/scoring.h"
#include "core/util/stats.h"

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

/// The evaluation both front doors run when training ends (or is stopped): the kept weights on
/// the project's test chromosomes. One function, so `kdna train` and kdna-studio report the
/// same numbers for the same model.
namespace kdna {

struct LoadedModel;
struct Project;

/// A figure of the test evaluation, as ENNGene and Selene draw them: a ROC or precision-recall
/// curve per output of a classifier (its area in `summary`), or predicted against measured
/// values per track of a regression (Pearson's r in `summary`).
struct EvaluationPlot {
    enum class Kind { Roc, PrecisionRecall, Scatter };
    Kind kind = Kind::Roc;
    std::string title;   ///< "ROC: cell 0, binding site", "correlate_0_0"
    std::string xLabel;  ///< "false positive rate", "recall", "measured"
    std::string yLabel;  ///< "true positive rate", "precision", "predicted"
    std::string summary; ///< "AUC 0.912", "r 0.412"
    std::vector<stats::CurvePoint> points;
};

struct TestEvaluation {
    std::vector<std::string> chromosomes; ///< empty: the project names no test chromosomes
    /// keras_dna's evaluate (loss and the compile metrics), then get_correlation
    /// (correlate_{cell}_{annotation}) for bigWig models or get_auc (ROC) for BED/GFF ones.
    std::map<std::string, double> metrics;
    std::int64_t examples = 0;
    std::vector<EvaluationPlot> plots; ///< none for a sample or a seq2seq model
    std::string method;                ///< "whole-sequence", "windows", or "sample" (sampleBatches)
    double seconds = 0;
};

struct TestEvaluationOptions {
    /// 0: every window of the test chromosomes, in order (as keras_dna evaluates a generator);
    /// N: a seeded sample of N training-style batches, a quick look (`kdna train --eval-steps`).
    std::int64_t sampleBatches = 0;
    /// Progress (fraction done; false cancels) and the inference method.
    ScoreOptions score;
};

/// Evaluates `model` on `project.test_chr`, normalised with the model's own statistics.
[[nodiscard]] TestEvaluation evaluateOnTestChromosomes(const Project& project, LoadedModel& model,
                                                       const TestEvaluationOptions& options = {});

/// The same for the archive a training run saved (the best weights when it kept them): loads it
/// on the project's device first.
[[nodiscard]] TestEvaluation evaluateOnTestChromosomes(const Project& project,
                                                       const std::filesystem::path& archive,
                                                       const TestEvaluationOptions& options = {});

} // namespace kdna
