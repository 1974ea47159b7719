#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "app/cli/local_ranks.h"
#include "app/cli/run_options.h"
#include "app/cli/training_progress.h"
#include "core/distributed/process_group.h"
#include "core/model/model.h"
#include "core/project/model_tasks.h"
#include "core/project/project.h"
#include "core/util/error.h"
#include "core/util/text.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <iostream>
#include <map>
#include <memory>
#include <optional>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

namespace kdna::cli {
namespace {

/// keras_dna's placeholder in get_correlation's and get_auc's annotation_files: the training
/// file at this position is not scored ("complete with zeros if needed").
const std::string kUnscored = "0";

/// An existing file, or the placeholder.
CLI::Validator annotationFile()
{
    return CLI::Validator(
        [](std::string& value) -> std::string {
            return value == kUnscored ? std::string() : existingFile()(value);
        },
        "FILE|0");
}

/// The progress of a command on a saved model, the same whichever method runs (whole-sequence
/// or windows): a line redrawn in place on a terminal; in a log, a line at each tenth and
/// every progressLogSeconds() between, so a long window-by-window run is seen to move; with
/// the time left once it can be told.
class InferenceProgress {
public:
    explicit InferenceProgress(std::string what)
        : m_what(std::move(what))
    {}
    /// `fraction` done; `bases` done, when known, gives the rate in bp/s.
    bool update(double fraction, std::int64_t bases = -1)
    {
        const double s = std::chrono::duration<double>(Clock::now() - m_start).count();
        const double done = std::clamp(fraction, 0.0, 1.0);
        const int percent = static_cast<int>(100 * done);
        std::string text = m_what + " " + std::to_string(percent) + "% - ";
        text += bases >= 0 ? text::withThousands(static_cast<std::int64_t>(
                                 s > 0 ? static_cast<double>(bases) / s : 0)) +
                                 " bp/s"
                           : formatDuration(s);
        // A rate settles after a few seconds and a percent of the work.
        if (done >= 0.01 && done < 1 && s >= 2)
            text += " - about " + formatDuration(s * (1 - done) / done) + " left";
        if (percent / 10 > m_tenth) {
            m_tenth = percent / 10;
            m_line.milestone(text);
        } else {
            m_line.update(text);
        }
        return true;
    }
    void finish() { m_line.finish(""); }

private:
    using Clock = std::chrono::steady_clock;
    std::string m_what;
    ProgressLine m_line;
    Clock::time_point m_start = Clock::now();
    int m_tenth = -1;
};

/// Options every command on a saved model shares.
struct ModelArgs {
    std::string model;
    RunOptions runOn;
    std::vector<std::string> chromosomes;
    std::vector<std::string> fastas;
    std::vector<std::string> annotations;
    bool weights = false;
    std::string method = "auto";
    std::string precision = "fp32";
    std::int64_t steps = 0;
    int nproc = 0;

