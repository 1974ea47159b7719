#include "core/tracks/bigwig.h"
#include "core/tracks/chrom_sizes.h"
#include "core/tracks/features.h"
#include "core/tracks/file_kind.h"
#include "core/util/error.h"
#include "support/fixtures.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <random>
#include <sstream>
#include <unistd.h>
#include <zlib.h>

#include <QTest>

using namespace kdna;
using kdna::test::errorOf;
namespace fs = std::filesystem;

namespace {

/// Whether `values` holds each (index, value) pair exactly (QCOMPARE names the first miss).
bool hasValues(const std::vector<float>& values,
               std::initializer_list<std::pair<std::size_t, float>> expected)
{
    const auto check = [&] {
        for (const auto& [index, value] : expected) {
            QVERIFY(index < values.size());
            QCOMPARE(values[index], value);
        }
    };
    check();
    return !QTest::currentTestFailed();
}

/// Per-base values with runs, zeros, gaps (NaN = no data) and stretches that change at every
/// base, so the writer's bedGraph and fixed-step records both occur, in turn.
std::vector<float> patterned(std::size_t n, unsigned seed)
{
    std::mt19937 rng(seed);
    std::vector<float> v(n);
    std::size_t i = 0;
    while (i < n) {
        const std::size_t run = 1 + rng() % 40;
        const int kind = static_cast<int>(rng() % 6);
        if (kind == 5) {
            for (std::size_t j = i; j < std::min(n, i + 5 * run); ++j)
                v[j] = 1.0F + static_cast<float>(rng() % 100000) / 64.0F;
            i += 5 * run;
            continue;
        }
        const float value = kind == 0   ? 0.0F
                            : kind == 1 ? std::nanf("")
                                        : static_cast<float>(rng() % 1000) / 8.0F;
        for (std::size_t j = i; j < std::min(n, i + run); ++j)
            v[j] = value;
        i += run;
    }
    return v;
}

const char* kPyRead = R"(import sys, pyBigWig, math
bw = pyBigWig.open(sys.argv[1])
out = open(sys.argv[2], 'w')
for line in open(sys.argv[3]):
    c, s, e = line.split()
    vals = bw.values(c, int(s), int(e))
    out.write(' '.join('0' if math.isnan(v) else repr(v) for v in vals) + '\n')
)";

const char* kPyWrite = R"(import sys, pyBigWig
bw = pyBigWig.open(sys.argv[1], 'w')
bw.addHeader([('chrA', 5000), ('chrB', 3000)], maxZooms=5)
bw.addEntries(['chrA'] * 3, [0, 100, 1000], ends=[50, 400, 1001], values=[1.5, 2.25, 7.0])
bw.addEntries('chrB', 10, values=[0.5, 0.75, 1.0, 1.25], span=10, step=20)
bw.close()
)";

/// What `f` prints on stderr (libBigWig prints there on its own).
template<typename F>
std::string stderrOf(F&& f)
{
    std::fflush(stderr);
    const int saved = dup(STDERR_FILENO);
    FILE* capture = std::tmpfile();
    dup2(fileno(capture), STDERR_FILENO);
    f();
    std::fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    std::rewind(capture);
    std::string out;
    char buf[512];
    while (const std::size_t n = std::fread(buf, 1, sizeof buf, capture))
        out.append(buf, n);
    std::fclose(capture);
    return out;
}

template<typename T>
T at(const std::string& b, std::size_t offset)
{
    T v{};
    std::memcpy(&v, b.data() + offset, sizeof v);
    return v;
}
template<typename T>
void put(std::string& b, std::size_t offset, T v)
{
    std::memcpy(b.data() + offset, &v, sizeof v);
}

/// Every leaf entry of a bigWig's data index, in the tree's order (offsets of the entries).
std::vector<std::size_t> dataLeafEntries(const std::string& b)
{
    std::vector<std::size_t> out;
    std::vector<std::size_t> nodes{static_cast<std::size_t>(at<std::uint64_t>(b, 24)) + 48};
    while (!nodes.empty()) {
        const std::size_t node = nodes.back();
        nodes.pop_back();
        const auto count = at<std::uint16_t>(b, node + 2);
        if (b[node] != 0) {
            for (std::size_t i = 0; i < count; ++i)
                out.push_back(node + 4 + i * 32);
            continue;
        }
        for (std::size_t i = count; i-- > 0;) // depth first, in order
            nodes.push_back(static_cast<std::size_t>(at<std::uint64_t>(b, node + 4 + i * 24 + 16)));
    }
    return out;
}

