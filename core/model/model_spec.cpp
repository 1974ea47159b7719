#include "core/model/model_spec.h"

#include "core/model/layer_registry.h"
#include "core/util/chrom_names.h"
#include "core/util/error.h"
#include "core/util/text.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

namespace kdna {
namespace {

std::string snakeCase(const std::string& type)
{
    // Keras names layers after their class: Conv1D -> conv1d, MaxPooling1D -> max_pooling1d.
    std::string out;
    for (std::size_t i = 0; i < type.size(); ++i) {
        const char c = type[i];
        if (std::isupper(static_cast<unsigned char>(c))) {
            const bool afterLower = i > 0 && std::islower(static_cast<unsigned char>(type[i - 1]));
            if (afterLower)
                out += '_';
            out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        } else {
            out += c;
        }
    }
    return out;
}

/// A string field, or `fallback` and a problem when the field holds another type.
std::string stringField(const nlohmann::json& j, const char* key, const std::string& fallback,
                        const std::string& where, std::vector<Problem>& problems)
{
    if (!j.contains(key))
        return fallback;
    if (j.at(key).is_string())
        return j.at(key).get<std::string>();
    problems.push_back({where, std::string("\"") + key + "\" is a name: a string in quotes"});
    return fallback;
}

/// Layer names: one string or a list of strings (a problem for anything else).
std::vector<std::string> nameList(const nlohmann::json& v, const std::string& where,
                                  std::vector<Problem>& problems)
{
    std::vector<std::string> out;
    if (v.is_string())
        return {v.get<std::string>()};
    if (v.is_array() &&
        std::all_of(v.begin(), v.end(), [](const auto& e) { return e.is_string(); })) {
        for (const auto& e : v)
            out.push_back(e.get<std::string>());
        return out;
    }
    problems.push_back({where, "expected a layer name or a list of layer names"});
    return out;
}

bool argumentMatches(const layers::Argument& a, const nlohmann::json& v)
{
    using layers::ArgKind;
    switch (a.kind) {
    case ArgKind::Int:
        return v.is_number_integer();
    case ArgKind::IntList:
        return v.is_number_integer() ||
               (v.is_array() && std::all_of(v.begin(), v.end(),
                                            [](const auto& e) { return e.is_number_integer(); }));
    case ArgKind::Float:
        return v.is_number();
    case ArgKind::Bool:
        return v.is_boolean();
    case ArgKind::Choice:
        return v.is_string() && std::any_of(a.choices.begin(), a.choices.end(), [&](const char* c) {
                   return v.get<std::string>() == c;
               });
    case ArgKind::Shape:
        return v.is_array() &&
               std::all_of(v.begin(), v.end(), [](const auto& e) { return e.is_number_integer(); });
    }
    return false;
}

std::string expected(const layers::Argument& a)
{
    using layers::ArgKind;
    switch (a.kind) {
    case ArgKind::Int:
        return "a whole number";
    case ArgKind::IntList:
        return "a whole number or a list of them";
    case ArgKind::Float:
        return "a number";
    case ArgKind::Bool:
        return "true or false";
    case ArgKind::Choice:
        return "one of " +
               text::quotedList(std::vector<std::string>(a.choices.begin(), a.choices.end()), 20);
    case ArgKind::Shape:
        return "a list of whole numbers such as [2001, 4]";
    }
    return "";
}

/// A layer's arguments (all keys but type, name and inputs) into layer.args, each checked
/// against the layer type's arguments; a first layer's input_shape into implicitInput.
void readArguments(const nlohmann::json& lj, const layers::LayerType& type,
                   const std::string& label, bool first, LayerSpec& layer,
                   std::optional<nlohmann::json>& implicitInput, std::vector<Problem>& problems)
{
    std::vector<std::string> argNames;
    for (const auto& a : type.arguments)
        argNames.emplace_back(a.name);
    for (const auto& [key, value] : lj.items()) {
        if (key == "type" || key == "name" || key == "inputs")
            continue;
        if (key == "input_shape" && layer.type != "Input") {
            // Keras' Sequential: the first layer's input_shape stands for an Input layer.
            if (!first)
                problems.push_back({label, "input_shape applies to the first layer only (as "
                                           "in Keras' Sequential); later layers take the "
                                           "shape of the layer they follow"});
            else if (!argumentMatches({"input_shape", layers::ArgKind::Shape, "null", ""}, value))
                problems.push_back(
                    {label, "input_shape must be a list of whole numbers such as [2001, 4]"});
            else
                implicitInput = value;
            continue;
        }
        const auto arg = std::find_if(type.arguments.begin(), type.arguments.end(),
                                      [&name = key](const auto& a) { return name == a.name; });
        if (arg == type.arguments.end()) {
            std::string msg = "'" + key + "' is not an argument of " + layer.type;
            const auto near = chrom_names::near(key, argNames);
            if (!near.empty())
                msg += " (did you mean '" + near.front() + "'?)";
            problems.push_back({label, msg});
            continue;
        }
        if (!value.is_null() && !argumentMatches(*arg, value)) {
            problems.push_back({label, std::string(arg->name) + " must be " + expected(*arg) +
                                           ", not " + value.dump()});
            continue;
        }
        layer.args[key] = value;
    }
}

/// One entry of "layers" appended to m (after the Input it implies, if any); problems instead
/// when it is not a layer kdna builds.
void readLayer(const nlohmann::json& lj, const std::string& where,
               const std::vector<std::string>& typeNames, ModelSpec& m,
               std::vector<Problem>& problems)
{
    LayerSpec layer;
    layer.type = lj.at("type").get<std::string>();
    layer.name = stringField(lj, "name", "", where, problems);
    const std::string label = layer.name.empty() ? where : "layer '" + layer.name + "'";
    const layers::LayerType* type = layers::fromKerasName(layer.type);
    if (!type) {
        std::string msg = "'" + layer.type + "' is not a layer kdna builds";
        const auto near = chrom_names::near(layer.type, typeNames);
        if (!near.empty())
            msg += " (did you mean '" + near.front() + "'?)";
        problems.push_back({label, msg + "; it builds " + text::quotedList(typeNames, 30)});
        return;
    }
    layer.type = type->name; // Keras' aliases (MaxPool1D) name the same layer
    if (lj.contains("inputs"))
        layer.inputs = nameList(lj.at("inputs"), label + " inputs", problems);
    std::optional<nlohmann::json> implicitInput;
    readArguments(lj, *type, label, m.layers.empty(), layer, implicitInput, problems);
    for (const auto& a : type->arguments)
        if (a.required() && (!layer.args.contains(a.name) || layer.args.at(a.name).is_null()))
            problems.push_back({label, layer.type + " needs " + a.name + " (" + a.help + ")"});
    if (implicitInput)
        m.layers.push_back(LayerSpec{{}, "Input", {}, {{"shape", *implicitInput}}});
    m.layers.push_back(std::move(layer));
}

} // namespace

ModelSpec ModelSpec::fromJson(const nlohmann::json& j, std::vector<Problem>& problems)
{
    ModelSpec m;
    if (!j.is_object() || !j.contains("layers") || !j.at("layers").is_array()) {
        problems.push_back({"layers", "a model is a JSON object with a \"layers\" list"});
        return m;
    }
    m.name = stringField(j, "name", "model", "name", problems);
    if (j.contains("outputs"))
        m.outputs = nameList(j.at("outputs"), "outputs", problems);
    std::vector<std::string> typeNames;
    for (const auto& t : layers::registry())
        typeNames.emplace_back(t.name);
    int index = 0;
    for (const auto& lj : j.at("layers")) {
        const std::string where = "layers[" + std::to_string(index++) + "]";
        if (!lj.is_object() || !lj.contains("type") || !lj.at("type").is_string()) {
            problems.push_back(
                {where, "each layer is an object with a \"type\" (e.g. \"Conv1D\")"});
            continue;
        }
        readLayer(lj, where, typeNames, m, problems);
    }
    m.normalize();
    std::set<std::string> seen;
    for (const auto& l : m.layers)
        if (!seen.insert(l.name).second)
            problems.push_back({"layer '" + l.name + "'", "two layers have this name"});
    return m;
}

ModelSpec ModelSpec::fromJson(const nlohmann::json& j)
{
    std::vector<Problem> problems;
    ModelSpec m = fromJson(j, problems);
    throwIfProblems(problems, "the model");
    return m;
}

nlohmann::json ModelSpec::toJson() const
{
    nlohmann::json j;
    j["name"] = name;
    j["layers"] = nlohmann::json::array();
    for (std::size_t i = 0; i < layers.size(); ++i) {
        const LayerSpec& l = layers[i];
        nlohmann::json lj = {{"name", l.name}, {"type", l.type}};
        const bool stacked =
            i > 0 && l.inputs.size() == 1 && l.inputs.front() == layers[i - 1].name;
        if (!l.inputs.empty() && !stacked && l.type != "Input")
            lj["inputs"] = l.inputs;
        for (const auto& [k, v] : l.args.items())
            lj[k] = v;
        j["layers"].push_back(std::move(lj));
    }
    if (!outputs.empty())
        j["outputs"] = outputs;
    return j;
}

void ModelSpec::normalize()
{
    std::map<std::string, int> counts;
    std::set<std::string> taken;
    for (const auto& l : layers)
        if (!l.name.empty())
            taken.insert(l.name);
    for (std::size_t i = 0; i < layers.size(); ++i) {
        LayerSpec& l = layers[i];
        if (l.name.empty()) {
            const std::string base = l.type == "Input" ? "input" : snakeCase(l.type);
            std::string candidate;
            do {
                const int n = counts[base]++;
                candidate = n == 0 ? base : base + "_" + std::to_string(n);
            } while (taken.count(candidate));
            l.name = candidate;
            taken.insert(candidate);
        }
        if (l.inputs.empty() && l.type != "Input" && i > 0)
            l.inputs = {layers[i - 1].name};
    }
}

int ModelSpec::indexOf(const std::string& layerName) const
{
    for (std::size_t i = 0; i < layers.size(); ++i)
        if (layers[i].name == layerName)
            return static_cast<int>(i);
    return -1;
}

std::vector<std::string> ModelSpec::inputNames() const
{
    std::vector<std::string> out;
    for (const auto& l : layers)
        if (l.type == "Input")
            out.push_back(l.name);
    return out;
}

std::vector<std::string> ModelSpec::outputNames() const
{
    if (!outputs.empty())
        return outputs;
    // As Keras' Model(inputs, [a, b]) for the usual graphs: the layers no other layer takes
    // (a stack's last layer; several heads), in the order of the layers. Names are resolved
    // as normalize() would, so an unnormalised stack still ends in its last layer.
    ModelSpec spec = *this;
    spec.normalize();
    std::set<std::string> taken;
    for (const auto& l : spec.layers)
        taken.insert(l.inputs.begin(), l.inputs.end());
    std::vector<std::string> out;
    for (const auto& l : spec.layers)
        if (l.type != "Input" && !taken.count(l.name))
            out.push_back(l.name);
    if (out.empty() && !spec.layers.empty())
        out.push_back(spec.layers.back().name);
    return out;
}

} // namespace kdna
