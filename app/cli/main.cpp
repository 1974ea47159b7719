#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "core/util/atomic_output.h"
#include "core/util/describe.h"
#include "core/util/memory.h"

#include <exception>
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>

namespace {

/// The first line of a library's message: the rest is a backtrace or a dump for developers.
std::string firstLine(const std::string& message)
{
    return message.substr(0, message.find('\n'));
}

int fail(const std::string& message)
{
    std::cerr << "error: " << message << '\n';
    return 1;
}

/// CLI11 answers a mistyped command with "A subcommand is required"; this names the word and
/// the commands there are. Empty when the first argument is an option or a command.
std::string unknownCommand(const CLI::App& app, int argc, char** argv)
{
    if (argc < 2 || argv[1][0] == '-')
        return {};
    const std::string word = argv[1];
    std::string names;
    for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
        if (sub->get_name() == word)
            return {};
        names += (names.empty() ? "" : ", ") + sub->get_name();
    }
    return "'" + word + "' is not a kdna command; the commands are " + names;
}

} // namespace

int main(int argc, char** argv)
{
    kdna::tuneAllocatorForTensors();
    // An interrupted command leaves no hidden half-written file behind.
    kdna::AtomicOutput::removeTemporariesOnSignal();
    CLI::App app{"kdna: train deep networks on a genome (keras_dna's generators and model "
                 "wrapper, native)"};
    app.set_version_flag("--version", std::string("kdna ") + KDNA_VERSION);
    app.require_subcommand(1);
    kdna::cli::addInfoCommand(app);
    kdna::cli::addDemoCommand(app);
    kdna::cli::addShapeCommand(app);
    kdna::cli::addKeywordsCommand(app);
    kdna::cli::addBatchesCommand(app);
    kdna::cli::addTrainCommand(app);
    kdna::cli::addModelCommands(app);
    kdna::cli::addInterpretCommands(app);

    // Every failure is one line "error: ..." and exit status 1; only --help and --version
    // go through CLI11's own printing.
    if (const std::string unknown = unknownCommand(app, argc, argv); !unknown.empty())
        return fail(unknown + " (see kdna --help)");
    try {
        (void)kdna::cli::progressLogSeconds(); // a bad KDNA_PROGRESS_SECONDS stops before any work
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        return fail(firstLine(e.what()) + " (see kdna --help)");
    } catch (const std::exception& e) {
        return fail(kdna::describe(e)); // worded as the studio words it
    }
    return 0;
}
