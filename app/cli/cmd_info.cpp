#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "core/project/inspect.h"

#include <iostream>
#include <memory>

#include <CLI/CLI.hpp>

namespace kdna::cli {

void addInfoCommand(CLI::App& app)
{
    auto files = std::make_shared<std::vector<std::string>>();
    auto* cmd = app.add_subcommand("info", "Say what each file holds: FASTA chromosomes and sizes, "
                                           "bigWig coverage and range, BED/GFF feature counts");
    cmd->add_option("files", *files, "FASTA, bigWig, BED, narrowPeak, GFF3/GTF or chrom.sizes")
        ->required();
    cmd->callback([files] {
        const OpeningProgressLine opening; // a genome's first indexing
        std::vector<FileReport> reports;
        for (const auto& f : *files) {
            reports.push_back(inspectFile(f));
            std::cout << formatReport(reports.back());
        }
        for (const auto& w : chromosomeWarnings(reports))
            std::cout << "warning: " << w << '\n';
    });
}

} // namespace kdna::cli
