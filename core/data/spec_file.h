#pragma once

#include "core/data/dataset_spec.h"
#include "core/data/generator.h"

#include <filesystem>
#include <variant>

#include <nlohmann/json_fwd.hpp>

namespace kdna {

/// A Generator spec or a MultiGenerator spec, as a spec file or a project's dataset holds.
using AnySpec = std::variant<DatasetSpec, MultiSpec>;

/// Reads either kind ("type": "MultiGenerator" selects the second); problems collected.
[[nodiscard]] AnySpec anySpecFromJson(const nlohmann::json& j, std::vector<Problem>& problems);
[[nodiscard]] nlohmann::json toJson(const AnySpec& spec);
/// Sets the folders relative paths and ${data} resolve against, in every dataset.
void setFolders(AnySpec& spec, const std::filesystem::path& base,
                const std::filesystem::path& data);
/// The first (or only) dataset's spec.
[[nodiscard]] const DatasetSpec& primary(const AnySpec& spec);
[[nodiscard]] std::vector<Problem> validate(const AnySpec& spec);

/// The spec keywords (with "type") of a generator command, {"type": ..., "arguments": {...}},
/// as a model archive stores it and `kdna model --commands` prints it.
[[nodiscard]] nlohmann::json specOfCommand(const nlohmann::json& command);

/// Reads a spec file: a bare spec, a project (its "dataset"), or generator commands (the
/// training one). Relative paths resolve against its folder. Throws on any problem.
[[nodiscard]] AnySpec loadSpecFile(const std::filesystem::path& path,
                                   const std::filesystem::path& dataDir = {});

[[nodiscard]] std::unique_ptr<Generator> openGenerator(const AnySpec& spec,
                                                       const std::vector<DataStatistics>* fitted,
                                                       GeneratorOptions options = {});

} // namespace kdna
