#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace kdna {

/// What Keras' History holds, plus the per-batch training loss the live charts draw.
struct History {
    /// One map per epoch: "loss", "val_loss", "mae", "val_correlate_0_0", ...
    std::vector<std::map<std::string, double>> epochs;
    /// Training loss of every batch, in order.
    std::vector<double> batchLoss;
    /// Batches per epoch (to place batch losses on the epoch axis).
    std::int64_t stepsPerEpoch = 0;

    [[nodiscard]] std::vector<std::string> metricNames() const;
    [[nodiscard]] std::vector<double> series(const std::string& metric) const;
    [[nodiscard]] nlohmann::json toJson() const;
    static History fromJson(const nlohmann::json& j);
    /// One row per epoch, a column per metric.
    void writeCsv(const std::filesystem::path& path) const;
    friend bool operator==(const History&, const History&) = default;
};

} // namespace kdna
