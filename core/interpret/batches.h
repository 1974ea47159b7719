#pragma once

// The LibTorch side shared by core/interpret's sources (not for callers outside it).

#include "core/interpret/attribution.h"
#include "core/interpret/ism.h"

#include <functional>

#include <torch/torch.h>

namespace kdna::interpret::detail {

/// Runs the model on x (N x L x 4, Keras layout) on its device, in eval mode; outputs come
/// back as they are (on the device, with the autograd graph when grad mode is on).
std::vector<torch::Tensor> forward(Model& model, const torch::Tensor& x);

/// The target's value per window (N).
torch::Tensor selectTarget(const std::vector<torch::Tensor>& outputs, const Target& target);

/// Runs `rows` model rows in batches of `batchSize` without gradients: `fill(first, count,
/// out)` writes rows [first, first + count) as count x L x 4 floats, `take(first, count,
/// outputs)` receives each output flattened per row (float, CPU, contiguous, count x V_j).
void forEachBatch(
    Model& model, std::int64_t rows, std::int64_t batchSize,
    const std::function<void(std::int64_t, std::int64_t, float*)>& fill,
    const std::function<void(std::int64_t, std::int64_t, const std::vector<torch::Tensor>&)>& take);

/// ISM the naive way: every mutant (and the reference, row 0) through the whole model in
/// batches of `batchSize`.
IsmResult naiveIsm(Model& model, const std::uint8_t* codes, std::int64_t length,
                   std::int64_t batchSize);

} // namespace kdna::interpret::detail
