#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

namespace kdna {

/// Reads a text file line by line, plain or gzip/bgzip-compressed (through htslib), counting
/// lines for error messages. Line endings (LF or CRLF) are stripped.
class LineReader {
public:
    explicit LineReader(const std::filesystem::path& path);
    ~LineReader();
    LineReader(const LineReader&) = delete;
    LineReader& operator=(const LineReader&) = delete;

    /// Next line into `line`; false at the end of the file. Throws on a read error.
    bool next(std::string& line);
    [[nodiscard]] std::int64_t lineNumber() const { return m_lineNumber; }
    [[nodiscard]] const std::filesystem::path& path() const { return m_path; }

private:
    struct Impl;
    std::unique_ptr<Impl> d;
    std::filesystem::path m_path;
    std::int64_t m_lineNumber = 0;
};

} // namespace kdna
