#pragma once

#include "core/util/error.h"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <QTemporaryDir>

/// Helpers the test suites share: scratch folders, small files written on the spot, and the
/// real yeast data when it is there.
namespace kdna::test {

/// A scratch folder removed at the end of the test.
class ScratchDir {
public:
    ScratchDir();
    [[nodiscard]] std::filesystem::path path() const;
    [[nodiscard]] std::filesystem::path file(const std::string& name) const;

private:
    QTemporaryDir m_dir;
};

void writeText(const std::filesystem::path& path, const std::string& content);
[[nodiscard]] std::string readText(const std::filesystem::path& path);

/// A FASTA with `line` bases per line.
void writeFasta(const std::filesystem::path& path,
                const std::vector<std::pair<std::string, std::string>>& records, int line = 60);

/// A random ACGT string, the same for the same seed.
[[nodiscard]] std::string randomBases(std::size_t n, unsigned seed);

/// A /proc/self/status figure in bytes ("VmRSS", "VmHWM"), -1 when absent.
[[nodiscard]] std::int64_t statusBytes(const std::string& field);
/// Restarts VmHWM (the peak) from the current RSS.
void resetPeak();

/// $KDNA_TEST_DATA/sacCer3 (or $KDNA_TEST_DATA) when that variable is set, else
/// `../shared/data/sacCer3`, when present.
[[nodiscard]] std::optional<std::filesystem::path> yeastData();

/// Runs a command line, returning its exit code and filling `output` with stdout.
int run(const std::string& commandLine, std::string* output = nullptr);

/// Path of a file of the source tree (KDNA_SOURCE_DIR/README.md...).
[[nodiscard]] std::filesystem::path sourceFile(const std::string& relative);

/// Path of a built executable (KDNA_BINARY_DIR/app/cli/kdna...).
[[nodiscard]] std::filesystem::path builtTool(const std::string& relative);

/// A python3 interpreter that has pyBigWig, or empty when the machine has none.
[[nodiscard]] std::string pythonWithPyBigWig();

/// Lowers the file-size limit for a scope, with SIGXFSZ ignored, so writes past it fail
/// with EFBIG the way they fail with ENOSPC on a full disk.
class FileSizeLimit {
public:
    explicit FileSizeLimit(std::uint64_t bytes);
    ~FileSizeLimit();
    FileSizeLimit(const FileSizeLimit&) = delete;
    FileSizeLimit& operator=(const FileSizeLimit&) = delete;

private:
    std::uint64_t m_saved = 0;
    void (*m_handler)(int) = nullptr;
};

/// The message of the kdna::Error that `f` throws, or empty when it throws none.
template<typename F>
[[nodiscard]] std::string errorOf(F&& f)
{
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    return {};
}

} // namespace kdna::test

/// Skips the test with a clear message when the yeast data is not there.
#define KDNA_REQUIRE_YEAST(var)                                                                    \
    const auto var##Opt = kdna::test::yeastData();                                                 \
    if (!var##Opt)                                                                                 \
        QSKIP("real data not found: set KDNA_TEST_DATA or place it at ../shared/data/sacCer3");    \
    const std::filesystem::path var = *var##Opt

/// Skips the test with a clear message when the kdna executable is not built; else `var` is
/// its path.
#define KDNA_REQUIRE_CLI(var)                                                                      \
    const std::filesystem::path var = kdna::test::builtTool("app/cli/kdna");                       \
    if (!std::filesystem::exists(var))                                                             \
    QSKIP("the kdna executable is not built")
