#include "core/tracks/bigwig_layout.h"

#include "core/util/error.h"
#include "core/util/text.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <numeric>
#include <optional>
#include <set>
#include <unordered_set>
#include <zlib.h>

#include <climits>

namespace kdna {
namespace fs = std::filesystem;

namespace {

// The numbers of the bigWig format (UCSC's bbiFile.h), in the byte order libBigWig reads.
constexpr std::uint32_t kBigWigMagic = 0x888FFC26;
constexpr std::uint32_t kChromTreeMagic = 0x78CA8C91;
constexpr std::uint32_t kIndexMagic = 0x2468ACE0;
constexpr std::uint64_t kHeaderBytes = 64;
constexpr std::uint64_t kZoomHeaderBytes = 24;
constexpr std::uint64_t kSummaryBytes = 40;
constexpr std::uint64_t kChromTreeHeaderBytes = 32;
constexpr std::uint64_t kIndexHeaderBytes = 48;
constexpr std::uint64_t kNodeHeaderBytes = 4;
constexpr std::uint64_t kIndexLeafItemBytes = 32;
constexpr std::uint64_t kIndexBranchItemBytes = 24;
constexpr std::uint64_t kDataBlockHeaderBytes = 24;
constexpr std::uint64_t kZoomRecordBytes = 32;

// Bounds no bigWig tool comes near, so that libBigWig's allocations stay sized by the file.
constexpr std::uint32_t kMaxNameBytes = 1024;
constexpr std::uint32_t kMaxBlockBytes = 64U << 20;
constexpr int kMaxTreeDepth = 32;

std::uint16_t u16(const std::string& b, std::size_t at)
{
    std::uint16_t v = 0;
    std::memcpy(&v, b.data() + at, sizeof v);
    return v;
}
std::uint32_t u32(const std::string& b, std::size_t at)
{
    std::uint32_t v = 0;
    std::memcpy(&v, b.data() + at, sizeof v);
    return v;
}
std::uint64_t u64(const std::string& b, std::size_t at)
{
    std::uint64_t v = 0;
    std::memcpy(&v, b.data() + at, sizeof v);
    return v;
}

std::string byteNumber(std::uint64_t v)
{
    return text::withThousands(static_cast<std::int64_t>(std::min<std::uint64_t>(v, INT64_MAX)));
}

/// Bounded reads of one file: every part asked for must lie inside it.
class LayoutFile {
public:
    explicit LayoutFile(const fs::path& path)
        : m_path(path)
        , m_in(path, std::ios::binary)
    {
        if (!m_in)
            throw Error::inFile(path.string(), 0,
                                std::string("cannot be read (") + std::strerror(errno) + ")");
        std::error_code ec;
        m_size = fs::file_size(path, ec);
        if (ec)
            throw Error::inFile(path.string(), 0, "cannot be read (" + ec.message() + ")");
    }

    [[nodiscard]] std::uint64_t size() const { return m_size; }

    [[nodiscard]] Error error(const std::string& sentence) const
    {
        return Error::inFile(m_path.string(), 0, sentence);
    }
    [[nodiscard]] Error damaged(const std::string& what) const
    {
        return error("is a damaged bigWig: " + what);
    }

    /// Throws the truncation sentence when `what` ([offset, offset + n)) is not all inside.
    void requireInside(std::uint64_t offset, std::uint64_t n, const std::string& what) const
    {
        if (offset < m_size && n <= m_size - offset)
            return;
        const std::string where = offset >= m_size
                                      ? "starts at byte " + byteNumber(offset)
                                      : "at byte " + byteNumber(offset) + " runs past them";
        throw Error::inFile(m_path.string(), 0,
                            "is truncated (an interrupted download or copy?): it has " +
                                byteNumber(m_size) + " bytes, but its " + what + " " + where);
    }

