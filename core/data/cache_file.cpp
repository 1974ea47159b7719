#include "core/data/cache_file.h"

#include "core/util/atomic_output.h"
#include "core/util/error.h"
#include "core/util/opening_progress.h"
#include "core/util/paths.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <ostream>
#include <unistd.h>

namespace kdna::store {
namespace fs = std::filesystem;
namespace {

/// Thrown inside AtomicOutput's fill to drop the temporary of a build told to stop.
struct Stopped {};

} // namespace

fs::path CacheFile::pathFor(const std::string& folder, const fs::path& source,
                            const std::string& chrom, const std::string& extension)
{
    const std::string canonical = fs::weakly_canonical(source).string();
    return paths::userCacheDir() / folder /
           (paths::fileNamePart(source.stem().string(), 64) + "." + paths::fileNamePart(chrom, 64) +
            "." + paths::cacheName(canonical + "\n" + chrom) + extension);
}

bool CacheSource::unchanged() const
{
    try {
        return paths::fileStamp(path) == stamp;
    } catch (const Error&) {
        return false; // removed, or no longer readable
    }
}

std::string CacheFile::header(const Magic& magic, const CacheSource& source,
                              const std::string& chrom, std::int64_t length,
                              const std::string& variant)
{
    std::string h(magic.begin(), magic.end());
    h += source.stamp + "\n" + chrom + "\n" + std::to_string(length) + "\n";
    if (!variant.empty())
        h += variant + "\n";
    h.resize((h.size() + 63) / 64 * 64, '\0'); // the data starts aligned
    return h;
}

std::unique_ptr<const CacheFile>
CacheFile::openIfValid(const fs::path& path, const std::string& header, std::uint64_t dataBytes)
{
    std::error_code ec;
    const auto size = fs::file_size(path, ec);
    if (ec || size != header.size() + dataBytes)
        return nullptr;
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return nullptr; // removed since: as if missing
    std::string got(header.size(), '\0');
    if (::pread(fd, got.data(), got.size(), 0) != static_cast<ssize_t>(got.size()) ||
        got != header) {
        ::close(fd);
        return nullptr;
    }
    return std::unique_ptr<const CacheFile>(
        new CacheFile(path, fd, static_cast<std::int64_t>(header.size())));
}

bool CacheFile::write(const fs::path& path, const std::string& header, const CacheSource& source,
                      const std::string& what, std::int64_t length, std::int64_t chunk,
                      const std::function<bool()>& keepGoing, const Encoder& encode)
{
    fs::create_directories(path.parent_path());
    try {
        AtomicOutput::writeFile(
            path,
            [&](std::ostream& out) {
                out.write(header.data(), static_cast<std::streamsize>(header.size()));
                std::vector<char> bytes;
                reportOpening(what, 0, length);
                for (std::int64_t s = 0; s < length; s += chunk) {
                    if (!keepGoing() || !source.unchanged())
                        throw Stopped{};
                    const std::int64_t e = std::min(length, s + chunk);
                    encode(s, e, bytes);
                    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
                    reportOpening(what, e, length);
                }
                if (!source.unchanged())
                    throw Stopped{};
            },
            true);
    } catch (const Stopped&) {
        return false;
    }
    return true;
}

CacheFile::CacheFile(fs::path path, int fd, std::int64_t dataOffset)
    : m_path(std::move(path))
    , m_fd(fd)
    , m_dataOffset(dataOffset)
{}

CacheFile::~CacheFile()
{
    ::close(m_fd);
}

void CacheFile::readData(std::int64_t offsetIn, std::size_t size, char* bytes) const
{
    std::size_t want = size;
    auto offset = static_cast<off_t>(m_dataOffset + offsetIn);
    while (want > 0) {
        const ssize_t n = ::pread(m_fd, bytes, want, offset);
        if (n <= 0)
            throw Error::inFile(m_path.string(), 0,
                                n == 0 ? std::string("the cache ends early (truncated while in "
                                                     "use?)")
                                       : std::string(std::strerror(errno)));
        bytes += n;
        offset += n;
        want -= static_cast<std::size_t>(n);
    }
}

} // namespace kdna::store
