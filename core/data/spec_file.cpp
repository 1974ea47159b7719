#include "core/data/spec_file.h"

#include "core/util/error.h"
#include "core/util/json_file.h"

#include <nlohmann/json.hpp>

namespace kdna {

AnySpec anySpecFromJson(const nlohmann::json& j, std::vector<Problem>& problems)
{
    // `type` of another JSON type is reported by DatasetSpec's own keyword checks; reading
    // it with value<string>() would throw nlohmann's raw type_error instead.
    if (j.is_object() && j.contains("type") && j.at("type") == "MultiGenerator")
        return MultiSpec::fromJson(j, problems);
    return DatasetSpec::fromJson(j, problems);
}

nlohmann::json toJson(const AnySpec& spec)
{
    return std::visit([](const auto& s) { return s.toJson(); }, spec);
}

void setFolders(AnySpec& spec, const std::filesystem::path& base, const std::filesystem::path& data)
{
    if (auto* single = std::get_if<DatasetSpec>(&spec)) {
        single->base_dir = base;
        single->data_dir = data;
        return;
    }
    for (auto& d : std::get<MultiSpec>(spec).dataset_list) {
        d.base_dir = base;
        d.data_dir = data;
    }
}

const DatasetSpec& primary(const AnySpec& spec)
{
    if (const auto* single = std::get_if<DatasetSpec>(&spec))
        return *single;
    const auto& multi = std::get<MultiSpec>(spec);
    if (multi.dataset_list.empty())
        throw Error::atKeyword("dataset_list", "needs at least one dataset");
    return multi.dataset_list.front();
}

std::vector<Problem> validate(const AnySpec& spec)
{
    return std::visit([](const auto& s) { return validate(s); }, spec);
}

nlohmann::json specOfCommand(const nlohmann::json& command)
{
    nlohmann::json args = command.at("arguments");
    args["type"] = command.at("type");
    return args;
}

namespace {

/// The spec a file holds: itself, a project's "dataset", or the training generator of
/// `kdna model --commands` output ([training, validation]) or of one such command.
nlohmann::json specIn(const nlohmann::json& j, const std::filesystem::path& path)
{
    if (j.is_array()) {
        if (j.empty() || j.front().is_null())
            throw Error(path.string() + " holds generator commands but no training generator "
                                        "(the first is null)");
        return specIn(j.front(), path);
    }
    if (!j.is_object())
        return j;
    if (j.contains("arguments") && j.contains("type"))
        return specOfCommand(j);
    if (j.contains("dataset"))
        return j.at("dataset");
    return j;
}

} // namespace

AnySpec loadSpecFile(const std::filesystem::path& path, const std::filesystem::path& dataDir)
{
    const nlohmann::json j = specIn(readJsonFile(path), path);
    std::vector<Problem> problems;
    AnySpec spec = anySpecFromJson(j, problems);
    throwIfProblems(problems, path.string());
    setFolders(spec, path.parent_path(), dataDir);
    return spec;
}

std::unique_ptr<Generator> openGenerator(const AnySpec& spec,
                                         const std::vector<DataStatistics>* fitted,
                                         GeneratorOptions options)
{
    if (const auto* single = std::get_if<DatasetSpec>(&spec))
        return openGenerator(*single, fitted && !fitted->empty() ? &fitted->front() : nullptr,
                             options);
    return openGenerator(std::get<MultiSpec>(spec), fitted, options);
}

} // namespace kdna
