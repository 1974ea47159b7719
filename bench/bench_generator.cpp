// Windows per second of kdna's batch generator alone, on one thread (no model), for the
// nucleosome tutorial's regression spec and for the classification spec, then with worker
// threads: the steady rate and the cold one from opening. Prints one JSON line per
// measurement.
#include "core/data/generator.h"
#include "core/util/error.h"
#include "core/util/text.h"

#include <chrono>
#include <iostream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

namespace {

using Clock = std::chrono::steady_clock;

kdna::DatasetSpec regression(const std::string& data)
{
    kdna::DatasetSpec s;
    s.batch_size = 64;
    s.fasta_file = data + "/sacCer3.fa";
    s.annotation_files = {data + "/nucleosome_occupancy.bw"};
    s.window = 2001;
    s.normalization_mode = {"max", "perctrim"};
    s.weighting_mode = "balanced";
    s.incl_chromosomes = {"chrI", "chrII", "chrIII", "chrIV", "chrV", "chrVI"};
    s.output_shape = {64, 1};
    return s;
}

kdna::DatasetSpec classification(const std::string& data)
{
    kdna::DatasetSpec s;
    s.batch_size = 64;
    s.fasta_file = data + "/sacCer3.fa";
    s.annotation_files = {data + "/nucleosomes_danpos.bed"};
    s.annotation_list = {"nucleosome"};
    s.seq_len = 2001;
    s.negative_ratio = 1;
    s.negative_type = "real";
    s.data_augmentation = true;
    s.weighting_mode = "balanced";
    s.incl_chromosomes = {"chrI", "chrII", "chrIII", "chrIV", "chrV", "chrVI"};
    s.output_shape = {64, 1};
    return s;
}

/// Windows filled in `seconds` by `generator`, on the calling thread or through its workers.
double windowsPerSecond(const kdna::Generator& generator, double seconds, int workers)
{
    std::int64_t windows = 0;
    const auto start = Clock::now();
    double elapsed = 0;
    if (workers <= 0) {
        // One thread: the calling thread fills every batch itself.
        kdna::Batch batch;
        for (std::int64_t g = 0; elapsed < seconds; ++g) {
            generator.fill(g, batch);
            windows += batch.examples;
            elapsed = std::chrono::duration<double>(Clock::now() - start).count();
        }
    } else {
        kdna::BatchStream stream(generator, 0);
        while (elapsed < seconds) {
            kdna::Batch b = stream.next();
            windows += b.examples;
            stream.recycle(std::move(b));
            elapsed = std::chrono::duration<double>(Clock::now() - start).count();
        }
    }
    return static_cast<double>(windows) / elapsed;
}

/// Two intervals on one generator: the first pays for whatever the store reads on first use
/// (all of it at opening when the store loads eagerly, block by block when it streams), the
/// second is the steady rate. `cold_windows_per_s` counts the opening in, so the two designs
/// compare on what a user waits for.
void measure(const std::string& name, const kdna::DatasetSpec& spec, double seconds, int workers)
{
    const auto t0 = Clock::now();
    kdna::GeneratorOptions options;
    options.workers = workers;
    const auto generator = kdna::openGenerator(spec, nullptr, options);
    const double openSeconds = std::chrono::duration<double>(Clock::now() - t0).count();
    const double cold = windowsPerSecond(*generator, seconds, workers);
    const double warm = windowsPerSecond(*generator, seconds, workers);
    const auto rounded = [](double v, double unit) {
        return std::round(v / unit) * unit;
    };
    nlohmann::json out = {
        {"bench", "generator"},
        {"spec", name},
        {"threads", workers <= 0 ? 1 : workers},
        {"windows_per_s", rounded(warm, 1)},
        {"cold_windows_per_s", rounded(cold * seconds / (seconds + openSeconds), 1)},
        {"open_s", rounded(openSeconds, 0.001)},
        {"examples", generator->dataset().size()}};
    std::cout << out.dump() << std::endl;
}

} // namespace

int main(int argc, char** argv)
{
    CLI::App app{"kdna generator benchmark"};
    std::string data = "../shared/data/sacCer3";
    double seconds = 5;
    int workers = 2;
    app.add_option("--data", data, "Folder with sacCer3.fa and the tutorial's tracks");
    app.add_option("--seconds", seconds, "Time per measurement");
    app.add_option("--workers", workers, "Worker threads for the threaded measurement");
    CLI11_PARSE(app, argc, argv);
    try {
        measure("regression (2001 bp, perctrim+max, balanced)", regression(data), seconds, 0);
        measure("classification (DANPOS BED, seq_len 2001, augmentation, balanced)",
                classification(data), seconds, 0);
        if (workers > 0)
            measure("regression (2001 bp, perctrim+max, balanced)", regression(data), seconds,
                    workers);
    } catch (const kdna::Error& e) {
        std::cerr << "error: " << e.what() << '\n';
        return 1;
    }
    return 0;
}
