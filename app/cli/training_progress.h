#pragma once

#include "app/cli/cli_common.h"
#include "core/train/observer.h"

#include <chrono>

namespace kdna::cli {

/// Keras-style progress: a bar per epoch (samples/s, loss, ETA) redrawn in place, then one
/// line per epoch with every metric.
class TrainingProgress final : public TrainingObserver {
public:
    void started(const TrainingStarted& s) override;
    void batchFinished(const BatchFinished& b) override;
    void validating(int epoch) override;
    void epochFinished(const EpochFinished& e) override;
    void finished(const TrainingFinished& f) override;

private:
    ProgressLine m_line;
    int m_epochs = 0;
    int m_firstEpoch = 0;
    std::chrono::steady_clock::time_point m_lastDraw;
};

/// "loss 0.0213 - val_loss 0.0198 - correlate_0_0 0.412".
[[nodiscard]] std::string formatMetrics(const std::map<std::string, double>& metrics);

} // namespace kdna::cli
