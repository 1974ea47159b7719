#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace kdna {

/// What a genomics file holds, decided from its first bytes (magic numbers, first record)
/// and, where those are ambiguous, its extension.
enum class FileKind { Fasta, BigWig, BigBed, Bed, NarrowPeak, Gff, ChromSizes, Unknown };

[[nodiscard]] FileKind detectFileKind(const std::filesystem::path& path);
[[nodiscard]] const char* kindName(FileKind kind);
/// What a file's name says, without reading it: true for BED/narrowPeak/broadPeak/GFF/GTF
/// (features), false for bigWig/wig/bedGraph (a signal), nothing when it says neither.
[[nodiscard]] std::optional<bool> isFeatureFileName(const std::filesystem::path& path);
/// BED, narrowPeak and GFF: annotations a sparse (classification) dataset learns from.
[[nodiscard]] inline bool isFeatureKind(FileKind k)
{
    return k == FileKind::Bed || k == FileKind::NarrowPeak || k == FileKind::Gff;
}

} // namespace kdna
