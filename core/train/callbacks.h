#pragma once

#include "core/train/settings.h"

#include <limits>
#include <map>
#include <string>
#include <vector>

/// Keras' callbacks as decisions, epoch by epoch: the trainer holds the weights and acts on
/// what these say, so the rules are tested on scripted metric sequences.
namespace kdna {

/// A metric watched for improvement (Keras' monitor and mode).
class Monitor {
public:
    /// `mode`: "min", "max", or "auto" (higher is better for accuracy, AUC and correlation).
    Monitor(std::string metric, const std::string& mode);
    [[nodiscard]] const std::string& metric() const { return m_metric; }
    [[nodiscard]] bool higherIsBetter() const { return m_higher; }
    /// The value of the metric in an epoch's logs; without validation, "val_x" falls back to
    /// the training "x". False when the logs hold neither (Keras skips the epoch).
    [[nodiscard]] bool read(const std::map<std::string, double>& logs, double& value) const;
    /// Whether `value` beats `reference` by more than `minDelta`.
    [[nodiscard]] bool beats(double value, double reference, double minDelta = 0) const;
    /// The starting best: +inf when lower is better, -inf otherwise.
    [[nodiscard]] double worst() const;

private:
    std::string m_metric;
    bool m_higher = false;
};

/// keras.callbacks.EarlyStopping (tf.keras 2, the tutorial's): `wait` counts epochs since the
/// best; an improvement resets it only when it also beats `baseline`; training stops once
/// wait >= patience (never after the first epoch); the best weights come back on stopping
/// when restore_best_weights asks.
class EarlyStopping {
public:
    explicit EarlyStopping(EarlyStoppingSettings settings);

    struct Decision {
        bool improved = false;    ///< a new best: the trainer keeps these weights
        bool keepWeights = false; ///< keep the current weights as the ones to restore
        bool stop = false;        ///< stop training after this epoch
        bool restore = false;     ///< put the kept (best) weights back
    };
    /// After epoch `epoch` (0-based) with its metrics.
    Decision onEpochEnd(int epoch, const std::map<std::string, double>& logs);
    /// What Keras prints with verbose > 0 when training ends.
    [[nodiscard]] std::vector<std::string> messages() const;

    [[nodiscard]] int bestEpoch() const { return m_bestEpoch; }
    [[nodiscard]] double best() const { return m_best; }
    [[nodiscard]] int stoppedEpoch() const { return m_stoppedEpoch; }
    [[nodiscard]] const Monitor& monitor() const { return m_monitor; }

private:
    EarlyStoppingSettings m_settings;
    Monitor m_monitor;
    double m_best;
    int m_bestEpoch = -1;
    int m_wait = 0;
    int m_stoppedEpoch = -1;
    bool m_restored = false;
    bool m_haveWeights = false;
};

} // namespace kdna
