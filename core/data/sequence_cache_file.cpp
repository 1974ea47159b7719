#include "core/data/sequence_cache_file.h"

#include "core/genome/genome.h"
#include "core/genome/sequence.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <vector>

namespace kdna::store {
namespace fs = std::filesystem;
namespace {

constexpr CacheFile::Magic kMagic = {'K', 'D', 'N', 'A', 'S', 'E', 'Q', '1'};
// Bases encoded at a time when building: even, so a chunk packs into whole bytes, and short,
// as each is a faidx fetch under the Genome's lock, which training's reads of chromosomes
// not cached yet wait for while this low-priority build holds it (about 2 ms).
constexpr std::int64_t kChunk = std::int64_t{1} << 16;

CacheSource sourceOf(const Genome& genome)
{
    return {genome.path(), genome.stamp()};
}

std::string headerFor(const Genome& genome, const std::string& chrom, std::int64_t length)
{
    return CacheFile::header(kMagic, sourceOf(genome), chrom, length, "4-bit codes");
}

/// Base 2i in the low nibble of byte i, base 2i + 1 in the high one.
void pack(const std::uint8_t* codes, std::size_t n, std::uint8_t* out)
{
    for (std::size_t i = 0; i < n / 2; ++i)
        out[i] = static_cast<std::uint8_t>(codes[2 * i] | (codes[2 * i + 1] << 4));
    if (n % 2 != 0)
        out[n / 2] = codes[n - 1];
}

/// Each byte's two codes, base 2i then 2i + 1; a nibble past the alphabet (a file altered by
/// hand) reads as N.
const std::array<std::array<std::uint8_t, 2>, 256>& codePairs()
{
    static const auto table = [] {
        std::array<std::array<std::uint8_t, 2>, 256> t{};
        const auto code = [](unsigned nibble) {
            return static_cast<std::uint8_t>(std::min<unsigned>(nibble, sequence::kUnknown));
        };
        for (unsigned byte = 0; byte < 256; ++byte)
            t[byte] = {code(byte & 0x0FU), code(byte >> 4U)};
        return t;
    }();
    return table;
}

} // namespace

std::uint64_t SequenceCacheFile::bytesFor(std::int64_t length)
{
    return static_cast<std::uint64_t>((length + 1) / 2);
}

bool SequenceCacheFile::build(const fs::path& path, const Genome& genome, const std::string& chrom,
                              std::int64_t length, const std::function<bool()>& keepGoing)
{
    std::vector<std::uint8_t> codes;
    return CacheFile::write(
        path, headerFor(genome, chrom, length), sourceOf(genome),
        "the sequence cache of " + genome.path().filename().string() + " on " + chrom, length,
        kChunk, keepGoing, [&](std::int64_t s, std::int64_t e, std::vector<char>& bytes) {
            codes.resize(static_cast<std::size_t>(e - s));
            genome.fetchCodes(chrom, s, e, codes.data());
            bytes.resize((codes.size() + 1) / 2);
            pack(codes.data(), codes.size(), reinterpret_cast<std::uint8_t*>(bytes.data()));
        });
}

fs::path SequenceCacheFile::pathFor(const fs::path& fasta, const std::string& chrom)
{
    return CacheFile::pathFor("sequences", fasta, chrom, ".seq4");
}

std::shared_ptr<const SequenceCacheFile> SequenceCacheFile::openIfValid(const fs::path& path,
                                                                        const Genome& genome,
                                                                        const std::string& chrom,
                                                                        std::int64_t length)
{
    auto file = CacheFile::openIfValid(path, headerFor(genome, chrom, length), bytesFor(length));
    if (!file)
        return nullptr;
    return std::shared_ptr<const SequenceCacheFile>(new SequenceCacheFile(std::move(file)));
}

void SequenceCacheFile::read(std::int64_t start, std::int64_t end, std::uint8_t* out) const
{
    if (end <= start)
        return;
    // The bytes holding bases [start, end): from the one with `start` to the one with end - 1.
    const std::int64_t first = start / 2;
    const std::int64_t last = (end - 1) / 2;
    thread_local std::vector<std::uint8_t> bytes;
    bytes.resize(static_cast<std::size_t>(last - first + 1));
    m_file->readData(first, bytes.size(), reinterpret_cast<char*>(bytes.data()));
    const auto& pairs = codePairs();
    std::size_t i = 0;
    std::int64_t base = start;
    if (base % 2 != 0) { // an odd start: the high half of the first byte
        *out++ = pairs[bytes[i++]][1];
        ++base;
    }
    for (; base + 1 < end; base += 2) {
        std::memcpy(out, pairs[bytes[i++]].data(), 2);
        out += 2;
    }
    if (base < end) // an odd end: the low half of the last byte
        *out = pairs[bytes[i]][0];
}

const fs::path& SequenceCacheFile::path() const
{
    return m_file->path();
}

SequenceCacheFile::SequenceCacheFile(std::unique_ptr<const CacheFile> file)
    : m_file(std::move(file))
{}

SequenceCacheFile::~SequenceCacheFile() = default;

} // namespace kdna::store
