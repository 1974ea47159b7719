#pragma once

// Variant effects: the model's outputs on the reference window and on the window with the
// alternative allele, for each record of a VCF/BCF file (read with htslib's vcf.h).
// Torch-free.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace kdna {
class Genome;
class Model;
} // namespace kdna

namespace kdna::interpret {

/// One alternative allele of a VCF record (a multi-allelic record gives one per ALT).
struct Variant {
    std::string chrom;
    std::int64_t pos = 0; ///< 0-based position of the REF allele's first base
    std::string id;       ///< the ID column, "." when none
    std::string ref;
    std::string alt;
    std::int64_t record = 0; ///< 1-based record number in the file (header lines not counted)
};

/// The variants of a file, and one sentence per allele left out (symbolic or '*' alleles,
/// letters other than A, C, G, T, N).
struct VariantReading {
    std::vector<Variant> variants;
    std::vector<std::string> skipped;
};
/// Reads every record of a VCF, bgzipped VCF or BCF file. Throws kdna::Error naming the file
/// (and record) when it cannot be opened or read.
[[nodiscard]] VariantReading readVariants(const std::filesystem::path& path);

/// The reference and alternative windows (base codes, `length` each) around a variant: the
/// REF allele starts at length / 2; the alternative keeps the left flank and fills the right
/// one from the genome after REF, so an indel's window stays `length` long. Bases beyond the
/// chromosome are N.
struct VariantWindows {
    std::vector<std::uint8_t> ref;
    std::vector<std::uint8_t> alt;
};
[[nodiscard]] VariantWindows variantWindows(const Genome& genome, const Variant& v,
                                            std::int64_t length);

/// A variant's predictions: per target (every value of every output, outputs in order).
struct VariantEffect {
    Variant variant;
    std::vector<float> ref;
    std::vector<float> alt;
    [[nodiscard]] float diff(std::size_t target) const { return alt[target] - ref[target]; }
    /// log2((alt + 1e-6) / (ref + 1e-6)); NaN when a value is negative (a linear output).
    [[nodiscard]] float logFoldChange(std::size_t target) const;
};

struct VariantEffects {
    std::vector<std::string> targets; ///< "output" or "output[i]" when it has several values
    std::vector<VariantEffect> rows;  ///< the variants scored, in file order
    /// One sentence per variant left out: unreadable alleles, unknown contigs, REF that does
    /// not match the genome (naming the file, record, position and both bases).
    std::vector<std::string> skipped;
};

/// Scores every variant of `vcf` with `model` (one sequence input), ref and alt windows in
/// batches of `batchSize`.
[[nodiscard]] VariantEffects variantEffects(Model& model, const Genome& genome,
                                            const std::filesystem::path& vcf,
                                            std::int64_t batchSize = 256);

} // namespace kdna::interpret
