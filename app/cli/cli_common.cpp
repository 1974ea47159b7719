#include "cli_common.h"

#include "util/paths.h"

#include <iostream>
#include <unistd.h>

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
