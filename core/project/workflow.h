#pragma once

#include "core/data/generator.h"
#include "core/model/model.h"
#include "core/model/summary.h"
#include "core/project/archive.h"
#include "core/project/project.h"
#include "core/train/trainer.h"
#include "core/util/atomic_output.h"

#include <atomic>
#include <filesystem>
#include <memory>
#include <optional>

/// The steps both front doors (the `kdna` CLI and kdna-studio) take with a project: open its
/// data, check the model against it, train, save, evaluate.
namespace kdna {

struct ProjectData {
    std::unique_ptr<Generator> train;
    std::unique_ptr<Generator> validation; ///< null without validation
};

/// Opens the training generator (fitting its statistics, or reusing `fitted`), then the
/// validation generator with the training statistics.
[[nodiscard]] ProjectData openProjectData(const Project& project,
                                          const std::vector<DataStatistics>* fitted = nullptr,
                                          GeneratorOptions options = {});

/// The per-example shapes a generator yields, as a model must take and give them.
[[nodiscard]] DataShapes dataShapes(const Generator& generator);
/// Throws one error listing every mismatch between the model and the data.
void checkModelFitsData(const ModelSpec& model, const Generator& data);

struct TrainOptions {
    TrainingObserver* observer = nullptr;
    const std::atomic<bool>* cancel = nullptr;
    /// Start from these weights (transfer learning, resuming) instead of a fresh model.
    const ModelArchive* startFrom = nullptr;
    /// Where the archive goes; empty: the project's `output`.
    std::filesystem::path output;
    /// This process's rank of a data-parallel group (TrainingRun::group); only rank 0 saves.
    dist::ProcessGroup* group = nullptr;
    /// The group's gradient bucket size (TrainingRun::gradientBucketBytes).
    std::int64_t gradientBucketBytes = dist::kDefaultBucketBytes;
    /// Keep the run's state after every epoch (resumeFilesOf the archive) and, when an earlier
    /// run of the same command left one, continue from it (`kdna train --resume`): the
    /// project's epochs count the ones done before. The files go when the training ends.
    bool resume = false;
};

struct TrainOutcome {
    TrainingResult result;
    std::filesystem::path archive;
    /// False when the run was stopped before an epoch ended: an earlier model stays as it was.
    bool saved = false;
    /// Set when the archive could not go where asked and went to the temporary folder.
    std::string saveProblem;
    std::unique_ptr<Model> model;
    std::vector<DataStatistics> statistics;
};

/// One sentence for each of the training and validation data that draws windows from a
/// test chromosome (test_chr), naming them and the fix: the test evaluation would score what
/// the model learnt from or was chosen on. A dataset mixing several genomes says nothing.
[[nodiscard]] std::vector<std::string>
testChromosomeNotes(const Project& project, const Dataset& train, const Dataset* validation);

/// Trains the project's model on its data and writes the model archive (and the checkpoint
/// when the project asks for one). A cancelled run writes the best weights so far, unless it
/// was stopped before its first epoch ended (then nothing is overwritten).
[[nodiscard]] TrainOutcome trainProject(const Project& project, const TrainOptions& options = {});

/// What a model output may replace: another model archive, never another kind of file.
[[nodiscard]] OutputKind modelArchiveOutput();

/// The archive for a trained model of a project.
[[nodiscard]] ModelArchive archiveOf(const Project& project, const Model& model,
                                     const History& history,
                                     const std::vector<DataStatistics>& statistics);

} // namespace kdna
