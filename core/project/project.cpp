#include "project.h"

#include "util/error.h"
#include "util/json_file.h"
#include "util/paths.h"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace kdna {

std::filesystem::path Project::resolve(const std::string& file) const
{
    return paths::resolve(base_dir, file, data_dir);
}

void Project::applyFolders()
{
    setFolders(dataset, base_dir, data_dir);
    if (validation_dataset)
        setFolders(*validation_dataset, base_dir, data_dir);
}

Project Project::fromJson(const nlohmann::json& j, std::vector<Problem>& problems)
{
    Project p;
    if (!j.is_object()) {
        problems.push_back({"project", "a project is a JSON object"});
        return p;
    }
    static const std::vector<std::string> known = {"kdna_project",       "name",     "dataset",
                                                   "validation_dataset", "model",    "compile",
                                                   "training",           "test_chr", "output"};
    for (const auto& [key, value] : j.items())
        if (std::find(known.begin(), known.end(), key) == known.end())
            problems.push_back({key,
                                "is not a section of a kdna project (sections: dataset, "
                                "validation_dataset, model, compile, training, test_chr, output)"});
    p.name = j.value("name", p.name);
    if (!j.contains("dataset"))
        problems.push_back(
            {"dataset", "is required: the training data, with keras_dna's keywords"});
    else
        p.dataset = anySpecFromJson(j.at("dataset"), problems);
    if (j.contains("validation_dataset") && !j.at("validation_dataset").is_null())
        p.validation_dataset = anySpecFromJson(j.at("validation_dataset"), problems);
    if (!j.contains("model"))
        problems.push_back({"model", "is required: a list of Keras layers"});
    else
        p.model = ModelSpec::fromJson(j.at("model"), problems);
    if (j.contains("compile"))
        p.compile = CompileSettings::fromJson(j.at("compile"), problems);
    if (j.contains("training"))
        p.training = TrainSettings::fromJson(j.at("training"), problems);
    if (j.contains("test_chr")) {
        const auto& t = j.at("test_chr");
        if (t.is_string())
            p.test_chr = {t.get<std::string>()};
        else if (t.is_array())
            p.test_chr = t.get<std::vector<std::string>>();
    }
    p.output = j.value("output", p.output);
    for (auto& problem : validate(p.training))
        problems.push_back(std::move(problem));
    if (!p.model.layers.empty())
        for (auto& problem : validate(p.compile, p.model.outputNames().size()))
            problems.push_back(std::move(problem));
    return p;
}

nlohmann::json Project::toJson() const
{
    nlohmann::json j;
    j["kdna_project"] = 1;
    j["name"] = name;
    j["dataset"] = kdna::toJson(dataset);
    if (validation_dataset)
        j["validation_dataset"] = kdna::toJson(*validation_dataset);
    j["model"] = model.toJson();
    j["compile"] = compile.toJson();
    j["training"] = training.toJson();
    if (!test_chr.empty())
        j["test_chr"] = test_chr;
    j["output"] = output;
    return j;
}

Project Project::load(const std::filesystem::path& path, const std::filesystem::path& dataDir)
{
    const nlohmann::json j = readJsonFile(path);
    std::vector<Problem> problems;
    Project p = fromJson(j, problems);
    throwIfProblems(problems, path.string());
    p.base_dir = path.parent_path();
    p.data_dir = dataDir;
    p.applyFolders();
    return p;
}

void Project::save(const std::filesystem::path& path) const
{
    writeJsonFile(path, toJson());
}

AnySpec respecOn(AnySpec spec, const std::vector<std::string>& chromosomes,
                 const std::string& fasta, const std::vector<std::string>& annotations,
                 bool keepWeights)
{
    auto adapt = [&](DatasetSpec& d) {
        d.incl_chromosomes = chromosomes;
        d.excl_chromosomes.clear();
        if (!fasta.empty())
            d.fasta_file = fasta;
        if (!annotations.empty())
            d.annotation_files = annotations;
        if (!keepWeights)
            d.weighting_mode.clear();
    };
    if (auto* single = std::get_if<DatasetSpec>(&spec)) {
        adapt(*single);
    } else {
        for (auto& d : std::get<MultiSpec>(spec).dataset_list)
            adapt(d);
    }
    return spec;
}

std::optional<AnySpec> Project::validationSpec() const
{
    if (validation_dataset)
        return validation_dataset;
    if (training.validation_chr.empty())
        return std::nullopt;
    if (std::holds_alternative<MultiSpec>(dataset))
        throw Error(
            "validation_chr: a MultiGenerator cannot be copied onto other chromosomes; give a "
            "validation_dataset instead (as keras_dna requires)",
            "validation_chr");
    return respecOn(dataset, training.validation_chr, {}, {}, training.weights_val);
}

AnySpec Project::specOn(const std::vector<std::string>& chromosomes, const std::string& fasta,
                        const std::vector<std::string>& annotations, bool keepWeights) const
{
    return respecOn(dataset, chromosomes, fasta, annotations, keepWeights);
}

} // namespace kdna
