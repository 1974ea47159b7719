#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

/// A file kdna derives once from a source file's chromosome (a bigWig's values, a FASTA's
/// codes) and reads by pread afterwards. It starts with a header naming what it holds: a
/// magic word, the source's stamp (path, size, mtime), the chromosome, its length and a
/// variant line, padded so the data starts aligned. A file is used only when its header is
/// the expected one byte for byte and its size is the header's plus the data's, so a changed
/// source, another chromosome or a truncated file reads as missing; it is written through
/// AtomicOutput, so a crash or a stopped build never leaves half a file under the real name.
namespace kdna::store {

/// The file a cache derives from, as its reader opened it (Genome::stamp, BigWigReader::stamp):
/// a cache is keyed by that stamp, not the file's stamp when the cache is written, so a file
/// replaced while a run still reads the old one gets no cache of the old one's data.
struct CacheSource {
    std::filesystem::path path;
    std::string stamp;
    /// Whether the file still has that stamp (false once changed, replaced or removed).
    [[nodiscard]] bool unchanged() const;
};

class CacheFile {
public:
    using Magic = std::array<char, 8>;

    /// The header a cache of `chrom` (`length` bases) of `source` says; `variant`, when not
    /// empty, is a line of its own (a file without one reads as the default variant).
    [[nodiscard]] static std::string header(const Magic& magic, const CacheSource& source,
                                            const std::string& chrom, std::int64_t length,
                                            const std::string& variant = {});
    /// Where the cache of `chrom` of `source` lives: `folder` of the user's cache folder, named
    /// for a person (the source's stem and the chromosome as paths::fileNamePart makes them,
    /// each cut to 64) and told apart by a hash of the source's canonical path and the
    /// chromosome. A chromosome is a word of the user's file, so the name is one path
    /// component whatever it says ("x/../../y" writes no folder up).
    [[nodiscard]] static std::filesystem::path pathFor(const std::string& folder,
                                                       const std::filesystem::path& source,
                                                       const std::string& chrom,
                                                       const std::string& extension);
    /// The file at `path` when its header is `header` and `dataBytes` follow it, else null.
    [[nodiscard]] static std::unique_ptr<const CacheFile>
    openIfValid(const std::filesystem::path& path, const std::string& header,
                std::uint64_t dataBytes);
    /// Writes `path`: `header`, then the data of bases [0, length), `chunk` bases at a time
    /// (`encode(start, end, bytes)` sets `bytes` to the data of [start, end); `chunk` keeps
    /// what a build holds bounded), reporting progress as `what` (opening_progress.h). Checks
    /// `keepGoing()` before each chunk, and that `source` is unchanged before each chunk and
    /// after the last (a file changed under a build may have given bytes of both versions);
    /// when either fails, nothing is left under the real name and this returns false.
    using Encoder =
        std::function<void(std::int64_t start, std::int64_t end, std::vector<char>& bytes)>;
    static bool write(const std::filesystem::path& path, const std::string& header,
                      const CacheSource& source, const std::string& what, std::int64_t length,
                      std::int64_t chunk, const std::function<bool()>& keepGoing,
                      const Encoder& encode);
    ~CacheFile();
    CacheFile(const CacheFile&) = delete;
    CacheFile& operator=(const CacheFile&) = delete;

    /// Bytes [offset, offset + size) of the data (after the header) into `out`; throws
    /// kdna::Error naming the file when it ends early.
    void readData(std::int64_t offset, std::size_t size, char* out) const;
    [[nodiscard]] const std::filesystem::path& path() const { return m_path; }

private:
    CacheFile(std::filesystem::path path, int fd, std::int64_t dataOffset);
    std::filesystem::path m_path;
    int m_fd;
    std::int64_t m_dataOffset;
};

} // namespace kdna::store
