#include "core/model/layer_registry.h"
#include "core/model/layers/torch_layers.h"
#include "core/model/model_tensors.h"
#include "core/model/summary.h"
#include "core/model/templates.h"
#include "core/model/torch_model.h"
#include "core/train/settings.h"
#include "core/util/error.h"
#include "core/util/text.h"
#include "support/fixtures.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <set>

#include <QTest>

#include <nlohmann/json.hpp>

using namespace kdna;
using nlohmann::json;

namespace {

ModelSpec stack(std::vector<json> layers)
{
    json j = {{"name", "m"}, {"layers", layers}};
    return ModelSpec::fromJson(j);
}

/// The torch output shape of every layer, batch axis dropped.
std::vector<Shape> torchShapes(const ModelSpec& spec)
{
    Model model(spec, 3);
    model.impl().module->eval();
    std::vector<torch::Tensor> inputs;
    for (const auto& s : model.summary().inputShapes) {
        std::vector<std::int64_t> dims = {2};
        dims.insert(dims.end(), s.begin(), s.end());
        inputs.push_back(torch::rand(dims));
    }
    std::vector<Shape> out;
    for (const auto& t : model.impl().module->forwardAll(inputs)) {
        Shape s(t.sizes().begin() + 1, t.sizes().end());
        out.push_back(s);
    }
    return out;
}

void compareWithTorch(const ModelSpec& spec)
{
    const ModelSummary summary = summarize(spec);
    QVERIFY2(summary.ok(), summary.error.c_str());
    const auto shapes = torchShapes(spec);
    QCOMPARE(shapes.size(), summary.layers.size());
    for (std::size_t i = 0; i < shapes.size(); ++i)
        QVERIFY2(shapes[i] == summary.layers[i].outputShape,
                 (summary.layers[i].name + ": torch " + text::tuple(shapes[i]) + " vs " +
                  text::tuple(summary.layers[i].outputShape))
                     .c_str());
    // Parameter counts too (BatchNormalization's moving statistics are buffers in torch).
    Model model(spec);
    std::int64_t torchParams = 0;
    for (const auto& p : model.impl().module->parameters())
        torchParams += p.numel();
    QCOMPARE(torchParams, summary.trainableParams);
    // The registry's tensors are the module's parameters and buffers, by name and shape.
    std::map<std::string, Shape> expected;
    for (const auto& t : modelTensors(spec))
        expected[t.name] = t.shape;
    std::map<std::string, Shape> held;
    for (const auto& p : model.impl().module->named_parameters())
        held[p.key()] = Shape(p.value().sizes().begin(), p.value().sizes().end());
    for (const auto& b : model.impl().module->named_buffers())
        held[b.key()] = Shape(b.value().sizes().begin(), b.value().sizes().end());
    QVERIFY(held == expected);
}

} // namespace

