#include "core/tracks/bigwig.h"

#include "core/tracks/bigwig_layout.h"
#include "core/util/atomic_output.h"
#include "core/util/chrom_names.h"
#include "core/util/error.h"
#include "core/util/paths.h"
#include "core/util/text.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>
#include <mutex>
#include <optional>
#include <sys/statvfs.h>
#include <unordered_map>

#include <bigWig.h>

extern "C" {          // bwCommon.h, libBigWig's internal header, has no C++ guard of its own
#include <bwCommon.h> // bwFinalize (data, index, summary), bwTell, bwSetPos
}

/// libBigWig's (0.4.7) zoom-level steps, exported but not declared. bwFinalize builds the zoom
/// levels from an iterator over 100,000 blocks at a time, in effect each chromosome read back
/// whole (12 bytes a base for a per-base track: 3 GB for human chr1); BigWigWriter runs the
/// same steps itself over 1 Mb windows.
extern "C" {
int makeZoomLevels(bigWigFile_t* fp);
int writeZoomLevels(bigWigFile_t* fp);
int addIntervalValue(bigWigFile_t* fp, std::uint64_t* nEntries, double* sum, double* sumsq,
                     bwZoomBuffer_t* buffer, std::uint32_t itemsPerSlot, std::uint32_t zoom,
                     std::uint32_t tid, std::uint32_t start, std::uint32_t end, float value);
}

namespace kdna {
namespace fs = std::filesystem;

namespace {

struct BigWigDeleter {
    void operator()(bigWigFile_t* f) const { bwClose(f); }
};
struct IntervalsDeleter {
    void operator()(bwOverlappingIntervals_t* o) const { bwDestroyOverlappingIntervals(o); }
};
using BigWigPtr = std::unique_ptr<bigWigFile_t, BigWigDeleter>; // bwOpen creates, bwClose frees
using IntervalsPtr = std::unique_ptr<bwOverlappingIntervals_t, IntervalsDeleter>;

void initLibBigWig()
{
    static std::once_flag once;
    std::call_once(once, [] { bwInit(1 << 17); });
}

std::uint32_t readMagic(const fs::path& path)
{
    std::ifstream in(path, std::ios::binary);
    std::uint32_t magic = 0;
    in.read(reinterpret_cast<char*>(&magic), sizeof magic);
    return in ? magic : 0;
}

std::uint32_t byteSwapped(std::uint32_t v)
{
    return ((v & 0xFFU) << 24) | ((v & 0xFF00U) << 8) | ((v >> 8) & 0xFF00U) | (v >> 24);
}

bwStatsType toLibBigWig(SummaryStat s)
{
    switch (s) {
    case SummaryStat::Mean:
        return bwStatsType::mean;
    case SummaryStat::Max:
        return bwStatsType::max;
    case SummaryStat::Min:
        return bwStatsType::min;
    case SummaryStat::Coverage:
        return bwStatsType::cov;
    case SummaryStat::StdDev:
        return bwStatsType::stdev;
    case SummaryStat::Sum:
        return bwStatsType::sum;
    }
    return bwStatsType::mean;
}

} // namespace

bool looksLikeBigWig(const fs::path& path)
{
    const std::uint32_t magic = readMagic(path);
    return magic == BIGWIG_MAGIC || magic == byteSwapped(BIGWIG_MAGIC);
}

// ---------------------------------------------------------------------------------------------
// Reader

struct BigWigReader::Impl {
    fs::path path;
    std::string stamp;
    BigWigPtr file;
    std::vector<Chromosome> chromosomes;
    std::unordered_map<std::string, std::int64_t> lengths;
    std::unordered_map<std::string, std::uint32_t> tids; ///< libBigWig's chromosome numbers
    /// Checked before libBigWig decodes a block (it trusts their record counts).
    std::unique_ptr<BigWigBlockChecks> checks;
    mutable std::mutex mutex;
    mutable std::atomic<std::int64_t> valueReads{0};
    mutable std::atomic<std::int64_t> summaryReads{0};