    /// `n` bytes at `offset`, which must lie inside the file.
    std::string bytes(std::uint64_t offset, std::uint64_t n, const std::string& what)
    {
        requireInside(offset, n, what);
        std::string out(static_cast<std::size_t>(n), '\0');
        m_in.clear();
        m_in.seekg(static_cast<std::streamoff>(offset));
        m_in.read(out.data(), static_cast<std::streamsize>(n));
        if (!m_in)
            throw Error::inFile(m_path.string(), 0,
                                "could not be read at byte " + byteNumber(offset) +
                                    " (an input/output error)");
        return out;
    }

private:
    fs::path m_path;
    std::ifstream m_in;
    std::uint64_t m_size = 0;
};

struct Header {
    std::uint16_t zoomLevels = 0;
    std::uint64_t chromTree = 0, data = 0, index = 0, summary = 0;
    std::uint32_t bufSize = 0;
};

Header readHeader(LayoutFile& file)
{
    if (file.size() < kHeaderBytes)
        throw file.error("is truncated: " + std::to_string(file.size()) +
                         " bytes, shorter than a bigWig header (64 bytes)");
    const std::string h = file.bytes(0, kHeaderBytes, "header");
    const std::uint32_t magic = u32(h, 0);
    if (magic == __builtin_bswap32(kBigWigMagic))
        throw file.damaged("it is written in big-endian byte order, which libBigWig cannot read "
                           "(convert it with bigWigToBedGraph and bedGraphToBigWig here)");
    if (magic != kBigWigMagic)
        throw file.damaged("its first bytes are not the bigWig magic number");
    const std::uint16_t version = u16(h, 4);
    if (version < 1 || version > 4)
        throw file.damaged("it says it is of version " + std::to_string(version) +
                           "; bigWig versions are 1 to 4");
    Header out;
    out.zoomLevels = u16(h, 6);
    out.chromTree = u64(h, 8);
    out.data = u64(h, 16);
    out.index = u64(h, 24);
    out.summary = u64(h, 44);
    out.bufSize = u32(h, 52);
    if (out.bufSize > kMaxBlockBytes)
        throw file.damaged("its blocks would decompress to " + byteNumber(out.bufSize) +
                           " bytes each, more than any bigWig tool writes");
    return out;
}

/// The zoom headers (reduction, data, index) after the header.
std::vector<std::pair<std::uint32_t, std::uint64_t>> readZoomHeaders(LayoutFile& file,
                                                                     const Header& h)
{
    std::vector<std::pair<std::uint32_t, std::uint64_t>> levels;
    if (h.zoomLevels == 0)
        return levels;
    const std::string z = file.bytes(kHeaderBytes, kZoomHeaderBytes * h.zoomLevels,
                                     "zoom headers (" + std::to_string(h.zoomLevels) + " levels)");
    for (std::size_t i = 0; i < h.zoomLevels; ++i) {
        const std::size_t at = i * kZoomHeaderBytes;
        const std::uint32_t reduction = u32(z, at);
        if (reduction == 0)
            throw file.damaged("its zoom level " + std::to_string(i + 1) + " summarises 0 bases");
        file.requireInside(u64(z, at + 8), 1, "zoom level");
        file.requireInside(u64(z, at + 16), kIndexHeaderBytes, "zoom index");
        levels.emplace_back(reduction, u64(z, at + 16));
    }
    return levels;
}

// --- the chromosome B+ tree -------------------------------------------------------------------

struct ChromTreeWalk {
    explicit ChromTreeWalk(LayoutFile& f)
        : file(f)
    {}

    LayoutFile& file;
    std::uint32_t keySize = 0;
    std::uint64_t itemCount = 0;
    std::vector<bool> seenIds;
    std::set<std::string> names;
    std::uint64_t leafItems = 0;
    std::unordered_set<std::uint64_t> visited;

    void leafItem(const std::string& item)
    {
        const std::string name(item.c_str(), strnlen(item.c_str(), keySize));
        const std::uint32_t id = u32(item, keySize);
        if (name.empty())
            throw file.damaged("its chromosome list holds a chromosome without a name");
        if (id >= itemCount || seenIds[id])
            throw file.damaged(
                "its chromosome list numbers '" + name + "' " + std::to_string(id) + ", " +
                (id >= itemCount ? "past its " + std::to_string(itemCount) + " chromosomes"
                                 : "a number given twice"));
        if (!names.insert(name).second)
            throw file.damaged("its chromosome list names '" + name + "' twice");
        seenIds[id] = true;
        ++leafItems;
    }

