#include "core/util/problem.h"

#include "core/util/error.h"

namespace kdna {

void throwIfProblems(const std::vector<Problem>& problems, const std::string& context)
{
    if (problems.empty())
        return;
    if (problems.size() == 1 && context.empty())
        throw Error::atKeyword(problems.front().keyword, problems.front().message);
    std::string message = (context.empty() ? std::string("the dataset") : context) + " has " +
                          std::to_string(problems.size()) + " problem" +
                          (problems.size() > 1 ? "s" : "") + ":";
    for (const auto& problem : problems)
        message += "\n  " + problem.keyword + ": " + problem.message;
    throw Error(message, problems.front().keyword);
}

} // namespace kdna
