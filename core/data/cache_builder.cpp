#include "core/data/cache_builder.h"

#include "core/data/cache_settings.h"
#include "core/data/sequence_cache_file.h"
#include "core/data/track_cache_file.h"
#include "core/genome/genome.h"
#include "core/tracks/bigwig.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <exception>
#include <filesystem>
#include <functional>
#include <iostream>
#include <mutex>
#include <sys/resource.h>
#include <thread>
#include <unistd.h>

namespace kdna::store {
namespace {

constexpr int kBuilderNice = 10;

/// The free space of the disk `path` is or will be on: that of its nearest existing folder.
std::filesystem::space_info spaceAt(std::filesystem::path path)
{
    std::error_code ec;
    while (!path.empty() && !std::filesystem::exists(path, ec))
        path = path.parent_path();
    return std::filesystem::space(path.empty() ? "." : path);
}

/// One cache to write, whatever it holds.
struct Job {
    std::string what;                     ///< "the track cache of x.bw on chr1", for messages
    std::string part;                     ///< "chr1 of x.bw"
    std::filesystem::path cache;          ///< taken when queued: the cache folder is the opener's
    std::uintmax_t bytes = 0;             ///< its data; the header is a few hundred bytes
    std::function<bool()> wanted;         ///< whether a stream still holds the slot
    std::function<bool()> publishIfValid; ///< opens a valid cache into the slot
    std::function<bool(const std::function<bool()>& keepGoing)> build;
};

/// The job writing the cache `cache` for `slot` with `File::openIfValid(cache, from, chrom,
/// length, rest...)` and `File::build(cache, from, chrom, length, keepGoing, rest...)`.
template<typename File, typename From, typename... Rest>
Job jobFor(const std::shared_ptr<CacheSlot<File>>& slot, std::shared_ptr<const From> from,
           const std::string& kind, const std::string& chrom, std::int64_t length,
           std::filesystem::path cache, std::uintmax_t bytes, Rest... rest)
{
    const std::string name = from->path().filename().string();
    std::weak_ptr<CacheSlot<File>> weak = slot;
    Job job;
    job.what = "the " + kind + " cache of " + name + " on " + chrom;
    job.part = chrom + " of " + name;
    job.cache = cache;
    job.bytes = bytes;
    job.wanted = [weak] {
        return !weak.expired();
    };
    job.publishIfValid = [weak, from, chrom, length, cache, rest...] {
        auto file = File::openIfValid(cache, *from, chrom, length, rest...);
        if (!file)
            return false;
        if (const auto s = weak.lock())
            s->publish(std::move(file));
        return true;
    };
    job.build = [from, chrom, length, cache, rest...](const std::function<bool()>& keepGoing) {
        return File::build(cache, *from, chrom, length, keepGoing, rest...);
    };
    return job;
}

/// The one builder thread and its queue; its destructor (at exit) stops the build under way.
class Builder {
public:
    static Builder& instance()
    {
        static Builder builder;
        return builder;
    }

    void add(Job job)
    {
        std::lock_guard lock(m_mutex);
        m_jobs.push_back(std::move(job));
        if (!m_thread.joinable())
            m_thread = std::thread([this] { run(); });
        m_changed.notify_all();
    }

    void waitIdle()
    {
        std::unique_lock lock(m_mutex);
        m_changed.wait(lock, [&] { return m_jobs.empty() && !m_busy; });
    }

    ~Builder()
    {
        {
            std::lock_guard lock(m_mutex);
            m_stop = true;
            m_changed.notify_all();
        }
        if (m_thread.joinable())
            m_thread.join();
    }

    Builder(const Builder&) = delete;
    Builder& operator=(const Builder&) = delete;

private:
    Builder() = default;

    void run()
    {
        // A lower priority for this thread alone (Linux nices threads one by one). Not the
        // lowest: a training from the bigWig keeps both cores of a small machine busy, and at
        // nice 19 no cache arrived during a whole run; at 10 the 4-track scale run wrote 11 of
        // its 16 caches in its 2 minutes at 487 samples/s (at 0: all of them, at 433).
        (void)::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), kBuilderNice);
        std::unique_lock lock(m_mutex);
        while (true) {
            m_changed.wait(lock, [&] { return m_stop || !m_jobs.empty(); });
            if (m_stop)
                return;
            Job job = std::move(m_jobs.front());
            m_jobs.pop_front();
            m_busy = true;
            lock.unlock();
            build(job);
            job = {};
            lock.lock();
            m_busy = false;
            m_changed.notify_all();
        }
    }

