#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace kdna {

/// The one exception type kdna throws. Its message is a sentence a user can act on: it names
/// the file and line, or the keyword, at fault and says what would be valid. Front ends print
/// what() as is (the CLI after "error: ", the GUI next to the field in `keyword()`).
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

    [[nodiscard]] const std::string& file() const { return m_file; }
    [[nodiscard]] std::int64_t line() const { return m_line; }
    [[nodiscard]] const std::string& keyword() const { return m_keyword; }

private:
    std::string m_file;
    std::int64_t m_line = 0;
    std::string m_keyword;
};

} // namespace kdna
