#pragma once

#include "model_spec.h"
#include "summary.h"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace kdna {

/// A network built from a ModelSpec, with its weights. The torch module lives behind Impl
/// (torch_model.h) so that callers which only need the spec, the summary or the files do not
/// compile LibTorch's headers.
class Model {
public:
    /// Builds the network with Keras' initialisation, seeded. Throws kdna::Error naming the
    /// layer at fault when the spec's shapes do not fit.
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

    /// Weights as a torch archive held in memory (for checkpoints and the model archive).
    [[nodiscard]] std::string weightsBlob() const;
    void loadWeightsBlob(const std::string& blob);
    /// Writes the weights as a state dict that Python's torch.load reads (name -> tensor).
    void exportStateDict(const std::filesystem::path& path) const;

    struct Impl;
    [[nodiscard]] Impl& impl() const { return *d; }

private:
    std::unique_ptr<Impl> d;
};

/// Whether this build of LibTorch can use a CUDA GPU now.
[[nodiscard]] bool cudaAvailable();
/// Sets torch's intra-op threads (0: every core of the machine; the Debian build starts at 1).
void setTorchThreads(int threads);
[[nodiscard]] int torchThreads();

} // namespace kdna
