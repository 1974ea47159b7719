#pragma once

#include "data/spec_file.h"
#include "model/model_spec.h"
#include "train/settings.h"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace kdna {

/// A kdna project (`*.kdna.json`): the data, the model, how to compile and train it, and where
/// the results go. The GUI edits it; `kdna train PROJECT` runs it headless.
struct Project {
    std::string name = "kdna project";
    AnySpec dataset = DatasetSpec{};           ///< the training generator
    std::optional<AnySpec> validation_dataset; ///< explicit validation generator
    ModelSpec model;
    CompileSettings compile;
    TrainSettings training;
    std::vector<std::string> test_chr; ///< chromosomes for evaluation after training
    std::string output = "model.kdna"; ///< the trained model archive, relative to the project

    /// The project file's folder (relative paths) and the data folder `${data}` stands for.
    std::filesystem::path base_dir;
    std::filesystem::path data_dir;

    [[nodiscard]] std::filesystem::path resolve(const std::string& file) const;
    /// Points every dataset at base_dir / data_dir.
    void applyFolders();

    static Project fromJson(const nlohmann::json& j, std::vector<Problem>& problems);
    [[nodiscard]] nlohmann::json toJson() const;
    /// Reads a project file; throws with every problem (file, keyword) at once.
    static Project load(const std::filesystem::path& path,
                        const std::filesystem::path& dataDir = {});
    /// Writes it atomically.
    void save(const std::filesystem::path& path) const;

    /// The validation spec: validation_dataset, or a copy of the training spec on
    /// validation_chr (without weights unless weights_val); nullopt when neither is set.
    [[nodiscard]] std::optional<AnySpec> validationSpec() const;
    /// A copy of the training spec on other chromosomes (evaluation), optionally on another
    /// genome and annotation files (cross-species), without weights unless `keepWeights`.
    [[nodiscard]] AnySpec specOn(const std::vector<std::string>& chromosomes,
                                 const std::string& fasta = {},
                                 const std::vector<std::string>& annotations = {},
                                 bool keepWeights = false) const;

    friend bool operator==(const Project&, const Project&) = default;
};

/// The same spec on other chromosomes (incl_chromosomes replaced, excl cleared), optionally
/// with another genome and annotation files.
[[nodiscard]] AnySpec respecOn(AnySpec spec, const std::vector<std::string>& chromosomes,
                               const std::string& fasta,
                               const std::vector<std::string>& annotations, bool keepWeights);

} // namespace kdna
