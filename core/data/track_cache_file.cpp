#include "core/data/track_cache_file.h"

#include "core/tracks/bigwig.h"
#include "core/util/error.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <functional>
#include <vector>

namespace kdna::store {
namespace fs = std::filesystem;
namespace {

constexpr CacheFile::Magic kMagic = {'K', 'D', 'N', 'A', 'T', 'R', 'K', '1'};
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

/// What a cache file must say to belong to this (bigWig, chromosome): a changed source
/// (size, mtime), another chromosome, length or precision misses. A float32 cache's header
/// has no variant line, as before bfloat16 existed, so old caches stay valid.
CacheSource sourceOf(const BigWigReader& reader)
{
    return {reader.path(), reader.stamp()};
}

std::string headerFor(const BigWigReader& reader, const std::string& chrom, std::int64_t length,
                      CachePrecision precision)
{
    return CacheFile::header(kMagic, sourceOf(reader), chrom, length,
                             precision == CachePrecision::BFloat16 ? "bfloat16" : "");
}

std::uint64_t dataBytes(std::int64_t length, CachePrecision precision)
{
    return static_cast<std::uint64_t>(length) * bytesPerValue(precision);
}

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
    std::vector<float> values;
    std::vector<std::uint16_t> halves;
    return CacheFile::write(
        path, headerFor(reader, chrom, length, precision), sourceOf(reader),
        "the track cache of " + reader.path().filename().string() + " on " + chrom, length, kChunk,
        keepGoing, [&](std::int64_t s, std::int64_t e, std::vector<char>& bytes) {
            values.resize(static_cast<std::size_t>(e - s));
            reader.values(chrom, s, e, values.data());
            bytes.resize(values.size() * bytesPerValue(precision));
            if (precision == CachePrecision::BFloat16) {
                halves.resize(values.size());
                std::transform(values.begin(), values.end(), halves.begin(), toBFloat16);
                std::memcpy(bytes.data(), halves.data(), bytes.size());
            } else {
                std::memcpy(bytes.data(), values.data(), bytes.size());
            }
        });
}

fs::path TrackCacheFile::pathFor(const fs::path& bigwig, const std::string& chrom,
                                 CachePrecision precision)
{
    return CacheFile::pathFor("tracks", bigwig, chrom,
                              precision == CachePrecision::BFloat16 ? ".bf16" : ".f32");
}

std::shared_ptr<const TrackCacheFile>
TrackCacheFile::openIfValid(const fs::path& path, const BigWigReader& reader,
                            const std::string& chrom, std::int64_t length, CachePrecision precision)
{
    auto file = CacheFile::openIfValid(path, headerFor(reader, chrom, length, precision),
                                       dataBytes(length, precision));
    if (!file)
        return nullptr;
    return std::shared_ptr<const TrackCacheFile>(new TrackCacheFile(std::move(file), precision));
}

std::shared_ptr<const TrackCacheFile> TrackCacheFile::open(const BigWigReader& reader,
                                                           const std::string& chrom,
                                                           std::int64_t length, bool* built,
                                                           CachePrecision precision)
{
    const fs::path path = pathFor(reader.path(), chrom, precision);
    auto file = openIfValid(path, reader, chrom, length, precision);
    if (built)
        *built = !file;
    if (file)
        return file;
    build(
        path, reader, chrom, length, [] { return true; }, precision);
    file = openIfValid(path, reader, chrom, length, precision);
    if (!file)
        throw Error::inFile(path.string(), 0, "the track cache just written cannot be opened");
    return file;
}

TrackCacheFile::TrackCacheFile(std::unique_ptr<const CacheFile> file, CachePrecision precision)
    : m_file(std::move(file))
    , m_precision(precision)
{}

TrackCacheFile::~TrackCacheFile() = default;

const fs::path& TrackCacheFile::path() const
{
    return m_file->path();
}

void TrackCacheFile::read(std::int64_t start, std::int64_t end, float* out) const
{
    const auto n = static_cast<std::size_t>(end - start);
    const auto width = static_cast<std::int64_t>(bytesPerValue(m_precision));
    if (m_precision == CachePrecision::Float32) {
        m_file->readData(start * width, n * sizeof(float), reinterpret_cast<char*>(out));
        return;
    }
    thread_local std::vector<std::uint16_t> halves; // a block's worth, per reading thread
    halves.resize(n);
    m_file->readData(start * width, n * 2, reinterpret_cast<char*>(halves.data()));
    std::transform(halves.begin(), halves.end(), out, fromBFloat16);
}

} // namespace kdna::store
