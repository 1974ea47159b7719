#include "core/tracks/line_reader.h"

#include "core/util/error.h"

#include <htslib/bgzf.h>
#include <htslib/kstring.h>

namespace kdna {

struct LineReader::Impl {
    BGZF* file = nullptr; // bgzf_open creates, bgzf_close frees
    kstring_t buffer = {0, 0, nullptr};
    ~Impl()
    {
        if (file)
            bgzf_close(file);
        free(buffer.s);
    }
};

LineReader::LineReader(const std::filesystem::path& path)
    : d(std::make_unique<Impl>())
    , m_path(path)
{
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        throw Error::inFile(path.string(), 0, "no such file");
    d->file = bgzf_open(path.c_str(), "r");
    if (!d->file)
        throw Error::inFile(path.string(), 0, "cannot be opened for reading");
}

LineReader::~LineReader() = default;

bool LineReader::next(std::string& line)
{
    const int rc = bgzf_getline(d->file, '\n', &d->buffer);
    if (rc == -1)
        return false;
    if (rc < -1)
        throw Error::inFile(m_path.string(), m_lineNumber + 1,
                            "could not be read (truncated or corrupt compressed data)");
    ++m_lineNumber;
    line.assign(d->buffer.s, d->buffer.l);
    if (!line.empty() && line.back() == '\r')
        line.pop_back();
    return true;
}

} // namespace kdna
