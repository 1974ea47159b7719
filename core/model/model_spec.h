#pragma once

#include "core/util/problem.h"
#include "core/util/shape.h"

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace kdna {

/// One layer, by its Keras name and arguments (channels last, `padding` valid|same,
/// `activation` on the layer). `inputs` names the layers it takes; empty means the layer
/// above it in the list (a plain stack).
struct LayerSpec {
    std::string name;
    std::string type;
    std::vector<std::string> inputs;
    nlohmann::json args = nlohmann::json::object();

    friend bool operator==(const LayerSpec&, const LayerSpec&) = default;
};

/// A model as a list of layers forming a graph: Input layers first, then layers that each take
/// earlier ones. Outputs are the layers named in `outputs`; without it, every layer no other
/// layer takes (a stack's last layer, or each head of a multi-output model).
struct ModelSpec {
    std::string name = "model";
    std::vector<LayerSpec> layers;
    std::vector<std::string> outputs;

    static ModelSpec fromJson(const nlohmann::json& j, std::vector<Problem>& problems);
    static ModelSpec fromJson(const nlohmann::json& j);
    [[nodiscard]] nlohmann::json toJson() const;

    /// Gives every unnamed layer a Keras-style name (conv1d, conv1d_1, ...) and fills
    /// `inputs` of stacked layers with the layer above; idempotent.
    void normalize();
    [[nodiscard]] int indexOf(const std::string& layerName) const;
    [[nodiscard]] std::vector<std::string> inputNames() const;
    [[nodiscard]] std::vector<std::string> outputNames() const;

    friend bool operator==(const ModelSpec&, const ModelSpec&) = default;
};

} // namespace kdna
