#include "core/data/sequence_cache_file.h"

#include "core/genome/genome.h"
#include "core/genome/sequence.h"
#include "core/util/paths.h"

#include <algorithm>
#include <vector>

namespace kdna::store {
namespace fs = std::filesystem;
namespace {

constexpr CacheFile::Magic kMagic = {'K', 'D', 'N', 'A', 'S', 'E', 'Q', '1'};
// Bases encoded at a time when building: even, so a chunk packs into whole bytes.
constexpr std::int64_t kChunk = std::int64_t{1} << 20;

std::string headerFor(const fs::path& fasta, const std::string& chrom, std::int64_t length)
{
    return CacheFile::header(kMagic, fasta, chrom, length, "4-bit codes");
}

/// Base 2i in the low nibble of byte i, base 2i + 1 in the high one.
void pack(const std::uint8_t* codes, std::size_t n, std::uint8_t* out)
{
    for (std::size_t i = 0; i < n / 2; ++i)
        out[i] = static_cast<std::uint8_t>(codes[2 * i] | (codes[2 * i + 1] << 4));
    if (n % 2 != 0)
        out[n / 2] = codes[n - 1];
}

/// A nibble as a code; one past the alphabet (a file altered by hand) reads as N.
std::uint8_t codeOf(unsigned nibble)
{
    return static_cast<std::uint8_t>(std::min<unsigned>(nibble, sequence::kUnknown));
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
        path, headerFor(genome.path(), chrom, length),
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
    const std::string canonical = fs::weakly_canonical(fasta).string();
    return paths::userCacheDir() / "sequences" /
           (fasta.stem().string() + "." + chrom + "." + paths::cacheName(canonical + "\n" + chrom) +
            ".seq4");
}

std::shared_ptr<const SequenceCacheFile> SequenceCacheFile::openIfValid(const fs::path& path,
                                                                        const fs::path& fasta,
                                                                        const std::string& chrom,
                                                                        std::int64_t length)
{
    auto file = CacheFile::openIfValid(path, headerFor(fasta, chrom, length), bytesFor(length));
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
    for (std::int64_t base = start; base < end; ++base) {
        const std::uint8_t byte = bytes[static_cast<std::size_t>(base / 2 - first)];
        *out++ = codeOf(base % 2 == 0 ? byte & 0x0FU : byte >> 4U);
    }
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
