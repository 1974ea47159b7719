#pragma once

#include <string>
#include <vector>

namespace kdna {

/// One thing wrong with a spec: the keyword at fault and a sentence saying what is valid.
/// The CLI prints them all; the GUI puts each next to its field.
struct Problem {
    std::string keyword;
    std::string message;
    friend bool operator==(const Problem&, const Problem&) = default;
};

/// Throws a kdna::Error listing every problem ("keyword: message", one per line) when there
/// are any. The error's keyword() is the first problem's keyword.
void throwIfProblems(const std::vector<Problem>& problems, const std::string& context = {});

} // namespace kdna
