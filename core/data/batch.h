#pragma once

#include "core/data/shapes.h"

#include <cstdint>
#include <vector>

namespace kdna {

/// A dense float array in row-major order, batch axis first. Plain memory: core/train wraps
/// it in a tensor without copying.
struct Array {
    Shape shape;
    std::vector<float> values;
    [[nodiscard]] std::int64_t size() const { return static_cast<std::int64_t>(values.size()); }
    [[nodiscard]] bool empty() const { return values.empty(); }
};

/// What keras_dna's generators yield: inputs, targets and (with weighting) sample weights.
struct Batch {
    std::int64_t index = -1;    ///< global batch number (passes over the data chained)
    std::int64_t examples = 0;  ///< rows in this batch
    std::vector<Array> inputs;  ///< [sequence] or [sequence, secondary]
    std::vector<Array> targets; ///< [labels] or [labels, secondary]
    Array weights;              ///< (batch) with weighting_mode, else empty
};

} // namespace kdna
