#include "core/project/project.h"

#include "core/util/atomic_output.h"
#include "core/util/error.h"
#include "core/util/json_file.h"
#include "core/util/paths.h"

#include <algorithm>
#include <fstream>

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

namespace {

/// Reads `j[key]` into `out` when present, else leaves `out`; a wrong type is a problem.
template<typename T>
void readField(const nlohmann::json& j, const char* key, const std::string& where, T& out,
               const char* expected, std::vector<Problem>& problems)
{
    if (!j.contains(key))
        return;
    try {
        out = j.at(key).get<T>();
    } catch (const nlohmann::json::exception&) {
        problems.push_back({where + "." + key, std::string("must be ") + expected});
    }
}

ViewerTrack viewerTrackFromJson(const nlohmann::json& j, const std::string& where,
                                std::vector<Problem>& problems)
{
    ViewerTrack t;
    if (!j.is_object()) {
        problems.push_back({where, "a viewer track is an object with a 'file'"});
        return t;
    }
    static const std::vector<std::string> known = {"file",      "name", "color", "height",
                                                   "autoscale", "min",  "max"};
    for (const auto& [key, value] : j.items())
        if (std::find(known.begin(), known.end(), key) == known.end())
            problems.push_back({where + "." + key,
                                "is not a viewer track setting (settings: file, name, color, "
                                "height, autoscale, min, max)"});
    readField(j, "file", where, t.file, "a file name", problems);
    if (t.file.empty())
        problems.push_back({where + ".file", "is required: the track's file"});
    readField(j, "name", where, t.name, "a text", problems);
    readField(j, "color", where, t.color, "a colour such as \"#2a7ac0\"", problems);
    readField(j, "height", where, t.height, "a whole number of pixels", problems);
    readField(j, "autoscale", where, t.autoscale, "true or false", problems);
    readField(j, "min", where, t.min, "a number", problems);
    readField(j, "max", where, t.max, "a number", problems);
    return t;
}

} // namespace

ViewerSession ViewerSession::fromJson(const nlohmann::json& j, std::vector<Problem>& problems)
{
    ViewerSession s;
    if (!j.is_object()) {
        problems.push_back({"viewer", "the viewer's session is an object (locus, tracks)"});
        return s;
    }
    static const std::vector<std::string> known = {"locus", "tracks", "overlay"};
    for (const auto& [key, value] : j.items())
        if (std::find(known.begin(), known.end(), key) == known.end())
            problems.push_back({"viewer." + key, "is not a viewer setting (settings: locus, "
                                                 "tracks, overlay)"});
    readField(j, "locus", "viewer", s.locus, "a locus such as \"chrIX:100,001-104,000\"", problems);
    readField(j, "overlay", "viewer", s.overlay, "true or false", problems);
    if (j.contains("tracks")) {
        const auto& tracks = j.at("tracks");
        if (!tracks.is_array())
            problems.push_back({"viewer.tracks", "must be a list of tracks, top to bottom"});
        else
            for (std::size_t i = 0; i < tracks.size(); ++i)
                s.tracks.push_back(viewerTrackFromJson(
                    tracks[i], "viewer.tracks[" + std::to_string(i) + "]", problems));
    }
    return s;
}

nlohmann::json ViewerSession::toJson() const
{
    nlohmann::json j;
    if (!locus.empty())
        j["locus"] = locus;
    j["overlay"] = overlay;
    j["tracks"] = nlohmann::json::array();
    for (const ViewerTrack& t : tracks) {
        nlohmann::json track = {{"file", t.file}};
        if (!t.name.empty())
            track["name"] = t.name;
        if (!t.color.empty())
            track["color"] = t.color;
        if (t.height > 0)
            track["height"] = t.height;
        if (!t.autoscale) {
            track["autoscale"] = false;
            track["min"] = t.min;
            track["max"] = t.max;
        }
        j["tracks"].push_back(std::move(track));
    }
    return j;
}

Project Project::fromJson(const nlohmann::json& j, std::vector<Problem>& problems)
{
    Project p;
    if (!j.is_object()) {
        problems.push_back({"project", "a project is a JSON object"});
        return p;
    }
    static const std::vector<std::string> known = {
        "kdna_project", "name",   "dataset", "validation_dataset", "model", "compile", "training",
        "test_chr",     "output", "viewer"};
    for (const auto& [key, value] : j.items())
        if (std::find(known.begin(), known.end(), key) == known.end())
            problems.push_back(
                {key, "is not a section of a kdna project (sections: dataset, "
                      "validation_dataset, model, compile, training, test_chr, output, viewer)"});
    if (j.contains("kdna_project") && !(j.at("kdna_project").is_number_integer() &&
                                        j.at("kdna_project").get<std::int64_t>() == 1))
        problems.push_back({"kdna_project", "is the project format's version; this kdna reads "
                                            "version 1, not " +
                                                j.at("kdna_project").dump()});
    auto text = [&](const char* key, const std::string& fallback) {
        if (!j.contains(key) || j.at(key).is_null())
            return fallback;
        if (!j.at(key).is_string()) {
            problems.push_back({key, "must be a string, not " + j.at(key).dump()});
            return fallback;
        }
        return j.at(key).get<std::string>();
    };
    p.name = text("name", p.name);
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
        else if (t.is_array() &&
                 std::all_of(t.begin(), t.end(), [](const auto& e) { return e.is_string(); }))
            p.test_chr = t.get<std::vector<std::string>>();
        else if (!t.is_null())
            problems.push_back(
                {"test_chr", "must be a chromosome name or a list of names, not " + t.dump()});
    }
    p.output = text("output", p.output);
    if (j.contains("viewer") && !j.at("viewer").is_null())
        p.viewer = ViewerSession::fromJson(j.at("viewer"), problems);
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
    if (viewer)
        j["viewer"] = viewer->toJson();
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

namespace {

/// True for a file a project save may replace: a kdna project (JSON holding "kdna_project").
bool looksLikeProjectFile(const std::filesystem::path& path)
{
    std::ifstream in(path);
    const auto j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
    return j.is_object() && j.contains("kdna_project");
}

} // namespace

void Project::save(const std::filesystem::path& path) const
{
    // A project replaces a project, never a user's other file (kdna model --project notes.txt).
    AtomicOutput::requireReplaceable(path, {"a kdna project file", looksLikeProjectFile});
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
            d.weighting_mode = Weighting::None;
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
        throw Error::atKeyword("validation_chr",
                               "a MultiGenerator cannot be copied onto other chromosomes; give a "
                               "validation_dataset instead (as keras_dna requires)");
    return respecOn(dataset, training.validation_chr, {}, {}, training.weights_val);
}

AnySpec Project::specOn(const std::vector<std::string>& chromosomes, const std::string& fasta,
                        const std::vector<std::string>& annotations, bool keepWeights) const
{
    return respecOn(dataset, chromosomes, fasta, annotations, keepWeights);
}

} // namespace kdna
