#pragma once

#include "core/model/model_spec.h"

#include <cstdint>
#include <string>
#include <vector>

/// The tutorial's models, as starting points for the model builder and the example projects.
namespace kdna::templates {

/// Conv1D 16x3 -> MaxPool 2 -> Conv1D 32x10 -> MaxPool 2 -> Conv1D 64x20 -> MaxPool 2 ->
/// Flatten -> Dense(outputs) with `activation` ('linear' regression, 'sigmoid' classifier).
[[nodiscard]] ModelSpec tutorialCnn(std::int64_t window = 2001, std::int64_t outputs = 1,
                                    const std::string& activation = "linear");
/// The seq2seq encoder-decoder (Conv2D / MaxPooling2D / Conv2DTranspose) that labels each base.
[[nodiscard]] ModelSpec seq2seq(std::int64_t length = 416);
/// The "experiment translator": the DNA branch and a secondary track joined before Dense.
[[nodiscard]] ModelSpec experimentTranslator(std::int64_t window = 2001,
                                             std::int64_t secondary = 100,
                                             std::int64_t targets = 100);
/// One DNA branch, two outputs: a sigmoid classifier and a per-base regression.
[[nodiscard]] ModelSpec classificationAndRegression(std::int64_t length = 404);

struct Template {
    const char* id;
    const char* title;
    const char* description;
};
[[nodiscard]] const std::vector<Template>& all();
/// A template by id, sized for `inputLength` (and the secondary length where it applies).
[[nodiscard]] ModelSpec byId(const std::string& id, std::int64_t inputLength = 0);

} // namespace kdna::templates
