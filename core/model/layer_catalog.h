#pragma once

#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

/// The layers kdna builds, their arguments and defaults (Keras names and semantics). The model
/// builder's palette and property form are made from this table, and specs are checked
/// against it.
namespace kdna::layers {

enum class ArgKind { Int, IntList, Float, Bool, Choice, Shape };

struct Argument {
    const char* name;
    ArgKind kind;
    const char* defaultJson; ///< JSON text of the default, "null" when required
    const char* help;
    std::vector<const char*> choices = {};
};

struct LayerType {
    const char* name;
    const char* group; ///< "Input", "Convolution", "Pooling", "Core", "Recurrent", "Merge"
    const char* help;
    std::vector<Argument> arguments;
    int minInputs = 1;
    int maxInputs = 1; ///< -1: any number
};

[[nodiscard]] const std::vector<LayerType>& catalog();
/// Null when kdna does not know `name`.
[[nodiscard]] const LayerType* find(const std::string& name);
[[nodiscard]] const std::vector<const char*>& activations();

/// An argument's value with the default filled in.
[[nodiscard]] nlohmann::json argument(const LayerType& type, const nlohmann::json& args,
                                      const char* name);

} // namespace kdna::layers
