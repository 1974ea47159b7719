#pragma once

#include <filesystem>
#include <string>

namespace kdna {

/// What a genomics file holds, decided from its first bytes (magic numbers, first record)
/// and, where those are ambiguous, its extension.
enum class FileKind { Fasta, BigWig, BigBed, Bed, NarrowPeak, Gff, ChromSizes, Unknown };

[[nodiscard]] FileKind detectFileKind(const std::filesystem::path& path);
[[nodiscard]] const char* kindName(FileKind kind);
/// BED, narrowPeak and GFF: annotations a sparse (classification) dataset learns from.
[[nodiscard]] inline bool isFeatureKind(FileKind k)
{
    return k == FileKind::Bed || k == FileKind::NarrowPeak || k == FileKind::Gff;
}

} // namespace kdna
