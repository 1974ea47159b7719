#pragma once

#include <cstddef>
#include <cstdint>
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

/// Keras' `axis` counts the batch axis: axis k > 0 is axis k - 1 of a shape without it, and
/// negative axes count from the end. Returns that index in [0, rank), or -1 when `axis` is
/// the batch axis (0) or outside the shape.
[[nodiscard]] int axisWithoutBatch(std::int64_t axis, std::size_t rank);

/// An argument's value with the default filled in.
[[nodiscard]] nlohmann::json argument(const LayerType& type, const nlohmann::json& args,
                                      const char* name);

} // namespace kdna::layers
