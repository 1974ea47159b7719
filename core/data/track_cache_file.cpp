#include "core/data/track_cache_file.h"

#include "core/tracks/bigwig.h"
#include "core/util/atomic_output.h"
#include "core/util/error.h"
#include "core/util/opening_progress.h"
#include "core/util/paths.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cerrno>
#include <cmath>
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

/// The top half of `v` rounded to the nearest bfloat16, ties to even (a NaN stays one).
std::uint16_t toBFloat16(float v)
{
    const auto bits = std::bit_cast<std::uint32_t>(v);
    if (std::isnan(v))
        return static_cast<std::uint16_t>((bits >> 16) | 0x40U);
    return static_cast<std::uint16_t>((bits + 0x7FFFU + ((bits >> 16) & 1U)) >> 16);
}

float fromBFloat16(std::uint16_t h)
{
    return std::bit_cast<float>(static_cast<std::uint32_t>(h) << 16);
}

/// What a cache file must say to belong to this (bigWig, chromosome): the header, byte for
/// byte, so a changed source (size, mtime), another chromosome, length or precision misses.
std::string headerFor(const fs::path& bigwig, const std::string& chrom, std::int64_t length,
                      CachePrecision precision)
{
    std::string h(kMagic.begin(), kMagic.end());
    h += paths::fileStamp(bigwig) + "\n" + chrom + "\n" + std::to_string(length) + "\n";
    if (precision == CachePrecision::BFloat16)
        h += "bfloat16\n"; // a float32 cache's header is as before, so old caches stay valid
    h.resize((h.size() + 63) / 64 * 64, '\0'); // the values start aligned
    return h;
}

bool isValid(const fs::path& path, const std::string& header, std::int64_t length,
             CachePrecision precision)
{
    std::error_code ec;
    const auto size = fs::file_size(path, ec);
    if (ec || size != header.size() + static_cast<std::uint64_t>(length) * bytesPerValue(precision))
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

std::size_t bytesPerValue(CachePrecision p)
{
    return p == CachePrecision::BFloat16 ? 2 : 4;
}

float atPrecision(float v, CachePrecision precision)
{
    return precision == CachePrecision::BFloat16 ? fromBFloat16(toBFloat16(v)) : v;
}

bool TrackCacheFile::build(const fs::path& path, const BigWigReader& reader,
                           const std::string& chrom, std::int64_t length,
                           const std::function<bool()>& keepGoing, CachePrecision precision)
{
    const std::string header = headerFor(reader.path(), chrom, length, precision);
    fs::create_directories(path.parent_path());
    try {
        AtomicOutput::writeFile(
            path,
            [&](std::ostream& out) {
                out.write(header.data(), static_cast<std::streamsize>(header.size()));
                std::vector<float> chunk;
                std::vector<std::uint16_t> halves;
                const std::string what =
                    "the track cache of " + reader.path().filename().string() + " on " + chrom;
                reportOpening(what, 0, length);
                for (std::int64_t s = 0; s < length; s += kChunk) {
                    if (!keepGoing())
                        throw Stopped{};
                    const std::int64_t e = std::min(length, s + kChunk);
                    chunk.resize(static_cast<std::size_t>(e - s));
                    reader.values(chrom, s, e, chunk.data());
                    if (precision == CachePrecision::BFloat16) {
                        halves.resize(chunk.size());
                        std::transform(chunk.begin(), chunk.end(), halves.begin(), toBFloat16);
                        out.write(reinterpret_cast<const char*>(halves.data()),
                                  static_cast<std::streamsize>(halves.size() * 2));
                    } else {
                        out.write(reinterpret_cast<const char*>(chunk.data()),
                                  static_cast<std::streamsize>(chunk.size() * sizeof(float)));
                    }
                    reportOpening(what, e, length);
                }
            },
            true);
    } catch (const Stopped&) {
        return false;
    }
    return true;
}

fs::path TrackCacheFile::pathFor(const fs::path& bigwig, const std::string& chrom,
                                 CachePrecision precision)
{
    const std::string canonical = fs::weakly_canonical(bigwig).string();
    return paths::userCacheDir() / "tracks" /
           (bigwig.stem().string() + "." + chrom + "." +
            paths::cacheName(canonical + "\n" + chrom) +
            (precision == CachePrecision::BFloat16 ? ".bf16" : ".f32"));
}

std::shared_ptr<const TrackCacheFile>
TrackCacheFile::openIfValid(const fs::path& path, const fs::path& bigwig, const std::string& chrom,
                            std::int64_t length, CachePrecision precision)
{
    const std::string header = headerFor(bigwig, chrom, length, precision);
    if (!isValid(path, header, length, precision))
        return nullptr;
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return nullptr; // removed since: as if missing
    return std::shared_ptr<const TrackCacheFile>(
        new TrackCacheFile(path, fd, static_cast<std::int64_t>(header.size()), precision));
}

std::shared_ptr<const TrackCacheFile> TrackCacheFile::open(const BigWigReader& reader,
                                                           const std::string& chrom,
                                                           std::int64_t length, bool* built,
                                                           CachePrecision precision)
{
    const fs::path path = pathFor(reader.path(), chrom, precision);
    auto file = openIfValid(path, reader.path(), chrom, length, precision);
    if (built)
        *built = !file;
    if (file)
        return file;
    build(
        path, reader, chrom, length, [] { return true; }, precision);
    file = openIfValid(path, reader.path(), chrom, length, precision);
    if (!file)
        throw Error::inFile(path.string(), 0, "the track cache just written cannot be opened");
    return file;
}

TrackCacheFile::TrackCacheFile(fs::path path, int fd, std::int64_t dataOffset,
                               CachePrecision precision)
    : m_path(std::move(path))
    , m_fd(fd)
    , m_dataOffset(dataOffset)
    , m_precision(precision)
{}

TrackCacheFile::~TrackCacheFile()
{
    ::close(m_fd);
}

void TrackCacheFile::read(std::int64_t start, std::int64_t end, float* out) const
{
    const auto n = static_cast<std::size_t>(end - start);
    const auto width = static_cast<std::int64_t>(bytesPerValue(m_precision));
    if (m_precision == CachePrecision::Float32) {
        readBytes(m_dataOffset + start * width, n * sizeof(float), reinterpret_cast<char*>(out));
        return;
    }
    thread_local std::vector<std::uint16_t> halves; // a block's worth, per reading thread
    halves.resize(n);
    readBytes(m_dataOffset + start * width, n * 2, reinterpret_cast<char*>(halves.data()));
    std::transform(halves.begin(), halves.end(), out, fromBFloat16);
}

void TrackCacheFile::readBytes(std::int64_t offsetIn, std::size_t size, char* bytes) const
{
    std::size_t want = size;
    auto offset = static_cast<off_t>(offsetIn);
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