    void node(std::uint64_t offset, int depth)
    {
        if (depth > kMaxTreeDepth || !visited.insert(offset).second)
            throw file.damaged("its chromosome list's tree loops back on itself at byte " +
                               byteNumber(offset));
        const std::string head = file.bytes(offset, kNodeHeaderBytes, "chromosome list");
        const bool leaf = head[0] != 0;
        const std::uint16_t count = u16(head, 2);
        const std::uint64_t itemBytes = std::uint64_t{keySize} + 8;
        const std::string items =
            file.bytes(offset + kNodeHeaderBytes, itemBytes * count, "chromosome list");
        for (std::size_t i = 0; i < count; ++i) {
            const std::string item = items.substr(i * itemBytes, itemBytes);
            if (leaf)
                leafItem(item);
            else
                node(u64(item, keySize), depth + 1);
        }
    }
};

void checkChromTree(LayoutFile& file, std::uint64_t offset)
{
    const std::string h = file.bytes(offset, kChromTreeHeaderBytes, "chromosome list");
    if (u32(h, 0) != kChromTreeMagic)
        throw file.damaged("its chromosome list at byte " + byteNumber(offset) +
                           " does not start as one (a corrupt or partly overwritten file)");
    ChromTreeWalk walk(file);
    walk.keySize = u32(h, 8);
    const std::uint32_t valueSize = u32(h, 12);
    walk.itemCount = u64(h, 16);
    if (walk.keySize == 0 || walk.keySize > kMaxNameBytes)
        throw file.damaged("its chromosome list says names take " + std::to_string(walk.keySize) +
                           " bytes (1 to " + std::to_string(kMaxNameBytes) + " are possible)");
    if (valueSize != 8)
        throw file.damaged("its chromosome list holds " + std::to_string(valueSize) +
                           "-byte entries; a bigWig's take 8");
    if (walk.itemCount == 0 || walk.itemCount > file.size() / (walk.keySize + 8))
        throw file.damaged("its chromosome list says it holds " + byteNumber(walk.itemCount) +
                           " chromosomes, which this file cannot");
    walk.seenIds.assign(static_cast<std::size_t>(walk.itemCount), false);
    walk.node(offset + kChromTreeHeaderBytes, 0);
    if (walk.leafItems != walk.itemCount)
        throw file.damaged("its chromosome list says it holds " + byteNumber(walk.itemCount) +
                           " chromosomes but lists " + byteNumber(walk.leafItems));
}

// --- the R-tree indexes ------------------------------------------------------------------------

struct IndexWalk {
    IndexWalk(LayoutFile& f, std::string w)
        : file(f)
        , what(std::move(w))
    {}

    LayoutFile& file;
    std::string what; ///< "index" or "zoom index"
    std::vector<BigWigBlock> blocks;
    std::unordered_set<std::uint64_t> visited;

    void leafItems(const std::string& items, std::uint16_t count)
    {
        for (std::size_t i = 0; i < count; ++i) {
            const std::size_t at = i * kIndexLeafItemBytes;
            BigWigBlock b{u32(items, at),      u32(items, at + 4),  u32(items, at + 8),
                          u32(items, at + 12), u64(items, at + 16), u64(items, at + 24)};
            if (b.size == 0)
                throw file.damaged("its " + what + " lists an empty block at byte " +
                                   byteNumber(b.offset));
            file.requireInside(b.offset, b.size, "block");
            blocks.push_back(b);
        }
    }

