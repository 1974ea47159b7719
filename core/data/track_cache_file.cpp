#include "core/data/track_cache_file.h"

#include "core/util/opening_progress.h"
#include "core/tracks/bigwig.h"
#include "core/util/atomic_output.h"
#include "core/util/error.h"
#include "core/util/paths.h"

#include <array>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <functional>
#include <ostream>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace kdna::store {
namespace fs = std::filesystem;
namespace {

constexpr std::array<char, 8> kMagic = {'K', 'D', 'N', 'A', 'T', 'R', 'K', '1'};
constexpr std::int64_t kChunk = std::int64_t{1} << 20; // bases decoded at a time when building

/// What a cache file must say to belong to this (bigWig, chromosome): the header, byte for
/// byte, so a changed source (size, mtime), another chromosome or another length misses.
std::string headerFor(const fs::path& bigwig, const std::string& chrom, std::int64_t length)
{
    std::string h(kMagic.begin(), kMagic.end());
    h += paths::fileStamp(bigwig) + "\n" + chrom + "\n" + std::to_string(length) + "\n";
    h.resize((h.size() + 63) / 64 * 64, '\0'); // the values start aligned
    return h;
}

bool isValid(const fs::path& path, const std::string& header, std::int64_t length)
{
    std::error_code ec;
    const auto size = fs::file_size(path, ec);
    if (ec || size != header.size() + static_cast<std::uint64_t>(length) * sizeof(float))
        return false;
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    std::string got(header.size(), '\0');
    const auto n = ::pread(fd, got.data(), got.size(), 0);
    ::close(fd);
    return n == static_cast<ssize_t>(got.size()) && got == header;
}

/// Thrown inside AtomicOutput's fill to drop the temporary of a build told to stop.
struct Stopped {};

} // namespace

bool TrackCacheFile::build(const fs::path& path, const BigWigReader& reader,
                           const std::string& chrom, std::int64_t length,
                           const std::function<bool()>& keepGoing)
{
    const std::string header = headerFor(reader.path(), chrom, length);
    fs::create_directories(path.parent_path());
    try {
        AtomicOutput::writeFile(
            path,
            [&](std::ostream& out) {
                out.write(header.data(), static_cast<std::streamsize>(header.size()));
                std::vector<float> chunk;
                const std::string what =
                    "the track cache of " + reader.path().filename().string() + " on " + chrom;
                reportOpening(what, 0, length);
                for (std::int64_t s = 0; s < length; s += kChunk) {
                    if (!keepGoing())
                        throw Stopped{};
                    const std::int64_t e = std::min(length, s + kChunk);
                    chunk.resize(static_cast<std::size_t>(e - s));
                    reader.values(chrom, s, e, chunk.data());
                    out.write(reinterpret_cast<const char*>(chunk.data()),
                              static_cast<std::streamsize>(chunk.size() * sizeof(float)));
                    reportOpening(what, e, length);
                }
            },
            true);
    } catch (const Stopped&) {
        return false;
    }
    return true;
}

fs::path TrackCacheFile::pathFor(const fs::path& bigwig, const std::string& chrom)
{
    const std::string canonical = fs::weakly_canonical(bigwig).string();
    return paths::userCacheDir() / "tracks" /
           (bigwig.stem().string() + "." + chrom + "." +
            paths::cacheName(canonical + "\n" + chrom) + ".f32");
}

std::shared_ptr<const TrackCacheFile> TrackCacheFile::openIfValid(const fs::path& path,
                                                                  const fs::path& bigwig,
                                                                  const std::string& chrom,
                                                                  std::int64_t length)
{
    const std::string header = headerFor(bigwig, chrom, length);
    if (!isValid(path, header, length))
        return nullptr;
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return nullptr; // removed since: as if missing
    return std::shared_ptr<const TrackCacheFile>(
        new TrackCacheFile(path, fd, static_cast<std::int64_t>(header.size())));
}

std::shared_ptr<const TrackCacheFile> TrackCacheFile::open(const BigWigReader& reader,
                                                           const std::string& chrom,
                                                           std::int64_t length, bool* built)
{
    const fs::path path = pathFor(reader.path(), chrom);
    auto file = openIfValid(path, reader.path(), chrom, length);
    if (built)
        *built = !file;
    if (file)
        return file;
    build(path, reader, chrom, length, [] { return true; });
    file = openIfValid(path, reader.path(), chrom, length);
    if (!file)
        throw Error::inFile(path.string(), 0, "the track cache just written cannot be opened");
    return file;
}

TrackCacheFile::TrackCacheFile(fs::path path, int fd, std::int64_t dataOffset)
    : m_path(std::move(path))
    , m_fd(fd)
    , m_dataOffset(dataOffset)
{}

TrackCacheFile::~TrackCacheFile()
{
    ::close(m_fd);
}

void TrackCacheFile::read(std::int64_t start, std::int64_t end, float* out) const
{
    auto* bytes = reinterpret_cast<char*>(out);
    std::size_t want = static_cast<std::size_t>(end - start) * sizeof(float);
    auto offset =
        static_cast<off_t>(m_dataOffset + start * static_cast<std::int64_t>(sizeof(float)));
    while (want > 0) {
        const ssize_t n = ::pread(m_fd, bytes, want, offset);
        if (n <= 0)
            throw Error::inFile(m_path.string(), 0,
                                n == 0 ? std::string("the track cache ends early (truncated "
                                                     "while in use?)")
                                       : std::string(std::strerror(errno)));
        bytes += n;
        offset += n;
        want -= static_cast<std::size_t>(n);
    }
}

} // namespace kdna::store
