#include "core/genome/genome.h"

#include "core/genome/sequence.h"
#include "core/util/atomic_output.h"
#include "core/util/chrom_names.h"
#include "core/util/error.h"
#include "core/util/opening_progress.h"
#include "core/util/paths.h"
#include "core/util/text.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <future>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include <htslib/bgzf.h>
#include <htslib/faidx.h>
#include <htslib/hts_log.h>
#include <htslib/kstring.h>

namespace kdna {
namespace fs = std::filesystem;

namespace {

struct FaidxDeleter {
    void operator()(faidx_t* f) const { fai_destroy(f); }
};
struct BgzfDeleter {
    void operator()(BGZF* f) const { bgzf_close(f); }
};
using FaidxPtr = std::unique_ptr<faidx_t, FaidxDeleter>; // fai_load3 creates, fai_destroy frees
using BgzfPtr = std::unique_ptr<BGZF, BgzfDeleter>;      // bgzf_open creates, bgzf_close frees

enum class Compression { None = 0, Gzip = 1, Bgzf = 2 };

void silenceHtslib()
{
    // htslib reports to stderr on its own; kdna turns every failure into one sentence instead.
    static std::once_flag once;
    std::call_once(once, [] { hts_set_log_level(HTS_LOG_OFF); });
}

BgzfPtr openBgzf(const fs::path& path)
{
    BgzfPtr fp(bgzf_open(path.c_str(), "r"));
    if (!fp)
        throw Error::inFile(path.string(), 0, "cannot be opened for reading");
    return fp;
}

/// Checks the head of the file is FASTA and, for bgzip, that the end-of-file block is there.
Compression sniff(const fs::path& path)
{
    std::error_code ec;
    if (!fs::exists(path, ec))
        throw Error::inFile(path.string(), 0, "no such file");
    if (!fs::is_regular_file(path, ec))
        throw Error::inFile(path.string(), 0, "is not a regular file");
    if (fs::file_size(path, ec) == 0)
        throw Error::inFile(path.string(), 0, "is empty, expected a FASTA genome");

    BgzfPtr fp = openBgzf(path);
    const auto compression = static_cast<Compression>(bgzf_compression(fp.get()));
    if (compression == Compression::Bgzf && bgzf_check_EOF(fp.get()) == 0)
        throw Error::inFile(path.string(), 0,
                            "is a truncated bgzip file (its end-of-file block is missing); the "
                            "download or copy was probably cut short");
    char head[4096];
    const ssize_t n = bgzf_read(fp.get(), head, sizeof head);
    if (n < 0)
        throw Error::inFile(path.string(), 0,
                            "holds corrupt or truncated compressed data at its start");
    const std::string_view start = text::trim(std::string_view(head, static_cast<std::size_t>(n)));
    if (start.empty())
        throw Error::inFile(path.string(), 0, "is empty, expected a FASTA genome");
    if (start.front() != '>') {
        std::string what = "is not FASTA: it should start with a '>' header line";
        if (start.front() == '@')
            what += " (it looks like FASTQ reads, not a genome)";
        else if (static_cast<unsigned char>(start.front()) >= 0x80 || start.front() == '\0')
            what += " (it looks like a binary file, e.g. a bigWig)";
        throw Error::inFile(path.string(), 0, what);
    }
    return compression;
}

bool isFresh(const fs::path& index, const fs::path& source)
{
    std::error_code ec;
    if (!fs::exists(index, ec))
        return false;
    const auto indexTime = fs::last_write_time(index, ec);
    if (ec)
        return false;
    return indexTime >= fs::last_write_time(source, ec) && !ec;
}

struct IndexFiles {
    fs::path fai;
    fs::path gzi; // empty unless bgzip
};

IndexFiles besideFasta(const fs::path& fasta, Compression c)
{
    return {fs::path(fasta.string() + ".fai"),
            c == Compression::Bgzf ? fs::path(fasta.string() + ".gzi") : fs::path()};
}

IndexFiles inUserCache(const fs::path& fasta, Compression c)
{
    std::error_code ec;
    const fs::path canonical = fs::weakly_canonical(fasta, ec);
    const auto size = fs::file_size(fasta, ec);
    const auto mtime = fs::last_write_time(fasta, ec).time_since_epoch().count();
    const std::size_t key = std::hash<std::string>{}(
        canonical.string() + "|" + std::to_string(size) + "|" + std::to_string(mtime));
    const fs::path dir = paths::userCacheDir() / "fai";
    fs::create_directories(dir, ec);
    const std::string stem = fasta.filename().string() + "." + std::to_string(key);
    return {dir / (stem + ".fai"), c == Compression::Bgzf ? dir / (stem + ".gzi") : fs::path()};
}

bool indexFresh(const IndexFiles& idx, const fs::path& fasta)
{
    return isFresh(idx.fai, fasta) && (idx.gzi.empty() || isFresh(idx.gzi, fasta));
}

const char* orNull(const fs::path& p)
{
    return p.empty() ? nullptr : p.c_str();
}

bool isSequenceChar(char c)
{
    return std::isalpha(static_cast<unsigned char>(c)) || c == '-' || c == '*';
}

bool isBlank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/// Checks FASTA lines as they are read: every sequence named once, sequence lines letters
/// only (htslib would drop spaces and keep the second of two equal names out of its index).
class FastaChecker {
public:
    explicit FastaChecker(const fs::path& path)
        : m_path(path)
    {}