    void node(std::uint64_t offset, int depth)
    {
        if (depth > kMaxTreeDepth || !visited.insert(offset).second)
            throw file.damaged("its " + what + "'s tree loops back on itself at byte " +
                               byteNumber(offset));
        const std::string head = file.bytes(offset, kNodeHeaderBytes, what);
        const bool leaf = head[0] != 0;
        const std::uint16_t count = u16(head, 2);
        const std::uint64_t itemBytes = leaf ? kIndexLeafItemBytes : kIndexBranchItemBytes;
        const std::string items = file.bytes(offset + kNodeHeaderBytes, itemBytes * count, what);
        if (leaf) {
            leafItems(items, count);
            return;
        }
        for (std::size_t i = 0; i < count; ++i)
            node(u64(items, i * kIndexBranchItemBytes + 16), depth + 1);
    }
};

std::vector<BigWigBlock> readIndex(LayoutFile& file, std::uint64_t offset, const std::string& what)
{
    const std::string h = file.bytes(offset, kIndexHeaderBytes, what);
    if (u32(h, 0) != kIndexMagic)
        throw file.damaged("its " + what + " at byte " + byteNumber(offset) +
                           " does not start as one (a corrupt or partly overwritten file)");
    IndexWalk walk(file, what);
    walk.node(offset + kIndexHeaderBytes, 0);
    return std::move(walk.blocks);
}

/// Throws when libBigWig would read past the records of `block`.
void checkBlock(LayoutFile& file, const BigWigBlock& block, bool zoom, std::uint32_t bufSize)
{
    const std::string name = zoom ? "zoom block" : "data block";
    const std::string at = " at byte " + byteNumber(block.offset);
    std::string content = file.bytes(block.offset, block.size, name);
    if (bufSize != 0) {
        std::string plain(bufSize, '\0');
        uLongf length = bufSize;
        if (uncompress(reinterpret_cast<Bytef*>(plain.data()), &length,
                       reinterpret_cast<const Bytef*>(content.data()), block.size) != Z_OK)
            throw file.damaged("its " + name + at + " does not decompress");
        plain.resize(length);
        content = std::move(plain);
    }
    if (zoom) {
        if (content.size() % kZoomRecordBytes != 0)
            throw file.damaged("its " + name + at + " does not hold whole summary records");
        return;
    }
    if (content.size() < kDataBlockHeaderBytes)
        throw file.damaged("its " + name + at + " is shorter than a block header");
    const auto type = static_cast<std::uint8_t>(content[20]);
    const std::uint64_t records = u16(content, 22);
    const std::uint64_t recordBytes = type == 1 ? 12 : type == 2 ? 8 : type == 3 ? 4 : 0;
    if (recordBytes == 0)
        throw file.damaged("its " + name + at + " holds records of unknown type " +
                           std::to_string(type));
    if (kDataBlockHeaderBytes + records * recordBytes > content.size())
        throw file.damaged("its " + name + at + " holds fewer records than its header says (" +
                           std::to_string(records) + ")");
}

} // namespace

BigWigLayout readBigWigLayout(const fs::path& path)
{
    LayoutFile file(path);
    const Header h = readHeader(file);
    // Every offset first, so that a cut file reads as truncated rather than as damaged.
    file.requireInside(h.chromTree, kChromTreeHeaderBytes, "chromosome list");
    file.requireInside(h.data, 1, "data");
    if (h.index == 0)
        throw file.damaged("it has no index");
    file.requireInside(h.index, kIndexHeaderBytes, "index");
    if (h.summary != 0)
        file.requireInside(h.summary, kSummaryBytes, "summary");
    const auto zooms = readZoomHeaders(file, h);

    BigWigLayout layout;
    layout.fileSize = file.size();
    layout.uncompressedBlockSize = h.bufSize;
    checkChromTree(file, h.chromTree);
    layout.dataBlocks = readIndex(file, h.index, "index");
    for (const auto& [reduction, index] : zooms) {
        layout.zoomReductions.push_back(reduction);
        layout.zoomBlocks.push_back(readIndex(file, index, "zoom index"));
    }
    return layout;
}

// --- block contents, checked the first time a read needs them ----------------------------------

namespace {
/// A (chromosome, base) place as one number ordered as the pair.
std::uint64_t placeKey(std::uint32_t chrom, std::uint32_t base)
{
    return (std::uint64_t{chrom} << 32) | base;
}
} // namespace

BigWigBlockChecks::Lookup::Lookup(const std::vector<BigWigBlock>& blocks)
    : byFirst(blocks.size())
    , checked(blocks.size(), false)
{
    std::iota(byFirst.begin(), byFirst.end(), 0U);
    const auto first = [&](std::uint32_t i) {
        return placeKey(blocks[i].firstChrom, blocks[i].firstBase);
    };
    std::stable_sort(byFirst.begin(), byFirst.end(),
                     [&](std::uint32_t a, std::uint32_t b) { return first(a) < first(b); });
    std::uint64_t furthest = 0;
    for (const std::uint32_t i : byFirst) {
        firstKeys.push_back(first(i));
        furthest = std::max(furthest, placeKey(blocks[i].lastChrom, blocks[i].lastBase));
        lastSoFar.push_back(furthest);
    }
}

BigWigBlockChecks::BigWigBlockChecks(fs::path path, BigWigLayout layout)
    : m_path(std::move(path))
    , m_layout(std::move(layout))
    , m_data(m_layout.dataBlocks)
{
    m_unchecked = m_layout.dataBlocks.size();
    for (const auto& zoom : m_layout.zoomBlocks) {
        m_zooms.emplace_back(zoom);
        m_unchecked += zoom.size();
    }
}

void BigWigBlockChecks::beforeValues(std::uint32_t tid, std::uint32_t start, std::uint32_t end)
{
    std::lock_guard lock(m_mutex);
    checkOverlapping(m_layout.dataBlocks, m_data, false, tid, start, end);
}

void BigWigBlockChecks::beforeSummary(std::uint32_t tid, std::uint32_t start, std::uint32_t end,
                                      std::uint32_t bins)
{
    // libBigWig's determineZoomLevel: the coarsest level of at most half a bin's bases.
    const double perBin = static_cast<double>(end - start) / std::max<std::uint32_t>(bins, 1);
    const bool fitsInt = perBin <= static_cast<double>(INT_MAX);
    const std::int64_t half = static_cast<std::int64_t>(perBin) / 2;
    int level = -1;
    std::int64_t best = UINT32_MAX;
    for (std::size_t i = 0; i < m_layout.zoomReductions.size(); ++i) {
        const std::int64_t diff = half - m_layout.zoomReductions[i];
        if (diff >= 0 && diff < best) {
            best = diff;
            level = static_cast<int>(i);
        }
    }
    std::lock_guard lock(m_mutex);
    if (level >= 0)
        checkOverlapping(m_layout.zoomBlocks[static_cast<std::size_t>(level)],
                         m_zooms[static_cast<std::size_t>(level)], true, tid, start, end);
    if (level < 0 || !fitsInt)
        checkOverlapping(m_layout.dataBlocks, m_data, false, tid, start, end);
}

void BigWigBlockChecks::checkOverlapping(const std::vector<BigWigBlock>& blocks, Lookup& lookup,
                                         bool zoom, std::uint32_t tid, std::uint32_t start,
                                         std::uint32_t end)
{
    if (m_unchecked == 0)
        return;
    // Every block libBigWig's index walk can return (its leaf test, without the early exits
    // that only make it return fewer): it starts before (tid, end) and ends after
    // (tid, start). The first are a prefix of the blocks by start; among them, none before
    // the first whose furthest end so far passes (tid, start) qualifies.
    const auto startsBefore = static_cast<std::size_t>(
        std::lower_bound(lookup.firstKeys.begin(), lookup.firstKeys.end(), placeKey(tid, end)) -
        lookup.firstKeys.begin());
    const std::uint64_t after = placeKey(tid, start);
    const auto from = static_cast<std::size_t>(
        std::upper_bound(lookup.lastSoFar.begin(),
                         lookup.lastSoFar.begin() + static_cast<std::ptrdiff_t>(startsBefore),
                         after) -
        lookup.lastSoFar.begin());
    std::optional<LayoutFile> file;
    for (std::size_t j = from; j < startsBefore; ++j) {
        const std::uint32_t i = lookup.byFirst[j];
        const BigWigBlock& b = blocks[i];
        if (lookup.checked[i] || placeKey(b.lastChrom, b.lastBase) <= after)
            continue;
        if (!file)
            file.emplace(m_path);
        checkBlock(*file, b, zoom, m_layout.uncompressedBlockSize);
        lookup.checked[i] = true;
        --m_unchecked;
    }
}

} // namespace kdna
