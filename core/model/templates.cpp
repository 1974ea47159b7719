#include "core/model/templates.h"

#include "core/util/error.h"

#include <cstdint>

namespace kdna::templates {
namespace {

LayerSpec layer(const std::string& type, nlohmann::json args, const std::string& name = {},
                std::vector<std::string> inputs = {})
{
    return LayerSpec{name, type, std::move(inputs), std::move(args)};
}

void addExtractor(ModelSpec& m)
{
    m.layers.push_back(
        layer("Conv1D", {{"filters", 16}, {"kernel_size", 3}, {"activation", "relu"}}));
    m.layers.push_back(layer("MaxPooling1D", {{"pool_size", 2}}));
    m.layers.push_back(
        layer("Conv1D", {{"filters", 32}, {"kernel_size", 10}, {"activation", "relu"}}));
    m.layers.push_back(layer("MaxPooling1D", {{"pool_size", 2}}));
    m.layers.push_back(
        layer("Conv1D", {{"filters", 64}, {"kernel_size", 20}, {"activation", "relu"}}));
    m.layers.push_back(layer("MaxPooling1D", {{"pool_size", 2}}));
    m.layers.push_back(layer("Flatten", nlohmann::json::object()));
}

} // namespace

ModelSpec tutorialCnn(std::int64_t window, std::int64_t outputs, const std::string& activation)
{
    ModelSpec m;
    m.name = activation == "sigmoid" ? "cnn_classifier" : "cnn_regression";
    m.layers.push_back(layer("Input", {{"shape", {window, 4}}}, "dna"));
    addExtractor(m);
    m.layers.push_back(layer("Dense", {{"units", outputs}, {"activation", activation}}));
    m.normalize();
    return m;
}

ModelSpec seq2seq(std::int64_t length)
{
    ModelSpec m;
    m.name = "seq2seq";
    m.layers.push_back(layer("Input", {{"shape", {length, 4, 1}}}, "dna"));
    const std::pair<int, int> convs[] = {{16, 3}, {32, 10}, {64, 20}};
    for (const auto& [filters, k] : convs) {
        m.layers.push_back(layer("Conv2D", {{"filters", filters},
                                            {"kernel_size", {k, 1}},
                                            {"activation", "relu"},
                                            {"padding", "same"}}));
        m.layers.push_back(layer("MaxPooling2D", {{"pool_size", {2, 1}}, {"padding", "same"}}));
    }
    const std::pair<int, int> deconvs[] = {{64, 20}, {32, 10}, {16, 3}};
    for (const auto& [filters, k] : deconvs)
        m.layers.push_back(layer("Conv2DTranspose", {{"filters", filters},
                                                     {"kernel_size", {k, 1}},
                                                     {"strides", {2, 1}},
                                                     {"activation", "relu"},
                                                     {"padding", "same"}}));
    m.layers.push_back(layer("Conv2D", {{"filters", 1},
                                        {"kernel_size", {1, 4}},
                                        {"activation", "sigmoid"},
                                        {"padding", "valid"}}));
    m.layers.push_back(layer("Reshape", {{"target_shape", {length, 1}}}));
    m.normalize();
    return m;
}

ModelSpec experimentTranslator(std::int64_t window, std::int64_t secondary, std::int64_t targets)
{
    ModelSpec m;
    m.name = "experiment_translator";
    m.layers.push_back(layer("Input", {{"shape", {window, 4}}}, "dna"));
    addExtractor(m);
    m.layers.push_back(layer("Input", {{"shape", {secondary}}}, "secondary"));
    m.normalize();
    const std::string features = m.layers[m.layers.size() - 2].name;
    m.layers.push_back(
        layer("Concatenate", nlohmann::json::object(), "concatenate", {features, "secondary"}));
    m.layers.push_back(layer("Dense", {{"units", targets}}, "output"));
    m.normalize();
    return m;
}

ModelSpec classificationAndRegression(std::int64_t length)
{
    ModelSpec m;
    m.name = "classification_and_regression";
    m.layers.push_back(layer("Input", {{"shape", {length, 4}}}, "dna"));
    addExtractor(m);
    m.normalize();
    const std::string features = m.layers.back().name;
    m.layers.push_back(
        layer("Dense", {{"units", 1}, {"activation", "sigmoid"}}, "classifier", {features}));
    m.layers.push_back(
        layer("Dense", {{"units", length}, {"activation", "linear"}}, "density", {features}));
    m.outputs = {"classifier", "density"};
    m.normalize();
    return m;
}

const std::vector<Template>& all()
{
    static const std::vector<Template> list = {
        {"cnn_regression", "Tutorial CNN (regression)",
         "Three Conv1D + MaxPooling1D blocks, Flatten, Dense(1, linear): nucleosome density at "
         "the window's centre"},
        {"cnn_classifier", "Tutorial CNN (classifier)",
         "The same network ending in Dense(1, sigmoid): binding site or background"},
        {"seq2seq", "Seq2seq encoder-decoder",
         "Conv2D/MaxPooling2D down, Conv2DTranspose up: a label for every base"},
        {"experiment_translator", "Experiment translator (two inputs)",
         "DNA features joined with a secondary track before the output layer"},
        {"classification_and_regression", "Classification and regression (two outputs)",
         "One DNA branch, a sigmoid classifier and a per-base density output"},
    };
    return list;
}

ModelSpec byId(const std::string& id, std::int64_t inputLength)
{
    if (id == "cnn_regression")
        return tutorialCnn(inputLength > 0 ? inputLength : 2001, 1, "linear");
    if (id == "cnn_classifier")
        return tutorialCnn(inputLength > 0 ? inputLength : 2001, 1, "sigmoid");
    if (id == "seq2seq")
        return seq2seq(inputLength > 0 ? inputLength : 416);
    if (id == "experiment_translator")
        return experimentTranslator(inputLength > 0 ? inputLength : 2001);
    if (id == "classification_and_regression")
        return classificationAndRegression(inputLength > 0 ? inputLength : 404);
    throw Error::atKeyword("template", "'" + id + "' is not a model template");
}

} // namespace kdna::templates
