#pragma once

#include "core/data/dataset.h"
#include "core/data/spec_file.h"
#include "core/model/model_spec.h"
#include "core/train/history.h"
#include "core/train/settings.h"

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace kdna {

class Generator;
class Model;

/// keras_dna's saved ModelWrapper, and more: the model spec and weights, the generator
/// commands of the training and validation data, the statistics the training data was
/// normalised with (so new data is normalised the same way), compile and training settings
/// and the history. One file, written atomically, checked on reading (a truncated or damaged
/// file is an error, never a half-loaded model). The weights are safetensors, checked against
/// the spec before anything is built: the file is data, nothing in it runs.
struct ModelArchive {
    ModelSpec model;
    std::string weights; ///< safetensors bytes (Model::weightsBlob)
    CompileSettings compile;
    TrainSettings training;
    History history;
    std::optional<AnySpec> trainSpec;
    std::optional<AnySpec> validationSpec;
    std::vector<DataStatistics> statistics; ///< one per training dataset
    std::filesystem::path baseDir;          ///< where the specs' relative paths resolve
    std::filesystem::path dataDir;
    std::string kdnaVersion;
    std::string created;
    std::filesystem::path file; ///< where it was loaded from, for messages
    /// Saved by a kdna whose weights were TorchScript (archive version 1): the description
    /// reads, the weights are refused (reading them would run code stored in the file).
    bool legacyWeights = false;

    void save(const std::filesystem::path& path) const;
    /// Throws kdna::Error naming the file when it is cut, damaged, or its weights do not fit
    /// its model spec (checked before anything is allocated); a version-1 archive loads
    /// without its weights (legacyWeights).
    static ModelArchive load(const std::filesystem::path& path);
    /// Throws kdna::Error naming the file unless the weights are safetensors that fit `model`.
    void checkWeights() const;
    /// The same for other weights of this model (a resumed run's kept best ones) in `source`.
    void checkWeights(const std::string& bytes, const std::filesystem::path& source) const;

    /// keras_dna's load_generator_command: {"type": "Generator" | "MultiGenerator",
    /// "arguments": {keywords}}, or null when there is no such generator.
    [[nodiscard]] nlohmann::json generatorCommand(bool validation) const;
    /// The model with the saved weights.
    [[nodiscard]] std::unique_ptr<Model> buildModel() const;
    /// Everything but the weights, as JSON (what `kdna info MODEL.kdna` shows).
    [[nodiscard]] nlohmann::json metadata() const;
};

/// The statistics of each dataset behind a generator (one, or one per MultiGenerator dataset).
[[nodiscard]] std::vector<DataStatistics> statisticsOf(const Generator& generator);

/// Whether a file starts like a kdna model archive.
[[nodiscard]] bool looksLikeModelArchive(const std::filesystem::path& path);

} // namespace kdna
