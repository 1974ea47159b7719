#include "commands.h"
#include "util/error.h"
#include "util/memory.h"

#include <exception>
#include <iostream>

#include <CLI/CLI.hpp>

int main(int argc, char** argv)
{
    kdna::tuneAllocatorForTensors();
    CLI::App app{"kdna: train deep networks on a genome (keras_dna's generators and model "
                 "wrapper, native)"};
    app.set_version_flag("--version", std::string("kdna ") + KDNA_VERSION);
    app.require_subcommand(1);
    kdna::cli::addInfoCommand(app);
    kdna::cli::addDemoCommand(app);
    kdna::cli::addShapeCommand(app);
    kdna::cli::addBatchesCommand(app);
    kdna::cli::addTrainCommand(app);
    kdna::cli::addModelCommands(app);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    } catch (const kdna::Error& e) {
        std::cerr << "error: " << e.what() << '\n';
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "error: " << e.what() << '\n';
        return 2;
    }
    return 0;
}
