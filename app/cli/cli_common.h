#pragma once

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
/// --memory SIZE: the budget of the streamed-data block cache (core/data/block_cache.h).
struct MemoryOption {
    std::string size;
    /// Sets the cache's budget when the option was given.
    void apply() const;
};
void addMemoryOption(CLI::App& cmd, MemoryOption& option);
/// Bytes of "4G", "512M", "64k", "1.5G" or a plain byte count; -1 when not a size.
[[nodiscard]] std::int64_t parseMemorySize(const std::string& text);

/// One of `choices`, spelled exactly.
[[nodiscard]] CLI::Validator oneOf(std::initializer_list<const char*> choices);
/// An existing file (not a folder).
[[nodiscard]] CLI::Validator existingFile();
/// A path a file can be written to: not a folder, in a folder that exists.
[[nodiscard]] CLI::Validator writablePath();

/// `path` made absolute against the folder the command was typed in (empty stays empty), so
/// a relative path means the same for every command, never the model's training folder.
[[nodiscard]] std::string fromHere(const std::string& path);

/// A progress line redrawn in place on a terminal ("\r"), one line per update otherwise.
class ProgressLine {
public:
    ProgressLine();
    void update(const std::string& text);
    void finish(const std::string& text);

private:
    bool m_terminal;
    std::size_t m_lastLength = 0;
};

} // namespace kdna::cli
