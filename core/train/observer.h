#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace kdna {

struct TrainingStarted {
    int epochs = 0;
    std::int64_t stepsPerEpoch = 0;
    std::int64_t validationSteps = 0;
    std::int64_t batchSize = 0;
    std::string device;
    std::string precision;
    int threads = 0;
    int workers = 0;
    /// Index of this run's first epoch: 0, or the epochs a resumed model had (its history
    /// goes on); a progress display counts this run's epochs from 1.
    int firstEpoch = 0;
    /// A resumed run (`--resume`) goes on with the interrupted one's count, as Keras'
    /// initial_epoch does: epoch firstEpoch + 1 of firstEpoch + epochs.
    bool resumed = false;
    /// What the data said when it was read (fewer negatives than asked, a chromosome too
    /// short for a window, ...); validation notes start with "validation data: ".
    std::vector<std::string> notes;
};

struct BatchFinished {
    int epoch = 0;          ///< 0-based
    std::int64_t step = 0;  ///< 0-based within the epoch
    std::int64_t steps = 0; ///< steps in the epoch
    double loss = 0;        ///< this batch's loss
    double meanLoss = 0;    ///< mean over the epoch so far (what Keras' bar shows)
    double samplesPerSecond = 0;
    double etaSeconds = 0; ///< until the end of the epoch
};

struct EpochFinished {
    int epoch = 0;
    std::map<std::string, double> metrics; ///< "loss", "val_loss", "mae", ...
    double seconds = 0;
    double samplesPerSecond = 0;
    int bestEpoch = -1; ///< by the monitored metric
    bool improved = false;
};

struct TrainingFinished {
    std::string reason; ///< "completed", "early stopping", "cancelled"
    int bestEpoch = -1;
    bool restoredBest = false;
    std::vector<std::string> messages; ///< what Keras prints here (EarlyStopping's verbose)
};

/// Receives training progress: the CLI's progress bar and the GUI's live charts implement it.
/// Calls come from the training thread.
class TrainingObserver {
public:
    virtual ~TrainingObserver() = default;
    virtual void started(const TrainingStarted&) {}
    virtual void batchFinished(const BatchFinished&) {}
    /// Validation is running (between the last batch and epochFinished).
    virtual void validating(int /*epoch*/) {}
    virtual void epochFinished(const EpochFinished&) {}
    virtual void finished(const TrainingFinished&) {}
};

} // namespace kdna
