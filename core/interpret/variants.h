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

namespace kdna::dist {
class ProcessGroup;
}

namespace kdna::interpret {

/// One alternative allele of a VCF record (a multi-allelic record gives one per ALT).
struct Variant {
    std::string chrom;
    std::int64_t pos = 0; ///< 0-based position of the REF allele's first base
    std::string id;       ///< the ID column, "." when none
    std::string ref;
    std::string alt;
    std::int64_t record = 0; ///< 1-based record number in the file (header lines not counted)
    int allele = 1;          ///< which ALT of the record (1-based)
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

/// The model's outputs on every window that holds a variant's first REF base, on the
/// reference and with the alternative allele: what a click on a variant shows over its
/// window. Window k (of the model's length L) is centred at firstCentre + k and cut from
/// variantWindows(genome, v, 2 L - 1), so the middle one (k = L / 2) is variantEffects's row.
struct VariantProfile {
    std::int64_t firstCentre = 0;        ///< 0-based position of window 0's centre
    std::vector<std::string> targets;    ///< as VariantEffects names them
    std::vector<std::vector<float>> ref; ///< per target: one value per window
    std::vector<std::vector<float>> alt; ///< per target: one value per window
    std::string method;                  ///< "whole-sequence" or "windows"
};
/// Throws kdna::Error when the variant's REF does not match the genome or its contig is not
/// there (the sentence variantEffects gives, naming `source`).
[[nodiscard]] VariantProfile variantProfile(Model& model, const Genome& genome, const Variant& v,
                                            const std::filesystem::path& source,
                                            std::int64_t batchSize = 256);

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
    /// Variants whose alternative was computed from the slices of their reference window
    /// (substitutions, on a model fast ISM serves); the others ran whole windows.
    std::int64_t bySlices = 0;
    /// One sentence per variant left out: unreadable alleles, unknown contigs, REF that does
    /// not match the genome (naming the file, record, position and both bases).
    std::vector<std::string> skipped;
};

enum class Strands {
    Forward, ///< the windows as the genome reads them
    Both     ///< the mean of the windows and their reverse complements
};

/// Scores every variant of `vcf` with `model` (one sequence input), ref and alt windows in
/// batches of `batchSize`. As a rank of `group`, the model runs on this rank's share of the
/// variants and every rank gets every row, as one process scores them.
[[nodiscard]] VariantEffects variantEffects(Model& model, const Genome& genome,
                                            const std::filesystem::path& vcf,
                                            std::int64_t batchSize = 256,
                                            Strands strands = Strands::Forward,
                                            dist::ProcessGroup* group = nullptr);

/// The INFO keys of one target's four values, in the order ref, alt, alt - ref, log2 fold
/// change: KDNA_REF, KDNA_ALT, KDNA_DIFF, KDNA_LOGFC, each followed by _<target> when the
/// model has several targets (letters, digits and '_' kept, other characters made '_').
[[nodiscard]] std::vector<std::string> infoKeys(const std::string& target, bool several);

/// How the annotated file came out.
struct VcfWritten {
    bool indexed = false;
    std::string note; ///< one sentence when an index was wanted but not built, else empty
};

/// Writes `vcf`'s records to `out`, each with its alleles' effects as INFO fields (infoKeys;
/// Number=A, one value per ALT, '.' for an allele left out; a record whose alleles were all
/// left out keeps no such field), declared in the header. The format follows the name:
/// `.vcf`, `.vcf.gz` (bgzipped, with a .tbi index) or `.bcf` (with a .csi index). Written
/// under a temporary name and renamed into place. Throws kdna::Error naming the file.
VcfWritten writeEffectsVcf(const std::filesystem::path& vcf, const VariantEffects& effects,
                           const std::filesystem::path& out);

} // namespace kdna::interpret
