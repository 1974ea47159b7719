#pragma once

// The LibTorch side of a model. Only core/model, core/train and core/eval include this header
// (it pulls in <torch/torch.h>); everything else goes through model.h.

#include "core/model/model.h"

#include <functional>

#include <torch/torch.h>

namespace kdna::nn {

/// A tensor and whether it is held channels-first (torch's (N, C, L) / (N, C, H, W)) rather
/// than in Keras' channels-last layout. Convolution chains stay channels-first, and the
/// conversion happens once where a layer needs Keras' layout (Flatten, Dense, ...).
struct Value {
    torch::Tensor tensor;
    bool channelsFirst = false;
    int kerasRank = 0; ///< axes without the batch
};

/// One layer of the graph: its torch module (if it has parameters) and how it computes.
struct Node {
    std::string name;
    std::string type;
    std::vector<int> inputs;
    std::function<Value(const std::vector<Value>&)> forward;
};

/// A torch module built from a ModelSpec: inputs and outputs in Keras layout (channels last).
/// Parameters are registered under the layer names ("conv1d.weight", "dense.bias", ...).
class GraphModuleImpl : public torch::nn::Module {
public:
    explicit GraphModuleImpl(const ModelSpec& spec);
    std::vector<torch::Tensor> forward(const std::vector<torch::Tensor>& inputs);
    /// The output of every layer for `inputs` (Keras layout), for tests and inspection. A
    /// convolution whose activation was moved after its max pooling shows it without it.
    std::vector<torch::Tensor> forwardAll(const std::vector<torch::Tensor>& inputs);

private:
    std::vector<Value> run(const std::vector<torch::Tensor>& inputs);

    ModelSpec m_spec;
    std::vector<Node> m_nodes;
    std::vector<int> m_inputNodes;
    std::vector<int> m_outputNodes;
};
TORCH_MODULE(GraphModule);

/// Keras' glorot-uniform kernels and zero biases (orthogonal recurrent kernels), seeded.
void initializeLikeKeras(torch::nn::Module& module);

/// Every tensor a module's state holds, its parameters then its buffers (batch-norm running
/// statistics): what two copies of a model must share to compute the same function.
[[nodiscard]] std::vector<torch::Tensor> stateTensors(const torch::nn::Module& module);

/// Keras layout <-> channels-first, for rank-2 (L, C) and rank-3 (H, W, C) values.
torch::Tensor toChannelsFirst(const torch::Tensor& t, int kerasRank);
torch::Tensor toChannelsLast(const torch::Tensor& t, int kerasRank);
/// A Keras activation by name; softmax runs over the channel axis of either layout.
torch::Tensor activate(const torch::Tensor& x, const std::string& name, bool channelsFirstLayout);

} // namespace kdna::nn

namespace kdna {

struct Model::Impl {
    ModelSpec spec;
    ModelSummary summary;
    nn::GraphModule module{nullptr};
    torch::Device device{torch::kCPU};
};

} // namespace kdna
