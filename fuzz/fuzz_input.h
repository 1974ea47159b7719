#pragma once
// What every harness shares: the bytes libFuzzer hands over as a file on disk (kdna's readers
// take paths, as users give them), and the rule that a kdna::Error is the expected answer to
// bad input while anything else (a crash, a sanitizer report, another exception) is a finding.

#include "core/util/error.h"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string_view>

namespace kdna::fuzz {

/// A scratch folder of this process, in memory where the system has /dev/shm.
[[nodiscard]] std::filesystem::path scratchFolder();

/// Writes `bytes` to `name` in the scratch folder (replacing it) and returns its path.
std::filesystem::path writeScratch(const std::string& name, std::string_view bytes);

/// The input split at its first NUL byte: the part before and the part after (empty when the
/// input has none), for harnesses that read two files (a FASTA and its .fai).
[[nodiscard]] std::pair<std::string_view, std::string_view> splitAtNul(std::string_view input);

/// Runs `f`; a kdna::Error is bad input answered with a sentence, which is fine.
template<typename F>
void expectOnlyKdnaErrors(F&& f)
{
    try {
        f();
    } catch (const Error&) {
    }
}

} // namespace kdna::fuzz
