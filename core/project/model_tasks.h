#pragma once

#include "core/eval/dataset_choice.h"
#include "core/eval/evaluation.h"
#include "core/eval/predictor.h"
#include "core/model/model.h"
#include "core/project/archive.h"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

/// What can be done with a saved model (keras_dna's ModelWrapper after load_wrapper):
/// evaluate, correlate, AUC, predict; shared by the CLI and the studio.
namespace kdna {

class Model;

struct LoadedModel {
    ModelArchive archive;
    std::unique_ptr<Model> model;

    /// The training spec (first dataset), with its folders.
    [[nodiscard]] const DatasetSpec& trainSpec() const;
    /// The training dataset evaluation and prediction use: dataset `index` when given
    /// (datasetAt), else the one the files pick (chooseDataset).
    [[nodiscard]] DatasetChoice
    evaluationDataset(const std::string& fasta, const std::vector<std::string>& annotations,
                      std::optional<std::size_t> index = std::nullopt) const;
    /// The model's input length (seq_len 'MAXLEN' read from the model's Input layer).
    [[nodiscard]] std::int64_t inputLength() const;
};

/// Loads an archive and builds its model on `device`. `dataDir` replaces the data folder the
/// model was trained with (for `${data}` paths).
[[nodiscard]] LoadedModel loadModel(const std::filesystem::path& archive,
                                    const std::filesystem::path& dataDir = {},
                                    const std::string& device = "cpu");

/// The data to evaluate on: the training spec moved onto other chromosomes, optionally another
/// genome and annotation files (cross-species), or an explicit spec.
struct EvaluationData {
    std::vector<std::string> chromosomes;
    std::string fasta;
    std::vector<std::string> annotations;
    bool weights = false; ///< keras_dna's weights_eval
    std::optional<AnySpec> spec;
    /// Which training dataset (a MultiGenerator's, in dataset order); unset: the one `fasta`
    /// and `annotations` pick.
    std::optional<std::size_t> dataset = std::nullopt;
    /// Keras evaluate's steps: this many batches of the training's batch_size, spread evenly
    /// over the data (SampledDataset); 0, or more than the data holds: every example.
    std::int64_t steps = 0;
};

[[nodiscard]] EvaluationReport evaluateModel(LoadedModel& m, const EvaluationData& data,
                                             const ScoreOptions& options = {});

struct CorrelationReport {
    std::map<std::string, double> correlations; ///< correlate_{cell}_{annotation}
    /// By the same names: (measured, predicted) pairs sampled evenly, to draw (correlate).
    std::map<std::string, std::vector<stats::CurvePoint>> scatter;
    std::int64_t positions = 0;   ///< genome positions compared (each track has one value there)
    std::int64_t sampledFrom = 0; ///< the windows `steps` sampled from; 0: every one was scored
    std::string method;
    std::string reason;
    double seconds = 0;
};
[[nodiscard]] CorrelationReport correlateModel(LoadedModel& m, const EvaluationData& data,
                                               const ScoreOptions& options = {});

/// keras_dna's get_auc: per cell type (annotation file) and annotation, every window that
/// holds a positive against every window that touches none (negative_ratio 'all').
[[nodiscard]] std::vector<AucResult> aucModel(LoadedModel& m, const EvaluationData& data,
                                              bool dataAugmentation, const std::string& curve,
                                              const ScoreOptions& options = {});

/// Writes the prediction to bigWig (see predictToBigWig).
std::vector<std::filesystem::path> predictModel(LoadedModel& m, const PredictRequest& request,
                                                const std::string& exportPath,
                                                PredictSummary* summary = nullptr);

} // namespace kdna
