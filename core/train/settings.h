#pragma once

#include "core/util/problem.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace kdna {

/// Keras' model.compile(): one loss per output (with weights), an optimiser, metrics.
struct CompileSettings {
    std::vector<std::string> loss = {"mse"}; ///< one, or one per output
    std::vector<double> loss_weights;        ///< empty: 1 for every output
    std::string optimizer = "adam";          ///< "adam", "sgd", "rmsprop" (any case, as Keras)
    double learning_rate = 0;                ///< 0: Keras' default for the optimiser
    double momentum = 0;                     ///< sgd only
    /// "mae", "mse", "accuracy", "AUC", "correlate" (Keras' aliases read as these)
    std::vector<std::string> metrics;

    [[nodiscard]] double learningRate() const;
    /// The loss of output `i` (one loss applies to every output).
    [[nodiscard]] const std::string& lossFor(std::size_t output) const;
    [[nodiscard]] double weightFor(std::size_t output) const;

    static CompileSettings fromJson(const nlohmann::json& j, std::vector<Problem>& problems);
    [[nodiscard]] nlohmann::json toJson() const;
    friend bool operator==(const CompileSettings&, const CompileSettings&) = default;
};
[[nodiscard]] std::vector<Problem> validate(const CompileSettings& c, std::size_t outputs);

/// keras.callbacks.EarlyStopping's arguments, with Keras' defaults.
struct EarlyStoppingSettings {
    bool enabled = false;
    std::string monitor = "val_loss";
    double min_delta = 0;      ///< an improvement must exceed it (its sign is ignored, as in Keras)
    int patience = 0;          ///< epochs without improvement before stopping
    int verbose = 0;           ///< > 0: say when it stops and which weights it restores
    std::string mode = "auto"; ///< "auto", "min" or "max"
    std::optional<double> baseline; ///< training stops unless the monitor beats it in time
    bool restore_best_weights = false;
    friend bool operator==(const EarlyStoppingSettings&, const EarlyStoppingSettings&) = default;
};

struct CheckpointSettings {
    bool enabled = false;
    std::string path; ///< where the best model archive goes (relative to the project)
    std::string monitor = "val_loss";
    bool save_best_only = true;
    friend bool operator==(const CheckpointSettings&, const CheckpointSettings&) = default;
};

/// keras_dna's ModelWrapper.train() arguments and where they run.
struct TrainSettings {
    int epochs = 10;
    std::int64_t steps_per_epoch = 0;        ///< 0: one pass over the data
    std::int64_t validation_steps = 0;       ///< 0: one pass over the validation data
    std::vector<std::string> validation_chr; ///< a copy of the training spec on these
    bool weights_val = false;                ///< keep balanced weights in the validation metrics
    EarlyStoppingSettings early_stopping;
    CheckpointSettings checkpoint;
    std::string precision = "fp32"; ///< or "bf16": bfloat16 autocast, fp32 weights
    std::string device = "cpu";     ///< or "cuda", "cuda:N"
    int threads = 0;                ///< torch threads; 0: every core
    int workers = 0;                ///< batch-preparation threads; 0: automatic
    std::uint64_t seed = 1;         ///< initialisation and dropout

    static TrainSettings fromJson(const nlohmann::json& j, std::vector<Problem>& problems);
    [[nodiscard]] nlohmann::json toJson() const;
    friend bool operator==(const TrainSettings&, const TrainSettings&) = default;
};
[[nodiscard]] std::vector<Problem> validate(const TrainSettings& t);

/// kdna's names for the optimisers, losses and metrics it computes (each one of Keras' names),
/// in the order of Keras' tables: the choices the studio's compile form offers.
[[nodiscard]] std::vector<std::string> optimizerNames();
[[nodiscard]] std::vector<std::string> lossNames();
[[nodiscard]] std::vector<std::string> metricNames();

/// Whether a larger value of `metric` is better (accuracy, correlation, AUC) or a smaller one.
[[nodiscard]] bool higherIsBetter(const std::string& metric);

} // namespace kdna
