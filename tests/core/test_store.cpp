#include "core/data/block_cache.h"
#include "core/data/cache_builder.h"
#include "core/data/cache_settings.h"
#include "core/data/dataset.h"
#include "core/data/generator.h"
#include "core/data/normalization.h"
#include "core/data/sequence_cache_file.h"
#include "core/data/stream.h"
#include "core/data/track_cache_file.h"
#include "core/genome/genome.h"
#include "core/genome/sequence.h"
#include "core/tracks/bigwig.h"
#include "core/util/memory.h"
#include "core/util/opening_progress.h"
#include "core/util/paths.h"
#include "core/util/text.h"
#include "support/demo_scratch.h"
#include "support/fixtures.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <random>
#include <set>
#include <thread>
#include <zlib.h>

#include <QTest>

#include <c10/util/BFloat16.h>
#include <nlohmann/json.hpp>

using namespace kdna;
namespace fs = std::filesystem;
using nlohmann::json;

#if defined(__SANITIZE_ADDRESS__)
/// trainingMemoryFollowsTheBudget measures what kdna keeps resident; ASan's quarantine keeps
/// every freed block resident too (up to 256 MB: the streamed passes read as 100 MB of growth,
/// 16 MB without it), so this suite runs without one. The other suites keep it for
/// use-after-free reports; ASAN_OPTIONS still overrides this.
extern "C" const char* __asan_default_options()
{
    return "quarantine_size_mb=0";
}
#endif

namespace {

const std::vector<store::StreamOptions>& optionsToTry()
{
    static const std::vector<store::StreamOptions> all = {{4096, store::Backing::Source},
                                                          {1000, store::Backing::CacheFile},
                                                          {65536, store::Backing::Source},
                                                          {65536, store::Backing::CacheFile},
                                                          {1 << 20, store::Backing::CacheFile}};
    return all;
}

/// Reads a whole stream in windows of random sizes, starting anywhere.
template<typename T>
std::vector<T> readAll(const store::Stream<T>& s, unsigned seed)
{
    std::vector<T> out(static_cast<std::size_t>(s.length()));
    std::mt19937 rng(seed);
    std::int64_t at = 0;
    while (at < s.length()) {
        const std::int64_t n = std::min<std::int64_t>(s.length() - at, 1 + rng() % 150000);
        s.read(at, n, out.data() + at);
        at += n;
    }
    return out;
}

/// A cache file is a header padded to whole 64-byte lines, then exactly `dataBytes`.
bool holdsHeaderAnd(const fs::path& path, std::uintmax_t dataBytes)
{
    const std::uintmax_t size = fs::file_size(path);
    return size > dataBytes && (size - dataBytes) % 64 == 0 && size - dataBytes <= 4096;
}

} // namespace

class TestStore : public QObject {
    Q_OBJECT

    test::ScratchDir m_dir;

    /// 8 chromosomes, 24 Mbp, and a smooth bigWig over them (written once): in RAM a store
    /// would take 24 MB of codes and 96 MB of values a track.
    void writeBigGenome()
    {
        if (fs::exists(m_dir.file("big.bw")))
            return;
        std::vector<std::pair<std::string, std::string>> records;
        std::vector<Chromosome> chroms;
        for (int c = 0; c < 8; ++c) {
            const std::string name = "chr" + std::to_string(c + 1);
            records.emplace_back(name, test::randomBases(3'000'000, 100 + c));
            chroms.push_back({name, 3'000'000});
        }
        test::writeFasta(m_dir.file("big.fa"), records);
        records.clear();
        records.shrink_to_fit();
        std::ofstream bed(m_dir.file("big.bed"));
        for (const auto& c : chroms)
            for (std::int64_t s = 5'000; s + 200 < c.length; s += 25'000)
                bed << c.name << '\t' << s << '\t' << s + 200 << '\n';
        BigWigWriter w(m_dir.file("big.bw"), chroms);
        for (const auto& c : chroms) {
            std::vector<ValuedInterval> iv;
            for (std::int64_t s = 0; s < c.length; s += 10)
                iv.push_back({s, s + 10, static_cast<float>((s / 10) % 1000) / 10.0F});
            w.addIntervals(c.name, iv);
        }
        w.finish();
    }

private Q_SLOTS:
    void initTestCase()
    {
        qputenv("XDG_CACHE_HOME", QByteArray::fromStdString(m_dir.file("cache").string()));
    }
    void cleanup()
    {
        store::setDefaultStreamOptions({});
        store::setMemoryBudget(std::int64_t{1} << 30);
    }

    /// The cache settings read sizes as a person writes them, say in one phrase what is not
    /// one, and a bad value of either setting changes neither.
    void cacheSettingsReadWhatAPersonWrites()
    {
        const std::int64_t mib = std::int64_t{1} << 20;
        QCOMPARE(store::parseMemorySize("4G"), 4096 * mib);
        QCOMPARE(store::parseMemorySize("4GB"), 4096 * mib);
        QCOMPARE(store::parseMemorySize("512m"), 512 * mib);
        QCOMPARE(store::parseMemorySize("1.5G"), 1536 * mib);
        QCOMPARE(store::parseMemorySize("64k"), std::int64_t{65536});
        QCOMPARE(store::parseMemorySize("123"), std::int64_t{123});
        for (const char* bad : {"lots", "4X", "-1G", "", "4 apples", "1e30T"})
            QVERIFY2(store::parseMemorySize(bad) == -1, bad);
        QCOMPARE(store::memorySizeProblem("8M"), std::string("must be at least 16M, not '8M'"));
        QCOMPARE(store::memorySizeProblem("1G"), std::string());
        for (const char* written : {"1G", "512M", "1.5G", "16M", "3T"})
            QCOMPARE(store::formatMemorySize(store::parseMemorySize(written)),
                     std::string(written));

        store::CacheSettings{"256M", "bfloat16"}.apply();
        QCOMPARE(store::memoryBudget(), 256 * mib);
        QVERIFY(store::defaultStreamOptions().precision == store::CachePrecision::BFloat16);
        QCOMPARE(store::CacheSettings::current().memory, std::string("256M"));
        QCOMPARE(store::CacheSettings::current().precision, std::string("bfloat16"));
        const std::string bad = test::errorOf([] {
            store::CacheSettings{"2G", "float16"}.apply();
        });
        QCOMPARE(bad, std::string("cache precision: must be float32 or bfloat16, not 'float16'"));
        QCOMPARE(store::memoryBudget(), 256 * mib); // the good memory was not set either
        QVERIFY(!test::errorOf([] { store::CacheSettings{"lots", "float32"}.apply(); }).empty());
        QVERIFY(store::defaultStreamOptions().precision == store::CachePrecision::BFloat16);
    }