/// `b` with the data block of leaf entry `entry` re-compressed after `edit` changed its
/// decompressed bytes; the new block goes at the end of the file and the index points there.
std::string withDataBlock(std::string b, std::size_t entry,
                          const std::function<void(std::string&)>& edit)
{
    const auto offset = at<std::uint64_t>(b, entry + 16);
    const auto size = at<std::uint64_t>(b, entry + 24);
    std::string plain(at<std::uint32_t>(b, 52), '\0');
    uLongf length = plain.size();
    uncompress(reinterpret_cast<Bytef*>(plain.data()), &length,
               reinterpret_cast<const Bytef*>(b.data() + offset), size);
    plain.resize(length);
    edit(plain);
    std::string packed(compressBound(plain.size()), '\0');
    uLongf packedLength = packed.size();
    compress(reinterpret_cast<Bytef*>(packed.data()), &packedLength,
             reinterpret_cast<const Bytef*>(plain.data()), plain.size());
    put<std::uint64_t>(b, entry + 16, b.size());
    put<std::uint64_t>(b, entry + 24, packedLength);
    b.append(packed.data(), packedLength);
    return b;
}

std::string withFirstDataBlock(std::string b, const std::function<void(std::string&)>& edit)
{
    const std::size_t entry = dataLeafEntries(b).front();
    return withDataBlock(std::move(b), entry, edit);
}

} // namespace

class TestTracks : public QObject {
    Q_OBJECT

    test::ScratchDir m_dir;
    std::vector<Chromosome> m_chroms = {{"chr1", 20000}, {"chr2", 7001}};
    std::vector<float> m_v1, m_v2;

private Q_SLOTS:
    void initTestCase()
    {
        m_v1 = patterned(20000, 1);
        m_v2 = patterned(7001, 2);
        BigWigWriter w(m_dir.file("t.bw"), m_chroms);
        w.addValues("chr1", 0, m_v1);
        w.addValues("chr2", 0, m_v2);
        w.finish();
    }

    void roundTripPerBase()
    {
        const auto bw = BigWigReader::open(m_dir.file("t.bw"));
        QCOMPARE(bw.chromosomes(), m_chroms);
        QVERIFY(bw.zoomLevels() > 0);
        const auto reductions = bw.zoomReductions();
        QCOMPARE(static_cast<int>(reductions.size()), bw.zoomLevels());
        QVERIFY(std::is_sorted(reductions.begin(), reductions.end()) && reductions.front() > 0);
        const auto back = bw.loadChromosome("chr1");
        for (std::size_t i = 0; i < m_v1.size(); ++i) {
            const float expected = std::isnan(m_v1[i]) ? 0.0F : m_v1[i];
            if (back[i] != expected)
                QFAIL(("base " + std::to_string(i) + " differs").c_str());
        }
        // Missing can be read as NaN: gaps and omitted zero runs are both empty.
        const auto withNan = bw.values("chr2", 100, 900, std::nanf(""));
        for (std::size_t i = 0; i < withNan.size(); ++i) {
            const float src = m_v2[100 + i];
            const bool empty = std::isnan(src) || src == 0.0F;
            QCOMPARE(std::isnan(withNan[i]), empty);
        }
    }

    void coveredBasesSkipZerosAndGaps()
    {
        std::int64_t covered = 0;
        double max = 0;
        for (const auto* v : {&m_v1, &m_v2})
            for (float x : *v)
                if (!std::isnan(x) && x != 0.0F) {
                    ++covered;
                    max = std::max<double>(max, x);
                }
        const auto stats = BigWigReader::open(m_dir.file("t.bw")).fileStats();
        QCOMPARE(stats.coveredBases, covered);
        QCOMPARE(stats.max, max);
    }

    void summariesMatchBases()
    {
        const auto bw = BigWigReader::open(m_dir.file("t.bw"));
        const auto means = bw.summary("chr1", 0, 20000, 10, SummaryStat::Max);
        QCOMPARE(means.size(), std::size_t(10));
        for (int b = 0; b < 10; ++b) {
            float max = -1;
            for (int i = b * 2000; i < (b + 1) * 2000; ++i)
                if (!std::isnan(m_v1[i]) && m_v1[i] != 0)
                    max = std::max(max, m_v1[i]);
            QCOMPARE(static_cast<float>(means[b]), max);
        }
        QCOMPARE(bw.summaryReads(), 1);
        // More bins than bases: per-base values are spread, not summarised.
        const auto fine = bw.summary("chr1", 0, 10, 20, SummaryStat::Mean);
        QCOMPARE(fine.size(), std::size_t(20));
        QVERIFY(bw.valueReads() >= 1);
    }