    /// The name of a '>' header line.
    std::string header(std::string_view line, std::int64_t lineNo)
    {
        std::string_view name = line.substr(1);
        name = name.substr(0, name.find_first_of(" \t"));
        if (name.empty())
            throw Error::inFile(m_path.string(), lineNo, "a '>' header line without a name");
        std::string key(name);
        if (!m_names.insert(key).second)
            throw Error::inFile(m_path.string(), lineNo,
                                "sequence name '" + key + "' appears twice");
        return key;
    }

    void sequence(std::string_view line, std::int64_t lineNo) const
    {
        if (m_names.empty())
            throw Error::inFile(m_path.string(), lineNo, "sequence before the first '>' header");
        for (const char c : line)
            if (!isSequenceChar(c))
                throw Error::inFile(m_path.string(), lineNo,
                                    std::string("unexpected character '") + c +
                                        "' in a sequence line (a FASTA sequence holds letters "
                                        "only)");
    }

private:
    fs::path m_path;
    std::unordered_set<std::string> m_names;
};

/// Reads the whole FASTA once through the checker, before an index of it is built.
void checkFastaLines(const fs::path& path)
{
    BgzfPtr fp = openBgzf(path);
    FastaChecker checker(path);
    struct Line {
        kstring_t text{0, 0, nullptr};
        Line() = default;
        Line(const Line&) = delete;
        Line& operator=(const Line&) = delete;
        ~Line() { std::free(text.s); } // bgzf_getline grows it with realloc
    } buffer;
    kstring_t& line = buffer.text;
    std::int64_t lineNo = 0;
    int got = 0;
    while ((got = bgzf_getline(fp.get(), '\n', &line)) >= 0) {
        ++lineNo;
        std::string_view text(line.s, line.l);
        if (!text.empty() && text.back() == '\r')
            text.remove_suffix(1);
        if (text.empty())
            continue;
        if (text.front() == '>')
            (void)checker.header(text, lineNo);
        else
            checker.sequence(text, lineNo);
    }
    if (got < -1)
        throw Error::inFile(path.string(), lineNo + 1,
                            "is truncated or corrupt: its compressed data ends unexpectedly");
}

/// One line of a .fai: a sequence, where its bases start and how its lines are laid out.
struct FaiEntry {
    std::string name;
    std::int64_t length = 0;
    std::int64_t offset = 0;
    std::int64_t lineBases = 0;
    std::int64_t lineWidth = 0;
};

std::optional<std::vector<FaiEntry>> parseFai(const fs::path& fai)
{
    std::vector<FaiEntry> out;
    std::ifstream in(fai);
    if (!in)
        return std::nullopt;
    std::string line;
    while (std::getline(in, line)) {
        const auto f = text::split(line, '\t');
        FaiEntry e;
        if (f.size() < 5 || f[0].empty() || !text::parseInt(f[1], e.length) ||
            !text::parseInt(f[2], e.offset) || !text::parseInt(f[3], e.lineBases) ||
            !text::parseInt(f[4], e.lineWidth))
            return std::nullopt;
        e.name = std::string(f[0]);
        out.push_back(std::move(e));
    }
    return out;
}

/// Bytes of a FASTA at uncompressed offsets, plain or bgzip (through its .gzi).
class FastaBytes {
public:
    FastaBytes(const fs::path& fasta, const fs::path& gzi)
        : m_fp(openBgzf(fasta))
    {
        m_ok = gzi.empty() || bgzf_index_load(m_fp.get(), gzi.c_str(), nullptr) == 0;
    }
    [[nodiscard]] bool ok() const { return m_ok; }

