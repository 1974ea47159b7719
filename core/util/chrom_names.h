#pragma once

#include <string>
#include <vector>

/// Chromosome naming differs between sources (UCSC `chrI`, Ensembl `I`, `chrM` vs `MT`):
/// these helpers find the names a user probably meant and explain a mismatch in one sentence.
namespace kdna::chrom_names {

/// Whether `a` and `b` name the same chromosome but for a 'chr' prefix or case ('I', 'chrI',
/// 'chri'), or are both the mitochondrion ('M', 'MT', 'chrM', 'chrMT').
[[nodiscard]] bool aliases(const std::string& a, const std::string& b);

/// The name in `candidates` that `name` means: itself, else its one alias there. Empty when
/// none matches, or when two do (better no match than the wrong one). Every place that accepts
/// another source's spelling of a chromosome (the track viewer's locus box, its tracks, the
/// model's genome) matches through this.
[[nodiscard]] std::string match(const std::string& name,
                                const std::vector<std::string>& candidates);

/// Names in `candidates` close to `name`: same name but for a `chr` prefix or case, or a
/// small edit distance. Best matches first.
[[nodiscard]] std::vector<std::string> near(const std::string& name,
                                            const std::vector<std::string>& candidates);

/// "chromosome 'I' is not in genome.fa (did you mean 'chrI'?); it has 'chrI', 'chrII', ..."
[[nodiscard]] std::string unknownMessage(const std::string& name, const std::string& where,
                                         const std::vector<std::string>& candidates);

/// How two files' chromosome names relate.
struct Comparison {
    std::vector<std::string> shared;
    std::vector<std::string> onlyFirst;
    std::vector<std::string> onlySecond;
    /// Empty when the names agree or no systematic fix applies; else e.g.
    /// "the second file names chromosomes without the 'chr' prefix ('I' for 'chrI')".
    std::string fix;
};
[[nodiscard]] Comparison compare(const std::vector<std::string>& first,
                                 const std::vector<std::string>& second);

} // namespace kdna::chrom_names