    void checkRange(const std::string& chrom, std::int64_t start, std::int64_t end) const
    {
        const auto it = lengths.find(chrom);
        if (start < 0 || end < start || (it != lengths.end() && end > it->second))
            throw Error::inFile(path.string(), 0,
                                chrom + ":" + std::to_string(start) + "-" + std::to_string(end) +
                                    " is outside " + chrom + " (" +
                                    text::withThousands(it == lengths.end() ? 0 : it->second) +
                                    " bp in this file)");
    }

    [[noreturn]] void readFailed(const std::string& chrom, std::int64_t start,
                                 std::int64_t end) const
    {
        throw Error::inFile(path.string(), 0,
                            "could not read " + chrom + ":" + std::to_string(start) + "-" +
                                std::to_string(end) + "; the file is truncated or corrupt");
    }
    IntervalsPtr intervals(const std::string& chrom, std::int64_t start, std::int64_t end);
};

BigWigReader::BigWigReader(std::unique_ptr<Impl> impl)
    : d(std::move(impl))
{}
BigWigReader::BigWigReader(BigWigReader&&) noexcept = default;
BigWigReader& BigWigReader::operator=(BigWigReader&&) noexcept = default;
BigWigReader::~BigWigReader() = default;

BigWigReader BigWigReader::open(const fs::path& path)
{
    initLibBigWig();
    std::error_code ec;
    if (!fs::is_regular_file(path, ec))
        throw Error::inFile(path.string(), 0, "no such file");
    const std::uint32_t magic = readMagic(path);
    if (magic == BIGBED_MAGIC || magic == byteSwapped(BIGBED_MAGIC))
        throw Error::inFile(path.string(), 0,
                            "is a bigBed file; a bigWig (per-base values) is expected here");
    if (magic != BIGWIG_MAGIC && magic != byteSwapped(BIGWIG_MAGIC))
        throw Error::inFile(path.string(), 0,
                            "is not a bigWig file (its first bytes are not the bigWig magic "
                            "number); convert wig/bedGraph with bedGraphToBigWig");

    // libBigWig trusts every offset, count and size in the file: all it reads is checked first.
    auto d = std::make_unique<Impl>();
    d->stamp = paths::fileStamp(path); // before a byte is read: see stamp()
    d->checks = std::make_unique<BigWigBlockChecks>(path, readBigWigLayout(path));
    d->path = path;
    d->file.reset(bwOpen(const_cast<char*>(path.c_str()), nullptr, "r"));
    if (!d->file || !d->file->cl || !d->file->hdr)
        throw Error::inFile(path.string(), 0, "is a damaged bigWig: its header cannot be read");
    const chromList_t* cl = d->file->cl;
    for (std::int64_t i = 0; i < cl->nKeys; ++i) {
        d->chromosomes.push_back({cl->chrom[i], static_cast<std::int64_t>(cl->len[i])});
        d->lengths.emplace(cl->chrom[i], cl->len[i]);
        d->tids.emplace(cl->chrom[i], static_cast<std::uint32_t>(i));
    }
    return BigWigReader(std::move(d));
}

const fs::path& BigWigReader::path() const
{
    return d->path;
}
const std::string& BigWigReader::stamp() const
{
    return d->stamp;
}
const std::vector<Chromosome>& BigWigReader::chromosomes() const
{
    return d->chromosomes;
}
bool BigWigReader::contains(const std::string& chrom) const
{
    return d->lengths.count(chrom) > 0;
}
int BigWigReader::zoomLevels() const
{
    return d->file->hdr->nLevels;
}

std::vector<std::uint32_t> BigWigReader::zoomReductions() const
{
    const bigWigHdr_t* h = d->file->hdr;
    std::vector<std::uint32_t> out;
    if (h->zoomHdrs && h->zoomHdrs->level)
        out.assign(h->zoomHdrs->level, h->zoomHdrs->level + h->nLevels);
    std::sort(out.begin(), out.end());
    return out;
}
std::int64_t BigWigReader::valueReads() const
{
    return d->valueReads;
}
std::int64_t BigWigReader::summaryReads() const
{
    return d->summaryReads;
}

std::int64_t BigWigReader::length(const std::string& chrom) const
{
    const auto it = d->lengths.find(chrom);
    if (it == d->lengths.end())
        throw Error(chrom_names::unknownMessage(chrom, d->path.string(), namesOf(d->chromosomes)));
    return it->second;
}

BigWigFileStats BigWigReader::fileStats() const
{
    const bigWigHdr_t* h = d->file->hdr;
    BigWigFileStats s;
    s.coveredBases = static_cast<std::int64_t>(h->nBasesCovered);
    s.min = h->minVal;
    s.max = h->maxVal;
    s.mean = h->nBasesCovered ? h->sumData / static_cast<double>(h->nBasesCovered) : 0.0;
    s.sumSquares = h->sumSquared;
    return s;
}

/// The file's intervals overlapping [start, end) of a chromosome it lists (checked first).
IntervalsPtr BigWigReader::Impl::intervals(const std::string& chrom, std::int64_t start,
                                           std::int64_t end)
{
    ++valueReads;
    checks->beforeValues(tids.at(chrom), static_cast<std::uint32_t>(start),
                         static_cast<std::uint32_t>(end));
    IntervalsPtr iv;
    {
        std::lock_guard lock(mutex);
        iv.reset(bwGetOverlappingIntervals(file.get(), const_cast<char*>(chrom.c_str()),
                                           static_cast<std::uint32_t>(start),
                                           static_cast<std::uint32_t>(end)));
    }
    if (!iv)
        readFailed(chrom, start, end);
    return iv;
}

void BigWigReader::values(const std::string& chrom, std::int64_t start, std::int64_t end,
                          float* out, float missing) const
{
    d->checkRange(chrom, start, end);
    std::fill(out, out + (end - start), missing);
    if (start == end || !contains(chrom))
        return;
    const IntervalsPtr iv = d->intervals(chrom, start, end);
    for (std::uint32_t i = 0; i < iv->l; ++i) {
        const std::int64_t s = std::max<std::int64_t>(iv->start[i], start);
        const std::int64_t e = std::min<std::int64_t>(iv->end[i], end);
        if (s < e)
            std::fill(out + (s - start), out + (e - start), iv->value[i]);
    }
}

void BigWigReader::visitRuns(const std::string& chrom, std::int64_t start, std::int64_t end,
                             const RunVisitor& visit, float missing) const
{
    d->checkRange(chrom, start, end);
    constexpr std::int64_t kChunk = std::int64_t{1} << 22;
    std::vector<float> values;
    std::vector<std::uint32_t> lengths;
    const auto run = [&](float v, std::int64_t n) {
        values.push_back(v);
        lengths.push_back(static_cast<std::uint32_t>(n));
    };
    for (std::int64_t s = start; s < end; s += kChunk) {
        const std::int64_t e = std::min(end, s + kChunk);
        values.clear();
        lengths.clear();
        if (!contains(chrom)) {
            run(missing, e - s);
            visit(values, lengths);
            continue;
        }
        const IntervalsPtr iv = d->intervals(chrom, s, e);
        std::int64_t at = s;
        bool ordered = true;
        for (std::uint32_t i = 0; i < iv->l && ordered; ++i) {
            const std::int64_t from = std::max<std::int64_t>(iv->start[i], s);
            const std::int64_t to = std::min<std::int64_t>(iv->end[i], e);
            if (from >= to)
                continue;
            ordered = from >= at;
            if (from > at)
                run(missing, from - at);
            run(iv->value[i], to - from);
            at = to;
        }
        if (!ordered) { // overlapping records (a damaged file): as values() reads them, per base
            const std::vector<float> perBase = this->values(chrom, s, e, missing);
            visit(perBase, {});
            continue;
        }
        if (at < e)
            run(missing, e - at);
        visit(values, lengths);
    }
}

std::vector<float> BigWigReader::values(const std::string& chrom, std::int64_t start,
                                        std::int64_t end, float missing) const
{
    std::vector<float> out(static_cast<std::size_t>(std::max<std::int64_t>(0, end - start)));
    values(chrom, start, end, out.data(), missing);
    return out;
}

std::vector<float> BigWigReader::loadChromosome(const std::string& chrom, float missing) const
{
    return values(chrom, 0, length(chrom), missing);
}

std::vector<double> BigWigReader::summary(const std::string& chrom, std::int64_t start,
                                          std::int64_t end, std::uint32_t bins,
                                          SummaryStat stat) const
{
    d->checkRange(chrom, start, end);
    std::vector<double> out(bins, std::numeric_limits<double>::quiet_NaN());
    if (bins == 0 || end <= start || !contains(chrom))
        return out;
    // libBigWig cannot split fewer bases than bins; read per base and spread them.
    if (static_cast<std::int64_t>(bins) > end - start) {
        const auto v = values(chrom, start, end, std::numeric_limits<float>::quiet_NaN());
        for (std::uint32_t b = 0; b < bins; ++b)
            out[b] = v[static_cast<std::size_t>(b * (end - start) / bins)];
        return out;
    }
    ++d->summaryReads;
    d->checks->beforeSummary(d->tids.at(chrom), static_cast<std::uint32_t>(start),
                             static_cast<std::uint32_t>(end), bins);
    double* raw = nullptr;
    {
        std::lock_guard lock(d->mutex);
        raw = bwStats(d->file.get(), const_cast<char*>(chrom.c_str()),
                      static_cast<std::uint32_t>(start), static_cast<std::uint32_t>(end), bins,
                      toLibBigWig(stat));
    }
    if (!raw)
        d->readFailed(chrom, start, end);
    std::copy(raw, raw + bins, out.begin());
    std::free(raw);
    return out;
}

// ---------------------------------------------------------------------------------------------
// Writer
//
// libBigWig buffers a block in memory and writes it with flushBuffer(), whose result its
// adding functions ignore when a block fills in the middle of a call; the buffer then keeps
// growing past its end (heap corruption on a full disk). So every call is sized to fit in the
// buffer's room, the flushes that start a call are checked, and the stream's error flag is
// read after each call.

namespace {

constexpr std::uint32_t kBlockHeader = 24; // bytes libBigWig's buffer holds before records
constexpr std::uint32_t kBedGraphRecord = 12;
constexpr std::uint32_t kFixedStepRecord = 4;

/// Below this much free space a chromosome is not started: one block and the index need it.
constexpr std::uint64_t kMinimumFreeBytes = 1U << 20;

} // namespace

OutputKind bigWigOutput()
{
    return {"a bigWig file", [](const fs::path& p) {
                return looksLikeBigWig(p);
            }};
}

struct BigWigWriter::Impl {
    AtomicOutput output;
    BigWigPtr file;
    std::vector<Chromosome> chromosomes;
    std::unordered_map<std::string, std::size_t> index;
    BigWigWriterOptions options;
    std::size_t current = 0;
    std::int64_t lastEnd = 0; ///< end of the last value given on the current chromosome
    bool anyData = false;
    bool started = false;   ///< the current chromosome's free-space check has run
    bool finalized = false; ///< bwFinalize has run: closing must not run it again
    bool finished = false;
    /// What was written, to check the file read back against: bases with a value, and the
    /// first value written on each chromosome (position, value).
    std::int64_t basesWritten = 0;
    std::vector<std::pair<std::int64_t, float>> firstValue;