    /// The zoom levels are built from the data read back 1 Mb at a time: a record across a
    /// window's edge adds each base once, so the zoomed summaries of a 3 Mbp chromosome of
    /// 1,000 bp runs equal the bases' own figures (the mean too: libBigWig left the last
    /// record's sums out, 0.3 % off here).
    void zoomLevelsCountEachBaseOnce()
    {
        const std::vector<Chromosome> chroms = {{"chrZ", 3'000'000}};
        std::vector<ValuedInterval> runs;
        double sum = 0;
        float max = 0;
        for (std::int64_t s = 0; s < 3'000'000; s += 1000) {
            const float v = static_cast<float>((s / 1000) % 7) + 0.5F;
            runs.push_back({s + 576, std::min<std::int64_t>(s + 1576, 3'000'000), v});
            sum += v * static_cast<double>(runs.back().end - runs.back().start);
            max = std::max(max, v);
        }
        // The zoom pass reads the whole file back (40 s for a 250 Mbp prediction), so it says
        // how far it has come: the bases written, each megabase, up to all of them.
        std::vector<std::pair<std::int64_t, std::int64_t>> told;
        {
            BigWigWriter w(m_dir.file("zoom.bw"), chroms);
            w.addIntervals("chrZ", runs);
            w.finish(
                [&](std::int64_t done, std::int64_t total) { told.emplace_back(done, total); });
        }
        QVERIFY2(told.size() >= 3, std::to_string(told.size()).c_str());
        for (std::size_t i = 0; i < told.size(); ++i) {
            QCOMPARE(told[i].second, std::int64_t(3'000'000 - 576));
            QVERIFY(i == 0 || told[i].first > told[i - 1].first);
        }
        QCOMPARE(told.back().first, told.back().second);
        const auto bw = BigWigReader::open(m_dir.file("zoom.bw"));
        QVERIFY(bw.zoomLevels() > 0);
        const double covered = 3'000'000 - 576;
        const auto coverage = bw.summary("chrZ", 0, 3'000'000, 1, SummaryStat::Coverage);
        const auto mean = bw.summary("chrZ", 0, 3'000'000, 1, SummaryStat::Mean);
        const auto most = bw.summary("chrZ", 0, 3'000'000, 3, SummaryStat::Max);
        QCOMPARE(bw.summaryReads(), 3); // from the zoom levels, not the bases
        QVERIFY2(std::abs(coverage[0] - covered / 3'000'000) < 1e-9,
                 std::to_string(coverage[0]).c_str());
        QVERIFY2(std::abs(mean[0] - sum / covered) < 1e-5, std::to_string(mean[0]).c_str());
        for (const double m : most)
            QCOMPARE(static_cast<float>(m), max);
    }

    /// The zoom levels' records wait in memory until the file is finished: over a genome of
    /// 400 Mbp the finest level is coarsened to at most 2^22 records (128 MB).
    void zoomLevelsStayBoundedOnLargeGenomes()
    {
        const std::vector<Chromosome> chroms = {{"chrBig", 400'000'000}};
        {
            BigWigWriter w(m_dir.file("big_zoom.bw"), chroms);
            w.addValues("chrBig", 1000, std::vector<float>(5000, 1.5F));
            w.finish();
        }
        const auto reductions = BigWigReader::open(m_dir.file("big_zoom.bw")).zoomReductions();
        QVERIFY(!reductions.empty());
        QVERIFY2(reductions.front() >= 400'000'000 / (1 << 22),
                 std::to_string(reductions.front()).c_str());
    }

    void unknownChromosomeReadsMissing()
    {
        const auto bw = BigWigReader::open(m_dir.file("t.bw"));
        const auto v = bw.values("chrUn", 0, 10);
        QCOMPARE(v, std::vector<float>(10, 0.0F));
        const auto msg = errorOf([&] { (void)bw.values("chr2", 7000, 7010); });
        QVERIFY2(msg.find("outside chr2") != std::string::npos, msg.c_str());
    }

