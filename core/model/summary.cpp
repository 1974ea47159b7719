#include "core/model/summary.h"

#include "core/model/layer_registry.h"
#include "core/util/shape.h"
#include "core/util/text.h"

#include <algorithm>
#include <cstdint>
#include <iomanip>
#include <map>
#include <numeric>
#include <sstream>

namespace kdna {
namespace {

using layers::withNone;

/// One layer's row: its registry entry's inference on the shapes of its inputs.
LayerSummary infer(const LayerSpec& l, const layers::LayerType& type,
                   const std::vector<Shape>& inputs)
{
    const layers::Args args(type, l.args);
    const Shape none;
    const layers::Inferred out =
        type.infer({type, args, inputs, inputs.empty() ? none : inputs.front()});
    return {l.name,     l.type,
            l.inputs,   out.outputShape,
            out.params, out.trainableParams < 0 ? out.params : out.trainableParams};
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
            LayerSummary s = infer(l, *t, inShapes);
            shapes[l.name] = s.outputShape;
            summary.totalParams += s.params;
            summary.trainableParams += s.trainableParams;
            if (l.type == "Input")
                summary.inputShapes.push_back(s.outputShape);
            summary.layers.push_back(std::move(s));
        } catch (const layers::ShapeError& e) {
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
    // Keras' column widths, widened to the longest entry: a long name and type such as
    // "conv2dtranspose (Conv2DTranspose)" would otherwise push its row's columns along.
    std::size_t nameWidth = 32, shapeWidth = 26, paramWidth = 12;
    for (const auto& l : layers) {
        nameWidth = std::max(nameWidth, l.name.size() + l.type.size() + 5); // " a (b)" + space
        shapeWidth = std::max(shapeWidth, withNone(l.outputShape).size() + 1);
        paramWidth = std::max(paramWidth, text::withThousands(l.params).size() + 1);
    }
    const auto w = [](std::size_t n) {
        return std::setw(static_cast<int>(n));
    };
    const std::size_t connected = 12; // "Connected to"
    const std::size_t width =
        std::max<std::size_t>(78, nameWidth + shapeWidth + paramWidth + connected);
    std::ostringstream out;
    const std::string rule(width, '_');
    const std::string thick(width, '=');
    out << "Model: \"" << modelName << "\"\n" << rule << '\n';
    out << std::left << w(nameWidth) << " Layer (type)" << w(shapeWidth) << "Output Shape"
        << w(paramWidth) << "Param #"
        << "Connected to\n"
        << thick << '\n';
    for (std::size_t i = 0; i < layers.size(); ++i) {
        const auto& l = layers[i];
        out << std::left << w(nameWidth) << (" " + l.name + " (" + l.type + ")") << w(shapeWidth)
            << withNone(l.outputShape) << w(paramWidth) << text::withThousands(l.params)
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

namespace {

/// What to change when output `i` differs from its targets: output_shape, for the labels.
std::string labelHint(std::size_t i, const std::optional<Shape>& fit)
{
    if (i != 0)
        return {};
    if (fit)
        return " (predict_label_shape; output_shape " + text::tuple(*fit) + " makes them match)";
    return " (predict_label_shape; set output_shape to match)";
}

} // namespace

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
                          labelHint(i, outputShapeToFit(spec, summary, data)));
    return out;
}

std::optional<Shape> outputShapeToFit(const ModelSpec& spec, const ModelSummary& summary,
                                      const DataShapes& data)
{
    if (spec.outputNames().size() != 1 || data.targets.size() != 1 ||
        summary.outputShapes.size() != 1)
        return std::nullopt;
    const Shape& out = summary.outputShapes.front();
    const Shape& labels = data.targets.front();
    if (out == labels || out.empty() || elementCount(out) != elementCount(labels))
        return std::nullopt;
    Shape fit{data.batchSize};
    fit.insert(fit.end(), out.begin(), out.end());
    return fit;
}

} // namespace kdna