class TestModel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void tutorialCnnSummaryIsKeras()
    {
        const ModelSummary s = summarize(templates::tutorialCnn(2001));
        QVERIFY2(s.ok(), s.error.c_str());
        const std::vector<Shape> expected = {{2001, 4}, {1999, 16}, {999, 16}, {990, 32}, {495, 32},
                                             {476, 64}, {238, 64},  {15232},   {1}};
        const std::vector<std::int64_t> params = {0, 208, 0, 5152, 0, 41024, 0, 0, 15233};
        QCOMPARE(s.layers.size(), expected.size());
        for (std::size_t i = 0; i < expected.size(); ++i) {
            QCOMPARE(s.layers[i].outputShape, expected[i]);
            QCOMPARE(s.layers[i].params, params[i]);
        }
        QCOMPARE(s.totalParams, 61617);
        QCOMPARE(s.layers[1].name, std::string("conv1d"));
        QCOMPARE(s.layers[3].name, std::string("conv1d_1"));
        QCOMPARE(s.layers[2].name, std::string("max_pooling1d"));
        const std::string table = s.toText("cnn");
        QVERIFY2(table.find("conv1d (Conv1D)") != std::string::npos, table.c_str());
        QVERIFY2(table.find("(None, 1999, 16)") != std::string::npos, table.c_str());
        QVERIFY2(table.find("Total params: 61,617") != std::string::npos, table.c_str());
        compareWithTorch(templates::tutorialCnn(2001));
    }

    void everyLayerShapeMatchesKerasAndTorch()
    {
        // Hand-computed Keras shapes for each layer type.
        auto one = [](json layer, Shape input, Shape expected, std::int64_t params) {
            const ModelSpec spec = stack({{{"type", "Input"}, {"shape", input}}, layer});
            const ModelSummary s = summarize(spec);
            QVERIFY2(s.ok(), s.error.c_str());
            QVERIFY2(s.layers.back().outputShape == expected,
                     (layer.dump() + " gives " + text::tuple(s.layers.back().outputShape)).c_str());
            QCOMPARE(s.layers.back().params, params);
            compareWithTorch(spec);
        };
        one({{"type", "Conv1D"}, {"filters", 8}, {"kernel_size", 5}}, {100, 4}, {96, 8},
            5 * 4 * 8 + 8);
        one({{"type", "Conv1D"}, {"filters", 8}, {"kernel_size", 5}, {"padding", "same"}}, {100, 4},
            {100, 8}, 168);
        one({{"type", "Conv1D"},
             {"filters", 8},
             {"kernel_size", 5},
             {"strides", 3},
             {"padding", "same"}},
            {100, 4}, {34, 8}, 168);
        one({{"type", "Conv1D"}, {"filters", 2}, {"kernel_size", 3}, {"dilation_rate", 4}}, {50, 4},
            {42, 2}, 26);
        one({{"type", "Conv1D"}, {"filters", 2}, {"kernel_size", 3}, {"use_bias", false}}, {50, 4},
            {48, 2}, 24);
        one({{"type", "MaxPooling1D"}, {"pool_size", 3}}, {100, 4}, {33, 4}, 0);
        one({{"type", "MaxPooling1D"}, {"pool_size", 3}, {"padding", "same"}}, {100, 4}, {34, 4},
            0);
        one({{"type", "AveragePooling1D"}, {"pool_size", 4}, {"strides", 2}}, {100, 4}, {49, 4}, 0);
        one({{"type", "AveragePooling1D"}, {"pool_size", 3}, {"padding", "same"}}, {100, 4},
            {34, 4}, 0);
        one({{"type", "GlobalMaxPooling1D"}}, {100, 4}, {4}, 0);
        one({{"type", "GlobalAveragePooling1D"}}, {100, 4}, {4}, 0);
        one({{"type", "Dense"}, {"units", 7}}, {100, 4}, {100, 7}, 35);
        one({{"type", "Dense"}, {"units", 7}, {"activation", "softmax"}}, {12}, {7}, 91);
        one({{"type", "Flatten"}}, {10, 4, 2}, {80}, 0);
        one({{"type", "Dropout"}, {"rate", 0.3}}, {10, 4}, {10, 4}, 0);
        one({{"type", "Activation"}, {"activation", "tanh"}}, {10, 4}, {10, 4}, 0);
        one({{"type", "Reshape"}, {"target_shape", {5, -1}}}, {10, 4}, {5, 8}, 0);
        one({{"type", "Conv2D"}, {"filters", 6}, {"kernel_size", {3, 1}}, {"padding", "same"}},
            {416, 4, 1}, {416, 4, 6}, 3 * 1 * 1 * 6 + 6);
        one({{"type", "Conv2D"}, {"filters", 1}, {"kernel_size", {1, 4}}}, {416, 4, 16},
            {416, 1, 1}, 65);
        one({{"type", "MaxPooling2D"}, {"pool_size", {2, 1}}, {"padding", "same"}}, {417, 4, 3},
            {209, 4, 3}, 0);
        one({{"type", "Conv2DTranspose"},
             {"filters", 5},
             {"kernel_size", {20, 1}},
             {"strides", {2, 1}},
             {"padding", "same"}},
            {52, 4, 8}, {104, 4, 5}, 20 * 1 * 8 * 5 + 5);
        one({{"type", "Conv2DTranspose"},
             {"filters", 5},
             {"kernel_size", {3, 1}},
             {"strides", {2, 1}}},
            {10, 4, 8}, {21, 4, 5}, 3 * 8 * 5 + 5);
        one({{"type", "GRU"}, {"units", 6}}, {30, 4}, {6}, 3 * 6 * (4 + 6 + 2));
        one({{"type", "GRU"}, {"units", 6}, {"return_sequences", true}, {"bidirectional", true}},
            {30, 4}, {30, 12}, 2 * 3 * 6 * (4 + 6 + 2));
        one({{"type", "BatchNormalization"}}, {30, 4}, {30, 4}, 16);
    }

    /// The table's columns line up however long a layer's name and type: "conv2dtranspose
    /// (Conv2DTranspose)" is wider than the first column's 32 characters.
    void summaryColumnsLineUp()
    {
        const ModelSpec spec = stack({{{"type", "Input"}, {"shape", {52, 4, 8}}},
                                      {{"type", "Conv2DTranspose"},
                                       {"filters", 5},
                                       {"kernel_size", {20, 1}},
                                       {"strides", {2, 1}},
                                       {"padding", "same"}},
                                      {{"type", "Flatten"}},
                                      {{"type", "Dense"}, {"units", 1}}});
        const std::string table = summarize(spec).toText("m");
        std::vector<std::string> lines;
        for (const auto part : text::split(table, '\n'))
            lines.emplace_back(part);
        const auto header = std::find_if(lines.begin(), lines.end(), [](const std::string& l) {
            return text::startsWith(l, " Layer (type)");
        });
        QVERIFY2(header != lines.end(), table.c_str());
        const std::size_t shapeColumn = header->find("Output Shape");
        const std::size_t paramColumn = header->find("Param #");
        int rows = 0;
        for (const auto& line : lines) {
            if (line.find("(None") == std::string::npos)
                continue;
            ++rows;
            QVERIFY2(line.find("(None") == shapeColumn && line[shapeColumn - 1] == ' ',
                     table.c_str());
            QVERIFY2(std::isdigit(static_cast<unsigned char>(line[paramColumn])) &&
                         line[paramColumn - 1] == ' ',
                     table.c_str());
        }
        QCOMPARE(rows, 4);
        QVERIFY2(table.find(" (Conv2DTranspose)(None") == std::string::npos, table.c_str());
    }

    /// Each layer type is declared once in the registry (torch-free) and built by the torch
    /// builder registered under its name: none without the other.
    void everyRegisteredLayerHasATorchBuilder()
    {
        for (const auto& t : layers::registry()) {
            QVERIFY2(nn::torchLayers().count(t.name) == 1, t.name);
            QVERIFY2(t.infer != nullptr, t.name);
            for (const auto& a : t.arguments)
                QVERIFY2(!a.required() || a.firstValue,
                         (std::string(t.name) + "." + a.name + ": the palette needs a first value")
                             .c_str());
        }
        for (const auto& [name, builder] : nn::torchLayers()) {
            QVERIFY2(layers::find(name) != nullptr, name.c_str());
            QVERIFY2(builder.build != nullptr, name.c_str());
        }
    }

    /// Keras' other names for a layer (MaxPool1D, Convolution1D, ...) read as the layer.
    void kerasLayerAliasesAreAccepted()
    {
        const ModelSpec m = stack({{{"type", "Input"}, {"shape", {100, 4}}},
                                   {{"type", "Convolution1D"}, {"filters", 2}, {"kernel_size", 3}},
                                   {{"type", "MaxPool1D"}, {"pool_size", 2}},
                                   {{"type", "GlobalAvgPool1D"}}});
        QCOMPARE(m.layers[1].type, std::string("Conv1D"));
        QCOMPARE(m.layers[2].type, std::string("MaxPooling1D"));
        QCOMPARE(m.layers[3].type, std::string("GlobalAveragePooling1D"));
        QCOMPARE(m.layers[2].name, std::string("max_pooling1d"));
        QCOMPARE(summarize(m).outputShapes.front(), (Shape{2}));
        // No alias is another layer's name, and no two layers share one.
        std::set<std::string> names;
        for (const auto& t : layers::registry()) {
            QVERIFY2(names.insert(t.name).second, t.name);
            for (const char* alias : t.aliases)
                QVERIFY2(names.insert(alias).second, alias);
        }
    }

    void tutorialTemplatesBuild()
    {
        for (const auto& t : templates::all()) {
            const ModelSpec spec = templates::byId(t.id);
            const ModelSummary s = summarize(spec);
            QVERIFY2(s.ok(), (std::string(t.id) + ": " + s.error).c_str());
            compareWithTorch(spec);
        }
        const auto seq = summarize(templates::seq2seq(416));
        QCOMPARE(seq.outputShapes.front(), (Shape{416, 1}));
        const auto translator = summarize(templates::experimentTranslator());
        QCOMPARE(translator.inputShapes.size(), std::size_t(2));
        QCOMPARE(translator.outputShapes.front(), (Shape{100}));
        const auto two = summarize(templates::classificationAndRegression());
        QCOMPARE(two.outputShapes, (std::vector<Shape>{{1}, {404}}));
    }

    void mismatchNamesTheLayerAndShapes()
    {
        // Too short for the kernels.
        auto s = summarize(templates::tutorialCnn(60));
        QVERIFY(!s.ok());
        QVERIFY2(s.error.find("layer 'conv1d_2' (Conv1D)") != std::string::npos, s.error.c_str());
        QVERIFY2(s.error.find("from (10, 32)") != std::string::npos, s.error.c_str());
        QCOMPARE(s.errorLayer, 5);
        // A 2D layer on 1D data.
        s = summarize(stack({{{"type", "Input"}, {"shape", {100, 4}}},
                             {{"type", "Conv2D"}, {"filters", 2}, {"kernel_size", {3, 3}}}}));
        QVERIFY2(s.error.find("needs a (height, width, channels) input, but gets (100, 4)") !=
                     std::string::npos,
                 s.error.c_str());
        // The model against the generator's shapes.
        const ModelSpec cnn = templates::tutorialCnn(2001);
        const auto problems = checkAgainstData(cnn, summarize(cnn), {{{2001, 4}}, {{1, 1}}});
        QCOMPARE(problems.size(), std::size_t(1));
        QVERIFY2(problems[0].find("output layer 'dense' gives (1,) but the targets are (1, 1)") !=
                     std::string::npos,
                 problems[0].c_str());
        // Only output_shape stands between them: the sentence says which one, and the studio's
        // one-click fix sets it.
        QVERIFY2(problems[0].find("output_shape (64, 1) makes them match") != std::string::npos,
                 problems[0].c_str());
        QCOMPARE(outputShapeToFit(cnn, summarize(cnn), {{{2001, 4}}, {{1, 1}}}),
                 std::optional<Shape>(Shape{64, 1}));
        QCOMPARE(outputShapeToFit(cnn, summarize(cnn), {{{2001, 4}}, {{1, 1}}, 32}),
                 std::optional<Shape>(Shape{32, 1}));
        QVERIFY(!outputShapeToFit(cnn, summarize(cnn), {{{2001, 4}}, {{2, 1}}})); // 2 values
        QVERIFY(!outputShapeToFit(cnn, summarize(cnn), {{{2001, 4}}, {{1}}}));    // fits
        QVERIFY(!outputShapeToFit(cnn, summarize(cnn), {{{2001, 4}}, {{1, 1}, {1, 1}}}));
        QVERIFY(checkAgainstData(cnn, summarize(cnn), {{{2001, 4}}, {{1}}}).empty());
        QVERIFY(!checkAgainstData(cnn, summarize(cnn), {{{1001, 4}}, {{1}}}).empty());
        bool threw = false;
        try {
            Model m(templates::tutorialCnn(60));
        } catch (const Error& e) {
            threw = std::string(e.what()).find("conv1d_2") != std::string::npos;
        }
        QVERIFY(threw);
    }

    /// Keras counts the batch axis: Concatenate(axis=1) on (None, 100, 1) twice is
    /// (None, 200, 1); -1 and 2 are the channels; 0 is the batch axis.
    void axesCountTheBatchAxisAsKeras()
    {
        const auto joined = [](const json& axis) {
            return stack({{{"type", "Input"}, {"shape", {100, 1}}, {"name", "a"}},
                          {{"type", "Input"}, {"shape", {100, 1}}, {"name", "b"}},
                          {{"type", "Concatenate"}, {"inputs", {"a", "b"}}, {"axis", axis}}});
        };
        const auto outputOf = [](const ModelSpec& m) {
            const ModelSummary s = summarize(m);
            return s.ok() ? s.outputShapes.front() : Shape{};
        };
        QCOMPARE(outputOf(joined(1)), (Shape{200, 1}));
        QCOMPARE(outputOf(joined(2)), (Shape{100, 2}));
        QCOMPARE(outputOf(joined(-1)), (Shape{100, 2}));
        QCOMPARE(outputOf(joined(-2)), (Shape{200, 1}));
        compareWithTorch(joined(1));
        compareWithTorch(joined(2));
        const std::string batch = summarize(joined(0)).error;
        QVERIFY2(batch.find("batch axis") != std::string::npos, batch.c_str());
        const std::string outside = summarize(joined(3)).error;
        QVERIFY2(outside.find("axis 3") != std::string::npos &&
                     outside.find("(None, 100, 1)") != std::string::npos,
                 outside.c_str());

        // The tutorial's two-track heads: Reshape((100, 1)) twice, Concatenate(axis=2); and
        // Reshape((1, 2, 1)) twice, Concatenate(axis=3).
        const auto heads = [](const json& target, int axis) {
            return stack(
                {{{"type", "Input"}, {"shape", {64}}, {"name", "features"}},
                 {{"type", "Dense"}, {"units", 100}, {"name", "d1"}},
                 {{"type", "Reshape"}, {"target_shape", target}, {"name", "r1"}},
                 {{"type", "Dense"}, {"units", 100}, {"name", "d2"}, {"inputs", "features"}},
                 {{"type", "Reshape"}, {"target_shape", target}, {"name", "r2"}},
                 {{"type", "Concatenate"},
                  {"name", "output"},
                  {"inputs", {"r1", "r2"}},
                  {"axis", axis}}});
        };
        QCOMPARE(outputOf(heads({100, 1}, 2)), (Shape{100, 2}));
        QCOMPARE(outputOf(heads({50, 2, 1}, 3)), (Shape{50, 2, 2}));
        compareWithTorch(heads({100, 1}, 2));
        compareWithTorch(heads({50, 2, 1}, 3));
    }

    /// The tutorial's Keras code carries over: input_shape on the first layer of a stack (an
    /// implicit Input, as Sequential makes), and Keras' names and aliases for optimisers, losses
    /// and metrics, with Keras' case rules.
    void kerasSpellingsAreAccepted()
    {
        const ModelSpec seq = stack({{{"type", "Conv1D"},
                                      {"filters", 16},
                                      {"kernel_size", 3},
                                      {"activation", "relu"},
                                      {"input_shape", {2001, 4}}},
                                     {{"type", "MaxPooling1D"}, {"pool_size", 2}},
                                     {{"type", "Flatten"}},
                                     {{"type", "Dense"}, {"units", 1}}});
        QCOMPARE(seq.layers.front().type, std::string("Input"));
        QCOMPARE(seq.layers.size(), std::size_t(5));
        QCOMPARE(summarize(seq).inputShapes, (std::vector<Shape>{{2001, 4}}));
        QCOMPARE(seq.layers[1].inputs, (std::vector<std::string>{seq.layers[0].name}));
        std::vector<Problem> problems;
        (void)ModelSpec::fromJson(
            json{{"layers",
                  {{{"type", "Input"}, {"shape", {10, 4}}},
                   {{"type", "Dense"}, {"units", 1}, {"input_shape", {10, 4}}}}}},
            problems);
        QCOMPARE(problems.size(), std::size_t(1));
        QVERIFY2(problems[0].message.find("first layer") != std::string::npos,
                 problems[0].message.c_str());

        problems.clear();
        const CompileSettings c = CompileSettings::fromJson(
            json{{"loss", "mean_squared_error"},
                 {"optimizer", "Adam"},
                 {"metrics", {"acc", "AUC", "mean_absolute_error", "MSE"}}},
            problems);
        QVERIFY(problems.empty());
        QCOMPARE(c.loss, (std::vector<std::string>{"mse"}));
        QCOMPARE(c.optimizer, std::string("adam"));
        QCOMPARE(c.metrics, (std::vector<std::string>{"accuracy", "AUC", "mae", "mse"}));
        QVERIFY(validate(c, 1).empty());
        for (const char* name : {"RMSprop", "rmsprop", "SGD", "sgd"}) {
            std::vector<Problem> none;
            QVERIFY(
                validate(CompileSettings::fromJson(json{{"optimizer", name}}, none), 1).empty());
        }
        // Keras is case-sensitive for losses and metrics: 'Mse' and 'auc' are not its names.
        std::vector<Problem> none;
        const auto wrong = validate(
            CompileSettings::fromJson(json{{"loss", "Mse"}, {"metrics", {"auc"}}}, none), 1);
        QCOMPARE(wrong.size(), std::size_t(2));
        QVERIFY2(wrong[1].message.find("did you mean 'AUC'") != std::string::npos,
                 wrong[1].message.c_str());
    }

    /// Keras' Model(inputs, [a, b]): every layer no other layer takes is an output, in the
    /// order of the layers, without an "outputs" key.
    void severalOutputLayersAreOutputs()
    {
        ModelSpec m = templates::classificationAndRegression(404);
        m.outputs.clear();
        const ModelSpec back = ModelSpec::fromJson(m.toJson());
        QCOMPARE(back.outputNames(), (std::vector<std::string>{"classifier", "density"}));
        const ModelSummary s = summarize(back);
        QCOMPARE(s.outputShapes, (std::vector<Shape>{{1}, {404}}));
        CompileSettings c;
        c.loss = {"binary_crossentropy", "mae"};
        c.loss_weights = {1.0, 0.5};
        QVERIFY(validate(c, back.outputNames().size()).empty());
        Model model(back, 1);
        const auto y = model.impl().module->forward({torch::zeros({2, 404, 4})});
        QCOMPARE(y.size(), std::size_t(2));
        QCOMPARE(y[1].size(1), std::int64_t(404));
        // A plain stack still ends in its last layer.
        QCOMPARE(templates::tutorialCnn(101).outputNames().size(), std::size_t(1));
    }

    void specJsonAndErrors()
    {
        const ModelSpec cnn = templates::tutorialCnn(501);
        QCOMPARE(ModelSpec::fromJson(cnn.toJson()), cnn);
        std::vector<Problem> problems;
        (void)ModelSpec::fromJson(json{{"layers",
                                        {{{"type", "Input"}, {"shape", {10, 4}}},
                                         {{"type", "Conv1d"}, {"filters", 2}},
                                         {{"type", "Dense"}, {"unit", 3}},
                                         {{"type", "MaxPooling1D"}, {"padding", "full"}}}}},
                                  problems);
        QCOMPARE(problems.size(), std::size_t(4));
        QVERIFY2(problems[0].message.find("did you mean 'Conv1D'") != std::string::npos,
                 problems[0].message.c_str());
        QVERIFY2(problems[1].message.find("did you mean 'units'") != std::string::npos,
                 problems[1].message.c_str());
        QVERIFY2(problems[2].message.find("Dense needs units") != std::string::npos,
                 problems[2].message.c_str());
        QVERIFY2(problems[3].message.find("padding must be one of 'valid', 'same'") !=
                     std::string::npos,
                 problems[3].message.c_str());
    }

    void forwardMatchesPlainTorch()
    {
        // The graph runs Conv1D as a (1, k) 2D convolution and moves ReLU after max pooling:
        // the result must equal the textbook conv1d -> relu -> max_pool1d computation.
        Model m(templates::tutorialCnn(301), 5);
        auto& g = m.impl().module;
        g->eval();
        torch::NoGradGuard noGrad;
        const auto x = torch::rand({4, 301, 4});
        namespace F = torch::nn::functional;
        auto params = g->named_parameters();
        torch::Tensor h = x.transpose(1, 2);
        for (const char* conv : {"conv1d", "conv1d_1", "conv1d_2"}) {
            h = F::conv1d(h, params[std::string(conv) + ".weight"],
                          F::Conv1dFuncOptions().bias(params[std::string(conv) + ".bias"]));
            h = F::max_pool1d(torch::relu(h), F::MaxPool1dFuncOptions(2));
        }
        h = h.transpose(1, 2).reshape({4, -1}); // Keras flattens (length, channels)
        const auto expected = F::linear(h, params["dense.weight"], params["dense.bias"]);
        const auto got = g->forward({x})[0];
        QVERIFY2(torch::allclose(got, expected, 1e-5, 1e-6),
                 std::to_string((got - expected).abs().max().item<double>()).c_str());
    }

    void transposedConvolutionByPhasesEqualsTorch()
    {
        // Kernels shorter than, equal to and longer than the stride, odd and even; Keras'
        // 'same' (through output_padding) and 'valid'; both axes.
        struct Case {
            std::array<std::int64_t, 2> kernel, stride, padding, outputPadding;
            std::int64_t h, w;
        };
        const std::vector<Case> cases = {
            {{20, 1}, {2, 1}, {9, 0}, {0, 0}, 13, 4}, // the tutorial's seq2seq layers
            {{10, 1}, {2, 1}, {4, 0}, {0, 0}, 26, 4}, {{3, 1}, {2, 1}, {1, 0}, {1, 0}, 52, 4},
            {{1, 1}, {3, 1}, {0, 0}, {2, 0}, 7, 3}, // kernel shorter than the stride
            {{2, 2}, {2, 2}, {0, 0}, {0, 0}, 5, 6},   {{5, 3}, {3, 2}, {1, 1}, {0, 1}, 6, 5},
            {{4, 1}, {1, 1}, {0, 0}, {0, 0}, 9, 2}, // stride 1
            {{7, 2}, {2, 3}, {3, 0}, {1, 2}, 8, 4},
        };
        torch::manual_seed(5);
        for (const Case& c : cases) {
            const auto x = torch::randn({2, 3, c.h, c.w}, torch::requires_grad());
            const auto weight =
                torch::randn({3, 4, c.kernel[0], c.kernel[1]}, torch::requires_grad());
            const auto bias = torch::randn({4}, torch::requires_grad());
            const auto expected = torch::conv_transpose2d(
                x, weight, bias, {c.stride[0], c.stride[1]}, {c.padding[0], c.padding[1]},
                {c.outputPadding[0], c.outputPadding[1]});
            const auto got =
                nn::polyphaseConvTranspose2d(x, weight, bias, c.stride, c.padding, c.outputPadding);
            const std::string what =
                "kernel " + std::to_string(c.kernel[0]) + "x" + std::to_string(c.kernel[1]) +
                ", stride " + std::to_string(c.stride[0]) + "x" + std::to_string(c.stride[1]);
            QVERIFY2(got.sizes() == expected.sizes(), what.c_str());
            QVERIFY2(torch::allclose(got, expected, 1e-5, 1e-5), what.c_str());
            // The same gradients, for training.
            const auto upstream = torch::randn_like(expected);
            const auto wantGrads = torch::autograd::grad({expected}, {x, weight, bias}, {upstream});
            const auto gotGrads = torch::autograd::grad({got}, {x, weight, bias}, {upstream});
            for (std::size_t i = 0; i < 3; ++i)
                QVERIFY2(torch::allclose(gotGrads[i], wantGrads[i], 1e-4, 1e-5),
                         (what + ", gradient " + std::to_string(i)).c_str());
        }
    }

    void weightsRoundTripAndStateDict()
    {
        Model a(templates::tutorialCnn(201), 1);
        Model b(templates::tutorialCnn(201), 2);
        const auto x = torch::rand({3, 201, 4});
        a.impl().module->eval();
        b.impl().module->eval();
        QVERIFY(
            !torch::allclose(a.impl().module->forward({x})[0], b.impl().module->forward({x})[0]));
        b.loadWeightsBlob(a.weightsBlob());
        QVERIFY(torch::equal(a.impl().module->forward({x})[0], b.impl().module->forward({x})[0]));

        // The state dict is safetensors: a JSON header of names, dtypes and shapes, then data.
        test::ScratchDir dir;
        a.exportStateDict(dir.file("w.safetensors"));
        const std::string file = test::readText(dir.file("w.safetensors"));
        std::uint64_t n = 0;
        for (int i = 7; i >= 0; --i)
            n = (n << 8) | static_cast<unsigned char>(file[static_cast<std::size_t>(i)]);
        const json header = json::parse(file.substr(8, n));
        QVERIFY2(header["conv1d.weight"]["shape"] == json({16, 4, 3}),
                 header["conv1d.weight"]["shape"].dump().c_str());
        QVERIFY2(header["dense.weight"]["shape"] == json({1, 832}),
                 header["dense.weight"]["shape"].dump().c_str());
        QVERIFY2(header["dense.weight"]["dtype"] == json("F32"),
                 header["dense.weight"]["dtype"].dump().c_str());
        QCOMPARE(file.size(), 8 + n + 4 * static_cast<std::size_t>(a.summary().totalParams));
    }
};

QTEST_GUILESS_MAIN(TestModel)
#include "test_model.moc"
