#pragma once

#include "core/project/demo_data.h"
#include "core/project/project.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

/// Projects and models the training and evaluation suites build on the demo data and on the
/// tutorial's yeast data.
namespace kdna::test {

/// A classifier project on the demo's planted sites (peaks.bed, annotation "site"), batches
/// of 32 `seqLen` bp windows of chr1-chr3 with one label each; no model yet.
[[nodiscard]] Project demoSiteProject(const DemoFiles& files, std::int64_t seqLen);

/// A small motif finder on `window` bp: Conv1D (8 filters of 8, relu), GlobalMaxPooling1D,
/// one sigmoid unit.
[[nodiscard]] ModelSpec motifFinder(std::int64_t window);

/// The tutorial's nucleosome dataset on `chromosomes` of the yeast data in `data`: 2001 bp
/// windows of nucleosome_occupancy.bw, normalised max then perctrim.
[[nodiscard]] DatasetSpec yeastNucleosomes(const std::filesystem::path& data,
                                           std::vector<std::string> chromosomes);

} // namespace kdna::test
