#pragma once

#include "core/data/shapes.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace kdna {

class Generator;
class Model;
struct DatasetSpec;

/// Turns a training spec into the one its model is scored on, for every kind of data. The
/// targets keep their natural shape (scoring flattens them, so output_shape only reorders
/// nothing), while a secondary *input* keeps sec_input_shape: the model takes it in that shape.
/// `stepByTarget` steps the windows by tg_window, so each position is counted once.
void shapeForScoring(DatasetSpec& spec, bool stepByTarget);

struct ScoreOptions {
    /// "auto": the whole-sequence plan when the model and data allow it, else windows;
    /// "whole" insists (an error says why not); "windows" always runs window by window.
    std::string method = "auto";
    std::string precision = "fp32";
    /// Told the fraction done; returning false cancels (kdna::Error "cancelled").
    std::function<bool(double)> progress;
};

/// A model's outputs and the data's targets for every example of a generator (in order).
struct ScoredData {
    std::vector<std::vector<float>> predictions; ///< per output: examples x predictionSize
    std::vector<std::vector<float>> targets;     ///< per output: examples x target elements
    std::vector<Shape> shapes;                   ///< per output: one example's target shape
    std::vector<std::int64_t> predictionSize;    ///< per output: the model's values an example
    std::vector<float> weights;                  ///< per example; empty without weighting
    std::int64_t examples = 0;
    std::string method; ///< "whole-sequence" or "windows"
    std::string reason; ///< why windows, when "auto" fell back
    double seconds = 0;

    [[nodiscard]] std::int64_t elements(std::size_t output) const
    {
        return elementCount(shapes[output]);
    }
};

/// Runs the model over every example of `data` (which must not shuffle). With the whole-
/// sequence plan, each chromosome is run once and every window's output read from it.
[[nodiscard]] ScoredData scoreData(Model& model, const Generator& data,
                                   const ScoreOptions& options = {});

/// Why the whole-sequence plan cannot serve this model and data (empty when it can).
[[nodiscard]] std::string wholeSequenceBlocker(const Model& model, const Generator& data);

} // namespace kdna
