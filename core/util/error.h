#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace kdna {

/// The one exception type kdna throws. Its message is a sentence a user can act on: it names
/// the file and line, or the keyword, at fault and says what would be valid. Build it with
/// `inFile` or `atKeyword`, which spell the place into the message and keep it in fields a
/// front end reads (`kdna::describe` adds the file and line when a message lost them; the
/// GUI points at the field in `keyword()`); a rethrow that rewords a message goes through
/// `withContext` or `atKeyword(keyword, cause)`, which keep them.
class Error : public std::runtime_error {
public:
    explicit Error(const std::string& message)
        : std::runtime_error(message)
    {}
    /// A whole message about a setting, with the keyword the GUI should point at.
    Error(const std::string& message, std::string keyword)
        : std::runtime_error(message)
        , m_keyword(std::move(keyword))
    {}

    /// A problem in a file; `line` is 1-based, 0 when the file as a whole is at fault.
    static Error inFile(const std::string& path, std::int64_t line, const std::string& message);
    /// A problem with a setting, named by its keras_dna keyword.
    static Error atKeyword(const std::string& keyword, const std::string& message);
    /// `cause`, said of a setting: "keyword: <cause's message>", keeping cause's file and line.
    static Error atKeyword(const std::string& keyword, const Error& cause);

    /// The same error with words before and after its message; keyword, file and line kept.
    [[nodiscard]] Error withContext(const std::string& before, const std::string& after = {}) const;
    /// The same error, also naming the file (and 1-based line, 0 for the whole file) at fault;
    /// the message, which already names it, is unchanged.
    [[nodiscard]] Error withFile(const std::string& path, std::int64_t line = 0) const;

    [[nodiscard]] const std::string& file() const { return m_file; }
    [[nodiscard]] std::int64_t line() const { return m_line; }
    [[nodiscard]] const std::string& keyword() const { return m_keyword; }

private:
    std::string m_file;
    std::int64_t m_line = 0;
    std::string m_keyword;
};

} // namespace kdna
