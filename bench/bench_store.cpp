// The streamed store's costs, per backing (issue 18): microseconds to read one block of a
// track straight from the bigWig and from kdna's float32 cache file (with the file's build
// time and size), and one block of sequence through faidx and from kdna's 4-bit sequence cache
// (with its build time and size).
//   kdna_bench_store --fasta G.fa --bigwig T.bw [--block 65536] [--blocks 2000]
#include "core/data/block_cache.h"
#include "core/data/sequence_cache_file.h"
#include "core/data/stream.h"
#include "core/data/track_cache_file.h"
#include "core/genome/genome.h"
#include "core/tracks/bigwig.h"

#include <chrono>
#include <filesystem>
#include <iostream>
#include <random>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t)
{
    return std::chrono::duration<double>(Clock::now() - t).count();
}

/// Mean µs of reading `blocks` random aligned blocks (uncached: the cache is cleared first
/// and each block is read once).
template<typename Read>
double blockMicros(std::int64_t length, std::int64_t block, int blocks, Read read)
{
    std::mt19937_64 rng(1);
    const std::int64_t count = std::max<std::int64_t>(1, length / block);
    const auto t = Clock::now();
    for (int i = 0; i < blocks; ++i) {
        const std::int64_t b = static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(count));
        read(b * block, std::min(length, (b + 1) * block));
    }
    return since(t) / blocks * 1e6;
}

} // namespace

int main(int argc, char** argv)
{
    CLI::App app("Block read costs of the streamed store");
    std::string fasta, bigwig;
    std::int64_t block = 65536;
    int blocks = 2000;
    app.add_option("--fasta", fasta)->required();
    app.add_option("--bigwig", bigwig)->required();
    app.add_option("--block", block);
    app.add_option("--blocks", blocks);
    CLI11_PARSE(app, argc, argv);

    const auto genome = kdna::Genome::open(fasta);
    const auto reader = kdna::BigWigReader::open(bigwig);
    const auto& chrom = genome.chromosomes().front();
    std::vector<float> values(static_cast<std::size_t>(block));
    std::vector<std::uint8_t> codes(static_cast<std::size_t>(block));

    const double bigWigUs = blockMicros(chrom.length, block, blocks, [&](auto s, auto e) {
        reader.values(chrom.name, s, e, values.data());
    });
    std::filesystem::remove(kdna::store::TrackCacheFile::pathFor(bigwig, chrom.name));
    auto t = Clock::now();
    const auto file = kdna::store::TrackCacheFile::open(reader, chrom.name, chrom.length);
    const double buildS = since(t);
    const double fileUs = blockMicros(chrom.length, block, blocks,
                                      [&](auto s, auto e) { file->read(s, e, values.data()); });
    const double faidxUs = blockMicros(chrom.length, block, blocks, [&](auto s, auto e) {
        genome.fetchCodes(chrom.name, s, e, codes.data());
    });
    const auto sequencePath = kdna::store::SequenceCacheFile::pathFor(fasta, chrom.name);
    std::filesystem::remove(sequencePath);
    t = Clock::now();
    kdna::store::SequenceCacheFile::build(sequencePath, genome, chrom.name, chrom.length,
                                          [] { return true; });
    const auto sequence =
        kdna::store::SequenceCacheFile::openIfValid(sequencePath, genome, chrom.name, chrom.length);
    const double sequenceBuildS = since(t);
    const double sequenceUs = blockMicros(
        chrom.length, block, blocks, [&](auto s, auto e) { sequence->read(s, e, codes.data()); });
    nlohmann::json out = {{"chrom", chrom.name},
                          {"genome_index", static_cast<int>(genome.indexLocation())},
                          {"length", chrom.length},
                          {"block_bases", block},
                          {"bigwig_block_us", bigWigUs},
                          {"cache_file_block_us", fileUs},
                          {"cache_file_build_s", buildS},
                          {"cache_file_bytes", std::filesystem::file_size(file->path())},
                          {"bigwig_bytes", std::filesystem::file_size(bigwig)},
                          {"faidx_sequence_block_us", faidxUs},
                          {"sequence_cache_block_us", sequenceUs},
                          {"sequence_cache_build_s", sequenceBuildS},
                          {"sequence_cache_bytes", std::filesystem::file_size(sequencePath)}};
    std::cout << out.dump() << std::endl;
}