    void add(CLI::App& cmd, bool needChromosomes)
    {
        cmd.add_option("model", model, "Model archive written by kdna train (*.kdna)")
            ->required()
            ->check(existingFile());
        auto* chrom = cmd.add_option("--chrom,-c", chromosomes,
                                     "Chromosome(s) to use (keras_dna's incl_chromosomes)");
        if (needChromosomes)
            chrom->required();
        cmd.add_option("--fasta", fastas,
                       "Another genome (cross-species), or which genome of a MultiGenerator "
                       "model (fasta_file); repeated, one per dataset of a MultiGenerator, in "
                       "dataset order, to use each")
            ->check(existingFile());
        cmd.add_option("--annotation", annotations,
                       "Other annotation file(s), one per training file (with one --fasta per "
                       "dataset: each dataset's files in turn); for correlate and auc, 0 leaves "
                       "that training file's track unscored (keras_dna's '0')")
            ->check(annotationFile());
        cmd.add_flag("--weights", weights, "Apply the sample weights (keras_dna's weights_eval)");
        cmd.add_option("--method", method, "auto, whole (whole-sequence inference) or windows")
            ->capture_default_str()
            ->check(oneOf({"auto", "whole", "windows"}));
        cmd.add_option("--precision", precision, "fp32 or bf16")
            ->capture_default_str()
            ->check(oneOf({"fp32", "bf16"}));
        runOn.add(cmd);
    }
    /// Keras evaluate's steps, for the commands that score windows one by one in a sample.
    void addSteps(CLI::App& cmd)
    {
        cmd.add_option("--steps", steps,
                       "Score this many batches of the training's batch_size, spread evenly "
                       "over the chromosomes (Keras' evaluate steps; default: every window)")
            ->check(atLeast(1));
    }
    [[nodiscard]] LoadedModel load() const { return runOn.load(model); }
    /// The --annotation files, relative to the folder the command was typed in (as for
    /// predict). `unscoredAllowed`: the command scores each track on its own (correlate, auc),
    /// so a '0' can leave one out.
    [[nodiscard]] std::vector<std::string> annotationFiles(bool unscoredAllowed) const
    {
        std::vector<std::string> here;
        for (const auto& a : annotations)
            if (a != kUnscored)
                here.push_back(fromHere(a));
        if (here.size() == annotations.size())
            return here;
        if (!unscoredAllowed)
            throw Error("--annotation: '0' (keras_dna's placeholder for a track not to "
                        "score) is for correlate and auc, which score each track on its "
                        "own; this command scores every output, so give every file");
        if (here.empty())
            throw Error("--annotation: every file is '0', so no track is left to score; "
                        "give at least one file");
        // As keras_dna does, an unscored position reads a scored file: the training file
        // there may name another genome's chromosomes.
        const std::string standIn = here.front();
        here.clear();
        for (const auto& a : annotations)
            here.push_back(a == kUnscored ? standIn : fromHere(a));
        return here;
    }
    [[nodiscard]] std::vector<std::string> fastaFiles() const
    {
        std::vector<std::string> here;
        for (const auto& f : fastas)
            here.push_back(fromHere(f));
        return here;
    }
    /// One run per dataset the files choose (chooseDatasets): one, unlabelled, unless several
    /// --fasta give one per dataset of a MultiGenerator.
    struct Run {
        std::string label; ///< "dataset 1 (ce11.fa): ", empty for a single run
        EvaluationData data;
        std::size_t firstAnnotation = 0; ///< its files' place among --annotation's
    };
    [[nodiscard]] std::vector<Run> runs(const LoadedModel& m, bool unscoredAllowed = false) const
    {
        const auto fasta = fastaFiles();
        const auto files = annotationFiles(unscoredAllowed);
        if (fasta.size() <= 1)
            return {{"",
                     {chromosomes, fasta.empty() ? "" : fasta.front(), files, weights, std::nullopt,
                      std::nullopt, steps},
                     0}};
        if (!m.archive.trainSpec)
            throw Error("--fasta: the model archive holds no training generator command");
        std::vector<Run> out;
        std::size_t first = 0;
        for (const DatasetChoice& c : chooseDatasets(*m.archive.trainSpec, fasta, files)) {
            Run r;
            r.label = "dataset " + std::to_string(c.index) + " (" +
                      std::filesystem::path(c.spec.fasta_file).filename().string() + "): ";
            const std::size_t n = files.empty() ? 0 : c.spec.annotation_files.size();
            r.data = {
                chromosomes,
                fasta[c.index],
                std::vector<std::string>(files.begin() + static_cast<std::ptrdiff_t>(first),
                                         files.begin() + static_cast<std::ptrdiff_t>(first + n)),
                weights,
                std::nullopt,
                c.index,
                steps};
            r.firstAnnotation = first;
            first += n;
            out.push_back(std::move(r));
        }
        return out;
    }
    /// Whether the training file at `position` (annotation_files order) is scored.
    [[nodiscard]] bool scored(std::size_t position) const
    {
        return position >= annotations.size() || annotations[position] != kUnscored;
    }
    /// `progress` shows this rank's share (none on the ranks that do not report).
    [[nodiscard]] ScoreOptions scoreOptions(std::optional<InferenceProgress>& progress,
                                            dist::ProcessGroup* group) const
    {
        ScoreOptions o;
        o.method = method;
        o.precision = precision;
        if (progress)
            o.progress = [&progress](double f) {
                return progress->update(f);
            };
        o.group = group;
        return o;
    }
};

std::string methodNote(const std::string& method, const std::string& reason)
{
    return method + (reason.empty() ? std::string() : " (" + reason + ")");
}

/// Leaves out the correlations of the tracks `args` marks '0', as keras_dna's get_correlation
/// does. Continuous file i is track correlate_{i / k}_{i % k}, k = nb_annotation_type (the
/// order outputTracks names them in).
void dropUnscored(const ModelArgs& args, const DatasetSpec& trained, std::size_t first,
                  std::map<std::string, double>& correlations)
{
    const auto k = static_cast<std::size_t>(std::max(1, trained.nb_annotation_type));
    for (std::size_t i = 0; first + i < args.annotations.size(); ++i)
        if (!args.scored(first + i))
            correlations.erase("correlate_" + std::to_string(i / k) + "_" + std::to_string(i % k));
}

/// A model command's rank: rank 0 alone shows the opening of a track cache or genome and the
/// progress.
struct ModelRank : CommandRank {
    std::optional<OpeningProgressLine> opening;

