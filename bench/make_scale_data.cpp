// Writes the synthetic genome of bench/scale.sh: chromosomes at hg38's sizes, random sequence
// with runs of N, smooth bigWigs at a fixed step of 10 and BED peaks.
//   kdna_bench_scale_data --out DIR [--chroms 24] [--tracks 1] [--peaks 500000]
#include "core/tracks/bigwig.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace {

const std::vector<kdna::Chromosome>& hg38()
{
    static const std::vector<kdna::Chromosome> sizes = {
        {"chr1", 248956422},  {"chr2", 242193529},  {"chr3", 198295559},  {"chr4", 190214555},
        {"chr5", 181538259},  {"chr6", 170805979},  {"chr7", 159345973},  {"chr8", 145138636},
        {"chr9", 138394717},  {"chr10", 133797422}, {"chr11", 135086622}, {"chr12", 133275309},
        {"chr13", 114364328}, {"chr14", 107043718}, {"chr15", 101991189}, {"chr16", 90338345},
        {"chr17", 83257441},  {"chr18", 80373285},  {"chr19", 58617616},  {"chr20", 64444167},
        {"chr21", 46709983},  {"chr22", 50818468},  {"chrX", 156040895},  {"chrY", 57227415}};
    return sizes;
}

/// 60 bases a line; a run of 50 kb of N every 10 Mb, as assemblies have gaps.
void writeFasta(const std::filesystem::path& path, const std::vector<kdna::Chromosome>& chroms)
{
    std::FILE* f = std::fopen(path.c_str(), "wb");
    std::mt19937_64 rng(42);
    std::vector<char> line(61, '\n');
    const char bases[] = "ACGT";
    for (const auto& c : chroms) {
        std::fprintf(f, ">%s\n", c.name.c_str());
        for (std::int64_t at = 0; at < c.length; at += 60) {
            const int n = static_cast<int>(std::min<std::int64_t>(60, c.length - at));
            const bool gap = (at % 10'000'000) < 50'000;
            std::uint64_t r = rng();
            for (int i = 0; i < n; ++i, r >>= 2) {
                if (i == 32)
                    r = rng();
                line[static_cast<std::size_t>(i)] = gap ? 'N' : bases[r & 3];
            }
            line[static_cast<std::size_t>(n)] = '\n';
            std::fwrite(line.data(), 1, static_cast<std::size_t>(n + 1), f);
        }
    }
    std::fclose(f);
}

/// A smooth signal (sums of slow sines, never negative) at a fixed step of 10.
void writeBigWig(const std::filesystem::path& path, const std::vector<kdna::Chromosome>& chroms,
                 int phase)
{
    kdna::BigWigWriter w(path, chroms);
    std::vector<kdna::ValuedInterval> iv;
    for (const auto& c : chroms) {
        for (std::int64_t s = 0; s < c.length; s += 10) {
            if (iv.size() == 1'000'000) {
                w.addIntervals(c.name, iv);
                iv.clear();
            }
            const double x = static_cast<double>(s + phase * 777);
            const double v =
                2 + std::sin(x / 1500.0) + 0.5 * std::sin(x / 170.0) + 0.25 * std::sin(x / 37.0);
            iv.push_back(
                {s, std::min(c.length, s + 10), static_cast<float>(std::round(v * 100) / 100)});
        }
        w.addIntervals(c.name, iv);
        iv.clear();
    }
    w.finish();
}

void writePeaks(const std::filesystem::path& path, const std::vector<kdna::Chromosome>& chroms,
                std::int64_t peaks)
{
    std::int64_t total = 0;
    for (const auto& c : chroms)
        total += c.length;
    std::ofstream out(path);
    std::mt19937_64 rng(7);
    for (const auto& c : chroms) {
        const auto n = peaks * c.length / total;
        std::vector<std::int64_t> starts(static_cast<std::size_t>(n));
        for (auto& s : starts)
            s = static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(c.length - 1000));
        std::sort(starts.begin(), starts.end());
        for (auto s : starts)
            out << c.name << '\t' << s << '\t' << s + 200 + static_cast<std::int64_t>(rng() % 600)
                << "\tpeak\n";
    }
}

} // namespace

int main(int argc, char** argv)
{
    CLI::App app("Synthetic hg38-sized data for bench/scale.sh");
    std::string out;
    int chroms = 24, tracks = 1;
    std::int64_t peaks = 500'000;
    app.add_option("--out", out, "Folder to write into")->required();
    app.add_option("--chroms", chroms, "The first N chromosomes of hg38")->check(CLI::Range(1, 24));
    app.add_option("--tracks", tracks, "bigWigs to write")->check(CLI::Range(1, 8));
    app.add_option("--peaks", peaks, "BED peaks over the genome");
    CLI11_PARSE(app, argc, argv);
    const std::vector<kdna::Chromosome> chosen(hg38().begin(), hg38().begin() + chroms);
    const std::filesystem::path dir(out);
    writeFasta(dir / "genome.fa", chosen);
    for (int t = 0; t < tracks; ++t)
        writeBigWig(dir / ("track" + std::to_string(t + 1) + ".bw"), chosen, t);
    writePeaks(dir / "peaks.bed", chosen, peaks);
    std::cout << "wrote " << dir.string() << std::endl;
}