    // Pending intervals of the current chromosome, flushed in blocks.
    std::vector<std::uint32_t> starts, ends;
    std::vector<float> vals;

    explicit Impl(const fs::path& p)
        : output(p, bigWigOutput())
    {}
    Impl(const Impl&) = delete;
    Impl& operator=(const Impl&) = delete;
    ~Impl()
    {
        // An abandoned file is not finished: bwClose would write the rest, and complain.
        if (file && !finalized)
            file->isWrite = 0;
    }

    [[nodiscard]] std::FILE* stream() const { return file->URL->x.fp; }

    /// Throws the write error when libBigWig reported one or its stream holds one.
    void checkWrite(int rc) const
    {
        if (rc == 0 && std::ferror(stream()) == 0)
            return;
        if (errno == 0)
            errno = EIO;
        throw output.writeFailed();
    }

    /// A full disk is found before a chromosome starts, not part-way through libBigWig.
    void checkFreeSpace() const
    {
        struct statvfs fs {};
        const auto folder = output.tempPath().parent_path();
        if (statvfs(folder.empty() ? "." : folder.c_str(), &fs) != 0)
            return;
        const auto available = static_cast<std::uint64_t>(fs.f_bavail) * fs.f_frsize;
        if (available < kMinimumFreeBytes)
            throw Error::inFile(output.target().string(), 0,
                                "could not be written (no space left on the device: " +
                                    text::withThousands(static_cast<std::int64_t>(available)) +
                                    " bytes free); the previous file, if any, is unchanged");
    }

