#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

/// Process-wide caches of whole chromosomes in memory, shared by every dataset that reads
/// them (a training and a validation generator on one genome load it once) and freed when the
/// last holder lets go. Sequences take 1 byte a base, tracks 4 bytes a base.
namespace kdna::store {

using Codes = std::vector<std::uint8_t>;
using Values = std::vector<float>;

/// A chromosome of a FASTA as codes (sequence::code). Throws like Genome does.
[[nodiscard]] std::shared_ptr<const Codes> sequence(const std::filesystem::path& fasta,
                                                    const std::string& chrom);
/// A chromosome of a bigWig, per base, missing = 0 (all zero when the file lacks it).
[[nodiscard]] std::shared_ptr<const Values> track(const std::filesystem::path& bigwig,
                                                  const std::string& chrom, std::int64_t length);

} // namespace kdna::store
