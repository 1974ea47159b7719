#include "app/cli/cli_common.h"

#include "core/util/error.h"
#include "core/util/paths.h"
#include "core/util/text.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
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

void addMemoryOption(CLI::App& cmd, store::CacheSettings& option)
{
    cmd.add_option("--memory", option.memory,
                   "Memory for cached genome and track blocks, e.g. 4G or 512M (default 1G)")
        ->check(CLI::Validator(
            [](std::string& value) -> std::string { return store::memorySizeProblem(value); },
            "SIZE"));
    cmd.add_option("--cache-precision", option.precision,
                   "How the track caches on disk keep values: float32 (exact, 4 bytes a base a "
                   "track) or bfloat16 (2 bytes, each value within 2^-9 of the bigWig's; the "
                   "statistics stay exact)")
        ->check(oneOf({"float32", "bfloat16"}));
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

double progressLogSeconds()
{
    static const double seconds = [] {
        const char* value = std::getenv("KDNA_PROGRESS_SECONDS");
        if (!value || !*value)
            return 10.0;
        char* end = nullptr;
        const double parsed = std::strtod(value, &end);
        if (*end != '\0' || !std::isfinite(parsed) || parsed < 0)
            throw Error(std::string("KDNA_PROGRESS_SECONDS: '") + value +
                        "' is not a number of seconds (0 or more; 0 logs every update)");
        return parsed;
    }();
    return seconds;
}

ProgressLine::ProgressLine()
    : m_terminal(isatty(STDERR_FILENO) != 0)
    , m_logSeconds(progressLogSeconds())
{}

void ProgressLine::update(const std::string& text)
{
    if (!m_terminal) {
        const auto now = Clock::now();
        if (std::chrono::duration<double>(now - m_lastLogged).count() >= m_logSeconds) {
            m_lastLogged = now;
            std::cerr << text << std::endl;
        }
        return;
    }
    std::cerr << '\r' << text;
    if (text.size() < m_lastLength)
        std::cerr << std::string(m_lastLength - text.size(), ' ');
    std::cerr << std::flush;
    m_lastLength = text.size();
}

void ProgressLine::milestone(const std::string& text)
{
    if (m_terminal) {
        update(text);
        return;
    }
    m_lastLogged = Clock::now();
    std::cerr << text << std::endl;
}

PhaseProgressLine::PhaseProgressLine(std::string prefix)
    : m_prefix(std::move(prefix))
    , m_quietSeconds(std::min(1.0, progressLogSeconds()))
{}

void PhaseProgressLine::show(const std::string& what, std::int64_t done, std::int64_t total,
                             const char* unit)
{
    if (what != m_phase) {
        m_phase = what;
        m_phaseStart = Clock::now();
        m_shown = false;
        m_quarter = 0;
    }
    const double seconds = std::chrono::duration<double>(Clock::now() - m_phaseStart).count();
    if (!m_shown && seconds < m_quietSeconds)
        return;
    const int percent = total > 0 ? static_cast<int>(100 * done / total) : 100;
    const std::string text = m_prefix + what + ", " + std::to_string(percent) + "% of " +
                             text::withThousands(total) + " " + unit + " - " +
                             formatDuration(seconds);
    if (done >= total) {
        m_line.finish(text);
    } else if (!m_shown || percent / 25 > m_quarter) {
        m_quarter = percent / 25;
        m_line.milestone(text);
    } else {
        m_line.update(text);
    }
    m_shown = true;
}

OpeningProgressLine::OpeningProgressLine()
    : m_line("Reading the data: ")
    , m_scope([this](const std::string& what, std::int64_t done, std::int64_t total,
                     const char* unit) { m_line.show(what, done, total, unit); })
{}

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

std::string formatDuration(double seconds)
{
    const auto s = static_cast<std::int64_t>(std::llround(std::max(0.0, seconds)));
    if (s < 90)
        return std::to_string(s) + " s";
    if (s < 90 * 60)
        return std::to_string(s / 60) + " min " + std::to_string(s % 60) + " s";
    const std::int64_t minutes = (s + 30) / 60;
    const std::string m = std::to_string(minutes % 60);
    return std::to_string(minutes / 60) + " h " + (m.size() < 2 ? "0" : "") + m + " min";
}

} // namespace kdna::cli