    void writerNeedsOrderAndKeepsOldFileOnFailure()
    {
        const auto target = m_dir.file("order.bw");
        fs::copy_file(m_dir.file("t.bw"), target, fs::copy_options::overwrite_existing);
        const std::string previous = test::readText(target);
        {
            BigWigWriter w(target, m_chroms);
            w.addValues("chr2", 0, std::vector<float>(10, 1.0F));
            const auto msg = errorOf([&] { w.addValues("chr1", 0, std::vector<float>(10, 1.0F)); });
            QVERIFY2(msg.find("chromosome order") != std::string::npos, msg.c_str());
            // Going back on one chromosome is refused too, also before anything is flushed.
            w.addValues("chr2", 100, std::vector<float>(10, 2.0F));
            const auto back =
                errorOf([&] { w.addValues("chr2", 50, std::vector<float>(10, 3.0F)); });
            QVERIFY2(back.find("chr2:50 came out of order") != std::string::npos, back.c_str());
            // no finish(): abandoned
        }
        QVERIFY(test::readText(target) == previous);
        const auto msg = errorOf([&] {
            BigWigWriter w(target, m_chroms);
            w.addValues("chrX", 0, std::vector<float>(10, 1.0F));
        });
        QVERIFY2(msg.find("chromosome 'chrX'") != std::string::npos, msg.c_str());
    }

    void writerRefusesToReplaceAnotherKindOfFile()
    {
        const auto notes = m_dir.file("notes.bw");
        test::writeText(notes, "my notes, not a track\n");
        const auto msg = errorOf([&] { BigWigWriter w(notes, m_chroms); });
        QVERIFY2(msg.find("notes.bw: already exists and is not a bigWig file") != std::string::npos,
                 msg.c_str());
        QCOMPARE(test::readText(notes), std::string("my notes, not a track\n"));
    }

    void writerFailsCleanlyWhenTheDiskFills()
    {
        // Writes fail part-way through the data, half-way, and at the very end (index, zoom
        // levels, the closing magic number); libBigWig ignores some of these failures itself.
        // Each time: one sentence, the previous bigWig byte for byte, no temporary left.
        test::ScratchDir dir;
        const std::vector<Chromosome> chroms = {{"chrA", 400000}, {"chrB", 300000}};
        std::mt19937 rng(3);
        std::vector<float> a(400000), b(300000);
        for (auto& v : a)
            v = static_cast<float>(rng() % 100000) / 7.0F;
        for (auto& v : b)
            v = static_cast<float>(rng() % 100000) / 7.0F;
        auto writeTo = [&](const fs::path& path) {
            BigWigWriter w(path, chroms);
            w.addValues("chrA", 0, a);
            w.addValues("chrB", 0, b);
            w.finish();
        };
        writeTo(dir.file("whole.bw"));
        const auto size = fs::file_size(dir.file("whole.bw"));
        const auto target = dir.file("pred.bw");
        fs::copy_file(m_dir.file("t.bw"), target);
        const std::string before = test::readText(target);
        for (const std::uint64_t limit : {std::uint64_t{64 * 1024}, size / 2, size - 16}) {
            std::string msg;
            {
                test::FileSizeLimit lowered(limit);
                msg = errorOf([&] { writeTo(target); });
            }
            QVERIFY2(msg.find("pred.bw: could not be written (File too large)") !=
                         std::string::npos,
                     (std::to_string(limit) + ": " + msg).c_str());
            QVERIFY(test::readText(target) == before);
            QCOMPARE(std::distance(fs::directory_iterator(dir.path()), {}), 2);
        }
        writeTo(target); // with room again, the good file replaces the old one
        QCOMPARE(BigWigReader::open(target).values("chrB", 299990, 300000),
                 std::vector<float>(b.end() - 10, b.end()));
    }

    void damagedIndexIsOneSentenceAndNoLibraryNoise()
    {
        std::string bytes = test::readText(m_dir.file("t.bw"));
        std::uint64_t indexOffset = 0;
        std::memcpy(&indexOffset, bytes.data() + 24, sizeof indexOffset);
        bytes.replace(indexOffset, 4, "JUNK");
        test::writeText(m_dir.file("badindex.bw"), bytes);
        std::string msg;
        const std::string noise = stderrOf(
            [&] { msg = errorOf([&] { (void)BigWigReader::open(m_dir.file("badindex.bw")); }); });
        QVERIFY2(msg.find("badindex.bw: is a damaged bigWig") != std::string::npos, msg.c_str());
        QVERIFY2(noise.empty(), noise.c_str());
    }

