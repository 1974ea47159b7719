#pragma once

#include "core/tracks/features.h"
#include "core/tracks/file_kind.h"
#include "core/util/chromosome.h"

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace kdna {

/// What one file holds, as `kdna info` prints it and the data wizard shows it.
struct FileReport {
    std::filesystem::path path;
    FileKind kind = FileKind::Unknown;
    /// FASTA, bigWig and chrom.sizes: names and lengths; BED/GFF: names, length 0.
    std::vector<Chromosome> chromosomes;

    // bigWig
    std::int64_t coveredBases = 0;
    double min = 0, mean = 0, max = 0;
    int zoomLevels = 0;

    // BED / narrowPeak / GFF
    FeatureFormat format = FeatureFormat::Bed3;
    std::int64_t featureCount = 0;
    std::map<std::string, std::int64_t> featuresPerChromosome;
    std::map<std::string, std::int64_t> featuresPerType;
    std::int64_t minLength = 0, maxLength = 0;
    double meanLength = 0;
};

/// Reads `path` enough to describe it. Throws kdna::Error for unreadable or malformed files.
[[nodiscard]] FileReport inspectFile(const std::filesystem::path& path);

/// One sentence per pair of files whose chromosome names do not agree with the first file
/// that lists chromosomes (usually the genome), with the fix when there is a systematic one.
[[nodiscard]] std::vector<std::string> chromosomeWarnings(const std::vector<FileReport>& reports);

/// The report as `kdna info` prints it.
[[nodiscard]] std::string formatReport(const FileReport& report);

} // namespace kdna
