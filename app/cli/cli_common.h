#pragma once

#include "core/data/cache_settings.h"
#include "core/util/opening_progress.h"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <memory>
#include <string>

#include <CLI/CLI.hpp> // CLI::Validator is not usable on its own

/// Options several `kdna` commands share.
namespace kdna::cli {

/// --data DIR: the folder `${data}` in project and spec paths stands for (default $KDNA_DATA).
struct DataOption {
    std::string dir;
    [[nodiscard]] std::filesystem::path folder() const;
};
void addDataOption(CLI::App& cmd, DataOption& option);

// Validators run at parse time, before any work; CLI11 reports a failure as one line
// "OPTION: <message>", so each message says what is valid.

/// A whole number of at least `min`.
[[nodiscard]] CLI::Validator atLeast(std::int64_t min);
/// --memory SIZE: the budget of the streamed-data block cache, and --cache-precision: how the
/// track caches on disk keep values (core/data/cache_settings.h, as the studio's preferences).
void addMemoryOption(CLI::App& cmd, store::CacheSettings& option);

/// One of `choices`, spelled exactly.
[[nodiscard]] CLI::Validator oneOf(std::initializer_list<const char*> choices);
/// An existing file (not a folder).
[[nodiscard]] CLI::Validator existingFile();
/// A path a file can be written to: not a folder, in a folder that exists.
[[nodiscard]] CLI::Validator writablePath();

/// `path` made absolute against the folder the command was typed in (empty stays empty), so
/// a relative path means the same for every command, never the model's training folder.
[[nodiscard]] std::string fromHere(const std::string& path);

/// How often a progress line goes into a log or a pipe: KDNA_PROGRESS_SECONDS (default 10; 0
/// writes every update). Throws naming the variable when it is not a number of seconds.
[[nodiscard]] double progressLogSeconds();

/// A progress line: redrawn in place on a terminal ("\r"); in a log or a pipe (a cluster
/// job's output), written as a line of its own at most every progressLogSeconds(), so a long
/// run is seen to move there too.
class ProgressLine {
public:
    ProgressLine();
    void update(const std::string& text);
    /// An update a log gets whatever the time (a tenth of the work done, say).
    void milestone(const std::string& text);
    void finish(const std::string& text);

private:
    using Clock = std::chrono::steady_clock;
    bool m_terminal;
    double m_logSeconds;
    Clock::time_point m_lastLogged = Clock::now();
    std::size_t m_lastLength = 0;
};

/// Progress lines for long phases told as `what`, `done` of `total` bases, after `prefix`
/// ("Reading the data: "). A phase shows once it has run a second (a small genome's say
/// nothing): redrawn on a terminal; in a log, a line when it shows, at each quarter, every
/// progressLogSeconds() between, and when it ends.
class PhaseProgressLine {
public:
    explicit PhaseProgressLine(std::string prefix);
    void show(const std::string& what, std::int64_t done, std::int64_t total,
              const char* unit = "bp");

private:
    using Clock = std::chrono::steady_clock;
    std::string m_prefix;
    ProgressLine m_line;
    double m_quietSeconds;
    std::string m_phase;
    Clock::time_point m_phaseStart;
    bool m_shown = false;
    int m_quarter = 0;
};

/// The phases of reading data (the statistics' passes over a track, writing its cache) that
/// run on this thread while it lives, as a PhaseProgressLine.
class OpeningProgressLine {
public:
    OpeningProgressLine();

private:
    PhaseProgressLine m_line;
    OpeningProgressScope m_scope; // last: it calls m_line until it ends
};

/// "42 s", "3 min 20 s", "2 h 05 min": how long, for a person.
[[nodiscard]] std::string formatDuration(double seconds);

} // namespace kdna::cli
