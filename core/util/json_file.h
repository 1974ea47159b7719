#pragma once

#include <filesystem>

#include <nlohmann/json_fwd.hpp>

namespace kdna {

/// Parses a JSON file; a syntax error names the file, line and column.
[[nodiscard]] nlohmann::json readJsonFile(const std::filesystem::path& path);
/// Writes JSON (indented) atomically.
void writeJsonFile(const std::filesystem::path& path, const nlohmann::json& j);

} // namespace kdna
