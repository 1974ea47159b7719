#pragma once

#include "core/model/model_spec.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kdna {

struct LayerSummary {
    std::string name;
    std::string type;
    std::vector<std::string> inputs;
    Shape outputShape; ///< without the batch axis
    std::int64_t params = 0;
    std::int64_t trainableParams = 0;
};

/// What Keras' model.summary() shows, computed from the spec alone (no tensors): each
/// layer's output shape and parameter count, and the totals. Stops at the first layer whose
/// input does not fit, with `error` naming it and both shapes.
struct ModelSummary {
    std::vector<LayerSummary> layers;
    std::int64_t totalParams = 0;
    std::int64_t trainableParams = 0;
    std::vector<Shape> inputShapes;  ///< in spec order of the Input layers
    std::vector<Shape> outputShapes; ///< in the order of ModelSpec::outputNames()
    std::string error;
    int errorLayer = -1; ///< index in ModelSpec::layers, -1 when fine

    [[nodiscard]] bool ok() const { return error.empty(); }
    /// The Keras-style table.
    [[nodiscard]] std::string toText(const std::string& modelName) const;
};

[[nodiscard]] ModelSummary summarize(const ModelSpec& spec);

/// Sentences for every way `saved` (a model archive's) differs from `wanted` (a project's) in
/// what its weights mean: input shapes, layer types in order, and each layer's weight count
/// and output shape (which fix its weight shapes). Empty when the weights carry over.
[[nodiscard]] std::vector<std::string> architectureDifferences(const ModelSpec& saved,
                                                               const ModelSpec& wanted);

/// The shapes a generator yields, per example.
struct DataShapes {
    std::vector<Shape> inputs;
    std::vector<Shape> targets;
    std::int64_t batchSize = 64; ///< the first value of output_shape, as keras_dna writes it
};
/// Sentences for every model input or output whose shape differs from the data's, naming the
/// layer and both shapes; empty when they agree.
[[nodiscard]] std::vector<std::string>
checkAgainstData(const ModelSpec& spec, const ModelSummary& summary, const DataShapes& data);
/// The output_shape (batch first) that gives the labels the model's single output shape, when
/// only a reshape stands between them (the same number of values, as the tutorial's
/// output_shape=(64, 1) for a Dense(1) head); none when they already agree or cannot.
[[nodiscard]] std::optional<Shape>
outputShapeToFit(const ModelSpec& spec, const ModelSummary& summary, const DataShapes& data);

} // namespace kdna
