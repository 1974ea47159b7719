#include "core/data/stream.h"

#include "core/data/block_cache.h"
#include "core/data/cache_builder.h"
#include "core/data/sequence_cache_file.h"
#include "core/data/track_cache_file.h"
#include "core/genome/genome.h"
#include "core/tracks/bigwig.h"
#include "core/util/error.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <map>
#include <mutex>

namespace kdna::store {
namespace {

std::mutex g_optionsMutex;
StreamOptions g_options;

/// Shared objects by key, alive while someone holds them: one reader per file and one
/// stream per chromosome, so a training and a validation dataset share blocks.
template<typename T>
class Shared {
public:
    template<typename Make>
    std::shared_ptr<T> get(const std::string& key, Make make)
    {
        std::lock_guard lock(m_mutex);
        if (auto alive = m_entries[key].lock())
            return alive;
        std::shared_ptr<T> fresh = make();
        m_entries[key] = fresh;
        return fresh;
    }

private:
    std::mutex m_mutex;
    std::map<std::string, std::weak_ptr<T>> m_entries;
};

std::string keyOf(const std::filesystem::path& path)
{
    std::error_code ec;
    const auto canonical = std::filesystem::weakly_canonical(path, ec);
    const auto stamp = std::filesystem::last_write_time(path, ec).time_since_epoch().count();
    return canonical.string() + "|" + std::to_string(stamp);
}

std::shared_ptr<const Genome> genomeOf(const std::filesystem::path& fasta)
{
    static Shared<const Genome> readers;
    return readers.get(keyOf(fasta),
                       [&] { return std::make_shared<const Genome>(Genome::open(fasta)); });
}

std::shared_ptr<const BigWigReader> bigWigOf(const std::filesystem::path& bigwig)
{
    static Shared<const BigWigReader> readers;
    return readers.get(keyOf(bigwig), [&] {
        return std::make_shared<const BigWigReader>(BigWigReader::open(bigwig));
    });
}

std::string optionsKey(const StreamOptions& o)
{
    return std::to_string(o.blockBases) + "|" + std::to_string(static_cast<int>(o.backing)) + "|" +
           std::to_string(static_cast<int>(o.precision)) + "|" +
           std::to_string(o.cachedTrackBlockBases);
}

/// A track's loader and the block size it reads best in.
struct TrackSource {
    TrackStream::Loader load;
    std::int64_t blockBases = 0;
};

/// Reads the cache file when a valid one is there; else the bigWig, until the cache the
/// builder writes behind the reads is ready (the same floats either way: a bigWig read is
/// rounded to the cache's precision).
TrackSource trackSource(const std::shared_ptr<const BigWigReader>& reader, const std::string& chrom,
                        std::int64_t length, const StreamOptions& options)
{
    const std::int64_t stored = reader->contains(chrom) ? reader->length(chrom) : 0;
    const std::int64_t cached = std::min(length, stored);
    const CachePrecision precision =
        options.backing == Backing::CacheFile ? options.precision : CachePrecision::Float32;
    std::shared_ptr<TrackCacheSlot> cache;
    if (stored > 0 && options.backing == Backing::CacheFile)
        cache = openTrackCache(reader, chrom, cached, precision);
    TrackSource source;
    source.blockBases = cache && cache->file()
                            ? std::min(options.blockBases, options.cachedTrackBlockBases)
                            : options.blockBases;
    source.load = [reader, cache, chrom, stored, precision](std::int64_t start, std::int64_t end,
                                                            float* out) {
        const std::int64_t inFile = std::clamp(stored - start, std::int64_t{0}, end - start);
        if (inFile > 0) {
            if (const TrackCacheFile* from = cache ? cache->file() : nullptr) {
                from->read(start, start + inFile, out);
            } else {
                reader->values(chrom, start, start + inFile, out);
                if (precision != CachePrecision::Float32)
                    std::transform(out, out + inFile, out,
                                   [precision](float v) { return atPrecision(v, precision); });
            }
        }
        std::fill(out + inFile, out + (end - start), 0.0F);
    };
    return source;
}

/// Reads the sequence cache when a valid one is there; else faidx, until the cache the
/// builder writes behind the reads is ready (the same codes either way).
SequenceStream::Loader sequenceSource(const std::shared_ptr<const Genome>& genome,
                                      const std::string& chrom, std::int64_t length,
                                      const StreamOptions& options)
{
    std::shared_ptr<SequenceCacheSlot> cache;
    // A genome held in memory (plain gzip) reads faster from there than from any cache.
    if (length > 0 && options.backing == Backing::CacheFile &&
        genome->indexLocation() != IndexLocation::InMemory)
        cache = openSequenceCache(genome, chrom, length);
    return [genome, cache, chrom](std::int64_t start, std::int64_t end, std::uint8_t* out) {
        if (const SequenceCacheFile* from = cache ? cache->file() : nullptr)
            from->read(start, end, out);
        else
            genome->fetchCodes(chrom, start, end, out);
    };
}

} // namespace

StreamOptions defaultStreamOptions()
{
    std::lock_guard lock(g_optionsMutex);
    return g_options;
}

void setDefaultStreamOptions(const StreamOptions& options)
{
    std::lock_guard lock(g_optionsMutex);
    g_options = options;
}

/// A resident stream's blocks: loaded on first use, then kept, their addresses published for
/// the hot path's lock-free read.
template<typename T>
struct Stream<T>::Resident {
    explicit Resident(std::int64_t blocks)
        : addresses(new std::atomic<const T*>[static_cast<std::size_t>(blocks)])
        , kept(static_cast<std::size_t>(blocks))
    {
        for (std::int64_t i = 0; i < blocks; ++i)
            addresses[i].store(nullptr, std::memory_order_relaxed);
    }

