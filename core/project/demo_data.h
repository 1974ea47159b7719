#pragma once

#include <cstdint>
#include <filesystem>

namespace kdna {

/// The files of kdna's built-in demo: a small synthetic genome whose signal and binding
/// sites follow from its sequence, so a model can learn them (the demo works offline).
struct DemoFiles {
    std::filesystem::path fasta;      ///< demo.fa: chr1..chr4, 360 kb
    std::filesystem::path chromSizes; ///< demo.chrom.sizes
    std::filesystem::path signal;     ///< demo_signal.bw: an occupancy-like track
    std::filesystem::path peaks;      ///< demo_sites.bed: binding sites around a motif
    std::filesystem::path genes;      ///< demo_genes.gff3: genes on both strands
};

/// Writes the demo files into `folder` (created when missing), the same bytes for the same
/// seed. Files already there and complete are kept.
DemoFiles writeDemoData(const std::filesystem::path& folder, std::uint64_t seed = 7);

struct Project;
/// The demo project: the tutorial's CNN on 501 bp windows of the demo signal, trained on chr1
/// and chr2, validated on chr3, tested on chr4; small enough to train in a minute on 2 cores.
/// Saved as `demo.kdna.json` beside the data.
Project writeDemoProject(const DemoFiles& files);

} // namespace kdna
