#pragma once

#include "core/distributed/group_config.h"
#include "core/train/history.h"
#include "core/train/observer.h"
#include "core/train/settings.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace kdna {

class Generator;
class Model;
namespace dist {
class ProcessGroup;
}

/// How each output's flattened targets split into tracks for the `correlate` metric and its
/// names (keras_dna's correlate_{cell}_{annotation}).
struct OutputTracks {
    std::string output;                  ///< the model's output name
    std::vector<std::string> trackNames; ///< e.g. {"0_0", "1_0"}; element e is track e % size
};

/// The tracks of a generator's targets: bigWig labels give one track per annotation file
/// (file i is cell i / nb_annotation_type, annotation i % nb_annotation_type), BED/GFF
/// labels one per (cell type, annotation), secondary targets one per file.
[[nodiscard]] std::vector<OutputTracks> outputTracks(const Generator& data,
                                                     const std::vector<std::string>& outputNames);

struct TrainingResult {
    History history;
    int bestEpoch = -1;
    std::string stopReason;
    bool cancelled = false;
    /// The examples this rank scored in the last validation (a group shares them out).
    std::int64_t validationExamples = 0;
};

/// Where a run stood after a finished epoch: what `kdna train --resume` continues from.
struct ResumePoint {
    const History& history;
    std::string optimizerState;     ///< optimizerStateBlob
    const std::string& bestWeights; ///< the weights kept to restore (empty: none yet)
};

struct TrainingRun {
    Model& model;
    const Generator& train;
    const Generator* validation = nullptr;
    CompileSettings compile;
    TrainSettings settings;
    TrainingObserver* observer = nullptr;
    /// Set from any thread to stop at the next batch boundary.
    const std::atomic<bool>* cancel = nullptr;
    /// Called after an epoch that improved the checkpoint's monitor (ModelCheckpoint).
    std::function<void(int epoch, const History&)> saveCheckpoint;
    /// Continue from an earlier run's history (epoch numbers and batch counter go on).
    History previous;
    /// This process's rank of a data-parallel group, or none: one process alone. Each rank
    /// trains on its own share of the batches (rank r takes stream batches r, r + N, ...),
    /// starts from rank 0's weights, and averages the gradients before every optimiser step,
    /// as PyTorch's DDP does. Rank 0 alone tells the observer and saves checkpoints; early
    /// stopping and cancel are decided once and obeyed by all.
    dist::ProcessGroup* group = nullptr;
    /// Resuming `previous` (`kdna train --resume`).
    struct Resume {
        /// The optimiser's state and the kept best weights saved with `previous` (ResumePoint).
        /// The callbacks' state (early stopping's best and patience, the checkpoint's best) is
        /// replayed from previous's epochs.
        bool resumed = false;
        std::string optimizerState;
        std::string bestWeights;
        /// Called on rank 0 after every finished epoch.
        std::function<void(const ResumePoint&)> save;
    } resume;
    /// What the caller knows about the data beyond the datasets (the test chromosomes'
    /// overlap): told with the data's own notes.
    std::vector<std::string> notes;
    /// In a group, the gradients go out in buckets of about this many bytes as the backward
    /// pass computes them (DDP's bucket_cap_mb).
    std::int64_t gradientBucketBytes = dist::kDefaultBucketBytes;
};

/// keras_dna's ModelWrapper.train(): fit on the training generator, validate each epoch,
/// early stopping and checkpoints, with every event sent to the observer. Uses the device and
/// precision in the settings and all cores of the machine.
[[nodiscard]] TrainingResult train(TrainingRun run);

/// Per-batch predictions and metrics over a generator, without training (evaluation).
struct EvaluationResult {
    std::map<std::string, double> metrics; ///< "loss", "mae", "correlate_0_0", ...
    std::int64_t examples = 0;
    double seconds = 0;
};
/// As a rank of `group` (with at least as many `steps` as ranks) each rank scores its share
/// of the batches, drawn as training draws them, and the ranks add up their sums: every rank
/// gets the metrics and the examples one process scoring them all gets.
[[nodiscard]] EvaluationResult evaluate(Model& model, const Generator& data,
                                        const CompileSettings& compile, std::int64_t steps,
                                        bool useWeights, const std::string& precision = "fp32",
                                        const std::atomic<bool>* cancel = nullptr,
                                        dist::ProcessGroup* group = nullptr);

} // namespace kdna
