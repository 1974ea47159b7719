#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "core/data/spec_file.h"
#include "core/util/error.h"
#include "core/util/text.h"

#include <cstdint>
#include <iomanip>
#include <iostream>
#include <memory>

#include <CLI/CLI.hpp>

namespace kdna::cli {
namespace {

struct ShapeArgs {
    std::string spec;
    bool stats = false;
    DataOption data;
};

void printSummary(const DatasetSummary& s, bool sparse)
{
    std::cout << "\nexamples: " << text::withThousands(s.examples);
    if (sparse)
        std::cout << " (" << text::withThousands(s.positives) << " positive, "
                  << text::withThousands(s.negatives) << " negative)";
    std::cout << '\n';
    if (!s.normalization.empty())
        std::cout << "normalisation: " << s.normalization << '\n';
    std::cout << (sparse ? "chromosome\tlength\tpositives\tnegatives\n"
                         : "chromosome\tlength\texamples\n");
    for (const auto& c : s.chromosomes) {
        std::cout << c.chrom << '\t' << text::withThousands(c.length) << '\t';
        if (sparse)
            std::cout << text::withThousands(c.positives) << '\t'
                      << text::withThousands(c.negatives);
        else
            std::cout << text::withThousands(c.examples);
        std::cout << '\n';
    }
    if (sparse) {
        std::cout << "positive windows per annotation:\n";
        for (const auto& [name, n] : s.positivesPerAnnotation)
            std::cout << "  " << name << '\t' << text::withThousands(n) << '\n';
        std::cout << "positive lengths (" << text::withThousands(s.features) << " features): min "
                  << s.minLength << ", max " << s.maxLength << ", mean "
                  << text::number(s.meanLength, 1) << ", most common " << s.mostCommonLength
                  << " bp\n";
    }
    for (const auto& n : s.notes)
        std::cout << "note: " << n << '\n';
}

void runShape(const ShapeArgs& args)
{
    const AnySpec spec = loadSpecFile(args.spec, args.data.folder());
    const DatasetSpec& first = primary(spec);
    throwIfProblems(std::holds_alternative<DatasetSpec>(spec) ? shapeProblems(first)
                                                              : validate(spec),
                    args.spec);
    const bool needData = args.stats || (first.isSparse() && first.seq_len == 0);
    std::unique_ptr<Generator> generator;
    std::int64_t length = 0;
    if (needData) {
        generator = openGenerator(spec, nullptr);
        length = generator->dataset().inputLength();
    }
    DatasetSpec shaped = first;
    if (const auto* multi = std::get_if<MultiSpec>(&spec)) {
        shaped.batch_size = multi->batch_size;
        shaped.output_shape = multi->output_shape;
    }
    const auto secondary = predictSecInputShape(shaped, length);
    std::cout << std::left << std::setw(26) << "predict_input_shape"
              << text::tuple(predictInputShape(shaped, length)) << '\n'
              << std::setw(26) << "predict_label_shape"
              << text::tuple(predictLabelShape(shaped, length)) << '\n'
              << std::setw(26) << "predict_sec_input_shape"
              << (secondary.empty() ? std::string("None") : text::tuple(secondary));
    if (!secondary.empty())
        std::cout << " (used as " << first.use_sec_as.text() << ")";
    std::cout << '\n';
    if (first.isSparse() && first.seq_len == 0)
        std::cout << "seq_len 'MAXLEN' = " << length << '\n';
    if (args.stats && generator) {
        std::cout << "batches per pass: " << text::withThousands(generator->batchesPerEpoch())
                  << " of " << generator->batchSize() << '\n';
        printSummary(generator->dataset().summary(), first.isSparse());
    }
}

} // namespace

void addShapeCommand(CLI::App& app)
{
    auto args = std::make_shared<ShapeArgs>();
    auto* cmd = app.add_subcommand("shape", "Print the input, label and secondary shapes a spec "
                                            "gives (keras_dna's predict_*_shape), or its problems");
    cmd->add_option("spec", args->spec,
                    "Dataset spec (JSON with keras_dna keywords: `kdna keywords` lists them)")
        ->required()
        ->check(existingFile());
    cmd->add_flag("--stats", args->stats,
                  "Also read the data and count examples, positives and negatives per "
                  "chromosome and annotation");
    addDataOption(*cmd, args->data);
    cmd->callback([args] { runShape(*args); });
}

} // namespace kdna::cli
