#include "core/util/error.h"

#include <cstdint>

namespace kdna {

Error Error::inFile(const std::string& path, std::int64_t line, const std::string& message)
{
    std::string where = path;
    if (line > 0)
        where += ", line " + std::to_string(line);
    Error e(where + ": " + message);
    e.m_file = path;
    e.m_line = line;
    return e;
}

Error Error::atKeyword(const std::string& keyword, const std::string& message)
{
    Error e(keyword + ": " + message);
    e.m_keyword = keyword;
    return e;
}

} // namespace kdna
