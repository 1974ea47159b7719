#pragma once

#include <cstdint>
#include <vector>

namespace kdna {

/// A tensor shape as keras_dna and Keras print it, without or with the batch axis as the
/// caller says.
using Shape = std::vector<std::int64_t>;

/// The number of values a tensor of this shape holds (1 for the empty shape).
[[nodiscard]] std::int64_t elementCount(const Shape& shape);

} // namespace kdna
