#pragma once

#include "core/util/chromosome.h"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace kdna {

/// Where the FASTA index that a Genome uses lives.
enum class IndexLocation {
    BesideFasta, ///< `<fasta>.fai` (and `.gzi`), found or built there
    UserCache,   ///< built in the per-user cache because the FASTA's folder is not writable
    InMemory,    ///< the sequences were read into memory (plain gzip, or no index possible)
};

struct GenomeOpenOptions {
    /// Write a missing index beside the FASTA (samtools' habit). When false, or when that
    /// folder is read-only, the index goes to the per-user cache.
    bool writeIndexBesideFasta = true;
};

/// A FASTA genome, plain or bgzip-compressed, read through htslib's faidx. Thread-safe:
/// fetches from several threads are serialised internally.
class Genome {
public:
    /// Opens `fasta`, building its index when missing or older than the file. Throws
    /// kdna::Error when the file is missing, is not FASTA, or is a truncated bgzip file.
    static Genome open(const std::filesystem::path& fasta, const GenomeOpenOptions& options = {});

    Genome(Genome&&) noexcept;
    Genome& operator=(Genome&&) noexcept;
    ~Genome();

    [[nodiscard]] const std::filesystem::path& path() const;
    /// The FASTA's stamp (paths::fileStamp) as it was opened: taken before its bases were
    /// read, so a cache keyed by it can only be stale for a file changed since, never wrong.
    [[nodiscard]] const std::string& stamp() const;
    [[nodiscard]] const std::vector<Chromosome>& chromosomes() const;
    [[nodiscard]] std::vector<std::string> names() const;
    [[nodiscard]] bool contains(const std::string& chrom) const;
    /// Length of `chrom`; throws with the near names when it is not in the genome.
    [[nodiscard]] std::int64_t length(const std::string& chrom) const;
    [[nodiscard]] std::int64_t totalLength() const;
    [[nodiscard]] IndexLocation indexLocation() const;

    /// Bases [start, end) of `chrom`, upper-cased. Throws when the interval is not inside it.
    [[nodiscard]] std::string fetch(const std::string& chrom, std::int64_t start,
                                    std::int64_t end) const;
    /// The same bases as codes (sequence::code), written to `out` (end - start bytes).
    void fetchCodes(const std::string& chrom, std::int64_t start, std::int64_t end,
                    std::uint8_t* out) const;
    /// A whole chromosome as codes.
    [[nodiscard]] std::vector<std::uint8_t> loadCodes(const std::string& chrom) const;

    /// Throws unless [start, end) lies inside `chrom`; the message names the genome file.
    void checkInterval(const std::string& chrom, std::int64_t start, std::int64_t end) const;

private:
    struct Impl;
    explicit Genome(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> d;
};

} // namespace kdna
