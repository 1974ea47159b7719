#pragma once

#include "core/train/settings.h"

#include <string>

namespace torch::optim {
class Optimizer;
}

namespace kdna {

class Model;

/// The state an optimiser keeps between steps (Adam's moments and step count, SGD's momentum
/// buffers, RMSprop's averages), as safetensors bytes named `<parameter>.<slot>`, so that a
/// resumed run steps exactly as the interrupted one would have. `compile` names the optimiser
/// (makeOptimizer's); it must be over `model`'s parameters.
[[nodiscard]] std::string optimizerStateBlob(const torch::optim::Optimizer& optimizer,
                                             const CompileSettings& compile, const Model& model);

/// Restores optimizerStateBlob's bytes. The names, types and shapes are checked against what
/// `model`'s parameters and the optimiser hold before anything is copied, so nothing is
/// allocated from what the bytes claim; a blob of another model or optimiser is refused in
/// one sentence (kdna::Error).
void loadOptimizerState(torch::optim::Optimizer& optimizer, const CompileSettings& compile,
                        const Model& model, const std::string& blob);

} // namespace kdna
