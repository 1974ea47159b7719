#include "core/train/settings.h"

#include "core/util/chrom_names.h"
#include "core/util/text.h"

#include <algorithm>
#include <type_traits>

#include <nlohmann/json.hpp>

namespace kdna {
namespace {

/// A setting of the wrong JSON type, named (nlohmann's own message names no key).
struct WrongType {
    std::string key;
    std::string message;
};

/// `key`'s value as a T, `fallback` when absent; a value of another type throws WrongType.
template<typename T>
T valueOf(const nlohmann::json& j, const char* key, const T& fallback)
{
    if (!j.is_object() || !j.contains(key) || j.at(key).is_null())
        return fallback;
    const auto& v = j.at(key);
    bool fits = false;
    const char* what = "a value of another type";
    if constexpr (std::is_same_v<T, bool>) {
        fits = v.is_boolean();
        what = "true or false";
    } else if constexpr (std::is_integral_v<T>) {
        fits = v.is_number_integer();
        what = "a whole number";
    } else if constexpr (std::is_floating_point_v<T>) {
        fits = v.is_number();
        what = "a number";
    } else if constexpr (std::is_same_v<T, std::string>) {
        fits = v.is_string();
        what = "a string";
    } else {
        fits = true;
    }
    if (!fits)
        throw WrongType{key, std::string("must be ") + what + ", not " + v.dump()};
    return v.get<T>();
}

bool oneOf(const std::string& v, std::initializer_list<const char*> allowed)
{
    return std::any_of(allowed.begin(), allowed.end(), [&](const char* a) { return v == a; });
}

std::vector<std::string> stringList(const nlohmann::json& v)
{
    if (v.is_string())
        return {v.get<std::string>()};
    std::vector<std::string> out;
    if (v.is_array())
        for (const auto& e : v)
            out.push_back(e.get<std::string>());
    return out;
}

/// A Keras name and what kdna calls it (always itself one of Keras' names, so a saved project
/// reads back the same).
struct Spelling {
    const char* keras;
    const char* kdna;
};

/// Keras' names and aliases for what kdna computes, in one place. Optimisers match in any
/// case (keras.optimizers.get lowercases them); losses and metrics exactly, as
/// keras.losses.get and keras.metrics.get do ('MSE' is an alias, 'Mse' is not).
const std::vector<Spelling> kOptimizers = {
    {"adam", "adam"}, {"sgd", "sgd"}, {"rmsprop", "rmsprop"}};
const std::vector<Spelling> kLosses = {{"mse", "mse"},
                                       {"MSE", "mse"},
                                       {"mean_squared_error", "mse"},
                                       {"MeanSquaredError", "mse"},
                                       {"mae", "mae"},
                                       {"MAE", "mae"},
                                       {"mean_absolute_error", "mae"},
                                       {"MeanAbsoluteError", "mae"},
                                       {"binary_crossentropy", "binary_crossentropy"},
                                       {"BinaryCrossentropy", "binary_crossentropy"},
                                       {"categorical_crossentropy", "categorical_crossentropy"},
                                       {"CategoricalCrossentropy", "categorical_crossentropy"},
                                       {"poisson", "poisson"},
                                       {"Poisson", "poisson"}};
const std::vector<Spelling> kMetrics = {{"accuracy", "accuracy"},
                                        {"acc", "accuracy"},
                                        {"mae", "mae"},
                                        {"MAE", "mae"},
                                        {"mean_absolute_error", "mae"},
                                        {"MeanAbsoluteError", "mae"},
                                        {"mse", "mse"},
                                        {"MSE", "mse"},
                                        {"mean_squared_error", "mse"},
                                        {"MeanSquaredError", "mse"},
                                        {"AUC", "AUC"},
                                        {"correlate", "correlate"}};

/// kdna's name for a Keras spelling; the name unchanged when Keras does not know it.
std::string kdnaName(const std::vector<Spelling>& table, const std::string& name,
                     bool anyCase = false)
{
    const std::string key = anyCase ? text::toLower(name) : name;
    for (const auto& s : table)
        if (key == s.keras)
            return s.kdna;
    return name;
}

/// The distinct kdna names of a table, in its order.
std::vector<std::string> kdnaNames(const std::vector<Spelling>& table)
{
    std::vector<std::string> names;
    for (const auto& s : table)
        if (std::find(names.begin(), names.end(), s.kdna) == names.end())
            names.emplace_back(s.kdna);
    return names;
}

bool known(const std::vector<Spelling>& table, const std::string& name)
{
    return std::any_of(table.begin(), table.end(),
                       [&](const Spelling& s) { return name == s.kdna; });
}

/// "'x' is not a loss kdna knows (did you mean 'y'?); valid: ..." with Keras' spellings.
std::string unknownName(const std::string& what, const std::string& name,
                        const std::vector<Spelling>& table)
{
    std::vector<std::string> names;
    for (const auto& s : table)
        names.emplace_back(s.keras);
    std::string msg = "'" + name + "' is not " + what + " kdna knows";
    const auto near = chrom_names::near(name, names);
    if (!near.empty())
        msg += " (did you mean '" + near.front() + "'?)";
    return msg + "; valid: " + text::quotedList(names, 30);
}

/// Reads known keys with their types; unknown keys become problems.
template<typename Body>
void readObject(const nlohmann::json& j, const std::string& where,
                const std::vector<std::string>& known, std::vector<Problem>& problems, Body body)
{
    if (j.is_null())
        return;
    if (!j.is_object()) {
        problems.push_back({where, "must be a JSON object"});
        return;
    }
    for (const auto& [key, value] : j.items()) {
        if (std::find(known.begin(), known.end(), key) != known.end())
            continue;
        std::string msg = "'" + key + "' is not a setting here";
        const auto near = chrom_names::near(key, known);
        if (!near.empty())
            msg += " (did you mean '" + near.front() + "'?)";
        problems.push_back({where, msg});
    }
    try {
        body();
    } catch (const WrongType& e) {
        problems.push_back({e.key, e.message});
    } catch (const nlohmann::json::exception& e) {
        problems.push_back({where, std::string("a value has the wrong type (") + e.what() + ")"});
    }
}

EarlyStoppingSettings earlyStoppingFromJson(const nlohmann::json& e)
{
    EarlyStoppingSettings s;
    s.enabled = true;
    s.monitor = valueOf(e, "monitor", s.monitor);
    s.min_delta = valueOf(e, "min_delta", s.min_delta);
    s.patience = valueOf(e, "patience", s.patience);
    s.verbose = valueOf(e, "verbose", s.verbose);
    s.mode = valueOf(e, "mode", s.mode);
    if (e.contains("baseline") && !e.at("baseline").is_null())
        s.baseline = e.at("baseline").get<double>();
    s.restore_best_weights = valueOf(e, "restore_best_weights", s.restore_best_weights);
    return s;
}

nlohmann::json earlyStoppingToJson(const EarlyStoppingSettings& s)
{
    nlohmann::json j = {{"monitor", s.monitor},   {"min_delta", s.min_delta},
                        {"patience", s.patience}, {"verbose", s.verbose},
                        {"mode", s.mode},         {"restore_best_weights", s.restore_best_weights}};
    j["baseline"] = s.baseline ? nlohmann::json(*s.baseline) : nlohmann::json(nullptr);
    return j;
}

} // namespace

double CompileSettings::learningRate() const
{
    if (learning_rate > 0)
        return learning_rate;
    return optimizer == "sgd" ? 0.01 : 0.001; // Keras' defaults
}

const std::string& CompileSettings::lossFor(std::size_t output) const
{
    return loss.size() == 1 ? loss.front() : loss.at(output);
}

double CompileSettings::weightFor(std::size_t output) const
{
    return output < loss_weights.size() ? loss_weights[output] : 1.0;
}

CompileSettings CompileSettings::fromJson(const nlohmann::json& j, std::vector<Problem>& problems)
{
    CompileSettings c;
    readObject(j, "compile",
               {"loss", "loss_weights", "optimizer", "learning_rate", "momentum", "metrics"},
               problems, [&] {
                   if (j.contains("loss")) {
                       c.loss.clear();
                       for (const auto& l : stringList(j.at("loss")))
                           c.loss.push_back(kdnaName(kLosses, l));
                   }
                   if (j.contains("loss_weights"))
                       c.loss_weights = j.at("loss_weights").get<std::vector<double>>();
                   c.optimizer = kdnaName(kOptimizers, valueOf(j, "optimizer", c.optimizer), true);
                   c.learning_rate = valueOf(j, "learning_rate", c.learning_rate);
                   c.momentum = valueOf(j, "momentum", c.momentum);
                   if (j.contains("metrics"))
                       for (const auto& m : stringList(j.at("metrics")))
                           c.metrics.push_back(kdnaName(kMetrics, m));
               });
    return c;
}

nlohmann::json CompileSettings::toJson() const
{
    nlohmann::json j;
    j["loss"] = loss.size() == 1 ? nlohmann::json(loss.front()) : nlohmann::json(loss);
    if (!loss_weights.empty())
        j["loss_weights"] = loss_weights;
    j["optimizer"] = optimizer;
    if (learning_rate > 0)
        j["learning_rate"] = learning_rate;
    if (momentum > 0)
        j["momentum"] = momentum;
    j["metrics"] = metrics;
    return j;
}

std::vector<Problem> validate(const CompileSettings& c, std::size_t outputs)
{
    std::vector<Problem> p;
    if (c.loss.empty())
        p.push_back({"loss", "needs a loss, e.g. 'mse'"});
    else if (c.loss.size() != 1 && c.loss.size() != outputs)
        p.push_back({"loss", "give one loss, or one per output (" + std::to_string(outputs) +
                                 "), not " + std::to_string(c.loss.size())});
    for (const auto& l : c.loss)
        if (!known(kLosses, l))
            p.push_back({"loss", unknownName("a loss", l, kLosses)});
    if (!c.loss_weights.empty() && c.loss_weights.size() != outputs)
        p.push_back(
            {"loss_weights", "needs one weight per output (" + std::to_string(outputs) + ")"});
    if (!known(kOptimizers, c.optimizer))
        p.push_back({"optimizer", unknownName("an optimizer", c.optimizer, kOptimizers)});
    if (c.learning_rate < 0)
        p.push_back({"learning_rate", "must be positive"});
    if (c.momentum < 0 || c.momentum >= 1)
        p.push_back({"momentum", "must be in [0, 1)"});
    for (const auto& m : c.metrics)
        if (!known(kMetrics, m))
            p.push_back({"metrics", unknownName("a metric", m, kMetrics)});
    return p;
}

TrainSettings TrainSettings::fromJson(const nlohmann::json& j, std::vector<Problem>& problems)
{
    TrainSettings t;
    readObject(
        j, "training",
        {"epochs", "steps_per_epoch", "validation_steps", "validation_chr", "weights_val",
         "early_stopping", "checkpoint", "precision", "device", "threads", "workers", "seed"},
        problems, [&] {
            t.epochs = valueOf(j, "epochs", t.epochs);
            t.steps_per_epoch = valueOf(j, "steps_per_epoch", t.steps_per_epoch);
            t.validation_steps = valueOf(j, "validation_steps", t.validation_steps);
            if (j.contains("validation_chr"))
                t.validation_chr = stringList(j.at("validation_chr"));
            t.weights_val = valueOf(j, "weights_val", t.weights_val);
            t.precision = valueOf(j, "precision", t.precision);
            t.device = valueOf(j, "device", t.device);
            t.threads = valueOf(j, "threads", t.threads);
            t.workers = valueOf(j, "workers", t.workers);
            t.seed = valueOf(j, "seed", t.seed);
            if (j.contains("early_stopping") && !j.at("early_stopping").is_null()) {
                const auto& e = j.at("early_stopping");
                readObject(e, "early_stopping",
                           {"monitor", "min_delta", "patience", "verbose", "mode", "baseline",
                            "restore_best_weights"},
                           problems, [&] { t.early_stopping = earlyStoppingFromJson(e); });
            }
            if (j.contains("checkpoint") && !j.at("checkpoint").is_null()) {
                const auto& c = j.at("checkpoint");
                readObject(c, "checkpoint", {"path", "monitor", "save_best_only"}, problems, [&] {
                    t.checkpoint.enabled = true;
                    t.checkpoint.path = valueOf(c, "path", t.checkpoint.path);
                    t.checkpoint.monitor = valueOf(c, "monitor", t.checkpoint.monitor);
                    t.checkpoint.save_best_only =
                        valueOf(c, "save_best_only", t.checkpoint.save_best_only);
                });
            }
        });
    return t;
}

nlohmann::json TrainSettings::toJson() const
{
    nlohmann::json j = {{"epochs", epochs},
                        {"steps_per_epoch", steps_per_epoch},
                        {"validation_steps", validation_steps},
                        {"precision", precision},
                        {"device", device}};
    if (!validation_chr.empty())
        j["validation_chr"] = validation_chr;
    if (weights_val)
        j["weights_val"] = true;
    if (threads)
        j["threads"] = threads;
    if (workers)
        j["workers"] = workers;
    if (seed != 1)
        j["seed"] = seed;
    if (early_stopping.enabled)
        j["early_stopping"] = earlyStoppingToJson(early_stopping);
    if (checkpoint.enabled)
        j["checkpoint"] = {{"path", checkpoint.path},
                           {"monitor", checkpoint.monitor},
                           {"save_best_only", checkpoint.save_best_only}};
    return j;
}

std::vector<Problem> validate(const TrainSettings& t)
{
    std::vector<Problem> p;
    if (t.epochs < 1)
        p.push_back({"epochs", "must be at least 1"});
    if (t.steps_per_epoch < 0)
        p.push_back({"steps_per_epoch", "must be positive (or 0 for one pass over the data)"});
    if (t.validation_steps < 0)
        p.push_back({"validation_steps", "must be positive (or 0 for one pass)"});
    if (!oneOf(t.precision, {"fp32", "bf16"}))
        p.push_back({"precision", "must be 'fp32' or 'bf16', not '" + t.precision + "'"});
    if (t.early_stopping.enabled && t.early_stopping.patience < 0)
        p.push_back({"early_stopping", "patience must be 0 or more"});
    if (t.early_stopping.enabled && !oneOf(t.early_stopping.mode, {"auto", "min", "max"}))
        p.push_back({"early_stopping",
                     "mode must be 'auto', 'min' or 'max', not '" + t.early_stopping.mode + "'"});
    if (t.checkpoint.enabled && t.checkpoint.path.empty())
        p.push_back({"checkpoint", "needs a path for the best model"});
    return p;
}

std::vector<std::string> optimizerNames()
{
    return kdnaNames(kOptimizers);
}

std::vector<std::string> lossNames()
{
    return kdnaNames(kLosses);
}

std::vector<std::string> metricNames()
{
    return kdnaNames(kMetrics);
}

bool higherIsBetter(const std::string& metric)
{
    for (const char* word : {"acc", "correlate", "auc", "AUROC", "AUPR"})
        if (metric.find(word) != std::string::npos)
            return true;
    return false;
}

} // namespace kdna
