#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "app/cli/local_ranks.h"
#include "app/cli/training_progress.h"
#include "core/distributed/process_group.h"
#include "core/genome/genome.h"
#include "core/model/model.h"
#include "core/project/resume.h"
#include "core/project/test_evaluation.h"
#include "core/project/workflow.h"
#include "core/util/atomic_output.h"
#include "core/util/error.h"
#include "core/util/text.h"

#include <csignal>
#include <cstdint>
#include <iostream>
#include <memory>
#include <optional>

#include <CLI/CLI.hpp>

namespace kdna::cli {
namespace {

std::atomic<bool> g_interrupted{false};

struct TrainArgs {
    std::string project;
    DataOption data;
    store::CacheSettings memory;
    int epochs = 0;
    std::int64_t steps = 0;
    std::int64_t validationSteps = 0;
    std::int64_t evalSteps = 0;
    bool noEval = false;
    std::string device;
    std::string precision;
    int threads = -1;
    int workers = 0;
    std::string out;
    std::string from;
    bool resume = false;
    std::string stateDict;
    int nproc = 0;
    std::string bucketCap;
};

/// What the saved model scores on the project's test chromosomes (the studio shows the same),
/// alone or as a rank of `group` (each rank scoring a share of the windows); rank 0 prints.
void evaluateOnTest(const Project& project, const std::filesystem::path& archive,
                    std::int64_t sampleBatches, dist::ProcessGroup* group = nullptr)
{
    TestEvaluationOptions options;
    options.sampleBatches = sampleBatches;
    options.score.group = group;
    const TestEvaluation result = evaluateOnTestChromosomes(project, archive, options);
    if (result.chromosomes.empty() || (group && group->rank() != 0))
        return;
    std::cout << "test on " << text::join(result.chromosomes, ", ") << " ("
              << text::withThousands(result.examples) << " windows" << shardedNote(group)
              << "): " << formatMetrics(result.metrics) << std::endl;
}

/// An unknown test chromosome is found before the training, not after it.
void requireTestChromosomes(const Project& project)
{
    if (project.test_chr.empty())
        return;
    const DatasetSpec& data = primary(project.dataset);
    const Genome genome = Genome::open(data.resolve(data.fasta_file));
    try {
        for (const auto& chrom : project.test_chr)
            (void)genome.length(chrom); // throws naming the near names
    } catch (const Error& e) {
        throw Error::atKeyword("test_chr", e);
    }
}

/// The command line's settings over the project's.
void overrideSettings(const TrainArgs& args, TrainSettings& training)
{
    if (args.epochs > 0)
        training.epochs = args.epochs;
    if (args.steps > 0)
        training.steps_per_epoch = args.steps;
    if (args.validationSteps > 0)
        training.validation_steps = args.validationSteps;
    if (!args.device.empty())
        training.device = args.device;
    if (!args.precision.empty())
        training.precision = args.precision;
    if (args.threads >= 0)
        training.threads = args.threads;
    if (args.workers > 0)
        training.workers = args.workers;
}

void runTrain(const TrainArgs& args)
{
    args.memory.apply();
    Project project = Project::load(args.project, args.data.folder());
    overrideSettings(args, project.training);
    const CommandRank rank(project.training.device);
    dist::ProcessGroup* const group = rank.group();
    const bool rankZero = rank.reports();
    throwIfProblems(validate(project.training), "training");

    const std::filesystem::path target =
        args.out.empty() ? project.resolve(project.output) : std::filesystem::path(args.out);
    try {
        AtomicOutput::requireWritable(target, modelArchiveOutput());
    } catch (const Error& e) {
        throw e.withContext("", "; write the model elsewhere with --out FILE");
    }
    if (!args.stateDict.empty())
        AtomicOutput::requireWritable(args.stateDict, {});
    std::optional<OpeningProgressLine> opening; // rank 0 alone says how far reading has come
    if (rankZero)
        opening.emplace(); // from the genome's first indexing, which the test check may do
    requireTestChromosomes(project);

    if (rankZero)
        std::cout << summarize(project.model).toText(project.model.name);
    if (group && rankZero)
        std::cout << "data-parallel training: " << group->size() << " ranks ("
                  << group->config().source << ")" << std::endl;
    std::optional<ModelArchive> start;
    if (!args.from.empty())
        start = ModelArchive::load(args.from);

    if (const auto files = resumeFilesOf(target);
        args.resume && rankZero && std::filesystem::exists(files.archive))
        std::cout << "resuming from " << files.archive.string() << std::endl;

    TrainingProgress progress;
    TrainOptions options;
    options.observer = rankZero ? &progress : nullptr;
    options.cancel = &g_interrupted;
    options.group = group;
    if (!args.bucketCap.empty())
        options.gradientBucketBytes = store::parseMemorySize(args.bucketCap);
    options.startFrom = start ? &*start : nullptr;
    options.output = args.out;
    options.resume = args.resume;
    // The first Ctrl-C stops the training gracefully (the best weights are saved); the
    // handler before it (which removes temporaries) comes back afterwards.
    const auto previous = std::signal(SIGINT, [](int) { g_interrupted = true; });
    const TrainOutcome outcome = trainProject(project, options);
    std::signal(SIGINT, previous);
    // The test evaluation (every window or a sample) is shared out when rank 0 has saved the
    // archive where every rank reads it; rank 0 says so before anything it writes can fail.
    const bool evaluate = !outcome.result.cancelled && !args.noEval;
    const bool sharedEvaluation =
        group && group->broadcastFlag(rankZero && evaluate && outcome.saved &&
                                          outcome.saveProblem.empty() && !project.test_chr.empty(),
                                      "the start of the test evaluation");
    dist::ProcessGroup* evaluationGroup = sharedEvaluation ? group : nullptr;
    if (!rankZero) { // rank 0 alone writes and reports
        if (sharedEvaluation)
            evaluateOnTest(project, outcome.archive, args.evalSteps, evaluationGroup);
        return;
    }

    if (!outcome.saved)
        throw Error("training was interrupted before its first epoch ended; nothing was saved");
    if (!outcome.saveProblem.empty())
        std::cerr << "warning: " << outcome.saveProblem << std::endl;
    const auto history = std::filesystem::path(outcome.archive.string() + ".history.csv");
    outcome.result.history.writeCsv(history);
    std::cout << "model: " << outcome.archive.string() << "\nhistory: " << history.string()
              << std::endl;
    if (!args.stateDict.empty()) {
        outcome.model->exportStateDict(args.stateDict);
        std::cout << "state dict (safetensors): " << args.stateDict << std::endl;
    }
    if (evaluate)
        evaluateOnTest(project, outcome.archive, args.evalSteps, evaluationGroup);
    if (outcome.result.cancelled)
        throw Error("training was interrupted; the best weights so far are saved in " +
                    outcome.archive.string());
}

} // namespace

void addTrainCommand(CLI::App& app)
{
    auto args = std::make_shared<TrainArgs>();
    auto* cmd = app.add_subcommand(
        "train", "Train a project's model on its data and save the model archive");
    cmd->add_option("project", args->project, "Project file (*.kdna.json)")
        ->required()
        ->check(existingFile());
    addDataOption(*cmd, args->data);
    cmd->add_option("--epochs", args->epochs, "Override the project's epochs")->check(atLeast(1));
    cmd->add_option("--steps", args->steps, "Override steps_per_epoch")->check(atLeast(1));
    cmd->add_option("--validation-steps", args->validationSteps, "Override validation_steps")
        ->check(atLeast(1));
    cmd->add_option("--eval-steps", args->evalSteps,
                    "After training, evaluate a sample of this many batches of the test "
                    "chromosomes (0: every window, as the studio does)")
        ->capture_default_str()
        ->check(atLeast(0));
    cmd->add_flag("--no-eval", args->noEval, "Skip the evaluation on the test chromosomes");
    cmd->add_option("--device", args->device, "cpu, cuda or cuda:N");
    cmd->add_option("--precision", args->precision,
                    "fp32, or bf16 (bfloat16 autocast, fp32 weights)")
        ->check(oneOf({"fp32", "bf16"}));
    cmd->add_option("--threads", args->threads, "torch threads (0: every core)")->check(atLeast(0));
    addMemoryOption(*cmd, args->memory);
    cmd->add_option("--workers", args->workers, "batch-preparation threads")->check(atLeast(0));
    cmd->add_option("--out", args->out, "Model archive to write (default: the project's output)")
        ->check(writablePath());
    cmd->add_option("--from", args->from, "Start from a saved model's weights (transfer learning)")
        ->check(existingFile());
    cmd->add_flag("--resume", args->resume,
                  "After every epoch keep the run's state beside the model (MODEL.resume.kdna "
                  "and its optimiser state); started again with --resume, continue from it "
                  "(the project's epochs count those done); removed when training ends")
        ->excludes("--from");
    cmd->add_option("--export-state-dict", args->stateDict,
                    "Also write the weights as .safetensors (PyTorch state-dict names)")
        ->check(writablePath());
    addNprocOption(*cmd, args->nproc, "a data-parallel share of the batches");
    cmd->add_option("--bucket-cap", args->bucketCap,
                    "In a group, send the gradients in buckets of about this size as the backward "
                    "pass computes them, e.g. 1M or 256k (DDP's bucket_cap_mb; default " +
                        store::formatMemorySize(dist::kDefaultBucketBytes) + ")")
        ->check(CLI::Validator(
            [](std::string& value) -> std::string {
                return store::parseMemorySize(value) > 0
                           ? std::string()
                           : "must be a size such as 4M or 256k, not '" + value + "'";
            },
            "SIZE"));
    cmd->callback([args] {
        if (!launchedLocalRanks(args->nproc))
            runTrain(*args);
    });
}

void addDemoTraining(const Project& project, int epochs)
{
    Project p = project;
    if (epochs > 0)
        p.training.epochs = epochs;
    std::cout << summarize(p.model).toText(p.model.name);
    TrainingProgress progress;
    TrainOptions options;
    options.observer = &progress;
    const OpeningProgressLine opening;
    const TrainOutcome outcome = trainProject(p, options);
    outcome.result.history.writeCsv(outcome.archive.string() + ".history.csv");
    std::cout << "model: " << outcome.archive.string() << std::endl;
    evaluateOnTest(p, outcome.archive, 0);
}

} // namespace kdna::cli