    explicit ModelRank(ModelArgs& args)
        : CommandRank(args.runOn.device)
    {
        if (reports())
            opening.emplace();
    }
    /// A progress line on the rank that reports.
    [[nodiscard]] std::optional<InferenceProgress> progress(const std::string& what) const
    {
        std::optional<InferenceProgress> p;
        if (reports())
            p.emplace(what);
        return p;
    }
};

/// " (an even sample of N: --steps S)" when --steps scored a sample of N, else nothing.
std::string sampleNote(std::int64_t sampledFrom, const ModelArgs& args)
{
    if (sampledFrom == 0)
        return {};
    return " (an even sample of " + text::withThousands(sampledFrom) + ": --steps " +
           std::to_string(args.steps) + ")";
}

void addEvaluate(CLI::App& app)
{
    auto args = std::make_shared<ModelArgs>();
    auto* cmd = app.add_subcommand(
        "evaluate", "Loss and metrics of a saved model on chromosomes (keras_dna's evaluate)");
    args->add(*cmd, true);
    args->addSteps(*cmd);
    addNprocOption(*cmd, args->nproc, "a share of the windows, their sums added up");
    cmd->callback([args] {
        if (launchedLocalRanks(args->nproc))
            return;
        const ModelRank rank(*args);
        LoadedModel m = args->load();
        for (const auto& run : args->runs(m)) {
            auto progress = rank.progress("evaluating");
            const auto r = evaluateModel(m, run.data, args->scoreOptions(progress, rank.group()));
            if (!rank.reports())
                continue;
            progress->finish();
            std::cout << run.label << text::join(args->chromosomes, ", ") << ": "
                      << formatMetrics(r.metrics) << "\n"
                      << text::withThousands(r.examples) << " windows"
                      << sampleNote(r.sampledFrom, *args) << ", " << text::number(r.seconds, 2)
                      << " s, " << methodNote(r.method, r.reason) << rank.note() << std::endl;
        }
    });
}

void addCorrelate(CLI::App& app)
{
    auto args = std::make_shared<ModelArgs>();
    auto* cmd = app.add_subcommand("correlate",
                                   "Pearson r between predictions and the experiment per track "
                                   "(keras_dna's get_correlation), over every position");
    args->add(*cmd, true);
    args->addSteps(*cmd);
    auto json = std::make_shared<bool>(false);
    cmd->add_flag("--json", *json, "Print keras_dna's dictionary as JSON");
    addNprocOption(*cmd, args->nproc, "a share of the positions, their sums added up");
    cmd->callback([args, json] {
        if (launchedLocalRanks(args->nproc))
            return;
        const ModelRank rank(*args);
        LoadedModel m = args->load();
        const auto runs = args->runs(m, true);
        nlohmann::json perDataset = nlohmann::json::object();
        for (const auto& run : runs) {
            auto progress = rank.progress("correlating");
            auto r = correlateModel(m, run.data, args->scoreOptions(progress, rank.group()));
            if (!rank.reports())
                continue;
            progress->finish();
            dropUnscored(*args, m.trainSpec(), run.firstAnnotation, r.correlations);
            if (*json) {
                perDataset["dataset_" + std::to_string(run.data.dataset.value_or(0))] =
                    r.correlations;
                continue;
            }
            for (const auto& [name, value] : r.correlations)
                std::cout << run.label << name << "\t" << text::number(value, 4) << "\n";
            std::cout << run.label << "over " << text::withThousands(r.positions) << " positions"
                      << sampleNote(r.sampledFrom, *args) << " of "
                      << text::join(args->chromosomes, ", ") << ", " << text::number(r.seconds, 2)
                      << " s, " << methodNote(r.method, r.reason) << rank.note() << std::endl;
        }
        if (!rank.reports())
            return;
        // keras_dna's dictionary; with one --fasta per dataset, one dictionary per dataset.
        if (*json)
            std::cout << (runs.size() == 1 ? perDataset.begin().value() : perDataset).dump()
                      << std::endl;
    });
}

void addAuc(CLI::App& app)
{
    auto args = std::make_shared<ModelArgs>();
    auto* cmd = app.add_subcommand(
        "auc", "AUROC or AUPRC per cell type and annotation (keras_dna's get_auc)");
    args->add(*cmd, true);
    auto curve = std::make_shared<std::string>("ROC");
    auto noAugmentation = std::make_shared<bool>(false);
    cmd->add_option("--curve", *curve, "ROC or PR")
        ->capture_default_str()
        ->check(oneOf({"ROC", "PR"}));
    cmd->add_flag("--no-augmentation", *noAugmentation, "Positives are the centred windows only");
    addNprocOption(*cmd, args->nproc, "a share of the windows, their rankings merged");
    cmd->callback([args, curve, noAugmentation] {
        if (launchedLocalRanks(args->nproc))
            return;
        const ModelRank rank(*args);
        LoadedModel m = args->load();
        for (const auto& run : args->runs(m, true)) {
            auto progress = rank.progress("scoring");
            const auto results = aucModel(m, run.data, !*noAugmentation, *curve,
                                          args->scoreOptions(progress, rank.group()));
            if (!rank.reports())
                continue;
            progress->finish();
            for (const auto& r : results) {
                if (!args->scored(run.firstAnnotation + static_cast<std::size_t>(r.cell)))
                    continue;
                std::cout << run.label << "cell_idx " << r.cell << "\t" << r.annotation << "\t"
                          << (r.curve == "PR" ? "AUPR" : "AUROC") << " " << text::number(r.value, 4)
                          << "\t(" << text::withThousands(r.positives) << " positive, "
                          << text::withThousands(r.negatives) << " negative windows"
                          << (r.errorNote().empty() ? "" : "; " + r.errorNote()) << ")\n";
            }
        }
        std::cout << std::flush;
    });
}

std::pair<std::int64_t, std::int64_t> parseRange(const std::string& s)
{
    const auto dash = s.find('-');
    std::int64_t a = 0, b = 0;
    std::string left = s.substr(0, dash),
                right = dash == std::string::npos ? "" : s.substr(dash + 1);
    left.erase(std::remove(left.begin(), left.end(), ','), left.end());
    right.erase(std::remove(right.begin(), right.end(), ','), right.end());
    if (dash == std::string::npos || !text::parseInt(left, a) || !text::parseInt(right, b) || b < a)
        throw Error::atKeyword("start_stop", "'" + s + "' is not START-STOP (e.g. 10000-20000)");
    return {a, b};
}

/// With one --fasta per dataset, dataset i's prediction goes to `<out>_dataset{i}.bw`.
std::string datasetOutput(const std::string& out, std::size_t dataset)
{
    std::string prefix = out;
    if (text::endsWith(text::toLower(prefix), ".bw"))
        prefix.resize(prefix.size() - 3);
    return prefix + "_dataset" + std::to_string(dataset) + ".bw";
}

void printPrediction(const std::string& label, const PredictSummary& summary,
                     const std::vector<std::filesystem::path>& files)
{
    std::cout << label << "predicted " << text::withThousands(summary.bases) << " bases of "
              << summary.chromosomes.size() << " chromosome(s) in "
              << text::number(summary.seconds, 2) << " s: "
              << text::withThousands(static_cast<std::int64_t>(static_cast<double>(summary.bases) /
                                                               std::max(1e-9, summary.seconds)))
              << " bp/s, " << methodNote(summary.method, summary.reason) << "\n";
    for (const auto& f : files)
        std::cout << "wrote " << f.string() << "\n";
    for (const auto& note : summary.notes)
        std::cout << "note: " << note << "\n";
    std::cout << std::flush;
}

void addPredict(CLI::App& app)
{
    auto args = std::make_shared<ModelArgs>();
    auto* cmd = app.add_subcommand("predict", "Predict chromosomes (or regions) and write bigWig "
                                              "(keras_dna's predict with export_to_path)");
    args->add(*cmd, false);
    auto out = std::make_shared<std::string>();
    auto chromSizes = std::make_shared<std::string>();
    auto regions = std::make_shared<std::vector<std::string>>();
    auto rc = std::make_shared<bool>(false);
    auto batch = std::make_shared<std::int64_t>(256);
    cmd->add_option("--out,-o", *out, "bigWig to write (several tracks: one file per track)")
        ->required()
        ->check(writablePath());
    cmd->add_option("--chrom-sizes", *chromSizes,
                    "chrom.sizes for the bigWig header (keras_dna's chrom_size)")
        ->check(existingFile());
    cmd->add_option("--start-stop", *regions, "START-STOP region per --chrom (window centres)");
    cmd->add_flag("--rc", *rc, "Predict on the reverse-complement strand");
    cmd->add_option("--batch-size", *batch, "Windows per batch (windows method)")
        ->capture_default_str()
        ->check(atLeast(1));
    addNprocOption(*cmd, args->nproc, "a share of the chromosomes, rank 0 merging");
    cmd->callback([args, out, chromSizes, regions, rc, batch] {
        if (launchedLocalRanks(args->nproc))
            return;
        const ModelRank rank(*args);
        LoadedModel m = args->load();
        const auto runs = args->runs(m);
        if (rank.group() && rank.reports())
            std::cout << "sharded prediction: " << rank.group()->size() << " ranks ("
                      << rank.group()->config().source << ")" << std::endl;
        for (const auto& run : runs) {
            PredictRequest request;
            request.chromosomes = args->chromosomes;
            for (const auto& r : *regions)
                request.startStop.push_back(parseRange(r));
            request.fasta = run.data.fasta;
            request.dataset = run.data.dataset;
            request.annotations = run.data.annotations;
            request.chromSizes = fromHere(*chromSizes);
            request.rc = *rc;
            request.method = args->method;
            request.precision = args->precision;
            request.batchSize = *batch;
            request.group = rank.group();
            auto progress = rank.progress("predicting");
            std::optional<PhaseProgressLine> writing;
            if (rank.reports()) {
                request.progress = [&progress](std::int64_t done, std::int64_t total) {
                    return progress->update(
                        total > 0 ? static_cast<double>(done) / static_cast<double>(total) : 0,
                        done);
                };
                writing.emplace("Writing the prediction: ");
                request.writing = [&](const std::string& what, std::int64_t done,
                                      std::int64_t total) {
                    if (progress) {
                        progress->finish(); // the prediction's line ends where the pass starts
                        progress.reset();
                    }
                    writing->show(what, done, total);
                };
            }
            PredictSummary summary;
            const auto files = predictModel(
                m, request, runs.size() == 1 ? *out : datasetOutput(*out, *run.data.dataset),
                &summary);
            if (!rank.reports())
                continue;
            if (progress)
                progress->finish();
            printPrediction(run.label, summary, files);
        }
        std::cout << std::flush;
    });
}

void addModelInfo(CLI::App& app)
{
    auto path = std::make_shared<std::string>();
    auto commands = std::make_shared<bool>(false);
    auto project = std::make_shared<std::string>();
    auto stateDict = std::make_shared<std::string>();
    auto* cmd = app.add_subcommand("model",
                                   "Describe a saved model; print its generator commands "
                                   "(load_generator_command) or write a project to train it again");
    cmd->add_option("model", *path, "Model archive (*.kdna)")->required()->check(existingFile());
    cmd->add_flag("--commands", *commands,
                  "Print the training and validation generator commands as JSON");
    cmd->add_option("--project", *project,
                    "Write a project file that reuses the model and its data (load_wrapper)")
        ->check(writablePath());
    cmd->add_option("--export-state-dict", *stateDict,
                    "Write the weights as .safetensors (PyTorch state-dict names)")
        ->check(writablePath());
    cmd->callback([path, commands, project, stateDict] {
        const ModelArchive a = ModelArchive::load(*path);
        // Weights that cannot be exported are refused before anything is printed or written.
        const std::unique_ptr<Model> exported = stateDict->empty() ? nullptr : a.buildModel();
        if (*commands) {
            std::cout << nlohmann::json::array(
                             {a.generatorCommand(false), a.generatorCommand(true)})
                             .dump(2)
                      << std::endl;
            return;
        }
        std::cout << summarize(a.model).toText(a.model.name);
        std::cout << "trained with kdna " << a.kdnaVersion << " on " << a.created << ", "
                  << a.history.epochs.size() << " epochs";
        if (!a.history.epochs.empty())
            std::cout << "; last: " << formatMetrics(a.history.epochs.back());
        std::cout << "\n";
        if (a.trainSpec)
            std::cout << "training data: " << toJson(*a.trainSpec).dump() << "\n";
        for (std::size_t i = 0; i < a.statistics.size(); ++i)
            for (std::size_t f = 0; f < a.statistics[i].labels.size(); ++f)
                std::cout << "normalisation of track " << f << ": "
                          << a.statistics[i].labels[f].describe() << "\n";
        if (!project->empty()) {
            Project p;
            p.name =
                a.model.name + " (from " + std::filesystem::path(*path).filename().string() + ")";
            if (a.trainSpec)
                p.dataset = *a.trainSpec;
            p.validation_dataset = a.validationSpec;
            p.model = a.model;
            p.compile = a.compile;
            p.training = a.training;
            // Training it again must not overwrite the archive it came from.
            p.output = std::filesystem::path(*path).stem().string() + "_retrained.kdna";
            p.save(*project);
            std::cout << "wrote " << *project << " (train it again with: kdna train " << *project
                      << " --from " << *path << ")\n";
        }
        if (!stateDict->empty()) {
            exported->exportStateDict(*stateDict);
            std::cout << "wrote " << *stateDict << " (safetensors.torch.load_file reads it)\n";
        }
        std::cout << std::flush;
    });
}

} // namespace

void addModelCommands(CLI::App& app)
{
    addEvaluate(app);
    addCorrelate(app);
    addAuc(app);
    addPredict(app);
    addModelInfo(app);
}

} // namespace kdna::cli