    void craftedBigWigsAreOneSentenceAndNoLibraryNoise()
    {
        // libBigWig trusts every count, offset and number in the file: each of these crashed,
        // looped or read past a buffer in it (found by fuzz_bigwig) unless kdna checks first.
        const std::string good = test::readText(m_dir.file("t.bw"));
        const auto chromTree = static_cast<std::size_t>(at<std::uint64_t>(good, 8));
        const auto keySize = at<std::uint32_t>(good, chromTree + 8);
        const std::size_t chromRoot = chromTree + 32;
        const std::size_t indexRoot = static_cast<std::size_t>(at<std::uint64_t>(good, 24)) + 48;
        using Edit = std::function<void(std::string&)>;
        const std::vector<std::tuple<std::string, Edit, std::string>> cases = {
            {"chromosome number past the list",
             [&](std::string& b) { put<std::uint32_t>(b, chromRoot + 4 + keySize, 0x7FFFFFFF); },
             "chromosome list numbers 'chr1' 2147483647"},
            {"chromosome number twice",
             [&](std::string& b) {
                 put<std::uint32_t>(b, chromRoot + 4 + (keySize + 8) + keySize, 0);
             },
             "a number given twice"},
            {"more zoom levels than the file holds",
             [](std::string& b) { put<std::uint16_t>(b, 6, 60000); }, "zoom headers"},
            {"huge name size",
             [&](std::string& b) { put<std::uint32_t>(b, chromTree + 8, 0xFFFFFFF0); },
             "says names take"},
            {"huge chromosome count",
             [&](std::string& b) { put<std::uint64_t>(b, chromTree + 16, 1ULL << 40); },
             "which this file cannot"},
            {"chromosome tree that loops",
             [&](std::string& b) {
                 b[chromRoot] = 0;
                 put<std::uint64_t>(b, chromRoot + 4 + keySize, chromRoot);
             },
             "chromosome list's tree loops back"},
            {"index tree that loops",
             [&](std::string& b) {
                 b[indexRoot] = 0;
                 put<std::uint64_t>(b, indexRoot + 4 + 16, indexRoot);
             },
             "index's tree loops back"},
            {"block past the end",
             [](std::string& b) {
                 put<std::uint64_t>(b, dataLeafEntries(b).front() + 24, b.size());
             },
             "but its block at byte"},
            {"big-endian", [](std::string& b) { put<std::uint32_t>(b, 0, 0x26FC8F88); },
             "big-endian"},
            {"block with fewer records than it says",
             [](std::string& b) {
                 b = withFirstDataBlock(b,
                                        [](std::string& p) { put<std::uint16_t>(p, 22, 65535); });
             },
             "holds fewer records than its header says"},
        };
        for (const auto& [what, edit, expected] : cases) {
            std::string bytes = good;
            edit(bytes);
            const auto path = m_dir.file("crafted.bw");
            test::writeText(path, bytes);
            std::string msg;
            const std::string noise = stderrOf([&] {
                msg = errorOf([&] {
                    const auto bw = BigWigReader::open(path);
                    for (const auto& c : bw.chromosomes()) {
                        (void)bw.values(c.name, 0, c.length);
                        (void)bw.summary(c.name, 0, c.length, 4, SummaryStat::Mean);
                    }
                });
            });
            QVERIFY2(msg.rfind(path.string() + ": ", 0) == 0 &&
                         msg.find(expected) != std::string::npos &&
                         msg.find('\n') == std::string::npos,
                     (what + ": " + msg).c_str());
            QVERIFY2(noise.empty(), (what + ": " + noise).c_str());
        }
    }

    /// A damaged block in the middle of a file is found by a read of a few bases inside it
    /// (the checks find the blocks a read meets without a walk over every block of the file,
    /// which made each read of a human-sized track a pass over its 100,000 blocks), and reads
    /// elsewhere still give their values.
    void aDamagedBlockIsFoundByAnyReadThatMeetsIt()
    {
        const std::string good = test::readText(m_dir.file("t.bw"));
        const auto entries = dataLeafEntries(good);
        QVERIFY2(entries.size() >= 8, std::to_string(entries.size()).c_str());
        const auto bases = [&](std::size_t e) { // [first base, last base) of entry e
            return std::pair{at<std::uint32_t>(good, entries[e] + 4),
                             at<std::uint32_t>(good, entries[e] + 12)};
        };
        const std::size_t damaged = entries.size() / 3;    // well inside chr1
        for (const std::size_t e : {damaged - 2, damaged}) // chr1 (number 0) to chr1
            QVERIFY(at<std::uint32_t>(good, entries[e]) == 0 &&
                    at<std::uint32_t>(good, entries[e] + 8) == 0);
        const auto [from, to] = bases(damaged);
        const auto path = m_dir.file("damaged-middle.bw");
        test::writeText(path, withDataBlock(good, entries[damaged], [](std::string& p) {
                            put<std::uint16_t>(p, 22, 65535);
                        }));
        const auto bw = BigWigReader::open(path);
        const std::uint32_t beforeFrom = bases(damaged - 2).first;
        QCOMPARE(bw.values("chr1", beforeFrom, beforeFrom + 5)[2],
                 std::isnan(m_v1[beforeFrom + 2]) ? 0.0F : m_v1[beforeFrom + 2]);
        QCOMPARE(bw.values("chr2", 10, 20).size(), std::size_t{10});
        const std::uint32_t inside = from + (to - from) / 2;
        const std::string msg = errorOf([&] { (void)bw.values("chr1", inside, inside + 3); });
        QVERIFY2(msg.rfind(path.string() + ": ", 0) == 0 &&
                     msg.find("holds fewer records than its header says") != std::string::npos,
                 msg.c_str());
    }

