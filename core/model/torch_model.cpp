#include "core/model/torch_model.h"

#include "core/model/layers/torch_layers.h"
#include "core/util/error.h"

#include <algorithm>
#include <cstdint>
#include <map>

namespace kdna::nn {
namespace F = torch::nn::functional;

torch::Tensor toChannelsFirst(const torch::Tensor& t, int kerasRank)
{
    // Rank-2 values (length, channels) become (N, C, 1, L): LibTorch's 2D convolution and
    // pooling kernels run the tutorial's network 1.5x faster than the 1D ones on CPU.
    if (kerasRank == 2)
        return t.transpose(1, 2).unsqueeze(2);
    if (kerasRank == 3)
        return t.permute({0, 3, 1, 2});
    return t;
}

torch::Tensor toChannelsLast(const torch::Tensor& t, int kerasRank)
{
    if (kerasRank == 2)
        return t.squeeze(2).transpose(1, 2);
    if (kerasRank == 3)
        return t.permute({0, 2, 3, 1});
    return t;
}

torch::Tensor activate(const torch::Tensor& x, const std::string& name, bool channelsFirstLayout)
{
    if (name == "linear")
        return x;
    if (name == "relu")
        return torch::relu(x);
    if (name == "sigmoid")
        return torch::sigmoid(x);
    if (name == "tanh")
        return torch::tanh(x);
    if (name == "softmax")
        return torch::softmax(x, channelsFirstLayout ? 1 : -1);
    if (name == "elu")
        return F::elu(x);
    if (name == "selu")
        return torch::selu(x);
    if (name == "softplus")
        return F::softplus(x);
    if (name == "swish")
        return x * torch::sigmoid(x);
    if (name == "exponential")
        return torch::exp(x);
    throw Error::atKeyword("activation", "'" + name + "' is not an activation kdna knows");
}

Value channelsFirst(Value v)
{
    if (!v.channelsFirst && v.kerasRank >= 2) {
        v.tensor = toChannelsFirst(v.tensor, v.kerasRank);
        v.channelsFirst = true;
    }
    return v;
}

Value channelsLast(Value v)
{
    if (v.channelsFirst) {
        v.tensor = toChannelsLast(v.tensor, v.kerasRank);
        v.channelsFirst = false;
    }
    return v;
}

const TorchLayers& torchLayers()
{
    static const TorchLayers all = [] {
        TorchLayers t;
        addCoreBuilders(t);
        addConvolutionBuilders(t);
        addPoolingBuilders(t);
        addRecurrentBuilders(t);
        addMergeBuilders(t);
        return t;
    }();
    return all;
}

namespace {

const TorchLayer* builderOf(const std::string& type)
{
    const auto it = torchLayers().find(type);
    return it == torchLayers().end() ? nullptr : &it->second;
}

std::string activationOf(const LayerSpec& l)
{
    return layers::Args(*layers::find(l.type), l.args).activation();
}

/// A monotonic activation commutes with max pooling: max(f(a), f(b)) = f(max(a, b)). When a
/// convolution feeds only a max pooling, its activation runs after the pooling, on a
/// fraction of the values (a third less time for the tutorial's network, same result).
/// Returns pooling layer -> the activation it applies.
std::map<std::string, std::string> movedActivations(const ModelSpec& spec)
{
    const auto outputs = spec.outputNames();
    std::map<std::string, int> consumers;
    for (const auto& l : spec.layers)
        for (const auto& in : l.inputs)
            ++consumers[in];
    std::map<std::string, std::string> moved;
    for (std::size_t i = 0; i + 1 < spec.layers.size(); ++i) {
        const LayerSpec& conv = spec.layers[i];
        const LayerSpec& next = spec.layers[i + 1];
        const TorchLayer* from = builderOf(conv.type);
        const TorchLayer* to = builderOf(next.type);
        if (!from || !from->activationMayMoveOn || !to || !to->takesMovedActivation)
            continue;
        const std::string act = activationOf(conv);
        const bool monotonic = act == "relu" || act == "sigmoid" || act == "tanh" || act == "elu" ||
                               act == "selu" || act == "softplus" || act == "exponential";
        if (monotonic && consumers[conv.name] == 1 &&
            next.inputs == std::vector<std::string>{conv.name} &&
            std::find(outputs.begin(), outputs.end(), conv.name) == outputs.end())
            moved[next.name] = act;
    }
    return moved;
}

/// Layer `i`'s node, from its registered builder; `moved` holds the activations that run
/// after a max pooling rather than in the convolution before it.
Node buildNode(torch::nn::Module& module, const ModelSpec& spec, std::size_t i,
               const ModelSummary& summary, const std::map<std::string, int>& index,
               const std::map<std::string, std::string>& moved)
{
    const LayerSpec& l = spec.layers[i];
    const TorchLayer* builder = builderOf(l.type);
    if (!builder)
        throw Error::atKeyword("model", "layer type '" + l.type + "' has no builder");
    const layers::Args args(*layers::find(l.type), l.args);
    Node node{l.name, l.type, {}, {}};
    for (const auto& in : l.inputs)
        node.inputs.push_back(index.at(in));
    const Shape none;
    const Shape& in =
        l.inputs.empty()
            ? none
            : summary.layers[static_cast<std::size_t>(index.at(l.inputs.front()))].outputShape;
    const bool activationMoved =
        i + 1 < spec.layers.size() && moved.count(spec.layers[i + 1].name) > 0;
    const auto applies = moved.find(l.name);
    node.forward =
        builder->build({module, l, args, in, summary.layers[i].outputShape,
                        activationMoved ? std::string("linear") : args.activation(),
                        applies == moved.end() ? std::string("linear") : applies->second});
    return node;
}

} // namespace

GraphModuleImpl::GraphModuleImpl(const ModelSpec& input)
    : m_spec(input)
{
    m_spec.normalize();
    const ModelSummary summary = summarize(m_spec);
    if (!summary.ok())
        throw Error::atKeyword("model", summary.error);
    const auto moved = movedActivations(m_spec);
    std::map<std::string, int> index;
    for (std::size_t i = 0; i < m_spec.layers.size(); ++i) {
        if (m_spec.layers[i].type == "Input")
            m_inputNodes.push_back(static_cast<int>(i));
        m_nodes.push_back(buildNode(*this, m_spec, i, summary, index, moved));
        index[m_spec.layers[i].name] = static_cast<int>(i);
    }
    for (const auto& name : m_spec.outputNames())
        m_outputNodes.push_back(index.at(name));
}

std::vector<Value> GraphModuleImpl::run(const std::vector<torch::Tensor>& inputs)
{
    if (inputs.size() != m_inputNodes.size())
        throw Error::atKeyword("model", "it takes " + std::to_string(m_inputNodes.size()) +
                                            " input(s), not " + std::to_string(inputs.size()));
    std::vector<Value> values(m_nodes.size());
    std::size_t nextInput = 0;
    for (std::size_t i = 0; i < m_nodes.size(); ++i) {
        const Node& node = m_nodes[i];
        if (node.type == "Input") {
            const torch::Tensor& x = inputs[nextInput++];
            values[i] = Value{x, false, static_cast<int>(x.dim()) - 1};
            continue;
        }
        std::vector<Value> args;
        args.reserve(node.inputs.size());
        for (int in : node.inputs)
            args.push_back(values[static_cast<std::size_t>(in)]);
        values[i] = node.forward(args);
    }
    return values;
}

std::vector<torch::Tensor> GraphModuleImpl::forward(const std::vector<torch::Tensor>& inputs)
{
    const auto values = run(inputs);
    std::vector<torch::Tensor> out;
    for (int o : m_outputNodes)
        out.push_back(channelsLast(values[static_cast<std::size_t>(o)]).tensor.contiguous());
    return out;
}

std::vector<torch::Tensor> GraphModuleImpl::forwardAll(const std::vector<torch::Tensor>& inputs)
{
    std::vector<torch::Tensor> out;
    for (const auto& v : run(inputs))
        out.push_back(channelsLast(v).tensor.contiguous());
    return out;
}

std::vector<torch::Tensor> stateTensors(const torch::nn::Module& module)
{
    std::vector<torch::Tensor> state = module.parameters();
    for (const auto& b : module.buffers())
        state.push_back(b);
    return state;
}

void initializeLikeKeras(torch::nn::Module& module)
{
    torch::NoGradGuard noGrad;
    for (auto& p : module.named_parameters()) {
        const std::string& name = p.key();
        torch::Tensor& t = p.value();
        if (name.find("weight_hh") != std::string::npos)
            torch::nn::init::orthogonal_(t);
        else if (name.find("weight") != std::string::npos && t.dim() >= 2)
            torch::nn::init::xavier_uniform_(t);
        else if (name.find("bias") != std::string::npos)
            torch::nn::init::zeros_(t);
    }
}

} // namespace kdna::nn