    void moveTo(const std::string& chrom, std::int64_t start)
    {
        const auto it = index.find(chrom);
        if (it == index.end())
            throw Error(chrom_names::unknownMessage(
                chrom, "the chromosome list of " + output.target().string(), namesOf(chromosomes)));
        if (it->second < current || (it->second == current && start < lastEnd))
            throw Error::inFile(output.target().string(), 0,
                                "bigWig data must be written in chromosome order and by "
                                "increasing position (" +
                                    chrom + ":" + std::to_string(start) + " came out of order)");
        if (it->second != current) {
            flush();
            current = it->second;
            lastEnd = 0;
            started = false;
        }
        if (!started) {
            checkFreeSpace();
            started = true;
        }
    }

    [[nodiscard]] bool skipped(float v) const
    {
        return std::isnan(v) || (options.skipZeros && v == 0.0F);
    }

    void requireInside(std::int64_t e) const
    {
        if (e > chromosomes[current].length)
            throw Error::inFile(output.target().string(), 0,
                                "an interval ends at " + std::to_string(e) + ", past the end of " +
                                    chromosomes[current].name);
    }

    void noteWritten(std::int64_t s, std::int64_t e, float v)
    {
        if (firstValue[current].first < 0)
            firstValue[current] = {s, v};
        basesWritten += e - s;
        anyData = true;
    }

