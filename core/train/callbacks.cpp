#include "core/train/callbacks.h"

#include "core/util/text.h"

#include <cmath>

namespace kdna {

Monitor::Monitor(std::string metric, const std::string& mode)
    : m_metric(std::move(metric))
    , m_higher(mode == "max" || (mode != "min" && kdna::higherIsBetter(m_metric)))
{}

bool Monitor::read(const std::map<std::string, double>& logs, double& value) const
{
    auto it = logs.find(m_metric);
    if (it == logs.end() && m_metric.rfind("val_", 0) == 0)
        it = logs.find(m_metric.substr(4));
    if (it == logs.end() || !std::isfinite(it->second))
        return false;
    value = it->second;
    return true;
}

bool Monitor::beats(double value, double reference, double minDelta) const
{
    const double d = std::abs(minDelta);
    return m_higher ? value - d > reference : value + d < reference;
}

double Monitor::worst() const
{
    const double inf = std::numeric_limits<double>::infinity();
    return m_higher ? -inf : inf;
}

EarlyStopping::EarlyStopping(EarlyStoppingSettings settings)
    : m_settings(std::move(settings))
    , m_monitor(m_settings.monitor, m_settings.mode)
    , m_best(m_monitor.worst())
{}

EarlyStopping::Decision EarlyStopping::onEpochEnd(int epoch,
                                                  const std::map<std::string, double>& logs)
{
    Decision d;
    double current = 0;
    if (!m_monitor.read(logs, current))
        return d;
    // Keras keeps the first epoch's weights when nothing ever improves.
    if (m_settings.restore_best_weights && !m_haveWeights) {
        d.keepWeights = true;
        m_haveWeights = true;
    }
    ++m_wait;
    if (m_monitor.beats(current, m_best, m_settings.min_delta)) {
        m_best = current;
        m_bestEpoch = epoch;
        d.improved = true;
        d.keepWeights = true;
        if (!m_settings.baseline ||
            m_monitor.beats(current, *m_settings.baseline, m_settings.min_delta))
            m_wait = 0;
        return d;
    }
    if (m_wait >= m_settings.patience && epoch > 0) {
        m_stoppedEpoch = epoch;
        d.stop = true;
        d.restore = m_settings.restore_best_weights && m_haveWeights;
        m_restored = d.restore;
    }
    return d;
}

std::vector<std::string> EarlyStopping::messages() const
{
    std::vector<std::string> out;
    if (m_settings.verbose <= 0 || m_stoppedEpoch < 0)
        return out;
    if (m_restored)
        out.push_back("Restoring model weights from the end of the best epoch: " +
                      std::to_string(m_bestEpoch + 1) + ".");
    out.push_back("Epoch " + std::to_string(m_stoppedEpoch + 1) + ": early stopping");
    return out;
}

} // namespace kdna