    /// Every chromosome of the yeast genome (the demo's without it), streamed, equals it read
    /// whole, at every block size.
    void streamedEqualsInRam()
    {
        const auto data = test::yeastOrDemo(m_dir);
        const auto genome = Genome::open(data.fasta);
        const fs::path bw = data.track;
        const auto reader = BigWigReader::open(bw);
        store::setMemoryBudget(8 << 20); // far below the genome: blocks come and go
        for (const auto& c : genome.chromosomes()) {
            const auto codes =
                std::make_shared<const std::vector<std::uint8_t>>(genome.loadCodes(c.name));
            auto ram = reader.values(c.name, 0, c.length); // the in-RAM store's read
            const auto values = std::make_shared<const std::vector<float>>(std::move(ram));
            for (const auto& o : optionsToTry()) {
                const auto seq = store::openSequence(data.fasta, c.name, o);
                QVERIFY(readAll(*seq, 1) == *codes);
                const auto track = store::openTrack(bw, c.name, c.length, o);
                const auto got = readAll(*track, 2);
                QVERIFY2(std::memcmp(got.data(), values->data(), got.size() * sizeof(float)) == 0,
                         (c.name + " block " + std::to_string(o.blockBases)).c_str());
                // The budget, or one block per shard (16) when blocks outgrow a shard's share.
                QVERIFY2(store::cachedBytes() <=
                             std::max<std::int64_t>(8 << 20, 16 * 4 * o.blockBases),
                         (c.name + " block " + std::to_string(o.blockBases) + ": " +
                          std::to_string(store::cachedBytes()))
                             .c_str());
                // A shard's over-share block stays until the shard's next insert, which a
                // resident chromosome never makes: the next size starts from an empty cache.
                store::clearBlockCache();
            }
        }
    }

    /// The sequence cache (issue 18: 4-bit sequence) holds every yeast chromosome's codes (the
    /// demo's without the yeast data) as faidx gives them: odd lengths, soft-masked lower case,
    /// N runs; read from any base to any base, an odd start or end included.
    void sequenceCacheEqualsFaidx()
    {
        const fs::path fasta = test::yeastOrDemo(m_dir).fasta;
        const auto genome = Genome::open(fasta);
        std::mt19937 rng(5);
        for (const auto& c : genome.chromosomes()) {
            const fs::path path = m_dir.file("seq-" + c.name + ".seq4");
            QVERIFY(store::SequenceCacheFile::build(path, genome, c.name, c.length,
                                                    [] { return true; }));
            QVERIFY(holdsHeaderAnd(path, store::SequenceCacheFile::bytesFor(c.length)));
            const auto file = store::SequenceCacheFile::openIfValid(path, genome, c.name, c.length);
            QVERIFY(file);
            const auto want = genome.loadCodes(c.name);
            std::vector<std::uint8_t> got(want.size());
            file->read(0, c.length, got.data());
            QVERIFY2(got == want, c.name.c_str());
            for (int i = 0; i < 200; ++i) {
                const std::int64_t start = rng() % c.length;
                const std::int64_t end = std::min<std::int64_t>(c.length, start + rng() % 9001);
                std::vector<std::uint8_t> part(static_cast<std::size_t>(end - start));
                file->read(start, end, part.data());
                QVERIFY2(
                    std::equal(part.begin(), part.end(), want.begin() + start),
                    (c.name + " " + std::to_string(start) + "-" + std::to_string(end)).c_str());
            }
            fs::remove(path);
        }
    }

