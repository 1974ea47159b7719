#include "app/cli/cli_common.h"

#include "core/util/paths.h"
#include "core/util/text.h"

#include <iostream>
#include <unistd.h>
#include <vector>

#include <CLI/CLI.hpp>

namespace kdna::cli {

std::filesystem::path DataOption::folder() const
{
    // Relative to where the user typed the command, not to the project file.
    const std::filesystem::path chosen =
        dir.empty() ? paths::dataDirFromEnvironment() : std::filesystem::path(dir);
    return chosen.empty() ? chosen : std::filesystem::absolute(chosen);
}

void addDataOption(CLI::App& cmd, DataOption& option)
{
    cmd.add_option("--data", option.dir,
                   "Folder that ${data} in file paths stands for (default: $KDNA_DATA)");
}

CLI::Validator atLeast(std::int64_t min)
{
    const std::string what = "a whole number of at least " + std::to_string(min);
    return CLI::Validator(
        [min, what](std::string& value) -> std::string {
            std::int64_t v = 0;
            if (!text::parseInt(value, v) || v < min)
                return "must be " + what + ", not '" + value + "'";
            return {};
        },
        ">=" + std::to_string(min));
}

CLI::Validator oneOf(std::initializer_list<const char*> choices)
{
    std::vector<std::string> valid(choices.begin(), choices.end());
    const std::string list = text::join(valid, ", ");
    return CLI::Validator(
        [valid, list](std::string& value) -> std::string {
            for (const auto& c : valid)
                if (value == c)
                    return {};
            return "must be one of " + list + ", not '" + value + "'";
        },
        "{" + list + "}");
}

CLI::Validator existingFile()
{
    return CLI::Validator(
        [](std::string& value) -> std::string {
            std::error_code ec;
            if (std::filesystem::is_directory(value, ec))
                return "'" + value + "' is a folder, a file is expected";
            if (!std::filesystem::exists(value, ec))
                return "no such file: '" + value + "'";
            return {};
        },
        "FILE");
}

CLI::Validator writablePath()
{
    return CLI::Validator(
        [](std::string& value) -> std::string {
            const std::filesystem::path p(value);
            std::error_code ec;
            if (std::filesystem::is_directory(p, ec))
                return "'" + value + "' is a folder; name the file to write";
            const auto folder = p.has_parent_path() ? p.parent_path() : ".";
            if (!std::filesystem::is_directory(folder, ec))
                return "cannot write '" + value + "': folder '" + folder.string() +
                       "' does not exist";
            return {};
        },
        "PATH");
}

std::string fromHere(const std::string& path)
{
    // `${data}` paths are left for the data folder to resolve.
    if (path.empty() || path.find("${") != std::string::npos)
        return path;
    return std::filesystem::absolute(path).lexically_normal().string();
}

ProgressLine::ProgressLine()
    : m_terminal(isatty(STDERR_FILENO) != 0)
{}

void ProgressLine::update(const std::string& text)
{
    if (!m_terminal)
        return;
    std::cerr << '\r' << text;
    if (text.size() < m_lastLength)
        std::cerr << std::string(m_lastLength - text.size(), ' ');
    std::cerr << std::flush;
    m_lastLength = text.size();
}

void ProgressLine::finish(const std::string& text)
{
    if (m_terminal) {
        update(text);
        std::cerr << '\n';
        m_lastLength = 0;
    } else if (!text.empty()) {
        std::cerr << text << '\n';
    }
}

} // namespace kdna::cli
