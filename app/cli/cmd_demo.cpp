#include "commands.h"
#include "project/demo_data.h"
#include "project/inspect.h"
#include "util/paths.h"

#include <iostream>
#include <memory>

#include <CLI/CLI.hpp>

namespace kdna::cli {

void addDemoCommand(CLI::App& app)
{
    auto dir = std::make_shared<std::string>();
    auto* cmd = app.add_subcommand(
        "demo",
        "Write kdna's synthetic demo genome and tracks, then describe them (works offline)");
    cmd->add_option("--dir", *dir, "Folder for the demo files (default: the user cache)");
    cmd->callback([dir] {
        const auto folder =
            dir->empty() ? paths::userCacheDir() / "demo" : std::filesystem::path(*dir);
        const DemoFiles files = writeDemoData(folder);
        std::cout << "kdna demo data in " << folder.string() << "\n\n";
        std::vector<FileReport> reports;
        for (const auto& f : {files.fasta, files.signal, files.peaks, files.genes}) {
            reports.push_back(inspectFile(f));
            std::cout << formatReport(reports.back());
        }
        for (const auto& w : chromosomeWarnings(reports))
            std::cout << "warning: " << w << '\n';
    });
}

} // namespace kdna::cli
