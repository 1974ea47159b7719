#pragma once

#include "core/data/spec_file.h"
#include "core/model/model_spec.h"
#include "core/train/settings.h"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace kdna {

/// One lane of the track viewer as a project keeps it.
struct ViewerTrack {
    /// The track's file: relative to the project's folder, or absolute; the genome's FASTA for
    /// the sequence lane.
    std::string file;
    std::string name;  ///< empty: the file's name
    std::string color; ///< "#rrggbb"; empty: the default colour
    int height = 0;    ///< pixels; 0: the default height
    bool autoscale = true;
    double min = 0; ///< the fixed range when not autoscaled
    double max = 1;

    friend bool operator==(const ViewerTrack&, const ViewerTrack&) = default;
};

/// The track viewer's session, kept in the project file as IGV keeps a session: the tracks
/// top to bottom with their looks, and the locus shown. The studio writes and restores it;
/// the engine only carries it.
struct ViewerSession {
    std::string locus; ///< "chrIX:100,001-104,000", 1-based as the locus box shows it
    std::vector<ViewerTrack> tracks;
    bool overlay = true; ///< predictions drawn in their experiment's lane

    static ViewerSession fromJson(const nlohmann::json& j, std::vector<Problem>& problems);
    [[nodiscard]] nlohmann::json toJson() const;
    friend bool operator==(const ViewerSession&, const ViewerSession&) = default;
};

/// A kdna project (`*.kdna.json`): the data, the model, how to compile and train it, and where
/// the results go. The GUI edits it; `kdna train PROJECT` runs it headless.
struct Project {
    std::string name = "kdna project";
    AnySpec dataset = DatasetSpec{};           ///< the training generator
    std::optional<AnySpec> validation_dataset; ///< explicit validation generator
    ModelSpec model;
    CompileSettings compile;
    TrainSettings training;
    std::vector<std::string> test_chr;   ///< chromosomes for evaluation after training
    std::string output = "model.kdna";   ///< the trained model archive, relative to the project
    std::optional<ViewerSession> viewer; ///< the track viewer's session, when one was saved

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
