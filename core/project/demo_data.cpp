#include "core/project/demo_data.h"

#include "core/model/templates.h"
#include "core/project/project.h"
#include "core/tracks/bigwig.h"
#include "core/tracks/chrom_sizes.h"
#include "core/util/atomic_output.h"
#include "core/util/error.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace kdna {
namespace {

constexpr const char* kMotif = "TGACGTCA"; // a palindromic CRE-like site
constexpr int kSiteLength = 120;
constexpr int kOccupancyHalfWidth = 73; // a nucleosome covers 147 bp

struct DemoChromosome {
    std::string name;
    std::string bases;
    std::vector<std::int64_t> sites; // motif positions
};

/// GC probability drifts slowly along the chromosome (isochore-like), so the signal,
/// which follows local GC content, varies on several scales.
std::string randomSequence(std::int64_t length, std::mt19937_64& rng)
{
    std::string s(static_cast<std::size_t>(length), 'A');
    std::uniform_real_distribution<double> u(0.0, 1.0);
    double gc = 0.4;
    for (std::int64_t i = 0; i < length; ++i) {
        if (i % 500 == 0)
            gc = std::clamp(gc + (u(rng) - 0.5) * 0.12, 0.25, 0.7);
        const bool strong = u(rng) < gc;
        const bool first = u(rng) < 0.5;
        s[static_cast<std::size_t>(i)] = strong ? (first ? 'G' : 'C') : (first ? 'A' : 'T');
    }
    return s;
}

std::vector<float> occupancy(const DemoChromosome& c)
{
    const auto n = static_cast<std::int64_t>(c.bases.size());
    std::vector<std::int64_t> gcPrefix(static_cast<std::size_t>(n + 1), 0);
    for (std::int64_t i = 0; i < n; ++i) {
        const char b = c.bases[static_cast<std::size_t>(i)];
        gcPrefix[static_cast<std::size_t>(i + 1)] =
            gcPrefix[static_cast<std::size_t>(i)] + (b == 'G' || b == 'C');
    }
    std::vector<float> v(static_cast<std::size_t>(n), 0.0F);
    for (std::int64_t i = 0; i < n; ++i) {
        const std::int64_t lo = std::max<std::int64_t>(0, i - kOccupancyHalfWidth);
        const std::int64_t hi = std::min<std::int64_t>(n, i + kOccupancyHalfWidth + 1);
        const double gc = static_cast<double>(gcPrefix[static_cast<std::size_t>(hi)] -
                                              gcPrefix[static_cast<std::size_t>(lo)]) /
                          static_cast<double>(hi - lo);
        // Occupancy rises with GC content and is depleted around binding sites.
        v[static_cast<std::size_t>(i)] = static_cast<float>(std::max(0.0, 40.0 * (gc - 0.3)));
    }
    for (const std::int64_t site : c.sites) {
        for (std::int64_t i = std::max<std::int64_t>(0, site - 150);
             i < std::min<std::int64_t>(n, site + 150); ++i)
            v[static_cast<std::size_t>(i)] *= 0.2F;
    }
    for (float& x : v)
        x = std::round(x * 4.0F) / 4.0F; // runs of equal values keep the file small
    return v;
}

} // namespace

DemoFiles writeDemoData(const std::filesystem::path& folder, std::uint64_t seed)
{
    std::error_code ec;
    std::filesystem::create_directories(folder, ec);
    if (ec)
        throw Error::inFile(folder.string(), 0, "cannot create the folder (" + ec.message() + ")");
    DemoFiles files{folder / "demo.fa", folder / "demo.chrom.sizes", folder / "demo_signal.bw",
                    folder / "demo_sites.bed", folder / "demo_genes.gff3"};
    const auto stamp = folder / ".demo-complete";
    if (std::filesystem::exists(stamp))
        return files;

    std::mt19937_64 rng(seed);
    std::vector<DemoChromosome> chroms;
    const std::int64_t lengths[] = {120000, 100000, 80000, 60000};
    for (int i = 0; i < 4; ++i) {
        DemoChromosome c{"chr" + std::to_string(i + 1), randomSequence(lengths[i], rng), {}};
        // Plant binding-site motifs every 2-4 kb, away from the ends.
        std::uniform_int_distribution<std::int64_t> gap(2000, 4000);
        for (std::int64_t p = 1500 + gap(rng); p + 1500 < lengths[i]; p += gap(rng)) {
            c.bases.replace(static_cast<std::size_t>(p), 8, kMotif);
            c.sites.push_back(p);
        }
        chroms.push_back(std::move(c));
    }

    AtomicOutput::writeFile(files.fasta, [&](std::ostream& out) {
        for (const auto& c : chroms) {
            out << '>' << c.name << '\n';
            for (std::size_t i = 0; i < c.bases.size(); i += 60)
                out << c.bases.substr(i, 60) << '\n';
        }
    });
    std::vector<Chromosome> sizes;
    for (const auto& c : chroms)
        sizes.push_back({c.name, static_cast<std::int64_t>(c.bases.size())});
    writeChromSizes(files.chromSizes, sizes);

    BigWigWriter signal(files.signal, sizes);
    for (const auto& c : chroms)
        signal.addValues(c.name, 0, occupancy(c));
    signal.finish();

    AtomicOutput::writeFile(files.peaks, [&](std::ostream& out) {
        int id = 0;
        for (const auto& c : chroms)
            for (const std::int64_t s : c.sites)
                out << c.name << '\t' << s + 4 - kSiteLength / 2 << '\t' << s + 4 + kSiteLength / 2
                    << "\tsite" << ++id << '\n';
    });

    AtomicOutput::writeFile(files.genes, [&](std::ostream& out) {
        out << "##gff-version 3\n";
        std::uniform_int_distribution<std::int64_t> length(600, 3000);
        int id = 0;
        for (const auto& c : chroms) {
            const auto n = static_cast<std::int64_t>(c.bases.size());
            for (std::int64_t start = 1000; start + 4000 < n; start += 5000) {
                const std::int64_t end = start + length(rng);
                const char strand = (id % 2) ? '-' : '+';
                const char* type = (id % 7 == 3) ? "dubious_ORF" : "gene";
                ++id;
                out << c.name << "\tkdna\t" << type << '\t' << start + 1 << '\t' << end << "\t.\t"
                    << strand << "\t.\tID=DEMO" << id << ";Name=DMO" << id << '\n';
            }
        }
    });
    AtomicOutput::writeFile(stamp, [](std::ostream& out) { out << "kdna demo data\n"; });
    return files;
}

Project writeDemoProject(const DemoFiles& files)
{
    Project p;
    p.name = "kdna demo: occupancy from sequence";
    DatasetSpec d;
    d.batch_size = 64;
    d.fasta_file = files.fasta.filename().string();
    d.annotation_files = {files.signal.filename().string()};
    d.window = 501;
    d.normalization_mode = {"max", "perctrim"};
    d.incl_chromosomes = {"chr1", "chr2"};
    d.output_shape = {64, 1};
    p.dataset = d;
    p.model = templates::tutorialCnn(501, 1, "linear");
    p.compile.loss = {"mse"};
    p.compile.optimizer = "adam";
    p.compile.metrics = {"mae", "correlate"};
    p.training.epochs = 4;
    p.training.steps_per_epoch = 100;
    p.training.validation_steps = 30;
    p.training.validation_chr = {"chr3"};
    p.test_chr = {"chr4"};
    p.output = "demo.kdna";
    const auto path = files.fasta.parent_path() / "demo.kdna.json";
    p.save(path);
    p.base_dir = files.fasta.parent_path();
    p.applyFolders();
    return p;
}

} // namespace kdna
