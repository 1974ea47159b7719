#include "core/model/torch_model.h"

#include "core/model/layer_catalog.h"
#include "core/util/error.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
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
    throw Error("activation: '" + name + "' is not an activation kdna knows", "activation");
}

namespace {

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

/// Keras/TensorFlow 'same' padding: the output length is ceil(in / stride), the extra
/// padding goes to the end.
std::pair<std::int64_t, std::int64_t> samePadding(std::int64_t in, std::int64_t kernel,
                                                  std::int64_t stride, std::int64_t dilation = 1)
{
    const std::int64_t out = (in + stride - 1) / stride;
    const std::int64_t total =
        std::max<std::int64_t>((out - 1) * stride + dilation * (kernel - 1) + 1 - in, 0);
    return {total / 2, total - total / 2};
}

std::int64_t intArg(const layers::LayerType& t, const nlohmann::json& a, const char* n)
{
    const auto v = layers::argument(t, a, n);
    return v.is_number_integer() ? v.get<std::int64_t>() : 0;
}

std::vector<std::int64_t> pairArg(const layers::LayerType& t, const nlohmann::json& a,
                                  const char* n, std::vector<std::int64_t> fallback)
{
    const auto v = layers::argument(t, a, n);
    if (v.is_number_integer())
        return {v.get<std::int64_t>(), v.get<std::int64_t>()};
    if (v.is_array() && v.size() == 2)
        return {v[0].get<std::int64_t>(), v[1].get<std::int64_t>()};
    return fallback;
}

std::string strArg(const layers::LayerType& t, const nlohmann::json& a, const char* n)
{
    const auto v = layers::argument(t, a, n);
    return v.is_string() ? v.get<std::string>() : std::string();
}

} // namespace