    void push(std::int64_t s, std::int64_t e, float v)
    {
        if (skipped(v) || e <= s)
            return;
        requireInside(e);
        starts.push_back(static_cast<std::uint32_t>(s));
        ends.push_back(static_cast<std::uint32_t>(e));
        vals.push_back(v);
        noteWritten(s, e, v);
        lastEnd = e;
        if (starts.size() >= (1U << 15))
            flush();
    }

    /// bedGraph records that fit in the buffer without a flush inside libBigWig: its own
    /// flush before the first record (new block, another chromosome or record type) is
    /// checked; one in the middle of the call is not.
    [[nodiscard]] std::uint32_t bedGraphRoom() const
    {
        const bwWriteBuffer_t* wb = file->writeBuffer;
        const std::uint32_t used = std::max(wb->l, kBlockHeader);
        return std::max<std::uint32_t>(1, (file->hdr->bufSize - used) / kBedGraphRecord);
    }

    void flush()
    {
        const char* name = chromosomes[current].name.c_str();
        std::size_t i = 0;
        while (i < starts.size()) {
            const auto n = std::min<std::size_t>(starts.size() - i, bedGraphRoom());
            std::vector<const char*> names(n, name);
            checkWrite(bwAddIntervals(file.get(), names.data(), starts.data() + i, ends.data() + i,
                                      vals.data() + i, static_cast<std::uint32_t>(n)));
            i += n;
        }
        starts.clear();
        ends.clear();
        vals.clear();
    }

    /// One value per base from `s` on, as fixed-step records: 4 bytes a base where bedGraph
    /// takes 12 a run, so values that change at every base (predictions) compress three times
    /// less data. Each call starts a block (a checked flush) and fills at most one.
    void pushBases(std::int64_t s, const float* values, std::size_t n)
    {
        const std::int64_t e = s + static_cast<std::int64_t>(n);
        requireInside(e);
        flush();
        const std::size_t perBlock = (file->hdr->bufSize - kBlockHeader) / kFixedStepRecord - 1;
        for (std::size_t i = 0; i < n; i += perBlock) {
            const auto k = static_cast<std::uint32_t>(std::min(perBlock, n - i));
            checkWrite(bwAddIntervalSpanSteps(file.get(), chromosomes[current].name.c_str(),
                                              static_cast<std::uint32_t>(s) +
                                                  static_cast<std::uint32_t>(i),
                                              1, 1, values + i, k));
        }
        noteWritten(s, e, values[0]);
        lastEnd = e;
    }