    void build(const Job& job)
    {
        const auto wanted = [&] {
            return !m_stop.load() && job.wanted();
        };
        if (!wanted())
            return;
        try {
            if (job.publishIfValid() || !roomFor(job))
                return;
            if (job.build(wanted))
                job.publishIfValid();
        } catch (const std::exception& e) {
            // A full disk or an unwritable cache folder costs speed, not the run: the stream
            // goes on reading its source file.
            std::cerr << "kdna: " << job.what << " was not written: " << e.what() << '\n';
        }
    }

    /// Whether the job's cache leaves room on its disk (leavesRoomFor); says so once per
    /// process when not, the streams then reading their source files.
    bool roomFor(const Job& job)
    {
        const auto size = [](std::uintmax_t b) {
            return formatMemorySize(static_cast<std::int64_t>(b));
        };
        const std::filesystem::space_info space = spaceAt(job.cache.parent_path());
        if (leavesRoomFor(job.bytes, space))
            return true;
        if (!m_saidFull.exchange(true))
            std::cerr << "kdna: caches are not written while their folder "
                      << job.cache.parent_path().string() << " has " << size(space.available)
                      << " free (" << job.part << " takes " << size(job.bytes)
                      << ", and caches leave 5 % of the disk and at least 2 GB free); tracks "
                         "and sequence are read from their bigWigs and FASTA instead, which is "
                         "slower: free space there or set XDG_CACHE_HOME to a larger disk\n";
        return false;
    }

    std::atomic<bool> m_saidFull{false};
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::deque<Job> m_jobs;
    bool m_busy = false;
    std::atomic<bool> m_stop{false};
    std::thread m_thread;
};

} // namespace

namespace {

/// The slot of the cache `cache`: filled at once when a valid one is there, else queued for
/// the builder (jobFor's arguments).
template<typename File, typename From, typename... Rest>
std::shared_ptr<CacheSlot<File>>
slotFor(std::shared_ptr<const From> from, const std::string& kind, const std::string& chrom,
        std::int64_t length, std::filesystem::path cache, std::uintmax_t bytes, Rest... rest)
{
    auto slot = std::make_shared<CacheSlot<File>>();
    if (auto file = File::openIfValid(cache, *from, chrom, length, rest...))
        slot->publish(std::move(file));
    else
        Builder::instance().add(
            jobFor(slot, std::move(from), kind, chrom, length, std::move(cache), bytes, rest...));
    return slot;
}

} // namespace

std::shared_ptr<TrackCacheSlot> openTrackCache(std::shared_ptr<const BigWigReader> reader,
                                               const std::string& chrom, std::int64_t length,
                                               CachePrecision precision)
{
    auto cache = TrackCacheFile::pathFor(reader->path(), chrom, precision);
    const std::uintmax_t bytes = static_cast<std::uintmax_t>(length) * bytesPerValue(precision);
    return slotFor<TrackCacheFile>(std::move(reader), "track", chrom, length, std::move(cache),
                                   bytes, precision);
}

std::shared_ptr<SequenceCacheSlot> openSequenceCache(std::shared_ptr<const Genome> genome,
                                                     const std::string& chrom, std::int64_t length)
{
    auto cache = SequenceCacheFile::pathFor(genome->path(), chrom);
    return slotFor<SequenceCacheFile>(std::move(genome), "sequence", chrom, length,
                                      std::move(cache), SequenceCacheFile::bytesFor(length));
}

bool leavesRoomFor(std::uintmax_t bytes, const std::filesystem::space_info& space)
{
    constexpr std::uintmax_t kLeastFree = 2'000'000'000;
    const std::uintmax_t keep = std::max(space.capacity / 20, kLeastFree);
    return space.available >= bytes && space.available - bytes >= keep;
}

void waitForCaches()
{
    Builder::instance().waitIdle();
}

} // namespace kdna::store