    /// Up to `n` bytes from `offset` (fewer at the end of the file); nullopt on an error.
    std::optional<std::string> at(std::int64_t offset, std::size_t n)
    {
        // bgzf_useek takes a byte offset for plain and BGZF files alike; bgzf_seek's is a BGZF
        // virtual offset (block << 16 | within), wrong for plain files past 64 kB.
        if (bgzf_useek(m_fp.get(), offset, SEEK_SET) < 0)
            return std::nullopt;
        std::string out(n, '\0');
        const ssize_t got = bgzf_read(m_fp.get(), out.data(), n);
        if (got < 0)
            return std::nullopt;
        out.resize(static_cast<std::size_t>(got));
        return out;
    }

private:
    BgzfPtr m_fp;
    bool m_ok = false;
};

/// Why a .fai does not describe `fasta` (empty when it does): each entry's header line must
/// name it, its first and last lines must hold its bases in its line layout, and between and
/// after the entries there must be nothing but blank lines. A few small reads per sequence,
/// so a foreign or outdated index newer than the FASTA is found without reading the genome.
std::string indexMismatch(const fs::path& fasta, const IndexFiles& idx)
{
    const auto entries = parseFai(idx.fai);
    if (!entries)
        return "a line of the index is not 'name, length, offset, line bases, line width'";
    FastaBytes bytes(fasta, idx.gzi);
    if (!bytes.ok())
        return "its .gzi cannot be read";
    constexpr std::int64_t kWindow = 1 << 16;
    std::int64_t previousEnd = 0;
    for (const auto& e : *entries) {
        const std::string where = "entry '" + e.name + "'";
        if (e.length < 0 || e.offset <= previousEnd || e.lineBases <= 0 ||
            (e.lineWidth != e.lineBases + 1 && e.lineWidth != e.lineBases + 2))
            return where + " has impossible numbers";
        // The header line ends just before the bases, after nothing but blank lines.
        if (e.offset - previousEnd > kWindow)
            return where + " does not follow the previous sequence";
        const auto before = bytes.at(previousEnd, static_cast<std::size_t>(e.offset - previousEnd));
        if (!before || before->size() < 2 || before->back() != '\n')
            return where + " does not start after a header line";
        const auto lineEnd = before->rfind('\n', before->size() - 2);
        const std::size_t headerStart = lineEnd == std::string::npos ? 0 : lineEnd + 1;
        if ((*before)[headerStart] != '>' ||
            !std::all_of(before->begin(),
                         before->begin() + static_cast<std::ptrdiff_t>(headerStart), isBlank))
            return where + " does not follow the previous sequence";
        const std::string_view header =
            std::string_view(*before).substr(headerStart + 1, e.name.size() + 1);
        if (header.substr(0, e.name.size()) != e.name ||
            (header.size() > e.name.size() && !isBlank(header.back())))
            return where + " does not match the header line before its offset";
        if (e.length == 0) {
            previousEnd = e.offset;
            continue;
        }
        // First and last line of the bases, each ending with the line's end (or the file's).
        const std::int64_t lastLine = (e.length - 1) / e.lineBases;
        for (const std::int64_t line : {std::int64_t{0}, lastLine}) {
            const std::int64_t start = e.offset + line * e.lineWidth;
            const auto bases =
                static_cast<std::size_t>(std::min(e.lineBases, e.length - line * e.lineBases));
            const auto got = bytes.at(start, bases + 1);
            if (!got || got->size() < bases ||
                !std::all_of(got->begin(), got->begin() + static_cast<std::ptrdiff_t>(bases),
                             isSequenceChar) ||
                (got->size() > bases && (*got)[bases] != '\n' && (*got)[bases] != '\r'))
                return where + " does not match the line layout of its sequence";
        }
        previousEnd = e.offset + lastLine * e.lineWidth + (e.length - lastLine * e.lineBases);
    }
    const auto rest = bytes.at(previousEnd, static_cast<std::size_t>(kWindow));
    if (!rest || static_cast<std::int64_t>(rest->size()) >= kWindow ||
        !std::all_of(rest->begin(), rest->end(), isBlank))
        return "the file goes on after the last indexed sequence";
    return {};
}

/// How far this process has read `file`: the largest offset of a descriptor open on it
/// (Linux's /proc/self/fdinfo), or -1 where that cannot be told. htslib's fai_build3 has no
/// progress callback, and it reads the file once from start to end.
std::int64_t readOffset(const fs::path& file)
{
    std::error_code ec;
    const fs::path target = fs::canonical(file, ec);
    std::int64_t most = -1;
    for (fs::directory_iterator it("/proc/self/fd", ec), end; !ec && it != end; it.increment(ec)) {
        std::error_code linkError;
        if (fs::read_symlink(it->path(), linkError) != target || linkError)
            continue;
        std::ifstream info("/proc/self/fdinfo/" + it->path().filename().string());
        std::string key;
        std::int64_t pos = 0;
        if (info >> key >> pos && key == "pos:")
            most = std::max(most, pos);
    }
    return most;
}

/// fai_build3 on a second thread while this one tells its opening scope how much of the
/// file it has read, in bytes (a genome of gigabases takes tens of seconds).
int buildWithProgress(const fs::path& fasta, const char* fai, const char* gzi)
{
    const std::string what = "indexing " + fasta.filename().string();
    std::error_code ec;
    const auto size = static_cast<std::int64_t>(fs::file_size(fasta, ec));
    reportOpening(what, 0, size, "bytes");
    auto building =
        std::async(std::launch::async, [&] { return fai_build3(fasta.c_str(), fai, gzi); });
    std::int64_t told = 0;
    while (building.wait_for(std::chrono::milliseconds(250)) != std::future_status::ready) {
        const std::int64_t read = std::min(readOffset(fasta), size);
        if (read > told)
            reportOpening(what, told = read, size, "bytes");
    }
    const int rc = building.get();
    if (rc == 0)
        reportOpening(what, size, size, "bytes");
    return rc;
}

/// Builds the index under temporary names and renames them into place, so an interrupted
/// build never leaves a half .fai that a later run would trust. False when it cannot.
bool buildIndex(const fs::path& fasta, const IndexFiles& idx)
{
    try {
        AtomicOutput fai(idx.fai);
        std::optional<AtomicOutput> gzi;
        if (!idx.gzi.empty())
            gzi.emplace(idx.gzi);
        if (buildWithProgress(fasta, fai.tempPath().c_str(),
                              gzi ? gzi->tempPath().c_str() : nullptr) != 0)
            return false;
        if (gzi)
            gzi->commit();
        fai.commit();
        return true;
    } catch (const Error&) {
        return false; // the folder is read-only: the caller tries the user cache
    }
}

/// Loads an index that describes `fasta`, building it first when `build`; null when there
/// is none (no index can describe it, or it cannot be written).
FaidxPtr loadIndex(const fs::path& fasta, const IndexFiles& idx, bool build)
{
    if (build && !buildIndex(fasta, idx))
        return nullptr;
    if (!indexMismatch(fasta, idx).empty())
        return nullptr;
    return FaidxPtr(fai_load3(fasta.c_str(), idx.fai.c_str(), orNull(idx.gzi), 0));
}

/// Reads the .fai text for names and 64-bit lengths, in file order.
std::vector<Chromosome> readFai(const fs::path& fai)
{
    std::vector<Chromosome> out;
    std::ifstream in(fai);
    std::string line;
    while (std::getline(in, line)) {
        const auto fields = text::split(line, '\t');
        std::int64_t length = 0;
        if (fields.size() >= 2 && text::parseInt(fields[1], length))
            out.push_back({std::string(fields[0]), length});
    }
    return out;
}

} // namespace

struct Genome::Impl {
    fs::path path;
    std::string stamp;
    std::vector<Chromosome> chromosomes;
    std::unordered_map<std::string, std::size_t> byName;
    IndexLocation location = IndexLocation::BesideFasta;
    FaidxPtr fai;                    // null when held in memory
    std::vector<std::string> memory; // upper-cased sequences, when held in memory
    mutable std::mutex mutex;