    void writeIntervals()
    {
        BigWigWriter w(m_dir.file("iv.bw"), m_chroms);
        w.addIntervals("chr1", {{10, 20, 1.5F}, {20, 25, 2.0F}, {100, 101, 3.0F}});
        w.finish();
        const auto bw = BigWigReader::open(m_dir.file("iv.bw"));
        const auto v = bw.values("chr1", 8, 26);
        QVERIFY(hasValues(v, {{1, 0.0F}, {2, 1.5F}, {11, 1.5F}, {12, 2.0F}, {17, 0.0F}}));
        QCOMPARE(bw.values("chr1", 100, 101)[0], 3.0F);
    }

    void notABigWig()
    {
        test::writeText(m_dir.file("fake.bw"), "chr1\t0\t10\t1.0\n");
        const auto msg = errorOf([&] { (void)BigWigReader::open(m_dir.file("fake.bw")); });
        QVERIFY2(msg.find("is not a bigWig") != std::string::npos, msg.c_str());
    }

    void truncatedBigWigSaysSo()
    {
        // An interrupted download: the header promises an index past the end of the file.
        const std::string whole = test::readText(m_dir.file("t.bw"));
        test::writeText(m_dir.file("cut.bw"), whole.substr(0, whole.size() / 2));
        auto msg = errorOf([&] { (void)BigWigReader::open(m_dir.file("cut.bw")); });
        QVERIFY2(msg.find("cut.bw: is truncated") != std::string::npos &&
                     msg.find("starts at byte") != std::string::npos,
                 msg.c_str());
        test::writeText(m_dir.file("stub.bw"), whole.substr(0, 40));
        msg = errorOf([&] { (void)BigWigReader::open(m_dir.file("stub.bw")); });
        QVERIFY2(msg.find("shorter than a bigWig header") != std::string::npos, msg.c_str());
    }

    void pyBigWigReadsKdnaFiles()
    {
        const std::string python = test::pythonWithPyBigWig();
        if (python.empty())
            QSKIP("python3-pybigwig is not installed");
        test::writeText(m_dir.file("read.py"), kPyRead);
        test::writeText(m_dir.file("regions.txt"), "chr1 0 20000\nchr2 0 7001\n");
        QCOMPARE(test::run(python + " " + m_dir.file("read.py").string() + " " +
                           m_dir.file("t.bw").string() + " " + m_dir.file("py.txt").string() + " " +
                           m_dir.file("regions.txt").string()),
                 0);
        std::ifstream in(m_dir.file("py.txt"));
        for (const auto* v : {&m_v1, &m_v2}) {
            std::string line;
            std::getline(in, line);
            std::istringstream values(line);
            for (float expected : *v) {
                double got = -1;
                values >> got;
                QCOMPARE(static_cast<float>(got), std::isnan(expected) ? 0.0F : expected);
            }
        }
    }

    void kdnaReadsPyBigWigFiles()
    {
        const std::string python = test::pythonWithPyBigWig();
        if (python.empty())
            QSKIP("python3-pybigwig is not installed");
        test::writeText(m_dir.file("write.py"), kPyWrite);
        QCOMPARE(test::run(python + " " + m_dir.file("write.py").string() + " " +
                           m_dir.file("py.bw").string()),
                 0);
        const auto bw = BigWigReader::open(m_dir.file("py.bw"));
        QCOMPARE(bw.chromosomes(), (std::vector<Chromosome>{{"chrA", 5000}, {"chrB", 3000}}));
        const auto a = bw.values("chrA", 0, 1100);
        QVERIFY(hasValues(
            a, {{0, 1.5F}, {49, 1.5F}, {50, 0.0F}, {100, 2.25F}, {399, 2.25F}, {1000, 7.0F}}));
        const auto b = bw.values("chrB", 0, 100);
        QVERIFY(hasValues(b, {{10, 0.5F}, {19, 0.5F}, {20, 0.0F}, {30, 0.75F}, {79, 1.25F}}));
    }

