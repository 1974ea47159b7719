#pragma once

#include "core/model/model_spec.h"
#include "core/model/safetensors.h"

#include <cstdint>
#include <vector>

namespace kdna {

/// The largest value a size argument may have (filters, units, kernel_size, strides,
/// pool_size, dilation_rate, each Input and Reshape dimension): 16,777,216.
inline constexpr std::int64_t kMaxDimension = std::int64_t{1} << 24;
/// The most values a model may hold, parameters and statistics together: 268,435,456
/// (1 GiB of fp32 weights; training takes about four times that).
inline constexpr std::int64_t kMaxModelValues = std::int64_t{1} << 28;

/// The tensors a model built from `spec` holds, by the names the torch module registers
/// them under ("conv1d.weight", "batch_normalization.running_mean", ...), computed from the
/// spec alone, so a file's claims are checked before anything is allocated. Throws
/// kdna::Error naming the layer and the keyword when a size argument is beyond
/// kMaxDimension, the model's values beyond kMaxModelValues, or the shapes do not fit.
[[nodiscard]] std::vector<safetensors::TensorInfo> modelTensors(const ModelSpec& spec);

} // namespace kdna
