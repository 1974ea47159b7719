#pragma once

#include "core/data/shapes.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace kdna::dist {
class ProcessGroup;
}

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
    /// Told the fraction done (of this rank's share, in a group); returning false cancels
    /// (kdna::Error "cancelled").
    std::function<bool(double)> progress;
    /// Score as this rank of a group: each rank scores a share of the examples (a run of
    /// them in their order), then every sink adds up what the ranks saw, so each rank ends
    /// with what one process scoring all of them has. Every rank must score the same data.
    dist::ProcessGroup* group = nullptr;
};

/// What a scoring pass scores: one example's shapes and values per output, and, once done,
/// how it ran.
struct ScoringRun {
    std::vector<Shape> shapes;                ///< per output: one example's target shape
    std::vector<std::int64_t> predictionSize; ///< per output: the model's values an example
    std::int64_t examples = 0;
    std::int64_t scoredHere = 0; ///< the examples this rank scored: all of them alone
    bool weighted = false;
    std::string method; ///< "whole-sequence" or "windows"
    std::string reason; ///< why windows, when "auto" fell back
    double seconds = 0;

    [[nodiscard]] std::int64_t elements(std::size_t output) const
    {
        return elementCount(shapes[output]);
    }
};

/// Some scored examples: row r is example examples[r]; each output's predictions (rows x
/// predictionSize) and targets (rows x elements), and a weight a row when the data weighs.
/// The pointers live for the call to ScoreSink::take only.
struct ScoredRows {
    std::int64_t rows = 0;
    const std::int64_t* examples = nullptr;
    std::vector<const float*> predictions;
    std::vector<const float*> targets;
    const float* weights = nullptr;
};

/// Takes every example of a scoring pass, once, a block of rows at a time and in no set order,
/// so what a pass keeps (running sums, a sample) is the sink's to bound, not a table of every
/// example.
class ScoreSink {
public:
    virtual ~ScoreSink() = default;
    /// Before the first rows, what they will hold.
    virtual void begin(const ScoringRun& /*run*/) {}
    virtual void take(const ScoredRows& rows) = 0;
    /// After a pass split over `group` (ScoreOptions::group): makes this rank's sink hold what
    /// every rank's sink took, together. A sink that cannot be split refuses.
    virtual void reduceOver(dist::ProcessGroup& group);
};

/// Runs the model over every example of `data` (which must not shuffle) into `sink`. With the
/// whole-sequence plan, each stretch of window starts is run once and every window's output
/// read from it. In a group, a rank that fails its share stops every rank with a sentence
/// naming it.
ScoringRun scoreData(Model& model, const Generator& data, ScoreSink& sink,
                     const ScoreOptions& options = {});

/// Why the whole-sequence plan cannot serve this model and data (empty when it can).
[[nodiscard]] std::string wholeSequenceBlocker(const Model& model, const Generator& data);

} // namespace kdna