    void realBigWigMatchesPyBigWig()
    {
        KDNA_REQUIRE_YEAST(data);
        const std::string python = test::pythonWithPyBigWig();
        if (python.empty())
            QSKIP("python3-pybigwig is not installed");
        const auto bw = BigWigReader::open(data / "nucleosome_occupancy.bw");
        QCOMPARE(bw.chromosomes().size(), std::size_t(16));
        std::mt19937 rng(42);
        std::ostringstream regions;
        std::vector<std::tuple<std::string, std::int64_t, std::int64_t>> wanted;
        for (int i = 0; i < 300; ++i) {
            const auto& c = bw.chromosomes()[rng() % bw.chromosomes().size()];
            const std::int64_t len = 1 + rng() % 2000;
            const std::int64_t start = rng() % (c.length - len);
            wanted.emplace_back(c.name, start, start + len);
            regions << c.name << ' ' << start << ' ' << start + len << '\n';
        }
        test::writeText(m_dir.file("read.py"), kPyRead);
        test::writeText(m_dir.file("real_regions.txt"), regions.str());
        QCOMPARE(test::run(python + " " + m_dir.file("read.py").string() + " " +
                           (data / "nucleosome_occupancy.bw").string() + " " +
                           m_dir.file("real_py.txt").string() + " " +
                           m_dir.file("real_regions.txt").string()),
                 0);
        std::ifstream in(m_dir.file("real_py.txt"));
        std::int64_t compared = 0, nonZero = 0;
        for (const auto& [chrom, start, end] : wanted) {
            std::string line;
            std::getline(in, line);
            std::istringstream expected(line);
            const auto got = bw.values(chrom, start, end);
            for (float g : got) {
                double e = -1;
                expected >> e;
                QCOMPARE(g, static_cast<float>(e));
                ++compared;
                nonZero += g != 0.0F;
            }
        }
        QVERIFY(compared > 100000);
        QVERIFY(nonZero > compared / 2);
    }

    void bedFormats()
    {
        test::writeText(m_dir.file("a.bed"), "track name=x\nbrowser position chr1\n# comment\n"
                                             "chr1\t10\t20\nchr2\t5\t50\n\nchr1\t30\t31\n");
        auto set = readBed(m_dir.file("a.bed"));
        QCOMPARE(set.format, FeatureFormat::Bed3);
        QCOMPARE(set.features.size(), std::size_t(3));
        QCOMPARE(set.chromosomes, (std::vector<std::string>{"chr1", "chr2"}));
        QCOMPARE(set.features[1].start, 5);
        QCOMPARE(set.features[1].end, 50);
        QCOMPARE(set.typeName(set.features[0]), std::string(FeatureSet::kBedType));

        test::writeText(m_dir.file("b.bed"),
                        "chr1\t10\t20\tpeak1\t500\t-\nchr1\t40\t60\tpeak2\t.\t+\n");
        set = readBed(m_dir.file("b.bed"));
        QCOMPARE(set.format, FeatureFormat::Bed6);
        QCOMPARE(set.features[0].name, std::string("peak1"));
        QCOMPARE(set.features[0].strand, Strand::Reverse);
        QCOMPARE(set.features[0].score, 500.0F);
        QCOMPARE(set.features[1].strand, Strand::Forward);

        test::writeText(m_dir.file("c.narrowPeak"),
                        "chr3\t100\t400\tp\t0\t.\t366.6\t-1\t3.2\t150\n");
        set = readBed(m_dir.file("c.narrowPeak"));
        QCOMPARE(set.format, FeatureFormat::NarrowPeak);
        QCOMPARE(set.features[0].summit, 150);
        QCOMPARE(detectFileKind(m_dir.file("c.narrowPeak")), FileKind::NarrowPeak);
        QCOMPARE(detectFileKind(m_dir.file("b.bed")), FileKind::Bed);
    }

    void bedErrorsNameFileAndLine()
    {
        test::writeText(m_dir.file("e1.bed"), "chr1\t10\t20\nchr1\t30\n");
        auto msg = errorOf([&] { (void)readBed(m_dir.file("e1.bed")); });
        QVERIFY2(msg.find("e1.bed, line 2") != std::string::npos, msg.c_str());
        QVERIFY2(msg.find("at least 3") != std::string::npos, msg.c_str());

        test::writeText(m_dir.file("e2.bed"), "chr1\t10\t20\nchr1\t300\t200\n");
        msg = errorOf([&] { (void)readBed(m_dir.file("e2.bed")); });
        QVERIFY2(msg.find("line 2: the end (200) is before the start (300)") != std::string::npos,
                 msg.c_str());

        test::writeText(m_dir.file("e3.bed"), "chr1\tten\t20\n");
        msg = errorOf([&] { (void)readBed(m_dir.file("e3.bed")); });
        QVERIFY2(msg.find("line 1: the start 'ten'") != std::string::npos, msg.c_str());

        test::writeText(m_dir.file("e4.bed"), "chr1\t1\t20\tx\t0\tup\n");
        msg = errorOf([&] { (void)readBed(m_dir.file("e4.bed")); });
        QVERIFY2(msg.find("strand 'up'") != std::string::npos, msg.c_str());
    }