    /// A sequence cache of another chromosome or length, a truncated one and one of a FASTA
    /// since changed are not used; a sequence stream reads faidx at once while the builder
    /// writes its cache behind, then reads the cache, and the next opening reuses it. Same
    /// codes all along.
    void sequenceCacheIsWrittenBehindAndCheckedOnOpening()
    {
        // Below twice the chromosome, so its blocks are not kept resident: they come and go,
        // and each is read from whichever source the stream has when it is loaded.
        const std::int64_t budgetBefore = store::memoryBudget();
        store::setMemoryBudget(256 << 10);
        qputenv("XDG_CACHE_HOME", QByteArray::fromStdString(m_dir.file("seq-cache").string()));
        const fs::path fasta = m_dir.file("mixed.fa");
        const auto write = [&](unsigned seed) {
            std::string bases = test::randomBases(200'001, seed); // odd: a half byte at the end
            for (std::size_t i = 1000; i < 3000; ++i)
                bases[i] = 'N';
            for (std::size_t i = 5000; i < 9000; ++i)
                bases[i] = static_cast<char>(std::tolower(bases[i]));
            bases[7] = 'R'; // another IUPAC letter: code 4
            test::writeFasta(fasta, {{"m1", bases}, {"m2", bases.substr(0, 77)}});
            fs::remove(fs::path(fasta.string() + ".fai"));
        };
        write(1);
        store::clearBlockCache();
        const fs::path cache = store::SequenceCacheFile::pathFor(fasta, "m1");
        std::vector<std::uint8_t> want;
        {
            const auto genome = Genome::open(fasta);
            want = genome.loadCodes("m1");
            const store::StreamOptions options{4096, store::Backing::CacheFile};
            const auto seq = store::openSequence(fasta, "m1", options);
            QVERIFY(readAll(*seq, 1) == want); // whichever source each block had
            store::waitForCaches();
            QVERIFY(fs::exists(cache));
            QVERIFY(holdsHeaderAnd(cache, 100'001)); // two bases a byte
            store::clearBlockCache();
            QVERIFY(readAll(*seq, 2) == want); // from the cache
            {
                // The blocks come from the cache, not faidx: a byte altered there shows.
                const auto at = static_cast<std::streamoff>(fs::file_size(cache) - 100'001 + 50);
                std::fstream f(cache, std::ios::in | std::ios::out | std::ios::binary);
                char byte = 0;
                char nextByte = 0;
                f.seekg(at);
                f.get(byte);
                f.get(nextByte);
                const char altered = static_cast<char>(byte ^ 0x11);
                f.seekp(at);
                f.put(altered);
                f.close();
                store::clearBlockCache();
                auto got = readAll(*seq, 4);
                QCOMPARE(got[100], static_cast<std::uint8_t>(want[100] ^ 1));
                QCOMPARE(got[101], static_cast<std::uint8_t>(want[101] ^ 1));
                // A nibble past the alphabet (a cache altered by hand) reads as N.
                f.open(cache, std::ios::in | std::ios::out | std::ios::binary);
                f.seekp(at + 1);
                f.put(static_cast<char>(0xF5));
                f.close();
                store::clearBlockCache();
                got = readAll(*seq, 5);
                QCOMPARE(got[102], sequence::kUnknown);
                QCOMPARE(got[103], sequence::kUnknown);
                QCOMPARE(got[104], want[104]);
                f.open(cache, std::ios::in | std::ios::out | std::ios::binary);
                f.seekp(at);
                f.put(byte);
                f.put(nextByte);
            }
            store::clearBlockCache();
            QVERIFY(!store::SequenceCacheFile::openIfValid(cache, genome, "m2", 200'001));
            QVERIFY(!store::SequenceCacheFile::openIfValid(cache, genome, "m1", 200'000));
            QVERIFY(store::SequenceCacheFile::openIfValid(cache, genome, "m1", 200'001));
        }
        const auto stamp = fs::last_write_time(cache);
        {
            store::clearBlockCache();
            const auto seq = store::openSequence(fasta, "m1", {8192, store::Backing::CacheFile});
            store::waitForCaches();
            QCOMPARE(fs::last_write_time(cache), stamp); // read, not written again
            QVERIFY(readAll(*seq, 3) == want);
        }
        {
            const auto genome = Genome::open(fasta);
            const fs::path whole = m_dir.file("whole.seq4");
            fs::copy_file(cache, whole, fs::copy_options::overwrite_existing);
            fs::resize_file(cache, fs::file_size(cache) - 1); // truncated
            QVERIFY(!store::SequenceCacheFile::openIfValid(cache, genome, "m1", 200'001));
            fs::copy_file(whole, cache, fs::copy_options::overwrite_existing);
            QVERIFY(store::SequenceCacheFile::openIfValid(cache, genome, "m1", 200'001));
        }
        write(2); // the same name, other bases: the whole cache is stale
        fs::last_write_time(fasta, fs::last_write_time(fasta) + std::chrono::seconds(5));
        QVERIFY(!store::SequenceCacheFile::openIfValid(cache, Genome::open(fasta), "m1", 200'001));
        {
            store::clearBlockCache();
            const auto genome = Genome::open(fasta);
            const auto seq = store::openSequence(fasta, "m1", {4096, store::Backing::CacheFile});
            store::waitForCaches();
            const auto rebuilt =
                store::SequenceCacheFile::openIfValid(cache, genome, "m1", 200'001);
            QVERIFY(rebuilt);
            std::vector<std::uint8_t> got(200'001);
            rebuilt->read(0, 200'001, got.data());
            QVERIFY(got == genome.loadCodes("m1"));
            QVERIFY(got != want);
        }
        store::setMemoryBudget(budgetBefore);
        qputenv("XDG_CACHE_HOME", QByteArray::fromStdString(m_dir.file("cache").string()));
    }

    /// A genome held in memory (a plain-gzip FASTA: faidx cannot index it) reads faster from
    /// memory than any cache, so none is written for it.
    void aGenomeInMemoryGetsNoSequenceCache()
    {
        qputenv("XDG_CACHE_HOME", QByteArray::fromStdString(m_dir.file("gz-cache").string()));
        const std::string bases = test::randomBases(30'001, 12);
        const fs::path fasta = m_dir.file("plain.fa.gz");
        {
            gzFile out = gzopen(fasta.c_str(), "wb");
            QVERIFY(out);
            const std::string text = ">g1\n" + bases + "\n";
            QCOMPARE(gzwrite(out, text.data(), static_cast<unsigned>(text.size())),
                     static_cast<int>(text.size()));
            QCOMPARE(gzclose(out), Z_OK);
        }
        QCOMPARE(Genome::open(fasta).indexLocation(), IndexLocation::InMemory);
        store::clearBlockCache();
        const auto seq = store::openSequence(fasta, "g1", {4096, store::Backing::CacheFile});
        store::waitForCaches();
        QVERIFY(readAll(*seq, 1) == Genome::open(fasta).loadCodes("g1"));
        QVERIFY(!fs::exists(store::SequenceCacheFile::pathFor(fasta, "g1")));
        qputenv("XDG_CACHE_HOME", QByteArray::fromStdString(m_dir.file("cache").string()));
    }

    /// A chromosome's name is a FASTA's or a bigWig's word: a cache named after it stays in its
    /// cache folder whatever the name says ("x/../../../../escaped" once wrote four folders up).
    void cacheNamesNeverLeaveTheirFolder()
    {
        const fs::path home = m_dir.file("names/a/b/c/d");
        fs::create_directories(home);
        qputenv("XDG_CACHE_HOME", QByteArray::fromStdString(home.string()));
        const fs::path fasta = m_dir.file("names/named.fa");
        const std::vector<std::string> names = {"x/../../../../escaped", "a/b", "HLA-A*01:01",
                                                std::string(300, 'n')};
        std::vector<std::pair<std::string, std::string>> records;
        for (std::size_t i = 0; i < names.size(); ++i)
            records.emplace_back(names[i], test::randomBases(5'001, 40 + unsigned(i)));
        test::writeFasta(fasta, records);
        store::clearBlockCache();
        const auto genome = Genome::open(fasta);
        const fs::path sequences = paths::userCacheDir() / "sequences";
        const fs::path tracks = paths::userCacheDir() / "tracks";
        std::set<fs::path> seen;
        for (const auto& [name, bases] : records) {
            const fs::path cache = store::SequenceCacheFile::pathFor(fasta, name);
            QCOMPARE(cache.parent_path(), sequences);
            QVERIFY(cache.filename().string().size() < 200); // room for a temporary's suffix
            QVERIFY(seen.insert(cache).second);              // names kept apart
            QCOMPARE(store::TrackCacheFile::pathFor(m_dir.file("t.bw"), name).parent_path(),
                     tracks);
            const auto seq = store::openSequence(fasta, name, {4096, store::Backing::CacheFile});
            store::waitForCaches();
            const auto file = store::SequenceCacheFile::openIfValid(cache, genome, name, 5'001);
            QVERIFY2(file, name.c_str());
            std::vector<std::uint8_t> got(5'001);
            file->read(0, 5'001, got.data());
            QVERIFY(got == genome.loadCodes(name));
        }
        // Nothing was written anywhere else under the test's folder.
        for (const auto& entry : fs::recursive_directory_iterator(m_dir.file("names")))
            if (entry.is_regular_file() && entry.path().parent_path() != sequences)
                QVERIFY2(entry.path() == fasta || entry.path().string().ends_with(".fai"),
                         entry.path().c_str());
        qputenv("XDG_CACHE_HOME", QByteArray::fromStdString(m_dir.file("cache").string()));
    }

    /// A cache holds its source as kdna opened it: a FASTA or bigWig replaced after it was
    /// opened (a new file renamed over it while a run still reads the old one) gets no cache of
    /// the old file's bases or values under its own stamp, and a file changed while its cache
    /// is built leaves no cache.
    void cacheIsOfTheFileAsItWasOpened()
    {
        using namespace std::chrono_literals;
        qputenv("XDG_CACHE_HOME", QByteArray::fromStdString(m_dir.file("opened-cache").string()));
        const auto replace = [&](const fs::path& file,
                                 const std::function<void(const fs::path&)>& write) {
            const fs::path next = file.string() + ".next";
            write(next);
            fs::last_write_time(next, fs::last_write_time(file) + 5s);
            fs::rename(next, file);
        };
        const std::int64_t n = 2'500'001; // several chunks of a build
        const fs::path fasta = m_dir.file("opened.fa");
        test::writeFasta(fasta, {{"o1", test::randomBases(n, 7)}});
        const auto before = Genome::open(fasta);
        replace(fasta, [&](const fs::path& f) {
            test::writeFasta(f, {{"o1", test::randomBases(n, 8)}});
        });
        fs::remove(fs::path(fasta.string() + ".fai"));
        const fs::path sequence = store::SequenceCacheFile::pathFor(fasta, "o1");
        // Read from the old file while it is replaced: no cache, neither under the new stamp
        // nor the old.
        QVERIFY(!store::SequenceCacheFile::build(sequence, before, "o1", n, [] { return true; }));
        QVERIFY(!fs::exists(sequence));
        const auto after = Genome::open(fasta);
        QVERIFY(!store::SequenceCacheFile::openIfValid(sequence, after, "o1", n));
        int calls = 0;
        QVERIFY(!store::SequenceCacheFile::build(sequence, after, "o1", n, [&] {
            if (++calls == 2) // the file is touched while the build reads it
                fs::last_write_time(fasta, fs::last_write_time(fasta) + 5s);
            return true;
        }));
        QVERIFY(!fs::exists(sequence));

        const fs::path bw = m_dir.file("opened.bw");
        const auto writeTrack = [&](const fs::path& f, float value) {
            BigWigWriter w(f, {{"c1", 50000}});
            w.addValues("c1", 0, std::vector<float>(50000, value));
            w.finish();
        };
        writeTrack(bw, 1);
        const auto old = BigWigReader::open(bw);
        replace(bw, [&](const fs::path& f) { writeTrack(f, 2); });
        const fs::path track = store::TrackCacheFile::pathFor(bw, "c1");
        QVERIFY(!store::TrackCacheFile::build(track, old, "c1", 50000, [] { return true; }));
        QVERIFY(!fs::exists(track));
        // The reader of the new file gets its own cache.
        const auto now = BigWigReader::open(bw);
        QVERIFY(store::TrackCacheFile::build(track, now, "c1", 50000, [] { return true; }));
        const auto cached = store::TrackCacheFile::openIfValid(track, now, "c1", 50000);
        QVERIFY(cached);
        std::vector<float> values(10);
        cached->read(0, 10, values.data());
        QCOMPARE(values[3], 2.0F);
        QVERIFY(!store::TrackCacheFile::openIfValid(track, old, "c1", 50000));
        qputenv("XDG_CACHE_HOME", QByteArray::fromStdString(m_dir.file("cache").string()));
    }

    void smallChromosomesStayResidentWithinHalfTheBudget()
    {
        const auto data = test::yeastOrDemo(m_dir);
        const auto genome = Genome::open(data.fasta);
        const fs::path bw = data.track;
        const auto reader = BigWigReader::open(bw);
        // Half the track's floats: half of that holds some chromosomes, never all.
        std::int64_t floats = 0;
        for (const auto& c : genome.chromosomes())
            floats += c.length * static_cast<std::int64_t>(sizeof(float));
        const std::int64_t budget = floats / 2;
        store::setMemoryBudget(budget);
        const store::StreamOptions options{4096, store::Backing::CacheFile};
        std::vector<std::shared_ptr<const store::TrackStream>> open;
        std::int64_t reserved = 0;
        int streamed = 0;
        for (const auto& c : genome.chromosomes()) {
            auto track = store::openTrack(bw, c.name, c.length, options);
            if (track->resident())
                reserved += c.length * static_cast<std::int64_t>(sizeof(float));
            else
                ++streamed;
            const auto got = readAll(*track, 3);
            const auto want = reader.values(c.name, 0, c.length);
            QVERIFY2(std::memcmp(got.data(), want.data(), got.size() * sizeof(float)) == 0,
                     c.name.c_str());
            open.push_back(std::move(track));
        }
        QVERIFY(reserved > 0);           // a chromosome fits
        QVERIFY(reserved <= budget / 2); // the rest of the genome could not
        QVERIFY(streamed > 0);
        // Resident bytes count against the budget: the cache holds no more than it leaves.
        QVERIFY(store::cachedBytes() <= budget + 16 * 4 * options.blockBases);
        open.clear(); // closing gives the reservation back
        QVERIFY(store::cachedBytes() <= budget);
        store::setMemoryBudget(std::int64_t{1} << 30);
        const auto& longest =
            *std::max_element(genome.chromosomes().begin(), genome.chromosomes().end(),
                              [](const auto& a, const auto& c) { return a.length < c.length; });
        QVERIFY(store::openTrack(bw, longest.name, longest.length, options)->resident());
    }

    void datasetWindowsMatchInRamOnBothStrands()
    {
        const auto data = test::yeastOrDemo(m_dir);
        const auto genome = Genome::open(data.fasta);
        const auto reader = BigWigReader::open(data.track);
        // The first and the last chromosome (the yeast's chrI and chrXVI).
        const std::vector<std::string> two = {genome.chromosomes().front().name,
                                              genome.chromosomes().back().name};
        std::map<std::string, std::pair<std::vector<std::uint8_t>, std::vector<float>>> ram;
        for (const std::string& c : two)
            ram[c] = {genome.loadCodes(c), reader.loadChromosome(c)};
        for (bool rc : {false, true})
            for (const auto& o : optionsToTry()) {
                store::setDefaultStreamOptions(o);
                json j = {{"fasta_file", data.fasta.string()},
                          {"annotation_files", {data.track.string()}},
                          {"window", 501},
                          {"tg_window", 21},
                          {"batch_size", 8},
                          {"rc", rc},
                          {"incl_chromosomes", two},
                          {"normalization_mode", {"zscore"}}};
                const auto gen = openGenerator(DatasetSpec::fromJson(j));
                const Dataset& ds = gen->dataset();
                const auto& norm = ds.statistics().labels[0];
                std::vector<float> input(501 * 4), label(21);
                std::mt19937 rng(7);
                for (int k = 0; k < 300; ++k) {
                    const auto index = static_cast<std::int64_t>(rng() % ds.size());
                    ds.fill(index, {input.data(), label.data(), nullptr});
                    const Locus l = ds.locus(index);
                    const auto& [codes, raw] = ram.at(l.chrom);
                    std::vector<float> expected(501 * 4);
                    writeOneHot(codes.data() + l.start, 501, rc, false, expected.data());
                    QVERIFY(input == expected);
                    for (int t = 0; t < 21; ++t) {
                        const int row = rc ? 20 - t : t;
                        QCOMPARE(label[row],
                                 norm.apply(raw[static_cast<std::size_t>(l.start + 240 + t)]));
                    }
                }
            }
    }

    void staleOrTruncatedCacheIsRebuilt()
    {
        const fs::path bw = m_dir.file("t.bw");
        auto write = [&](float scale) {
            BigWigWriter w(bw, {{"c1", 50000}});
            std::vector<float> v(50000);
            for (std::size_t i = 0; i < v.size(); ++i)
                v[i] = scale * static_cast<float>(i % 97);
            w.addValues("c1", 0, v);
            w.finish();
        };
        write(1);
        auto reader = BigWigReader::open(bw);
        bool built = false;
        std::vector<float> got(100);
        auto file = store::TrackCacheFile::open(reader, "c1", 50000, &built);
        QVERIFY(built);
        file = store::TrackCacheFile::open(reader, "c1", 50000, &built);
        QVERIFY(!built); // fresh: reused
        const fs::path cache = file->path();
        file.reset();

        fs::resize_file(cache, fs::file_size(cache) - 4); // truncated
        file = store::TrackCacheFile::open(reader, "c1", 50000, &built);
        QVERIFY(built);
        QCOMPARE(fs::file_size(cache), fs::file_size(cache)); // still there
        file->read(49900, 50000, got.data());
        QCOMPARE(got[99], static_cast<float>(49999 % 97));
        file.reset();

        { // a foreign header
            std::fstream f(cache, std::ios::in | std::ios::out | std::ios::binary);
            f.seekp(2);
            f.put('X');
        }
        file = store::TrackCacheFile::open(reader, "c1", 50000, &built);
        QVERIFY(built);
        file.reset();

        fs::last_write_time(bw, fs::last_write_time(bw) - std::chrono::seconds(5));
        write(2); // a new file under the same name: stale
        reader = BigWigReader::open(bw);
        file = store::TrackCacheFile::open(reader, "c1", 50000, &built);
        QVERIFY(built);
        file->read(0, 100, got.data());
        QCOMPARE(got[5], 10.0F);
    }

    /// A track without its cache file reads the bigWig at once while the builder writes the
    /// cache behind (issue 18: a cold start waited for every chromosome's cache); once
    /// written the cache is valid, and the next opening reads it. Same floats all along.
    void trackCacheIsWrittenBehindTheReads()
    {
        writeBigGenome();
        qputenv("XDG_CACHE_HOME", QByteArray::fromStdString(m_dir.file("behind-cache").string()));
        const fs::path bw = m_dir.file("big.bw");
        const auto reader = BigWigReader::open(bw);
        const std::int64_t length = reader.length("chr2");
        const fs::path cache = store::TrackCacheFile::pathFor(bw, "chr2");
        const store::StreamOptions options{4096, store::Backing::CacheFile};
        const auto want = reader.values("chr2", 0, length);
        {
            std::vector<std::string> phases;
            const OpeningProgressScope scope([&](const std::string& what, std::int64_t,
                                                 std::int64_t,
                                                 const char*) { phases.push_back(what); });
            const auto track = store::openTrack(bw, "chr2", length, options);
            QCOMPARE(track->blockBases(), options.blockBases); // blocks as decoded from the bigWig
            QVERIFY(phases.empty());               // no cache written on the opening thread
            const auto first = readAll(*track, 1); // whichever backing each block had
            QVERIFY(std::memcmp(first.data(), want.data(), first.size() * sizeof(float)) == 0);
            store::waitForCaches();
            QVERIFY(fs::exists(cache));
            store::clearBlockCache();
            const auto again = readAll(*track, 1); // now from the cache file
            QVERIFY(std::memcmp(again.data(), want.data(), again.size() * sizeof(float)) == 0);
        }
        QVERIFY(store::TrackCacheFile::openIfValid(cache, reader, "chr2", length));
        const auto stamp = fs::last_write_time(cache);
        store::clearBlockCache();
        const auto track = store::openTrack(bw, "chr2", length, options);
        // Its cache there at opening, a track reads a page a block: a one-base label reads 4 KB,
        // not the 16 KB of a 4 kb block.
        QCOMPARE(track->blockBases(), options.cachedTrackBlockBases);
        store::waitForCaches();
        QCOMPARE(fs::last_write_time(cache), stamp); // read, not written again
        const auto got = readAll(*track, 1);
        QVERIFY(std::memcmp(got.data(), want.data(), got.size() * sizeof(float)) == 0);
        qputenv("XDG_CACHE_HOME", QByteArray::fromStdString(m_dir.file("cache").string()));
    }

    /// Caches never fill the disk: one is written only when it leaves 5 % of the disk, and
    /// at least 2 GB, free (a human track's cache is 12 GB, its four tracks' 46 GB).
    void cachesLeaveTheDiskRoom()
    {
        constexpr std::uintmax_t G = 1'000'000'000;
        const auto room = [](std::uintmax_t bytes, std::uintmax_t capacity,
                             std::uintmax_t available) {
            return store::leavesRoomFor(bytes, fs::space_info{capacity, available, available});
        };
        QVERIFY(room(12 * G, 100 * G, 50 * G));
        QVERIFY(room(12 * G, 100 * G, 17 * G));      // 5 % of the disk left, just
        QVERIFY(!room(12 * G, 100 * G, 17 * G - 1)); // a byte short of it
        QVERIFY(!room(12 * G, 100 * G, 11 * G));     // more than is free: no wrap-around
        QVERIFY(room(G, 10 * G, 3 * G));             // a small disk keeps 2 GB, not 5 %
        QVERIFY(!room(G, 10 * G, 3 * G - 1));
        QVERIFY(room(0, 10 * G, 2 * G));
    }

    /// Caches at bfloat16 (issue 18: the precision the user chooses, float32 by default) take
    /// 2 bytes a base, so a human genome's 4 tracks need 23 GB of disk, not 46; a stream reads
    /// the values rounded the same way before its cache exists (round to nearest, ties to
    /// even, as torch rounds), and the float32 cache is another file that stays exact.
    void bfloat16CachesHalveTheDiskAndReadRounded()
    {
        qputenv("XDG_CACHE_HOME", QByteArray::fromStdString(m_dir.file("bf16-cache").string()));
        const fs::path bw = m_dir.file("fine.bw");
        const std::int64_t n = 200'000;
        {
            std::mt19937 rng(11);
            std::uniform_real_distribution<float> value(0.0F, 100.0F);
            std::vector<float> values(static_cast<std::size_t>(n));
            for (float& v : values)
                v = value(rng);
            BigWigWriter w(bw, {{"chrR", n}});
            w.addValues("chrR", 0, values);
            w.finish();
        }
        const auto exact = BigWigReader::open(bw).values("chrR", 0, n);
        std::vector<float> want; // torch's rounding: the oracle
        for (const float v : exact)
            want.push_back(static_cast<float>(c10::BFloat16(v)));
        QVERIFY(want != exact); // the rounding is seen
        const auto bfloat16 = store::CachePrecision::BFloat16;
        const store::StreamOptions halves{4096, store::Backing::CacheFile, bfloat16};
        store::clearBlockCache();
        const fs::path cache = store::TrackCacheFile::pathFor(bw, "chrR", bfloat16);
        QVERIFY(cache != store::TrackCacheFile::pathFor(bw, "chrR"));
        {
            const auto track = store::openTrack(bw, "chrR", n, halves);
            const auto first = readAll(*track, 2); // from the bigWig, rounded as the cache is
            QVERIFY(std::memcmp(first.data(), want.data(), first.size() * sizeof(float)) == 0);
            store::waitForCaches();
            QVERIFY(store::TrackCacheFile::openIfValid(cache, BigWigReader::open(bw), "chrR", n,
                                                       bfloat16)); // read
            QVERIFY2(fs::file_size(cache) < static_cast<std::uintmax_t>(2 * n + 4096),
                     std::to_string(fs::file_size(cache)).c_str());
            store::clearBlockCache();
            const auto again = readAll(*track, 3); // from the bfloat16 cache
            QVERIFY(std::memcmp(again.data(), want.data(), again.size() * sizeof(float)) == 0);
        }
        store::clearBlockCache();
        const auto track = store::openTrack(bw, "chrR", n, {4096, store::Backing::CacheFile});
        store::waitForCaches();
        const auto back = readAll(*track, 4);
        QVERIFY(std::memcmp(back.data(), exact.data(), back.size() * sizeof(float)) == 0);
        QVERIFY(fs::exists(store::TrackCacheFile::pathFor(bw, "chrR")));
        qputenv("XDG_CACHE_HOME", QByteArray::fromStdString(m_dir.file("cache").string()));
    }

    /// Every mode and pair of modes, fitted in streaming passes over per-base pieces and over
    /// runs (a bigWig's records), against sorting everything with numpy's formulas: bit for
    /// bit, but for a zscore, whose sums over runs (value × length) round differently from a
    /// base-by-base sum by a few ulps.
    void streamedStatisticsAreExact()
    {
        std::mt19937 rng(3);
        std::vector<float> runValues; // duplicates, negatives, zeros, runs of 1 to 30 bases
        std::vector<std::uint32_t> runLengths;
        std::vector<float> all;
        runValues.push_back(0.0F);
        runLengths.push_back(50000);
        for (std::size_t bases = 50000; bases < 300001; bases += runLengths.back()) {
            runValues.push_back(static_cast<float>(static_cast<int>(rng() % 2001) - 400) / 7.0F);
            runLengths.push_back(1 + rng() % 30);
        }
        for (std::size_t i = 0; i < runValues.size(); ++i)
            all.insert(all.end(), runLengths[i], runValues[i]);
        const auto perBase = [&](const std::function<void(std::span<const float>)>& visit) {
            for (std::size_t at = 0; at < all.size(); at += 7777)
                visit(std::span<const float>(all).subspan(
                    at, std::min<std::size_t>(7777, all.size() - at)));
        };
        const Normalizer::Scan runs = [&](const std::function<void(const ScanPiece&)>& visit) {
            for (std::size_t at = 0; at < runValues.size(); at += 333) {
                const std::size_t n = std::min<std::size_t>(333, runValues.size() - at);
                visit({std::span<const float>(runValues).subspan(at, n),
                       std::span<const std::uint32_t>(runLengths).subspan(at, n)});
            }
        };
        for (const std::vector<std::string>& modes : {std::vector<std::string>{"perctrim"},
                                                      {"max"},
                                                      {"zscore"},
                                                      {"min_max"},
                                                      {"max", "perctrim"},
                                                      {"zscore", "perctrim"},
                                                      {"perctrim", "zscore"},
                                                      {"perctrim", "max"},
                                                      {"min_max", "perctrim"},
                                                      {"perctrim", "logtransform"},
                                                      {"zscore", "max"}}) {
            std::vector<NormalizationMode> m(modes.begin(), modes.end());
            // Independent: sort everything, numpy's formulas.
            std::vector<float> v = all;
            std::vector<NormalizationStep> want;
            for (auto it = modes.rbegin(); it != modes.rend(); ++it) {
                std::vector<float> sorted = v;
                std::sort(sorted.begin(), sorted.end());
                NormalizationStep s{NormalizationMode(*it).value(), 0, 0};
                if (*it == "perctrim") {
                    const double pos = 0.99 * static_cast<double>(sorted.size() - 1);
                    const auto lo = static_cast<std::size_t>(pos);
                    s.a = sorted[lo] + (pos - static_cast<double>(lo)) *
                                           (static_cast<double>(sorted[lo + 1]) - sorted[lo]);
                } else if (*it == "max") {
                    s.a = sorted.back();
                } else if (*it == "min_max") {
                    s.a = sorted.front();
                    s.b = sorted.back();
                } else if (*it == "zscore") {
                    double sum = 0, sq = 0;
                    for (float x : v) {
                        sum += x;
                        sq += static_cast<double>(x) * x;
                    }
                    s.a = sum / static_cast<double>(v.size());
                    s.b = std::sqrt(sq / static_cast<double>(v.size()) - s.a * s.a);
                }
                for (float& x : v)
                    x = s.apply(x);
                want.push_back(s);
            }
            const std::string label = text::join(modes, ", ");
            for (const bool asRuns : {false, true}) {
                const Normalizer got =
                    Normalizer::fit(m, asRuns ? runs : Normalizer::Scan(perBase));
                QCOMPARE(got.steps().size(), want.size());
                for (std::size_t i = 0; i < want.size(); ++i) {
                    const auto& g = got.steps()[i];
                    const bool summed = g.kind == NormalizationStep::Kind::ZScore && asRuns;
                    const auto near = [](double x, double y) {
                        return std::abs(x - y) <= 1e-12 * std::max(1.0, std::abs(y));
                    };
                    QVERIFY2(summed ? g.kind == want[i].kind && near(g.a, want[i].a) &&
                                          near(g.b, want[i].b)
                                    : g == want[i],
                             (label + (asRuns ? " over runs" : " per base")).c_str());
                }
            }
        }
    }

    /// perctrim's percentile in the first pass (each worker keeps its top values exactly, above
    /// a threshold its own histogram raises): equal bit for bit to sorting every base, on
    /// parts whose values differ wholly (a descending ramp, a flat low stretch, rare spikes,
    /// ties), with as many workers as the machine has, and with no second pass.
    void percentileNeedsNoSecondPass()
    {
        const fs::path bw = m_dir.file("top.bw");
        const std::vector<Chromosome> chroms = {{"a", 1'500'000}, {"b", 1'200'000}, {"c", 900'003}};
        // 3,600,003 bases: numpy's position 0.99 x 3,600,002 falls between two ranks (0.98 of
        // the way), so both of them count.
        std::vector<std::vector<float>> values;
        std::mt19937 rng(11);
        {
            BigWigWriter w(bw, chroms);
            for (const auto& c : chroms) {
                std::vector<float> v(static_cast<std::size_t>(c.length));
                for (std::size_t i = 0; i < v.size(); ++i) {
                    if (c.name == "a")
                        v[i] = static_cast<float>(v.size() - i) * 0.001F; // highest first
                    else if (c.name == "b")
                        v[i] = static_cast<float>(rng() % 50) * 0.01F;
                    else
                        v[i] = rng() % 97 == 0 ? 900.0F + static_cast<float>(rng() % 7) : 0.0F;
                }
                w.addValues(c.name, 0, v);
                values.push_back(std::move(v));
            }
            w.finish();
        }
        std::vector<std::span<const float>> spans(values.begin(), values.end());
        for (const auto& modes :
             {std::vector<std::string>{"perctrim"}, std::vector<std::string>{"max", "perctrim"}}) {
            const std::vector<NormalizationMode> m(modes.begin(), modes.end());
            std::vector<std::string> phases;
            const OpeningProgressScope scope(
                [&](const std::string& what, std::int64_t done, std::int64_t, const char*) {
                    if (done == 0)
                        phases.push_back(what);
                });
            const Normalizer got = Normalizer::fit(m, scanOfTrack(bw, chroms, "top.bw"));
            QCOMPARE(phases, std::vector<std::string>{"statistics of top.bw"});
            QCOMPARE(got, Normalizer::fit(m, spans)); // per base, two passes
        }
    }

    void yeastStatisticsEqualTheInRamOnes()
    {
        const auto data = test::yeastOrDemo(m_dir);
        const auto genome = Genome::open(data.fasta);
        std::vector<std::string> chroms; // the first six (the demo has four)
        for (const auto& c : genome.chromosomes())
            if (chroms.size() < 6)
                chroms.push_back(c.name);
        const auto reader = BigWigReader::open(data.track);
        std::vector<float> all; // every base, as the in-RAM store held them
        for (const auto& c : chroms) {
            const auto v = reader.loadChromosome(c);
            all.insert(all.end(), v.begin(), v.end());
        }
        store::setDefaultStreamOptions({4096, store::Backing::CacheFile});
        store::setMemoryBudget(4 << 20);
        json j = {{"fasta_file", data.fasta.string()},
                  {"annotation_files", {data.track.string()}},
                  {"window", 2001},
                  {"batch_size", 8},
                  {"incl_chromosomes", chroms},
                  {"normalization_mode", {"max", "perctrim"}}};
        const auto trimmed = openGenerator(DatasetSpec::fromJson(j));
        const auto& steps = trimmed->dataset().statistics().labels[0].steps();
        std::vector<float> copy = all;
        const double trim = percentile(copy, 99.0); // numpy's, as before streaming
        QCOMPARE(steps.size(), std::size_t{2});
        QVERIFY(steps[0].a == trim); // bit for bit, not QCOMPARE's fuzzy double
        float clippedMax = 0;
        for (float x : all)
            clippedMax = std::max(clippedMax, std::min(x, static_cast<float>(trim)));
        QVERIFY(steps[1].a == static_cast<double>(clippedMax));

        j["normalization_mode"] = {"zscore"};
        const auto z = openGenerator(DatasetSpec::fromJson(j));
        double sum = 0, sq = 0;
        for (float x : all) {
            sum += x;
            sq += static_cast<double>(x) * x;
        }
        const double mean = sum / static_cast<double>(all.size());
        const auto& zs = z->dataset().statistics().labels[0].steps()[0];
        // The statistics sum the file's runs (value × length): equal to this base-by-base sum
        // but for its rounding, which over 3 million additions reaches some 1e-11 of the sd
        // (the variance subtracts two near sums).
        const double sd = std::sqrt(sq / static_cast<double>(all.size()) - mean * mean);
        const auto off = [](double got, double want) {
            return std::abs(got - want) / want;
        };
        QVERIFY2(off(zs.a, mean) <= 1e-10, QByteArray::number(off(zs.a, mean)).constData());
        QVERIFY2(off(zs.b, sd) <= 1e-10, QByteArray::number(off(zs.b, sd)).constData());
    }

    void trainingMemoryFollowsTheBudget()
    {
        writeBigGenome();
        store::setMemoryBudget(16 << 20);
        releaseFreeMemory();
        test::resetPeak();
        const std::int64_t before = test::statusBytes("VmRSS");
        json j = {{"fasta_file", m_dir.file("big.fa").string()},
                  {"annotation_files", {m_dir.file("big.bw").string()}},
                  {"window", 1001},
                  {"batch_size", 64},
                  {"normalization_mode", {"max", "perctrim"}}};
        const auto gen = openGenerator(DatasetSpec::fromJson(j));
        qInfo("after opening: RSS %.1f MB, peak %.1f MB, cache %.1f MB",
              test::statusBytes("VmRSS") / 1e6, test::statusBytes("VmHWM") / 1e6,
              store::cachedBytes() / 1e6);
        for (int b = 0; b < 20; ++b)
            (void)gen->batch(b);
        const std::int64_t grown = test::statusBytes("VmHWM") - before;
        qInfo("peak growth %.1f MB over %.1f MB of RSS", grown / 1e6, before / 1e6);
        QVERIFY2(grown < 60'000'000, std::to_string(grown).c_str());
        QVERIFY(store::cachedBytes() <= (16 << 20) + (1 << 20));
    }
    /// Opening a dataset reports its long phases to the thread's scope (issue 18 item 4): the
    /// track cache of each chromosome as it is written, then each statistics pass, each from
    /// 0 to its whole in order; another thread's opening reports nothing here.
    void openingReportsItsPhases()
    {
        writeBigGenome();
        qputenv("XDG_CACHE_HOME", QByteArray::fromStdString(m_dir.file("fresh-cache").string()));
        std::map<std::string, std::vector<std::pair<std::int64_t, std::int64_t>>> phases;
        std::vector<std::string> order;
        const json j = {{"fasta_file", m_dir.file("big.fa").string()},
                        {"annotation_files", {m_dir.file("big.bw").string()}},
                        {"window", 1001},
                        {"normalization_mode", {"max", "perctrim"}},
                        {"incl_chromosomes", {"chr1", "chr2"}}};
        {
            const OpeningProgressScope scope(
                [&](const std::string& what, std::int64_t done, std::int64_t total, const char*) {
                    if (phases.find(what) == phases.end())
                        order.push_back(what);
                    phases[what].emplace_back(done, total);
                });
            (void)openDataset(DatasetSpec::fromJson(j));
            const auto seen = phases.size();
            std::thread elsewhere([&] { (void)openDataset(DatasetSpec::fromJson(j)); });
            elsewhere.join();
            QCOMPARE(phases.size(), seen); // its statistics passes went to no scope
        }
        reportOpening("after the scope", 1, 1);
        QVERIFY(phases.find("after the scope") == phases.end());
        const std::string bw = "big.bw";
        qInfo("phases: %s", text::join(order, "; ").c_str());
        // The track caches are written behind the reads, on the builder's thread: the
        // opening waits for none of them and reports only its statistics passes.
        // max and perctrim in one pass: the percentile comes from the kept top values.
        QCOMPARE(order, std::vector<std::string>{"statistics of " + bw});
        store::waitForCaches();
        for (const auto& [what, seen] : phases) {
            QVERIFY2(seen.front().first == 0, what.c_str());
            QVERIFY2(seen.back().first == seen.back().second, what.c_str());
            for (std::size_t i = 1; i < seen.size(); ++i)
                QVERIFY2(seen[i].first >= seen[i - 1].first && seen[i].second == seen[0].second,
                         what.c_str());
        }
        QCOMPARE(phases.at("statistics of " + bw).back().second, std::int64_t(6'000'000));
        qputenv("XDG_CACHE_HOME", QByteArray::fromStdString(m_dir.file("cache").string()));
    }

    /// The statistics a run fits are kept in the cache folder (issue 18 item 3): opening the
    /// same data again reads them, equal, with no pass over the bases; other chromosomes, a
    /// touched track or a damaged entry fit again.
    void statisticsAreKeptForTheNextRun()
    {
        writeBigGenome();
        const fs::path cache = m_dir.file("statistics-cache");
        qputenv("XDG_CACHE_HOME", QByteArray::fromStdString(cache.string()));
        fs::copy_file(m_dir.file("big.bw"), m_dir.file("kept.bw"),
                      fs::copy_options::overwrite_existing);
        const auto opened = [&](const std::vector<std::string>& chroms) {
            const json j = {{"fasta_file", m_dir.file("big.fa").string()},
                            {"annotation_files", {m_dir.file("kept.bw").string()}},
                            {"window", 1001},
                            {"normalization_mode", {"max", "perctrim"}},
                            {"weighting_mode", "balanced"},
                            {"incl_chromosomes", chroms}};
            int passes = 0;
            const OpeningProgressScope scope(
                [&](const std::string& what, std::int64_t done, std::int64_t, const char*) {
                    if (what.starts_with("statistics of") && done == 0)
                        ++passes;
                });
            const auto dataset = openDataset(DatasetSpec::fromJson(j));
            return std::make_pair(passes, dataset->statistics());
        };
        const auto [fitted, first] = opened({"chr1", "chr2"});
        QVERIFY(fitted >= 2);
        const auto [again, second] = opened({"chr1", "chr2"});
        QCOMPARE(again, 0);
        QVERIFY(second == first);
        QVERIFY(opened({"chr1"}).first > 0);
        for (const auto& e : fs::directory_iterator(cache / "kdna" / "statistics"))
            std::ofstream(e.path()) << "{\"key\": 1, \"value\": [";
        const auto [damaged, refitted] = opened({"chr1", "chr2"});
        QCOMPARE(damaged, fitted);
        QVERIFY(refitted == first);
        fs::last_write_time(m_dir.file("kept.bw"),
                            fs::last_write_time(m_dir.file("kept.bw")) + std::chrono::seconds(5));
        QCOMPARE(opened({"chr1", "chr2"}).first, fitted);
        qputenv("XDG_CACHE_HOME", QByteArray::fromStdString(m_dir.file("cache").string()));
    }

    /// A classification dataset (BED peaks, real negatives, the bigWig as a secondary input)
    /// streams too: its sequence and secondary track stay within the budget, not 120 MB.
    void classificationMemoryFollowsTheBudget()
    {
        writeBigGenome();
        store::setMemoryBudget(16 << 20);
        releaseFreeMemory();
        test::resetPeak();
        const std::int64_t before = test::statusBytes("VmRSS");
        json j = {{"type", "SeqIntervalDl"},
                  {"fasta_file", m_dir.file("big.fa").string()},
                  {"annotation_files", {m_dir.file("big.bed").string()}},
                  {"annotation_list", {"peak"}},
                  {"seq_len", 1001},
                  {"negative_type", "real"},
                  {"negative_ratio", 1},
                  {"sec_inputs", {m_dir.file("big.bw").string()}},
                  {"sec_normalization_mode", {"max"}},
                  {"batch_size", 64}};
        const auto gen = openGenerator(DatasetSpec::fromJson(j));
        for (int b = 0; b < 40; ++b)
            (void)gen->batch(b);
        const std::int64_t grown = test::statusBytes("VmHWM") - before;
        qInfo("peak growth %.1f MB over %.1f MB of RSS", grown / 1e6, before / 1e6);
        QVERIFY2(grown < 50'000'000, std::to_string(grown).c_str());
        QVERIFY(store::cachedBytes() <= (16 << 20) + (1 << 20));
    }
};

QTEST_GUILESS_MAIN(TestStore)
#include "test_store.moc"
