#pragma once
// A bigWig's layout as libBigWig will read it, read and checked by kdna first. libBigWig trusts
// every count, offset, index and size in the file (a crafted header crashes bwOpen; a block
// that holds fewer records than its header says is read past its buffer), so nothing reaches
// it that has not been bounded here: the header and zoom headers at open, every node of the
// chromosome tree and of the data and zoom indexes at open, and each data block's content the
// first time a read would decode it.

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

namespace kdna {

/// One leaf entry of an R-tree index: a compressed block of records and the range it covers.
struct BigWigBlock {
    std::uint32_t firstChrom = 0, firstBase = 0, lastChrom = 0, lastBase = 0;
    std::uint64_t offset = 0, size = 0;
};

/// What the checks found, and what reads check lazily.
struct BigWigLayout {
    std::uint64_t fileSize = 0;
    std::uint32_t uncompressedBlockSize = 0; ///< 0: the blocks are stored uncompressed
    std::vector<BigWigBlock> dataBlocks;
    std::vector<std::uint32_t> zoomReductions;        ///< per zoom level, in file order
    std::vector<std::vector<BigWigBlock>> zoomBlocks; ///< per zoom level, in file order
};

/// Reads and checks everything bwOpen reads, and every index node a later read walks.
/// Throws kdna::Error, one sentence naming the file, when any of it is out of bounds,
/// inconsistent or not what a bigWig holds (a big-endian file included: libBigWig reads
/// little-endian ones only).
[[nodiscard]] BigWigLayout readBigWigLayout(const std::filesystem::path& path);

/// Checks the content of the blocks a libBigWig read will decode, once each: a data block's
/// records fit in it, a zoom block holds whole summary records. Thread-safe.
class BigWigBlockChecks {
public:
    BigWigBlockChecks(std::filesystem::path path, BigWigLayout layout);

    /// Before bwGetOverlappingIntervals(chrom `tid`, start, end).
    void beforeValues(std::uint32_t tid, std::uint32_t start, std::uint32_t end);
    /// Before bwStats(chrom `tid`, start, end, bins): the zoom level libBigWig picks, or the
    /// data when none is fine enough.
    void beforeSummary(std::uint32_t tid, std::uint32_t start, std::uint32_t end,
                       std::uint32_t bins);

    [[nodiscard]] const BigWigLayout& layout() const { return m_layout; }

private:
    /// One index's blocks ordered by where they start, so that a read finds the blocks it
    /// meets by two binary searches instead of a look at every block (a human-sized track has
    /// over a hundred thousand): `lastSoFar[j]`, the furthest end among the first j + 1 in
    /// that order, rises with j whatever order the file's blocks come in.
    struct Lookup {
        explicit Lookup(const std::vector<BigWigBlock>& blocks);
        std::vector<std::uint32_t> byFirst;   ///< block numbers, by (chromosome, base) of start
        std::vector<std::uint64_t> firstKeys; ///< their starts, ascending
        std::vector<std::uint64_t> lastSoFar; ///< the largest end up to each, ascending
        std::vector<bool> checked;            ///< by block number
    };

    void checkOverlapping(const std::vector<BigWigBlock>& blocks, Lookup& lookup, bool zoom,
                          std::uint32_t tid, std::uint32_t start, std::uint32_t end);

    std::filesystem::path m_path;
    BigWigLayout m_layout;
    std::mutex m_mutex;
    Lookup m_data;
    std::vector<Lookup> m_zooms;
    std::size_t m_unchecked = 0; ///< blocks of every index not yet checked
};

} // namespace kdna