    const T* keep(std::int64_t index, std::shared_ptr<const T[]> data)
    {
        std::lock_guard lock(mutex);
        auto& slot = kept[static_cast<std::size_t>(index)];
        if (!slot) { // else another thread loaded it first: equal data, keep the first
            slot = std::move(data);
            addresses[index].store(slot.get(), std::memory_order_release);
        }
        return slot.get();
    }

    std::unique_ptr<std::atomic<const T*>[]> addresses;
    std::mutex mutex;
    std::vector<std::shared_ptr<const T[]>> kept;
};

template<typename T>
Stream<T>::Stream(std::int64_t length, std::int64_t blockBases, Loader load)
    : m_id(newSourceId())
    , m_length(length)
    , m_blockBases(std::max<std::int64_t>(1, blockBases))
    , m_load(std::move(load))
{
    // Looking a block up in the shared cache costs a lock and a reference count per read,
    // some 7 % of a generator's time on yeast; a chromosome that fits easily skips it.
    if (reserveResident(m_length * static_cast<std::int64_t>(sizeof(T))))
        m_resident = std::make_unique<Resident>((m_length + m_blockBases - 1) / m_blockBases);
}

template<typename T>
Stream<T>::~Stream()
{
    if (m_resident)
        releaseResident(m_length * static_cast<std::int64_t>(sizeof(T)));
}

template<typename T>
std::shared_ptr<const T[]> Stream<T>::loadBlock(std::int64_t index) const
{
    const std::int64_t start = index * m_blockBases;
    const std::int64_t end = std::min(m_length, start + m_blockBases);
    std::shared_ptr<T[]> data(new T[static_cast<std::size_t>(end - start)]);
    m_load(start, end, data.get());
    return data;
}

template<typename T>
const T* Stream<T>::block(std::int64_t index, std::shared_ptr<const T[]>& pin) const
{
    if (m_resident) {
        if (const T* data = m_resident->addresses[index].load(std::memory_order_acquire))
            return data;
        return m_resident->keep(index, loadBlock(index));
    }
    if (Block b = findBlock(m_id, index); b.data) {
        pin = std::static_pointer_cast<const T[]>(b.data);
        return pin.get();
    }
    std::shared_ptr<const T[]> data = loadBlock(index);
    const auto bytes =
        static_cast<std::size_t>(std::min(m_length - index * m_blockBases, m_blockBases)) *
        sizeof(T);
    pin = std::static_pointer_cast<const T[]>(insertBlock(m_id, index, {data, bytes}).data);
    return pin.get();
}

template<typename T>
void Stream<T>::read(std::int64_t start, std::int64_t n, T* out) const
{
    if (start < 0 || n < 0 || start + n > m_length)
        throw Error("bases " + std::to_string(start) + "-" + std::to_string(start + n) +
                    " are outside the chromosome (" + std::to_string(m_length) + " bp)");
    while (n > 0) {
        const std::int64_t index = start / m_blockBases;
        const std::int64_t offset = start - index * m_blockBases;
        const std::int64_t take = std::min(n, m_blockBases - offset);
        std::shared_ptr<const T[]> pin;
        std::memcpy(out, block(index, pin) + offset, static_cast<std::size_t>(take) * sizeof(T));
        out += take;
        start += take;
        n -= take;
    }
}

template<typename T>
const T* Stream<T>::view(std::int64_t start, std::int64_t n, std::vector<T>& scratch,
                         std::shared_ptr<const T[]>& pin) const
{
    const std::int64_t index = start / m_blockBases;
    if (start >= 0 && n >= 0 && start + n <= std::min(m_length, (index + 1) * m_blockBases)) {
        return block(index, pin) + (start - index * m_blockBases);
    }
    scratch.resize(static_cast<std::size_t>(std::max<std::int64_t>(n, 0)));
    read(start, n, scratch.data());
    return scratch.data();
}

template class Stream<std::uint8_t>;
template class Stream<float>;

std::shared_ptr<const SequenceStream> openSequence(const std::filesystem::path& fasta,
                                                   const std::string& chrom,
                                                   const StreamOptions& options)
{
    static Shared<const SequenceStream> streams;
    return streams.get(keyOf(fasta) + "|" + chrom + "|" + std::to_string(options.blockBases) + "|" +
                           std::to_string(static_cast<int>(options.backing)),
                       [&] {
                           auto genome = genomeOf(fasta);
                           const std::int64_t length = genome->length(chrom);
                           return std::make_shared<const SequenceStream>(
                               length, options.blockBases,
                               sequenceSource(genome, chrom, length, options));
                       });
}

std::shared_ptr<const TrackStream> openTrack(const std::filesystem::path& bigwig,
                                             const std::string& chrom, std::int64_t length,
                                             const StreamOptions& options)
{
    static Shared<const TrackStream> streams;
    return streams.get(
        keyOf(bigwig) + "|" + chrom + "|" + std::to_string(length) + "|" + optionsKey(options),
        [&] {
            TrackSource source = trackSource(bigWigOf(bigwig), chrom, length, options);
            return std::make_shared<const TrackStream>(length, source.blockBases,
                                                       std::move(source.load));
        });
}

} // namespace kdna::store