    /// The zoom levels' records (32 bytes each) stay in memory until the last is written: the
    /// finest level is coarsened so that it holds at most this many over the whole file.
    static constexpr std::uint64_t kMostZoomRecords = std::uint64_t{1} << 22;

    /// libBigWig's reductions (the finest 16x the mean record's span, at least 10 bp, then 4x
    /// each), the finest raised to keep kMostZoomRecords; a level that would overflow stays at
    /// the last, and writeZoomLevels drops such repeats.
    void chooseReductions()
    {
        std::uint64_t genome = 0;
        for (const auto& c : chromosomes)
            genome += static_cast<std::uint64_t>(c.length);
        bwZoomHdr_t& zoom = *file->hdr->zoomHdrs;
        constexpr std::uint32_t kMost = std::numeric_limits<std::uint32_t>::max() / 4;
        std::uint32_t level = static_cast<std::uint32_t>(std::min<std::uint64_t>(
            std::max<std::uint64_t>(zoom.level[0],
                                    (genome + kMostZoomRecords - 1) / kMostZoomRecords),
            kMost));
        for (std::uint16_t i = 0; i < file->hdr->nLevels; ++i) {
            zoom.level[i] = level;
            // The first bin of each level ends at its reduction (or the first chromosome's end).
            static_cast<std::uint32_t*>(file->writeBuffer->firstZoomBuffer[i]->p)[2] =
                std::min<std::uint32_t>(level, file->cl->len[0]);
            level = level > kMost / 4 ? level : level * 4;
        }
    }

    /// Every written interval into every zoom level, read back 1 Mb at a time (clipped to the
    /// window: a record across two windows adds its two parts to the same bin, as one would).
    int fillZoomLevels(const BigWigWriter::FinishProgress& progress)
    {
        constexpr std::uint32_t kWindow = 1U << 20;
        bigWigFile_t* fp = file.get();
        bwWriteBuffer_t& wb = *fp->writeBuffer;
        const std::uint16_t levels = fp->hdr->nLevels;
        const std::uint32_t perSlot = fp->hdr->bufSize / 32;
        std::vector<double> sum(levels, 0.0), sumsq(levels, 0.0);
        std::int64_t done = 0; // of the bases written: where the work is
        if (progress)
            progress(0, basesWritten); // the pass has begun: its first report is a Mbp away
        for (std::uint32_t tid = 0; tid < fp->cl->nKeys; ++tid) {
            const std::uint32_t length = fp->cl->len[tid];
            for (std::uint32_t s = 0; s < length;) {
                const std::uint32_t e = s + std::min(kWindow, length - s);
                // None overlapping reads as an empty list; null is a read error.
                const IntervalsPtr iv(bwGetOverlappingIntervals(fp, fp->cl->chrom[tid], s, e));
                if (!iv)
                    return 1;
                for (std::uint32_t j = 0; j < iv->l; ++j) {
                    const std::uint32_t from = std::max(iv->start[j], s);
                    const std::uint32_t to = std::min(iv->end[j], e);
                    done += to > from ? to - from : 0;
                    for (std::uint16_t k = 0; from < to && k < levels; ++k) {
                        if (addIntervalValue(fp, &wb.nNodes[k], &sum[k], &sumsq[k],
                                             wb.lastZoomBuffer[k], perSlot,
                                             fp->hdr->zoomHdrs->level[k], tid, from, to,
                                             iv->value[j]) != 0)
                            return 1;
                        while (wb.lastZoomBuffer[k]->next)
                            wb.lastZoomBuffer[k] = wb.lastZoomBuffer[k]->next;
                    }
                }
                if (progress && iv->l > 0)
                    progress(done, basesWritten);
                s = e;
            }
        }
        // libBigWig writes a record's sums when the next record starts, so the last record of
        // each level would keep none (a zoomed-out mean off at the end of the file).
        for (std::uint16_t k = 0; k < levels; ++k) {
            bwZoomBuffer_t& last = *wb.lastZoomBuffer[k];
            if (last.l >= 32) {
                float* record = static_cast<float*>(last.p) + 8 * (last.l / 32 - 1);
                record[6] = static_cast<float>(sum[k]);
                record[7] = static_cast<float>(sumsq[k]);
            }
        }
        for (std::uint16_t k = 0; k < levels; ++k) {
            auto* index = static_cast<bwRTree_t*>(std::calloc(1, sizeof(bwRTree_t)));
            if (!index)
                return 2;
            index->blockSize = wb.blockSize;
            fp->hdr->zoomHdrs->idx[k] = index; // bwClose frees it
        }
        return 0;
    }

