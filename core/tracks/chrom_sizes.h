#pragma once

#include "core/util/chromosome.h"

#include <filesystem>
#include <vector>

namespace kdna {

/// Reads `name<TAB>length` lines (UCSC chrom.sizes). Throws naming the file and line of a
/// malformed or duplicated entry.
[[nodiscard]] std::vector<Chromosome> readChromSizes(const std::filesystem::path& path);
/// Writes them, atomically.
void writeChromSizes(const std::filesystem::path& path, const std::vector<Chromosome>& chroms);

} // namespace kdna
