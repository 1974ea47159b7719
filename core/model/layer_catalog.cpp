#include "core/model/layer_catalog.h"

#include <cstring>

#include <nlohmann/json.hpp>

namespace kdna::layers {
namespace {

const Argument kActivation{"activation",
                           ArgKind::Choice,
                           "\"linear\"",
                           "applied to the layer's output",
                           {"linear", "relu", "sigmoid", "tanh", "softmax", "elu", "selu",
                            "softplus", "swish", "exponential"}};
const Argument kPadding{"padding",
                        ArgKind::Choice,
                        "\"valid\"",
                        "valid: no padding; same: the output keeps length / strides",
                        {"valid", "same"}};
const Argument kUseBias{"use_bias", ArgKind::Bool, "true", "add a bias vector"};

std::vector<LayerType> makeCatalog()
{
    return {
        {"Input",
         "Input",
         "a model input; shape without the batch axis, e.g. [2001, 4]",
         {{"shape", ArgKind::Shape, "null", "input shape without the batch axis"}},
         0,
         0},
        {"Conv1D",
         "Convolution",
         "1D convolution over the sequence axis (channels last)",
         {{"filters", ArgKind::Int, "null", "number of filters (output channels)"},
          {"kernel_size", ArgKind::Int, "null", "width of each filter, in bases"},
          {"strides", ArgKind::Int, "1", "step between filter positions"},
          kPadding,
          {"dilation_rate", ArgKind::Int, "1", "spacing between filter taps"},
          kActivation,
          kUseBias}},
        {"Conv2D",
         "Convolution",
         "2D convolution (channels last)",
         {{"filters", ArgKind::Int, "null", "number of filters"},
          {"kernel_size", ArgKind::IntList, "null", "[height, width]"},
          {"strides", ArgKind::IntList, "[1, 1]", "[height, width] steps"},
          kPadding,
          kActivation,
          kUseBias}},
        {"Conv2DTranspose",
         "Convolution",
         "transposed 2D convolution (upsampling)",
         {{"filters", ArgKind::Int, "null", "number of filters"},
          {"kernel_size", ArgKind::IntList, "null", "[height, width]"},
          {"strides", ArgKind::IntList, "[1, 1]", "[height, width] upsampling factors"},
          kPadding,
          kActivation,
          kUseBias}},
        {"MaxPooling1D",
         "Pooling",
         "maximum over windows of the sequence axis",
         {{"pool_size", ArgKind::Int, "2", "window size"},
          {"strides", ArgKind::Int, "null", "step (default: pool_size)"},
          kPadding}},
        {"AveragePooling1D",
         "Pooling",
         "average over windows of the sequence axis",
         {{"pool_size", ArgKind::Int, "2", "window size"},
          {"strides", ArgKind::Int, "null", "step (default: pool_size)"},
          kPadding}},
        {"MaxPooling2D",
         "Pooling",
         "maximum over 2D windows",
         {{"pool_size", ArgKind::IntList, "[2, 2]", "[height, width]"},
          {"strides", ArgKind::IntList, "null", "step (default: pool_size)"},
          kPadding}},
        {"GlobalMaxPooling1D", "Pooling", "maximum over the whole sequence axis", {}},
        {"GlobalAveragePooling1D", "Pooling", "average over the whole sequence axis", {}},
        {"Dense",
         "Core",
         "fully connected layer on the last axis",
         {{"units", ArgKind::Int, "null", "output size"}, kActivation, kUseBias}},
        {"Flatten", "Core", "flattens all but the batch axis", {}},
        {"Dropout",
         "Core",
         "randomly zeroes a fraction of inputs while training",
         {{"rate", ArgKind::Float, "0.5", "fraction dropped"}}},
        {"BatchNormalization",
         "Core",
         "normalises the channels (last axis) over the batch",
         {{"momentum", ArgKind::Float, "0.99", "moving-average momentum"},
          {"epsilon", ArgKind::Float, "0.001", "added to the variance"}}},
        {"Activation", "Core", "an activation on its own", {kActivation}},
        {"Reshape",
         "Core",
         "reshapes all but the batch axis; one -1 is inferred",
         {{"target_shape", ArgKind::Shape, "null", "new shape without the batch axis"}}},
        {"GRU",
         "Recurrent",
         "gated recurrent unit over the sequence axis",
         {{"units", ArgKind::Int, "null", "size of the hidden state"},
          {"return_sequences", ArgKind::Bool, "false", "output every step, not only the last"},
          {"bidirectional", ArgKind::Bool, "false", "run both directions and concatenate"}}},
        {"Concatenate",
         "Merge",
         "joins its inputs along an axis",
         {{"axis", ArgKind::Int, "-1",
           "axis, counting the batch axis as Keras does (1: the first after it, -1: the last)"}},
         2,
         -1},
    };
}

} // namespace

const std::vector<LayerType>& catalog()
{
    static const std::vector<LayerType> table = makeCatalog();
    return table;
}

const LayerType* find(const std::string& name)
{
    for (const auto& t : catalog())
        if (name == t.name)
            return &t;
    return nullptr;
}

const std::vector<const char*>& activations()
{
    return kActivation.choices;
}

int axisWithoutBatch(std::int64_t axis, std::size_t rank)
{
    const auto r = static_cast<std::int64_t>(rank);
    const std::int64_t i = axis < 0 ? axis + r : axis - 1;
    return axis == 0 || i < 0 || i >= r ? -1 : static_cast<int>(i);
}

nlohmann::json argument(const LayerType& type, const nlohmann::json& args, const char* name)
{
    if (args.contains(name) && !args.at(name).is_null())
        return args.at(name);
    for (const auto& a : type.arguments)
        if (std::strcmp(a.name, name) == 0)
            return nlohmann::json::parse(a.defaultJson);
    return nullptr;
}

} // namespace kdna::layers