    /// bwFinalize in bounded memory: its data, index and summary with no zoom level (it then
    /// ends the file with the magic), the zoom levels after that, and the magic again at the
    /// end (readers find every section by its offset).
    int finalize(const BigWigWriter::FinishProgress& progress)
    {
        bigWigFile_t* fp = file.get();
        const std::uint16_t levels = fp->hdr->nLevels;
        fp->hdr->nLevels = 0;
        const int rc = bwFinalize(fp);
        fp->hdr->nLevels = levels;
        if (rc != 0 || levels == 0 || fp->writeBuffer->nBlocks == 0)
            return rc;
        const long end = bwTell(fp);
        if (makeZoomLevels(fp) != 0)
            return 5;
        if (!fp->hdr->zoomHdrs) { // records too wide for any zoom level
            fp->hdr->nLevels = 0;
            return 0;
        }
        chooseReductions();
        if (fillZoomLevels(progress) != 0)
            return 6;
        if (bwSetPos(fp, static_cast<std::size_t>(end)) != 0 || writeZoomLevels(fp) != 0)
            return 7; // writeZoomLevels also writes the level count into the header
        const std::uint32_t magic = BIGWIG_MAGIC;
        if (std::fseek(stream(), 0, SEEK_END) != 0 || std::fwrite(&magic, 4, 1, stream()) != 1)
            return 9;
        return 0;
    }

    /// Writes the index and zoom levels and closes the file, every write checked.
    void close(const BigWigWriter::FinishProgress& progress)
    {
        const int rc = finalize(progress);
        finalized = true;
        file->isWrite = 0; // bwClose must not finalize a second time
        if (rc == 0 && std::fflush(stream()) != 0)
            checkWrite(1);
        checkWrite(rc);
        file.reset();
    }