GraphModuleImpl::GraphModuleImpl(const ModelSpec& input)
    : m_spec(input)
{
    m_spec.normalize();
    const ModelSummary summary = summarize(m_spec);
    if (!summary.ok())
        throw Error("model: " + summary.error, "model");
    std::map<std::string, int> index;
    // A monotonic activation commutes with max pooling: max(f(a), f(b)) = f(max(a, b)). When a
    // convolution feeds only a max pooling, its activation runs after the pooling, on a
    // fraction of the values (a third less time for the tutorial's network, same result).
    const auto outputs = m_spec.outputNames();
    std::map<std::string, int> consumers;
    for (const auto& l : m_spec.layers)
        for (const auto& in : l.inputs)
            ++consumers[in];
    std::map<std::string, std::string> deferred; // pooling layer -> activation it applies
    for (std::size_t i = 0; i + 1 < m_spec.layers.size(); ++i) {
        const LayerSpec& conv = m_spec.layers[i];
        const LayerSpec& next = m_spec.layers[i + 1];
        const std::string act = conv.args.value("activation", std::string("linear"));
        const bool monotonic = act == "relu" || act == "sigmoid" || act == "tanh" || act == "elu" ||
                               act == "selu" || act == "softplus" || act == "exponential";
        if ((conv.type == "Conv1D" || conv.type == "Conv2D") && monotonic &&
            consumers[conv.name] == 1 && next.inputs == std::vector<std::string>{conv.name} &&
            (next.type == "MaxPooling1D" || next.type == "MaxPooling2D") &&
            std::find(outputs.begin(), outputs.end(), conv.name) == outputs.end())
            deferred[next.name] = act;
    }
    for (std::size_t i = 0; i < m_spec.layers.size(); ++i) {
        const LayerSpec& l = m_spec.layers[i];
        const layers::LayerType& t = *layers::find(l.type);
        const nlohmann::json& a = l.args;
        Node node{l.name, l.type, {}, {}};
        for (const auto& in : l.inputs)
            node.inputs.push_back(index.at(in));
        const Shape in =
            l.inputs.empty()
                ? Shape{}
                : summary.layers[static_cast<std::size_t>(index.at(l.inputs.front()))].outputShape;
        const Shape out = summary.layers[i].outputShape;
        std::string act = strArg(t, a, "activation");
        const bool activationDeferred =
            i + 1 < m_spec.layers.size() && deferred.count(m_spec.layers[i + 1].name) > 0;
        if (activationDeferred)
            act = "linear";
        const std::string poolActivation =
            deferred.count(l.name) ? deferred.at(l.name) : std::string("linear");
        const bool bias = layers::argument(t, a, "use_bias") != false;
        const bool same = strArg(t, a, "padding") == "same";

        if (l.type == "Input") {
            m_inputNodes.push_back(static_cast<int>(i));
            node.forward = [](const std::vector<Value>& v) {
                return v.front();
            };
        } else if (l.type == "Conv1D") {
            const std::int64_t k = intArg(t, a, "kernel_size"), stride = intArg(t, a, "strides"),
                               dil = intArg(t, a, "dilation_rate");
            // The parameters keep Conv1d's shapes (filters, channels, kernel); the computation is
            // a (1, kernel) 2D convolution on (N, C, 1, L).
            auto conv = register_module(
                l.name,
                torch::nn::Conv1d(torch::nn::Conv1dOptions(in[1], intArg(t, a, "filters"), k)
                                      .stride(stride)
                                      .dilation(dil)
                                      .bias(bias)));
            const auto pad = same ? samePadding(in[0], k, stride, dil)
                                  : std::pair<std::int64_t, std::int64_t>{0, 0};
            node.forward = [conv, pad, act, stride, dil, bias](const std::vector<Value>& v) {
                torch::Tensor x = channelsFirst(v.front()).tensor;
                if (pad.first || pad.second)
                    x = F::pad(x, F::PadFuncOptions({pad.first, pad.second}));
                auto opts = F::Conv2dFuncOptions().stride({1, stride}).dilation({1, dil});
                if (bias)
                    opts = opts.bias(conv->bias);
                return Value{activate(F::conv2d(x, conv->weight.unsqueeze(2), opts), act, true),
                             true, 2};
            };
        } else if (l.type == "Conv2D") {
            const auto k = pairArg(t, a, "kernel_size", {1, 1});
            const auto s = pairArg(t, a, "strides", {1, 1});
            auto conv = register_module(
                l.name, torch::nn::Conv2d(
                            torch::nn::Conv2dOptions(in[2], intArg(t, a, "filters"), {k[0], k[1]})
                                .stride({s[0], s[1]})
                                .bias(bias)));
            std::vector<std::int64_t> pad = {0, 0, 0, 0};
            if (same) {
                const auto h = samePadding(in[0], k[0], s[0]);
                const auto w = samePadding(in[1], k[1], s[1]);
                pad = {w.first, w.second, h.first, h.second};
            }
            node.forward = [conv, pad, act](const std::vector<Value>& v) {
                torch::Tensor t = channelsFirst(v.front()).tensor;
                if (pad != std::vector<std::int64_t>{0, 0, 0, 0})
                    t = F::pad(t, F::PadFuncOptions(pad));
                return Value{activate(conv->forward(t), act, true), true, 3};
            };
        } else if (l.type == "Conv2DTranspose") {
            const auto k = pairArg(t, a, "kernel_size", {1, 1});
            const auto s = pairArg(t, a, "strides", {1, 1});
            // Keras 'same': output = input * stride, i.e. 2p - output_padding = k - s.
            std::vector<std::int64_t> p = {0, 0}, op = {0, 0};
            if (same)
                for (int d = 0; d < 2; ++d) {
                    const std::int64_t diff =
                        k[static_cast<std::size_t>(d)] - s[static_cast<std::size_t>(d)];
                    if (diff >= 0) {
                        p[static_cast<std::size_t>(d)] = (diff + 1) / 2;
                        op[static_cast<std::size_t>(d)] = 2 * p[static_cast<std::size_t>(d)] - diff;
                    } else {
                        op[static_cast<std::size_t>(d)] = -diff;
                    }
                }
            auto conv = register_module(
                l.name, torch::nn::ConvTranspose2d(torch::nn::ConvTranspose2dOptions(
                                                       in[2], intArg(t, a, "filters"), {k[0], k[1]})
                                                       .stride({s[0], s[1]})
                                                       .padding({p[0], p[1]})
                                                       .output_padding({op[0], op[1]})
                                                       .bias(bias)));
            node.forward = [conv, act](const std::vector<Value>& v) {
                return Value{activate(conv->forward(channelsFirst(v.front()).tensor), act, true),
                             true, 3};
            };
        } else if (l.type == "MaxPooling1D" || l.type == "AveragePooling1D") {
            const std::int64_t p = intArg(t, a, "pool_size");
            const auto sj = layers::argument(t, a, "strides");
            const std::int64_t stride = sj.is_number_integer() ? sj.get<std::int64_t>() : p;
            const auto pad =
                same ? samePadding(in[0], p, stride) : std::pair<std::int64_t, std::int64_t>{0, 0};
            const bool isMax = l.type == "MaxPooling1D";
            node.forward = [p, stride, pad, isMax, poolActivation](const std::vector<Value>& v) {
                torch::Tensor x = channelsFirst(v.front()).tensor; // (N, C, 1, L)
                const bool padded = pad.first || pad.second;
                if (isMax) {
                    if (padded)
                        x = F::pad(x, F::PadFuncOptions({pad.first, pad.second})
                                          .value(-std::numeric_limits<double>::infinity()));
                    return Value{activate(F::max_pool2d(x, F::MaxPool2dFuncOptions({1, p}).stride(
                                                               {1, stride})),
                                          poolActivation, true),
                                 true, 2};
                }
                const auto pool = F::AvgPool2dFuncOptions({1, p}).stride({1, stride});
                if (!padded)
                    return Value{F::avg_pool2d(x, pool), true, 2};
                // Keras averages over the real bases only.
                const torch::Tensor ones = torch::ones({1, 1, 1, x.size(3)}, x.options());
                const auto opts = F::PadFuncOptions({pad.first, pad.second});
                return Value{F::avg_pool2d(F::pad(x, opts), pool) /
                                 F::avg_pool2d(F::pad(ones, opts), pool),
                             true, 2};
            };
        } else if (l.type == "MaxPooling2D") {
            const auto pool = pairArg(t, a, "pool_size", {2, 2});
            const auto stride = pairArg(t, a, "strides", pool);
            std::vector<std::int64_t> pad = {0, 0, 0, 0};
            if (same) {
                const auto h = samePadding(in[0], pool[0], stride[0]);
                const auto w = samePadding(in[1], pool[1], stride[1]);
                pad = {w.first, w.second, h.first, h.second};
            }
            node.forward = [pool, stride, pad, poolActivation](const std::vector<Value>& v) {
                torch::Tensor x = channelsFirst(v.front()).tensor;
                if (pad != std::vector<std::int64_t>{0, 0, 0, 0})
                    x = F::pad(
                        x, F::PadFuncOptions(pad).value(-std::numeric_limits<double>::infinity()));
                return Value{activate(F::max_pool2d(x, F::MaxPool2dFuncOptions({pool[0], pool[1]})
                                                           .stride({stride[0], stride[1]})),
                                      poolActivation, true),
                             true, 3};
            };
        } else if (l.type == "GlobalMaxPooling1D" || l.type == "GlobalAveragePooling1D") {
            const bool isMax = l.type == "GlobalMaxPooling1D";
            node.forward = [isMax](const std::vector<Value>& v) {
                const torch::Tensor x = channelsFirst(v.front()).tensor.flatten(2); // (N, C, L)
                return Value{isMax ? std::get<0>(x.max(2)) : x.mean(2), false, 1};
            };
        } else if (l.type == "Dense") {
            auto linear = register_module(
                l.name, torch::nn::Linear(
                            torch::nn::LinearOptions(in.back(), intArg(t, a, "units")).bias(bias)));
            const int rank = static_cast<int>(out.size());
            node.forward = [linear, act, rank](const std::vector<Value>& v) {
                return Value{activate(linear->forward(channelsLast(v.front()).tensor), act, false),
                             false, rank};
            };
        } else if (l.type == "Flatten") {
            node.forward = [](const std::vector<Value>& v) {
                const torch::Tensor x = channelsLast(v.front()).tensor;
                return Value{x.reshape({x.size(0), -1}), false, 1};
            };
        } else if (l.type == "Dropout") {
            auto dropout = register_module(
                l.name, torch::nn::Dropout(layers::argument(t, a, "rate").get<double>()));
            node.forward = [dropout](const std::vector<Value>& v) {
                Value x = v.front();
                x.tensor = dropout->forward(x.tensor);
                return x;
            };
        } else if (l.type == "Activation") {
            node.forward = [act](const std::vector<Value>& v) {
                Value x = v.front();
                x.tensor = activate(x.tensor, act, x.channelsFirst);
                return x;
            };
        } else if (l.type == "BatchNormalization") {
            const double momentum = 1.0 - layers::argument(t, a, "momentum").get<double>();
            const double eps = layers::argument(t, a, "epsilon").get<double>();
            const int rank = static_cast<int>(in.size());
            if (rank >= 2) {
                // Channels-first values of rank 2 and 3 are both 4D (N, C, ., .).
                auto bn = register_module(
                    l.name,
                    torch::nn::BatchNorm2d(
                        torch::nn::BatchNormOptions(in.back()).momentum(momentum).eps(eps)));
                node.forward = [bn, rank](const std::vector<Value>& v) {
                    return Value{bn->forward(channelsFirst(v.front()).tensor), true, rank};
                };
            } else {
                auto bn = register_module(
                    l.name,
                    torch::nn::BatchNorm1d(
                        torch::nn::BatchNormOptions(in.back()).momentum(momentum).eps(eps)));
                node.forward = [bn, rank](const std::vector<Value>& v) {
                    return Value{bn->forward(v.front().tensor), false, rank};
                };
            }
        } else if (l.type == "Reshape") {
            std::vector<std::int64_t> target = {-1};
            target.insert(target.end(), out.begin(), out.end());
            target[0] = 0; // placeholder for the batch
            const int rank = static_cast<int>(out.size());
            node.forward = [target, rank](const std::vector<Value>& v) mutable {
                const torch::Tensor x = channelsLast(v.front()).tensor;
                target[0] = x.size(0);
                return Value{x.reshape(target), false, rank};
            };
        } else if (l.type == "GRU") {
            const std::int64_t units = intArg(t, a, "units");
            const bool bidirectional = layers::argument(t, a, "bidirectional") == true;
            const bool sequences = layers::argument(t, a, "return_sequences") == true;
            auto gru = register_module(l.name, torch::nn::GRU(torch::nn::GRUOptions(in[1], units)
                                                                  .batch_first(true)
                                                                  .bidirectional(bidirectional)));
            node.forward = [gru, bidirectional, sequences](const std::vector<Value>& v) {
                const auto [output, hidden] =
                    gru->forward(channelsLast(v.front()).tensor.contiguous());
                if (sequences)
                    return Value{output, false, 2};
                // Final state of each direction, as Keras' Bidirectional concatenates them.
                const torch::Tensor last =
                    bidirectional ? torch::cat({hidden[0], hidden[1]}, 1) : hidden[0];
                return Value{last, false, 1};
            };
        } else if (l.type == "Concatenate") {
            const auto rank = static_cast<std::int64_t>(in.size());
            // The summary refused axes outside the shape; torch's axis 0 is the batch too.
            const std::int64_t torchAxis =
                layers::axisWithoutBatch(intArg(t, a, "axis"), in.size()) + 1;
            node.forward = [torchAxis, rank](const std::vector<Value>& v) {
                std::vector<torch::Tensor> parts;
                for (const auto& x : v)
                    parts.push_back(channelsLast(x).tensor);
                return Value{torch::cat(parts, torchAxis), false, static_cast<int>(rank)};
            };
        } else {
            throw Error("model: layer type '" + l.type + "' has no builder", "model");
        }
        index[l.name] = static_cast<int>(i);
        m_nodes.push_back(std::move(node));
    }
    for (const auto& name : m_spec.outputNames())
        m_outputNodes.push_back(index.at(name));
}

std::vector<Value> GraphModuleImpl::run(const std::vector<torch::Tensor>& inputs)
{
    if (inputs.size() != m_inputNodes.size())
        throw Error("model: it takes " + std::to_string(m_inputNodes.size()) + " input(s), not " +
                    std::to_string(inputs.size()));
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
