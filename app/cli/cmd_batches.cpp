#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "core/data/spec_file.h"
#include "core/util/text.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <iostream>
#include <memory>

#include <CLI/CLI.hpp>

namespace kdna::cli {
namespace {

struct BatchesArgs {
    std::string spec;
    std::int64_t count = 3;
    int workers = 0;
    DataOption data;
};

std::string range(const Array& a)
{
    if (a.empty())
        return "";
    const auto [mn, mx] = std::minmax_element(a.values.begin(), a.values.end());
    double sum = 0;
    for (float v : a.values)
        sum += v;
    return text::tuple(a.shape) + " min " + text::number(*mn) + " max " + text::number(*mx) +
           " mean " + text::number(sum / static_cast<double>(a.values.size()));
}

void runBatches(const BatchesArgs& args)
{
    const AnySpec spec = loadSpecFile(args.spec, args.data.folder());
    GeneratorOptions options;
    options.workers = args.workers;
    const auto generator = openGenerator(spec, nullptr, options);
    std::cout << text::withThousands(generator->dataset().size()) << " examples, "
              << text::withThousands(generator->batchesPerEpoch()) << " batches of "
              << generator->batchSize() << " per pass\n";
    BatchStream stream(*generator, 0, args.count);
    const auto start = std::chrono::steady_clock::now();
    std::int64_t examples = 0;
    for (std::int64_t i = 0; i < args.count; ++i) {
        Batch b = stream.next();
        examples += b.examples;
        std::cout << "batch " << b.index << ":\n";
        for (std::size_t k = 0; k < b.inputs.size(); ++k)
            std::cout << "  input " << k << "  " << range(b.inputs[k]) << '\n';
        for (std::size_t k = 0; k < b.targets.size(); ++k)
            std::cout << "  target " << k << " " << range(b.targets[k]) << '\n';
        if (!b.weights.empty())
            std::cout << "  weights  " << range(b.weights) << '\n';
        std::cout
            << "  first example: "
            << generator->dataset().locus(generator->exampleIndices(b.index).front()).toString()
            << '\n';
        stream.recycle(std::move(b));
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::cout << text::withThousands(examples) << " examples in " << text::number(seconds, 3)
              << " s\n";
}

} // namespace

void addBatchesCommand(CLI::App& app)
{
    auto args = std::make_shared<BatchesArgs>();
    auto* cmd = app.add_subcommand("batches", "Draw the first batches of a spec and print their "
                                              "shapes and value ranges");
    cmd->add_option("spec", args->spec, "Dataset spec (JSON)")->required()->check(existingFile());
    cmd->add_option("--count,-n", args->count, "How many batches")
        ->capture_default_str()
        ->check(atLeast(1));
    cmd->add_option("--workers", args->workers, "Batch-preparation threads (0: automatic)")
        ->check(atLeast(0));
    addDataOption(*cmd, args->data);
    cmd->callback([args] { runBatches(*args); });
}

} // namespace kdna::cli
