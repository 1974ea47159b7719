#include "core/model/summary.h"

#include "core/model/layer_catalog.h"
#include "core/util/text.h"

#include <cstdint>
#include <iomanip>
#include <map>
#include <numeric>
#include <sstream>

namespace kdna {
namespace {

struct ShapeError {
    std::string message;
};

std::int64_t integer(const layers::LayerType& t, const nlohmann::json& args, const char* name)
{
    const auto v = layers::argument(t, args, name);
    return v.is_number_integer() ? v.get<std::int64_t>() : 0;
}

/// A 2D argument: [a, b], or one number for both.
std::pair<std::int64_t, std::int64_t> pair(const layers::LayerType& t, const nlohmann::json& args,
                                           const char* name,
                                           std::pair<std::int64_t, std::int64_t> fallback)
{
    const auto v = layers::argument(t, args, name);
    if (v.is_number_integer())
        return {v.get<std::int64_t>(), v.get<std::int64_t>()};
    if (v.is_array() && v.size() == 2 && v[0].is_number_integer() && v[1].is_number_integer())
        return {v[0].get<std::int64_t>(), v[1].get<std::int64_t>()};
    return fallback;
}

bool same(const layers::LayerType& t, const nlohmann::json& args)
{
    return layers::argument(t, args, "padding") == "same";
}

std::int64_t convLength(std::int64_t in, std::int64_t k, std::int64_t stride, std::int64_t dilation,
                        bool samePadding)
{
    // A size, step or dilation of 0 (or less) has no output length (and would divide by 0).
    for (const auto& [name, v] :
         {std::pair<const char*, std::int64_t>{"the kernel or pool size", k},
          {"strides", stride},
          {"dilation_rate", dilation}})
        if (v < 1)
            throw ShapeError{std::string(name) + " must be at least 1, not " + std::to_string(v)};
    if (in <= 0)
        return 0;
    if (samePadding)
        return (in - 1) / stride + 1;
    // The kernel's reach minus one; one past the input (or past int64) leaves no position.
    std::int64_t reach = 0;
    if (__builtin_mul_overflow(dilation, k - 1, &reach) || reach >= in)
        return 0;
    return (in - reach - 1) / stride + 1;
}

void needPositive(const char* name, std::int64_t v)
{
    if (v < 1)
        throw ShapeError{std::string(name) + " must be at least 1, not " + std::to_string(v)};
}

void needRank(const std::string& type, const Shape& in, std::size_t rank, const char* form)
{
    if (in.size() != rank)
        throw ShapeError{type + " needs a " + form + " input, but gets " + text::tuple(in)};
}

void positive(const std::string& type, const Shape& out, const Shape& in, const std::string& why)
{
    for (auto d : out)
        if (d <= 0)
            throw ShapeError{type + " would output " + text::tuple(out) + " from " +
                             text::tuple(in) + ": " + why};
}

std::string withNone(const Shape& s)
{
    std::string out = "(None";
    for (auto d : s)
        out += ", " + std::to_string(d);
    return out + ")";
}

LayerSummary infer(const LayerSpec& l, const std::vector<Shape>& inputs)
{
    const layers::LayerType& t = *layers::find(l.type);
    const nlohmann::json& a = l.args;
    LayerSummary s{l.name, l.type, l.inputs, {}, 0, 0};
    const std::string type = l.type;
    const Shape in = inputs.empty() ? Shape{} : inputs.front();
    const bool bias = layers::argument(t, a, "use_bias") != false;

    if (type == "Input") {
        const auto v = layers::argument(t, a, "shape");
        for (const auto& d : v)
            s.outputShape.push_back(d.get<std::int64_t>());
        positive(type, s.outputShape, s.outputShape, "every dimension must be positive");
    } else if (type == "Conv1D") {
        needRank(type, in, 2, "(length, channels)");
        const std::int64_t k = integer(t, a, "kernel_size"), f = integer(t, a, "filters");
        needPositive("filters", f);
        const std::int64_t len = convLength(in[0], k, integer(t, a, "strides"),
                                            integer(t, a, "dilation_rate"), same(t, a));
        s.outputShape = {len, f};
        positive(type, s.outputShape, in, "the input is shorter than the kernel");
        s.params = k * in[1] * f + (bias ? f : 0);
    } else if (type == "Conv2D" || type == "Conv2DTranspose") {
        needRank(type, in, 3, "(height, width, channels)");
        const auto [kh, kw] = pair(t, a, "kernel_size", {1, 1});
        const auto [sh, sw] = pair(t, a, "strides", {1, 1});
        const std::int64_t f = integer(t, a, "filters");
        needPositive("filters", f);
        if (type == "Conv2D") {
            s.outputShape = {convLength(in[0], kh, sh, 1, same(t, a)),
                             convLength(in[1], kw, sw, 1, same(t, a)), f};
        } else if (same(t, a)) {
            s.outputShape = {in[0] * sh, in[1] * sw, f};
        } else {
            s.outputShape = {(in[0] - 1) * sh + kh, (in[1] - 1) * sw + kw, f};
        }
        positive(type, s.outputShape, in, "the input is smaller than the kernel");
        s.params = kh * kw * in[2] * f + (bias ? f : 0);
    } else if (type == "MaxPooling1D" || type == "AveragePooling1D") {
        needRank(type, in, 2, "(length, channels)");
        const std::int64_t p = integer(t, a, "pool_size");
        const auto strideJson = layers::argument(t, a, "strides");
        const std::int64_t stride =
            strideJson.is_number_integer() ? strideJson.get<std::int64_t>() : p;
        s.outputShape = {convLength(in[0], p, stride, 1, same(t, a)), in[1]};
        positive(type, s.outputShape, in, "the input is shorter than the pool");
    } else if (type == "MaxPooling2D") {
        needRank(type, in, 3, "(height, width, channels)");
        const auto pool = pair(t, a, "pool_size", {2, 2});
        const auto stride = pair(t, a, "strides", pool);
        s.outputShape = {convLength(in[0], pool.first, stride.first, 1, same(t, a)),
                         convLength(in[1], pool.second, stride.second, 1, same(t, a)), in[2]};
        positive(type, s.outputShape, in, "the input is smaller than the pool");
    } else if (type == "GlobalMaxPooling1D" || type == "GlobalAveragePooling1D") {
        needRank(type, in, 2, "(length, channels)");
        s.outputShape = {in[1]};
    } else if (type == "Dense") {
        if (in.empty())
            throw ShapeError{"Dense needs an input"};
        const std::int64_t units = integer(t, a, "units");
        needPositive("units", units);
        s.outputShape = in;
        s.outputShape.back() = units;
        positive(type, s.outputShape, in, "units must be positive");
        s.params = in.back() * units + (bias ? units : 0);
    } else if (type == "Flatten") {
        s.outputShape = {elementCount(in)};
    } else if (type == "Dropout" || type == "Activation") {
        s.outputShape = in;
    } else if (type == "BatchNormalization") {
        if (in.empty())
            throw ShapeError{"BatchNormalization needs an input"};
        s.outputShape = in;
        s.params = 4 * in.back();
        s.trainableParams = 2 * in.back();
        return s;
    } else if (type == "Reshape") {
        Shape target;
        for (const auto& d : layers::argument(t, a, "target_shape"))
            target.push_back(d.get<std::int64_t>());
        const std::int64_t total = elementCount(in);
        std::int64_t known = 1;
        int unknown = -1;
        for (std::size_t i = 0; i < target.size(); ++i) {
            if (target[i] == -1) {
                if (unknown >= 0)
                    throw ShapeError{"Reshape: only one -1 is allowed in target_shape"};
                unknown = static_cast<int>(i);
            } else {
                known *= target[i];
            }
        }
        if (unknown >= 0 && known > 0 && total % known == 0)
            target[static_cast<std::size_t>(unknown)] = total / known;
        if (elementCount(target) != total)
            throw ShapeError{"Reshape cannot turn " + text::tuple(in) + " (" +
                             text::withThousands(total) + " values) into " + text::tuple(target)};
        s.outputShape = target;
    } else if (type == "GRU") {
        needRank(type, in, 2, "(length, features)");
        const std::int64_t units = integer(t, a, "units");
        needPositive("units", units);
        const std::int64_t directions = layers::argument(t, a, "bidirectional") == true ? 2 : 1;
        s.params = directions * 3 * units * (in[1] + units + 2);
        s.outputShape = layers::argument(t, a, "return_sequences") == true
                            ? Shape{in[0], units * directions}
                            : Shape{units * directions};
    } else if (type == "Concatenate") {
        const std::int64_t asked = integer(t, a, "axis");
        const int axis = layers::axisWithoutBatch(asked, in.size());
        if (asked == 0)
            throw ShapeError{"Concatenate: axis 0 is the batch axis (Keras counts it: axis 1 is "
                             "the first axis after it, -1 the last)"};
        if (axis < 0)
            throw ShapeError{"Concatenate: axis " + std::to_string(asked) +
                             " is outside inputs of shape " + withNone(in) +
                             " (Keras counts the batch axis: 1 to " + std::to_string(in.size()) +
                             ", or -1 for the last)"};
        s.outputShape = in;
        s.outputShape[static_cast<std::size_t>(axis)] = 0;
        for (const Shape& other : inputs) {
            bool fits = other.size() == in.size();
            for (std::size_t d = 0; fits && d < in.size(); ++d)
                fits = static_cast<int>(d) == axis || other[d] == in[d];
            if (!fits) {
                std::vector<std::string> shapes;
                for (const auto& i : inputs)
                    shapes.push_back(text::tuple(i));
                throw ShapeError{"Concatenate on axis " + std::to_string(asked) +
                                 " needs inputs equal on every other axis, but gets " +
                                 text::join(shapes, " and ")};
            }
            s.outputShape[static_cast<std::size_t>(axis)] += other[static_cast<std::size_t>(axis)];
        }
    }
    s.trainableParams = s.params;
    return s;
}

} // namespace

ModelSummary summarize(const ModelSpec& input)
{
    ModelSpec spec = input;
    spec.normalize();
    ModelSummary summary;
    std::map<std::string, Shape> shapes;
    for (std::size_t i = 0; i < spec.layers.size(); ++i) {
        const LayerSpec& l = spec.layers[i];
        auto fail = [&](const std::string& message) {
            summary.error = "layer '" + l.name + "' (" + l.type + "): " + message;
            summary.errorLayer = static_cast<int>(i);
        };
        const layers::LayerType* t = layers::find(l.type);
        if (!t) {
            fail("kdna does not build this layer type");
            return summary;
        }
        const auto count = static_cast<int>(l.inputs.size());
        if (l.type != "Input" &&
            (count < t->minInputs || (t->maxInputs >= 0 && count > t->maxInputs))) {
            fail(count == 0
                     ? "it has no input"
                     : "it takes " +
                           std::string(t->maxInputs < 0 ? "two or more inputs" : "one input") +
                           ", not " + std::to_string(count));
            return summary;
        }
        std::vector<Shape> inShapes;
        for (const auto& name : l.inputs) {
            const auto it = shapes.find(name);
            if (it == shapes.end()) {
                fail("its input '" + name + "' is not a layer above it");
                return summary;
            }
            inShapes.push_back(it->second);
        }
        try {
            LayerSummary s = infer(l, inShapes);
            shapes[l.name] = s.outputShape;
            summary.totalParams += s.params;
            summary.trainableParams += s.trainableParams;
            if (l.type == "Input")
                summary.inputShapes.push_back(s.outputShape);
            summary.layers.push_back(std::move(s));
        } catch (const ShapeError& e) {
            fail(e.message);
            return summary;
        }
    }
    if (spec.inputNames().empty()) {
        summary.error = "the model has no Input layer: start it with one ({\"type\": \"Input\", "
                        "\"shape\": [2001, 4]}), or give the first layer input_shape as in "
                        "Keras' Sequential";
        summary.errorLayer = 0;
        return summary;
    }
    for (const auto& name : spec.outputNames()) {
        const auto it = shapes.find(name);
        if (it == shapes.end()) {
            summary.error = "output '" + name + "' is not a layer of the model";
            return summary;
        }
        summary.outputShapes.push_back(it->second);
    }
    return summary;
}

std::string ModelSummary::toText(const std::string& modelName) const
{
    std::ostringstream out;
    const std::string rule(78, '_');
    const std::string thick(78, '=');
    out << "Model: \"" << modelName << "\"\n" << rule << '\n';
    out << std::left << std::setw(32) << " Layer (type)" << std::setw(26) << "Output Shape"
        << std::setw(12) << "Param #"
        << "Connected to\n"
        << thick << '\n';
    for (std::size_t i = 0; i < layers.size(); ++i) {
        const auto& l = layers[i];
        out << std::left << std::setw(32) << (" " + l.name + " (" + l.type + ")") << std::setw(26)
            << withNone(l.outputShape) << std::setw(12) << text::withThousands(l.params)
            << (l.inputs.size() > 1 ||
                        (l.inputs.size() == 1 && i > 0 && l.inputs[0] != layers[i - 1].name)
                    ? text::join(l.inputs, ", ")
                    : std::string())
            << '\n';
    }
    out << thick << '\n'
        << "Total params: " << text::withThousands(totalParams) << '\n'
        << "Trainable params: " << text::withThousands(trainableParams) << '\n'
        << "Non-trainable params: " << text::withThousands(totalParams - trainableParams) << '\n'
        << rule << '\n';
    if (!ok())
        out << "error: " << error << '\n';
    return out.str();
}

std::vector<std::string> architectureDifferences(const ModelSpec& saved, const ModelSpec& wanted)
{
    const ModelSummary a = summarize(saved), b = summarize(wanted);
    if (!a.ok())
        return {"the saved model does not build: " + a.error};
    if (!b.ok())
        return {"the project's model does not build: " + b.error};
    std::vector<std::string> out;
    const auto shapes = [](const std::vector<Shape>& list) {
        std::vector<std::string> parts;
        for (const auto& s : list)
            parts.push_back(text::tuple(s));
        return text::join(parts, ", ");
    };
    if (a.inputShapes != b.inputShapes)
        out.push_back("the saved model takes " + shapes(a.inputShapes) + ", the project's " +
                      shapes(b.inputShapes));
    if (a.layers.size() != b.layers.size())
        out.push_back("the saved model has " + std::to_string(a.layers.size()) +
                      " layers, the project's " + std::to_string(b.layers.size()));
    for (std::size_t i = 0; i < std::min(a.layers.size(), b.layers.size()); ++i) {
        const LayerSummary &x = a.layers[i], &y = b.layers[i];
        const std::string where = "layer " + std::to_string(i + 1) + " ";
        if (x.type != y.type)
            out.push_back(where + "is " + x.type + " in the saved model but " + y.type +
                          " in the project's");
        else if (x.params != y.params || x.outputShape != y.outputShape)
            out.push_back(where + "'" + y.name + "' (" + y.type + ") has " +
                          text::withThousands(x.params) + " weights giving " +
                          withNone(x.outputShape) + " in the saved model but " +
                          text::withThousands(y.params) + " giving " + withNone(y.outputShape) +
                          " in the project's");
    }
    return out;
}

std::vector<std::string> checkAgainstData(const ModelSpec& spec, const ModelSummary& summary,
                                          const DataShapes& data)
{
    std::vector<std::string> out;
    const auto inputs = spec.inputNames();
    const auto outputs = spec.outputNames();
    if (inputs.size() != data.inputs.size())
        out.push_back("the model has " + std::to_string(inputs.size()) +
                      " input(s) but the data gives " + std::to_string(data.inputs.size()) +
                      (data.inputs.size() > 1 ? " (the sequence and the secondary input)"
                                              : " (the sequence)"));
    if (outputs.size() != data.targets.size())
        out.push_back("the model has " + std::to_string(outputs.size()) +
                      " output(s) but the data gives " + std::to_string(data.targets.size()) +
                      " target(s)");
    for (std::size_t i = 0;
         i < std::min(inputs.size(), data.inputs.size()) && i < summary.inputShapes.size(); ++i)
        if (summary.inputShapes[i] != data.inputs[i])
            out.push_back("input layer '" + inputs[i] + "' takes " +
                          text::tuple(summary.inputShapes[i]) + " but the data gives " +
                          text::tuple(data.inputs[i]) +
                          (i == 0 ? " (predict_input_shape)" : " (predict_sec_input_shape)"));
    for (std::size_t i = 0;
         i < std::min(outputs.size(), data.targets.size()) && i < summary.outputShapes.size(); ++i)
        if (summary.outputShapes[i] != data.targets[i])
            out.push_back("output layer '" + outputs[i] + "' gives " +
                          text::tuple(summary.outputShapes[i]) + " but the targets are " +
                          text::tuple(data.targets[i]) +
                          (i == 0 ? " (predict_label_shape; set output_shape to match)" : ""));
    return out;
}

} // namespace kdna
