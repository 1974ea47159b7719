#pragma once

#include "core/data/batch.h"

#include <cstdint>
#include <functional>
#include <vector>

namespace at {
class Tensor;
}

namespace kdna {

class Model;

/// The window-by-window path that evaluate, correlate, auc and predict share when no
/// whole-sequence plan serves a model (secondary inputs, several heads, reshaped outputs).
/// Batch g of `count` is filled (its inputs, and whatever the caller keeps with them) on a
/// data-preparation thread while the model runs the batch before it on the calling thread,
/// whose LibTorch intra-op threads take every core (setTorchThreads).
struct WindowBatchJob {
    std::int64_t count = 0; ///< batches
    bool bf16 = false;
    /// Fills batch g's inputs (batch.inputs, batch.examples); runs on the preparation thread.
    std::function<void(std::int64_t g, Batch& batch)> fill;
    /// Takes the model's outputs for batch g (float, on the CPU, contiguous, one per output),
    /// in order g = 0, 1, ...; runs on the calling thread.
    std::function<void(std::int64_t g, const Batch& batch, const std::vector<at::Tensor>& outputs)>
        take;
    /// Told batches done after each; returning false cancels (kdna::Error "cancelled").
    std::function<bool(std::int64_t done)> progress;
};

/// Runs `job`; rethrows an error from either thread.
void runWindowBatches(Model& model, const WindowBatchJob& job);

/// Windows per model batch on the window path: large enough that one batch keeps every core
/// busy, small enough that its maps stay near the CPU's fast allocation sizes (LibTorch runs
/// a batch of 256 windows of a tutorial CNN about as fast per window as any larger one).
inline constexpr std::int64_t kWindowBatch = 256;

} // namespace kdna