    void gff3()
    {
        test::writeText(m_dir.file("g.gff3"),
                        "##gff-version 3\n"
                        "chrI\tSGD\tgene\t335\t649\t.\t+\t.\tID=YAL069W;Name=YAL069W\n"
                        "chrI\tSGD\tdubious_ORF\t538\t792\t.\t-\t.\tID=YAL068W-A\n"
                        "chrII\tSGD\tgene\t1\t10\t3.5\t-\t0\tID=g3;Name=ABC%201\n"
                        "##FASTA\n>chrI\nACGT\n");
        const auto set = readGff(m_dir.file("g.gff3"));
        QCOMPARE(set.features.size(), std::size_t(3));
        QCOMPARE(set.types, (std::vector<std::string>{"gene", "dubious_ORF"}));
        QCOMPARE(set.features[0].start, 334); // 1-based inclusive -> 0-based half-open
        QCOMPARE(set.features[0].end, 649);
        QCOMPARE(set.features[0].strand, Strand::Forward);
        QCOMPARE(set.features[1].name, std::string("YAL068W-A"));
        QCOMPARE(set.features[0].id, std::string("YAL069W"));
        QCOMPARE(set.features[2].name, std::string("ABC%201"));
        QCOMPARE(set.features[2].id, std::string("g3"));
        QCOMPARE(set.features[1].strand, Strand::Reverse);
        QCOMPARE(set.countByType().at("gene"), 2);
        QCOMPARE(detectFileKind(m_dir.file("g.gff3")), FileKind::Gff);

        test::writeText(m_dir.file("bad.gff3"),
                        "##gff-version 3\nchrI\tSGD\tgene\t0\t5\t.\t+\t.\t.\n");
        auto msg = errorOf([&] { (void)readGff(m_dir.file("bad.gff3")); });
        QVERIFY2(msg.find("bad.gff3, line 2") != std::string::npos, msg.c_str());
        test::writeText(m_dir.file("short.gff3"), "chrI\tSGD\tgene\t1\n");
        msg = errorOf([&] { (void)readGff(m_dir.file("short.gff3")); });
        QVERIFY2(msg.find("line 1: expected 9 tab-separated columns") != std::string::npos,
                 msg.c_str());
    }

    void chromSizes()
    {
        writeChromSizes(m_dir.file("x.chrom.sizes"), m_chroms);
        QCOMPARE(readChromSizes(m_dir.file("x.chrom.sizes")), m_chroms);
        QCOMPARE(detectFileKind(m_dir.file("x.chrom.sizes")), FileKind::ChromSizes);
        test::writeText(m_dir.file("bad.sizes"), "chr1\t100\nchr1\t200\n");
        auto msg = errorOf([&] { (void)readChromSizes(m_dir.file("bad.sizes")); });
        QVERIFY2(msg.find("line 2: chromosome 'chr1' is listed twice") != std::string::npos,
                 msg.c_str());
        test::writeText(m_dir.file("bad2.sizes"), "chr1\tlots\n");
        msg = errorOf([&] { (void)readChromSizes(m_dir.file("bad2.sizes")); });
        QVERIFY2(msg.find("line 1") != std::string::npos, msg.c_str());
    }

    void realAnnotations()
    {
        KDNA_REQUIRE_YEAST(data);
        const auto bed = readBed(data / "nucleosomes_danpos.bed");
        QCOMPARE(bed.features.size(), std::size_t(68441));
        QCOMPARE(bed.format, FeatureFormat::Bed4);
        const auto gff = readGff(data / "sacCer3_genes.gff3");
        QCOMPARE(gff.countByType().at("gene"), 5906);
        QCOMPARE(gff.countByType().at("dubious_ORF"), 673);
        QCOMPARE(readChromSizes(data / "sacCer3.chrom.sizes").size(), std::size_t(16));
        QCOMPARE(detectFileKind(data / "sacCer3.fa"), FileKind::Fasta);
        QCOMPARE(detectFileKind(data / "nucleosome_occupancy.bw"), FileKind::BigWig);
    }
};

QTEST_GUILESS_MAIN(TestTracks)
#include "test_tracks.moc"
