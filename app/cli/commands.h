#pragma once

namespace CLI {
class App;
}

/// Each `kdna` subcommand registers itself on the app; its callback does the work and throws
/// kdna::Error for anything the user must fix.
namespace kdna::cli {

void addInfoCommand(CLI::App& app);
void addDemoCommand(CLI::App& app);
void addShapeCommand(CLI::App& app);
/// The dataset keywords, from the catalog (core/data/dataset_keywords.h).
void addKeywordsCommand(CLI::App& app);
void addBatchesCommand(CLI::App& app);
void addTrainCommand(CLI::App& app);
/// evaluate, correlate, auc, predict and model: what a saved model can do.
void addModelCommands(CLI::App& app);
/// explain and variants: why a saved model predicts what it does (core/interpret).
void addInterpretCommands(CLI::App& app);

} // namespace kdna::cli

namespace kdna {
struct Project;
namespace cli {
/// Trains a project with the CLI's progress bar and evaluates it on its test chromosomes.
void addDemoTraining(const Project& project, int epochs);
} // namespace cli
} // namespace kdna
