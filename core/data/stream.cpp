#include "core/data/stream.h"

#include "core/data/block_cache.h"
#include "core/data/track_cache_file.h"
#include "core/genome/genome.h"
#include "core/tracks/bigwig.h"
#include "core/util/error.h"

#include <algorithm>
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
    return std::to_string(o.blockBases) + "|" + std::to_string(static_cast<int>(o.backing));
}

TrackStream::Loader trackLoader(const std::shared_ptr<const BigWigReader>& reader,
                                const std::string& chrom, std::int64_t length,
                                const StreamOptions& options)
{
    const std::int64_t stored = reader->contains(chrom) ? reader->length(chrom) : 0;
    std::shared_ptr<const TrackCacheFile> file;
    if (stored > 0 && options.backing == TrackBacking::CacheFile)
        file = TrackCacheFile::open(*reader, chrom, std::min(length, stored));
    return [reader, file, chrom, stored](std::int64_t start, std::int64_t end, float* out) {
        const std::int64_t inFile = std::clamp(stored - start, std::int64_t{0}, end - start);
        if (inFile > 0) {
            if (file)
                file->read(start, start + inFile, out);
            else
                reader->values(chrom, start, start + inFile, out);
        }
        std::fill(out + inFile, out + (end - start), 0.0F);
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

template<typename T>
Stream<T>::Stream(std::int64_t length, std::int64_t blockBases, Loader load)
    : m_id(newSourceId())
    , m_length(length)
    , m_blockBases(std::max<std::int64_t>(1, blockBases))
    , m_load(std::move(load))
{}

template<typename T>
std::shared_ptr<const T[]> Stream<T>::block(std::int64_t index) const
{
    if (Block b = findBlock(m_id, index); b.data)
        return std::static_pointer_cast<const T[]>(b.data);
    const std::int64_t start = index * m_blockBases;
    const std::int64_t end = std::min(m_length, start + m_blockBases);
    std::shared_ptr<T[]> data(new T[static_cast<std::size_t>(end - start)]);
    m_load(start, end, data.get());
    Block kept =
        insertBlock(m_id, index, {data, static_cast<std::size_t>(end - start) * sizeof(T)});
    return std::static_pointer_cast<const T[]>(kept.data);
}

template<typename T>
void Stream<T>::scan(std::int64_t start, std::int64_t end,
                     const std::function<void(const T*, std::int64_t)>& visit) const
{
    if (start < 0 || end > m_length || start > end)
        throw Error("bases " + std::to_string(start) + "-" + std::to_string(end) +
                    " are outside the chromosome (" + std::to_string(m_length) + " bp)");
    while (start < end) {
        const std::int64_t index = start / m_blockBases;
        const std::int64_t offset = start - index * m_blockBases;
        const std::int64_t n = std::min(end - start, m_blockBases - offset);
        const auto data = block(index);
        visit(data.get() + offset, n);
        start += n;
    }
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
        const auto data = block(index);
        std::memcpy(out, data.get() + offset, static_cast<std::size_t>(take) * sizeof(T));
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
        pin = block(index);
        return pin.get() + (start - index * m_blockBases);
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
    return streams.get(keyOf(fasta) + "|" + chrom + "|" + std::to_string(options.blockBases), [&] {
        auto genome = genomeOf(fasta);
        const std::int64_t length = genome->length(chrom);
        return std::make_shared<const SequenceStream>(
            length, options.blockBases,
            [genome, chrom](std::int64_t s, std::int64_t e, std::uint8_t* out) {
                genome->fetchCodes(chrom, s, e, out);
            });
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
            return std::make_shared<const TrackStream>(
                length, options.blockBases, trackLoader(bigWigOf(bigwig), chrom, length, options));
        });
}

} // namespace kdna::store