    /// Reads the finished temporary back: header, index, chromosome list, every chromosome's
    /// first value and the bases covered must be what was written, before it replaces anything.
    void verify() const
    {
        const fs::path& temp = output.tempPath();
        auto damaged = [&](const std::string& what) {
            return Error::inFile(output.target().string(), 0,
                                 "could not be written: the finished file reads back wrong (" +
                                     what + "); the previous file, if any, is unchanged");
        };
        std::optional<BigWigReader> reader;
        try {
            reader.emplace(BigWigReader::open(temp));
        } catch (const Error& e) {
            throw damaged(e.what());
        }
        if (reader->chromosomes() != chromosomes)
            throw damaged("its chromosome list differs");
        if (options.zoomLevels > 0 && reader->zoomLevels() == 0)
            throw damaged("it has no zoom levels");
        if (reader->fileStats().coveredBases != std::max<std::int64_t>(basesWritten, 1))
            throw damaged("it covers " + std::to_string(reader->fileStats().coveredBases) +
                          " bases, not " + std::to_string(basesWritten));
        try {
            for (std::size_t c = 0; c < chromosomes.size(); ++c) {
                const auto& [at, value] = firstValue[c];
                (void)reader->summary(chromosomes[c].name, 0, chromosomes[c].length, 1,
                                      SummaryStat::Coverage);
                if (at >= 0 && reader->values(chromosomes[c].name, at, at + 1)[0] != value)
                    throw damaged(chromosomes[c].name + " reads back another value");
            }
        } catch (const Error& e) {
            throw damaged(e.what());
        }
    }
};

BigWigWriter::BigWigWriter(const fs::path& path, std::vector<Chromosome> chromosomes,
                           BigWigWriterOptions options)
    : d(std::make_unique<Impl>(path))
{
    initLibBigWig();
    d->options = options;
    d->chromosomes = std::move(chromosomes);
    if (d->chromosomes.empty())
        throw Error::inFile(path.string(), 0, "a bigWig needs at least one chromosome");
    for (std::size_t i = 0; i < d->chromosomes.size(); ++i) {
        if (d->chromosomes[i].length <= 0 || d->chromosomes[i].length > 0xFFFFFFFFLL)
            throw Error::inFile(path.string(), 0,
                                "chromosome '" + d->chromosomes[i].name +
                                    "' has a length bigWig cannot hold (1 to 4,294,967,295)");
        d->index.emplace(d->chromosomes[i].name, i);
    }
    d->firstValue.assign(d->chromosomes.size(), {-1, 0.0F});
    d->file.reset(bwOpen(const_cast<char*>(d->output.tempPath().c_str()), nullptr, "w"));
    if (!d->file)
        throw Error::inFile(path.string(), 0, "cannot be created for writing");
    if (bwCreateHdr(d->file.get(), options.zoomLevels) != 0)
        throw Error::inFile(path.string(), 0, "libBigWig could not create the header");
    std::vector<const char*> names;
    std::vector<std::uint32_t> lengths;
    for (const auto& c : d->chromosomes) {
        names.push_back(c.name.c_str());
        lengths.push_back(static_cast<std::uint32_t>(c.length));
    }
    d->file->cl =
        bwCreateChromList(names.data(), lengths.data(), static_cast<std::int64_t>(names.size()));
    if (!d->file->cl)
        throw Error::inFile(path.string(), 0, "libBigWig could not create the chromosome list");
    d->checkWrite(bwWriteHdr(d->file.get()));
}

BigWigWriter::~BigWigWriter() = default;

void BigWigWriter::addValues(const std::string& chrom, std::int64_t start, const float* values,
                             std::size_t n)
{
    d->moveTo(chrom, start);
    auto at = [start](std::size_t i) {
        return start + static_cast<std::int64_t>(i);
    };
    std::size_t i = 0;
    while (i < n) {
        if (d->skipped(values[i])) {
            ++i;
            continue;
        }
        // A stretch of written values, [i, end): runs of equal values as bedGraph, or every
        // base as fixed-step records when runs are short (a run costs three bases' bytes).
        std::size_t end = i;
        std::size_t runs = 0;
        while (end < n && !d->skipped(values[end])) {
            runs += end == i || values[end] != values[end - 1];
            ++end;
        }
        if (3 * runs > end - i) {
            d->pushBases(at(i), values + i, end - i);
        } else {
            for (std::size_t r = i; r < end;) {
                std::size_t next = r + 1;
                while (next < end && values[next] == values[r])
                    ++next;
                d->push(at(r), at(next), values[r]);
                r = next;
            }
        }
        i = end;
    }
}

void BigWigWriter::addIntervals(const std::string& chrom,
                                const std::vector<ValuedInterval>& intervals)
{
    if (intervals.empty())
        return;
    d->moveTo(chrom, intervals.front().start);
    for (const auto& iv : intervals) {
        if (iv.start < d->lastEnd)
            throw Error::inFile(d->output.target().string(), 0,
                                "intervals must be sorted and not overlap (" + chrom + ":" +
                                    std::to_string(iv.start) + " overlaps the previous one)");
        d->push(iv.start, iv.end, iv.value);
    }
}

void BigWigWriter::finish(const FinishProgress& progress)
{
    if (d->finished)
        return;
    d->flush();
    if (!d->anyData) {
        // libBigWig cannot write a valid file without a record: an all-empty track gets one
        // zero at the first base, which reads back as the missing value 0 anyway.
        d->current = 0;
        d->starts = {0};
        d->ends = {1};
        d->vals = {0.0F};
        d->flush();
    }
    d->close(progress);
    d->verify();
    d->output.commit();
    d->finished = true;
}

void copyChromosome(const BigWigReader& from, BigWigWriter& to, const std::string& chrom,
                    std::int64_t blockBases)
{
    const std::int64_t length = from.length(chrom);
    std::vector<float> block;
    for (std::int64_t start = 0; start < length; start += blockBases) {
        const std::int64_t end = std::min(length, start + blockBases);
        block.resize(static_cast<std::size_t>(end - start));
        from.values(chrom, start, end, block.data(), std::numeric_limits<float>::quiet_NaN());
        to.addValues(chrom, start, block);
    }
}

} // namespace kdna
