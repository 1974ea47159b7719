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

Error Error::atKeyword(const std::string& keyword, const Error& cause)
{
    Error e = atKeyword(keyword, std::string(cause.what()));
    e.m_file = cause.m_file;
    e.m_line = cause.m_line;
    return e;
}

Error Error::withContext(const std::string& before, const std::string& after) const
{
    Error e(before + what() + after);
    e.m_file = m_file;
    e.m_line = m_line;
    e.m_keyword = m_keyword;
    return e;
}

Error Error::withFile(const std::string& path, std::int64_t line) const
{
    Error e = *this;
    e.m_file = path;
    e.m_line = line;
    return e;
}

} // namespace kdna