    void indexNames()
    {
        for (std::size_t i = 0; i < chromosomes.size(); ++i)
            byName.emplace(chromosomes[i].name, i);
    }

    std::size_t find(const std::string& chrom) const
    {
        const auto it = byName.find(chrom);
        if (it == byName.end()) {
            throw Error(chrom_names::unknownMessage(chrom, "the genome " + path.string(),
                                                    namesOf(chromosomes)));
        }
        return it->second;
    }

    void loadIntoMemory();
};

void Genome::Impl::loadIntoMemory()
{
    BgzfPtr fp = openBgzf(path);
    std::string all;
    char buf[1 << 16];
    for (;;) {
        const ssize_t n = bgzf_read(fp.get(), buf, sizeof buf);
        if (n < 0)
            throw Error::inFile(path.string(), 0,
                                "is truncated or corrupt: its compressed data ends unexpectedly");
        if (n == 0)
            break;
        all.append(buf, static_cast<std::size_t>(n));
    }

    FastaChecker checker(path);
    std::int64_t lineNo = 0;
    std::size_t pos = 0;
    std::string* current = nullptr;
    while (pos < all.size()) {
        std::size_t end = all.find('\n', pos);
        if (end == std::string::npos)
            end = all.size();
        std::string_view line(all.data() + pos, end - pos);
        pos = end + 1;
        ++lineNo;
        if (!line.empty() && line.back() == '\r')
            line.remove_suffix(1);
        if (line.empty())
            continue;
        if (line.front() == '>') {
            const std::string key = checker.header(line, lineNo);
            byName.emplace(key, chromosomes.size());
            chromosomes.push_back({key, 0});
            memory.emplace_back();
            current = &memory.back();
            continue;
        }
        checker.sequence(line, lineNo);
        for (const char c : line)
            current->push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
        chromosomes.back().length = static_cast<std::int64_t>(current->size());
    }
}

Genome::Genome(std::unique_ptr<Impl> impl)
    : d(std::move(impl))
{}
Genome::Genome(Genome&&) noexcept = default;
Genome& Genome::operator=(Genome&&) noexcept = default;
Genome::~Genome() = default;

Genome Genome::open(const fs::path& fasta, const GenomeOpenOptions& options)
{
    silenceHtslib();
    const Compression compression = sniff(fasta);
    auto d = std::make_unique<Impl>();
    d->path = fasta;
    d->stamp = paths::fileStamp(fasta); // before its bases are read: see stamp()

    if (compression != Compression::Gzip) {
        // Plain gzip cannot be indexed (no random access); everything else goes through faidx.
        // An index is trusted only when it describes the file (a date says nothing about a
        // .fai copied from elsewhere); one is built only from a file whose every line passed.
        bool checked = false;
        auto build = [&](const IndexFiles& idx) {
            if (!checked)
                checkFastaLines(fasta);
            checked = true;
            return loadIndex(fasta, idx, true);
        };
        const IndexFiles beside = besideFasta(fasta, compression);
        IndexFiles used;
        if (indexFresh(beside, fasta)) {
            d->fai = loadIndex(fasta, beside, false);
            used = beside;
        }
        if (!d->fai && options.writeIndexBesideFasta) {
            d->fai = build(beside);
            used = beside;
        }
        if (!d->fai) {
            const IndexFiles cached = inUserCache(fasta, compression);
            if (indexFresh(cached, fasta))
                d->fai = loadIndex(fasta, cached, false);
            if (!d->fai)
                d->fai = build(cached);
            used = cached;
            d->location = IndexLocation::UserCache;
        }
        if (d->fai) {
            d->chromosomes = readFai(used.fai);
            for (const auto& c : d->chromosomes)
                if (c.name.empty())
                    throw Error::inFile(fasta.string(), 0,
                                        "a '>' header line has no sequence name");
            d->indexNames();
        }
    }
    if (!d->fai) {
        // No index could be built (plain gzip, unequal line lengths...): read it all.
        d->location = IndexLocation::InMemory;
        d->loadIntoMemory();
    }
    if (d->chromosomes.empty())
        throw Error::inFile(fasta.string(), 0, "holds no sequences");
    return Genome(std::move(d));
}

const fs::path& Genome::path() const
{
    return d->path;
}
const std::string& Genome::stamp() const
{
    return d->stamp;
}
const std::vector<Chromosome>& Genome::chromosomes() const
{
    return d->chromosomes;
}
IndexLocation Genome::indexLocation() const
{
    return d->location;
}

std::vector<std::string> Genome::names() const
{
    return namesOf(d->chromosomes);
}

bool Genome::contains(const std::string& chrom) const
{
    return d->byName.count(chrom) > 0;
}

std::int64_t Genome::length(const std::string& chrom) const
{
    return d->chromosomes[d->find(chrom)].length;
}

std::int64_t Genome::totalLength() const
{
    std::int64_t total = 0;
    for (const auto& c : d->chromosomes)
        total += c.length;
    return total;
}

void Genome::checkInterval(const std::string& chrom, std::int64_t start, std::int64_t end) const
{
    const std::int64_t len = length(chrom);
    const std::string where = chrom + ":" + std::to_string(start) + "-" + std::to_string(end);
    if (start < 0 || end < start)
        throw Error(where + " is not a valid interval (0 <= start <= end is needed)");
    if (end > len)
        throw Error(where + " runs past the end of " + chrom + " (" + text::withThousands(len) +
                    " bp) in " + d->path.string());
}

std::string Genome::fetch(const std::string& chrom, std::int64_t start, std::int64_t end) const
{
    checkInterval(chrom, start, end);
    if (start == end)
        return {};
    if (!d->fai)
        return d->memory[d->find(chrom)].substr(static_cast<std::size_t>(start),
                                                static_cast<std::size_t>(end - start));
    hts_pos_t got = 0;
    char* raw = nullptr;
    {
        std::lock_guard lock(d->mutex);
        raw = faidx_fetch_seq64(d->fai.get(), chrom.c_str(), start, end - 1, &got);
    }
    std::unique_ptr<char, decltype(&std::free)> owned(raw, &std::free);
    if (!raw || got != end - start)
        throw Error::inFile(d->path.string(), 0,
                            "could not read " + chrom + ":" + std::to_string(start) + "-" +
                                std::to_string(end) +
                                " (the file may be truncated or changed since it was indexed)");
    std::string out(raw, static_cast<std::size_t>(got));
    for (std::size_t i = 0; i < out.size(); ++i) {
        const auto c = static_cast<unsigned char>(out[i]);
        if (!std::isalpha(c) && c != '-' && c != '*')
            throw Error::inFile(d->path.string(), 0,
                                std::string("unexpected character '") + out[i] + "' in " + chrom +
                                    " at base " +
                                    text::withThousands(start + static_cast<std::int64_t>(i) + 1) +
                                    "; a FASTA sequence holds letters only");
        out[i] = static_cast<char>(std::toupper(c));
    }
    return out;
}

void Genome::fetchCodes(const std::string& chrom, std::int64_t start, std::int64_t end,
                        std::uint8_t* out) const
{
    if (!d->fai) {
        checkInterval(chrom, start, end);
        const std::string& s = d->memory[d->find(chrom)];
        sequence::encode(std::string_view(s).substr(static_cast<std::size_t>(start),
                                                    static_cast<std::size_t>(end - start)),
                         out);
        return;
    }
    const std::string bases = fetch(chrom, start, end);
    sequence::encode(bases, out);
}

std::vector<std::uint8_t> Genome::loadCodes(const std::string& chrom) const
{
    const std::int64_t len = length(chrom);
    std::vector<std::uint8_t> out(static_cast<std::size_t>(len));
    fetchCodes(chrom, 0, len, out.data());
    return out;
}

} // namespace kdna
