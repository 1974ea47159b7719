#include "core/train/history.h"

#include "core/util/atomic_output.h"
#include "core/util/error.h"

#include <cmath>
#include <cstdint>
#include <iomanip>
#include <set>

#include <nlohmann/json.hpp>

namespace kdna {

std::vector<std::string> History::metricNames() const
{
    std::set<std::string> names;
    for (const auto& e : epochs)
        for (const auto& [k, v] : e)
            names.insert(k);
    return {names.begin(), names.end()};
}

std::vector<double> History::series(const std::string& metric) const
{
    std::vector<double> out;
    for (const auto& e : epochs) {
        const auto it = e.find(metric);
        out.push_back(it == e.end() ? std::nan("") : it->second);
    }
    return out;
}

nlohmann::json History::toJson() const
{
    return {{"epochs", epochs}, {"batch_loss", batchLoss}, {"steps_per_epoch", stepsPerEpoch}};
}

History History::fromJson(const nlohmann::json& j)
{
    History h;
    h.epochs = j.at("epochs").get<std::vector<std::map<std::string, double>>>();
    h.batchLoss = j.value("batch_loss", std::vector<double>());
    h.stepsPerEpoch = j.value("steps_per_epoch", std::int64_t{0});
    return h;
}

void History::writeCsv(const std::filesystem::path& path) const
{
    const auto names = metricNames();
    AtomicOutput::writeFile(path, [&](std::ostream& out) {
        out << "epoch";
        for (const auto& n : names)
            out << ',' << n;
        out << '\n' << std::setprecision(8);
        for (std::size_t e = 0; e < epochs.size(); ++e) {
            out << e + 1;
            for (const auto& n : names) {
                const auto it = epochs[e].find(n);
                out << ',';
                if (it != epochs[e].end())
                    out << it->second;
            }
            out << '\n';
        }
    });
}

} // namespace kdna
