#pragma once

#include "core/model/model_spec.h"
#include "core/model/summary.h"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace kdna {

/// A network built from a ModelSpec, with its weights. The torch module lives behind Impl
/// (torch_model.h) so that callers which only need the spec, the summary or the files do not
/// compile LibTorch's headers.
class Model {
public:
    /// Builds the network with Keras' initialisation, seeded. Throws kdna::Error naming the
    /// layer at fault when the spec's shapes do not fit, or the layer and keyword when a size
    /// is beyond kdna's limits (model_tensors.h), before allocating anything.
    explicit Model(ModelSpec spec, std::uint64_t seed = 1);
    Model(const Model&) = delete;
    Model& operator=(const Model&) = delete;
    Model(Model&&) noexcept;
    Model& operator=(Model&&) noexcept;
    ~Model();

    [[nodiscard]] const ModelSpec& spec() const;
    [[nodiscard]] const ModelSummary& summary() const;

    /// "cpu", "cuda" or "cuda:N"; throws when the linked LibTorch has no CUDA or no GPU.
    void setDevice(const std::string& device);
    [[nodiscard]] std::string device() const;

    /// Weights in the safetensors layout (core/model/safetensors.h), held in memory: for the
    /// model archive, checkpoints and the best epoch. Data only: reading runs no code.
    [[nodiscard]] std::string weightsBlob() const;
    /// Throws kdna::Error, before copying anything, when a tensor is missing, extra, or of
    /// another dtype or shape than the spec gives, or the bytes do not match the header.
    void loadWeightsBlob(const std::string& blob);
    /// Writes the weights as a .safetensors file (name -> tensor, PyTorch's state-dict names),
    /// which Python's safetensors.torch.load_file reads.
    void exportStateDict(const std::filesystem::path& path) const;

    struct Impl;
    [[nodiscard]] Impl& impl() const { return *d; }

private:
    std::unique_ptr<Impl> d;
};

/// Seeds LibTorch's process-wide generator, never while a Model on another thread is drawing
/// its initial weights from it (seedMutex).
void seedTorch(std::uint64_t seed);
/// Held while a Model seeds and initialises its weights.
[[nodiscard]] std::mutex& seedMutex();

/// Whether this build of LibTorch can use a CUDA GPU now.
[[nodiscard]] bool cudaAvailable();
/// Sets torch's intra-op threads (0: every core of the machine; the Debian build starts at 1).
void setTorchThreads(int threads);
[[nodiscard]] int torchThreads();

} // namespace kdna
