#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "core/project/demo_data.h"
#include "core/project/inspect.h"
#include "core/project/project.h"
#include "core/util/paths.h"

#include <iostream>
#include <memory>

#include <CLI/CLI.hpp>

namespace kdna::cli {

void addDemoCommand(CLI::App& app)
{
    auto dir = std::make_shared<std::string>();
    auto epochs = std::make_shared<int>(0);
    auto describeOnly = std::make_shared<bool>(false);
    auto* cmd = app.add_subcommand(
        "demo",
        "Write kdna's synthetic demo genome, tracks and project, then train and test it (offline)");
    cmd->add_option("--dir", *dir, "Folder for the demo files (default: the user cache)");
    cmd->add_option("--epochs", *epochs, "Epochs to train (default: the demo project's 4)")
        ->check(atLeast(1));
    cmd->add_flag("--no-train", *describeOnly, "Only write and describe the demo data");
    cmd->callback([dir, epochs, describeOnly] {
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
        const Project project = writeDemoProject(files);
        std::cout << "\nproject: " << (folder / "demo.kdna.json").string() << "\n\n";
        if (!*describeOnly)
            addDemoTraining(project, *epochs);
    });
}

} // namespace kdna::cli
