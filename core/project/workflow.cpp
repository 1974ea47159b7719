#include "core/project/workflow.h"

#include "core/distributed/process_group.h"
#include "core/model/model.h"
#include "core/project/resume.h"
#include "core/util/atomic_output.h"
#include "core/util/error.h"
#include "core/util/text.h"

namespace kdna {

ProjectData openProjectData(const Project& project, const std::vector<DataStatistics>* fitted,
                            GeneratorOptions options)
{
    options.workers = options.workers > 0 ? options.workers : project.training.workers;
    ProjectData data;
    data.train = openGenerator(project.dataset, fitted, options);
    if (const auto validation = project.validationSpec()) {
        const auto trainStats = statisticsOf(*data.train);
        try {
            data.validation = openGenerator(*validation, &trainStats, options);
        } catch (const Error& e) {
            throw e.withContext("validation data: ");
        }
    }
    return data;
}

DataShapes dataShapes(const Generator& generator)
{
    DataShapes shapes;
    shapes.inputs.push_back(generator.inputShape());
    shapes.targets.push_back(generator.labelShape());
    shapes.batchSize = generator.batchSize();
    if (!generator.secondaryShape().empty())
        (generator.secondaryAsTarget() ? shapes.targets : shapes.inputs)
            .push_back(generator.secondaryShape());
    return shapes;
}

void checkModelFitsData(const ModelSpec& model, const Generator& data)
{
    const ModelSummary summary = summarize(model);
    if (!summary.ok())
        throw Error::atKeyword("model", summary.error);
    const auto problems = checkAgainstData(model, summary, dataShapes(data));
    if (problems.empty())
        return;
    std::string message = "the model does not fit the data:";
    for (const auto& p : problems)
        message += "\n  " + p;
    throw Error(message, "model");
}

OutputKind modelArchiveOutput()
{
    return {"a kdna model archive", [](const std::filesystem::path& p) {
                return looksLikeModelArchive(p);
            }};
}

ModelArchive archiveOf(const Project& project, const Model& model, const History& history,
                       const std::vector<DataStatistics>& statistics)
{
    ModelArchive a;
    a.model = model.spec();
    a.weights = model.weightsBlob();
    a.compile = project.compile;
    a.training = project.training;
    a.history = history;
    a.trainSpec = project.dataset;
    a.validationSpec = project.validationSpec();
    a.statistics = statistics;
    a.baseDir = std::filesystem::absolute(project.base_dir.empty() ? std::filesystem::path(".")
                                                                   : project.base_dir)
                    .lexically_normal();
    a.dataDir = project.data_dir;
    return a;
}

namespace {

/// The saved statistics a run normalises with: the starting model's, unless it was trained on
/// other tracks; then (as keras_dna does for transfer learning) none, and they are refitted.
const std::vector<DataStatistics>* keptStatistics(const Project& project,
                                                  const TrainOptions& options)
{
    if (!options.startFrom)
        return nullptr;
    if (options.startFrom->trainSpec && primary(*options.startFrom->trainSpec).annotation_files !=
                                            primary(project.dataset).annotation_files)
        return nullptr;
    return &options.startFrom->statistics;
}

/// A folder that cannot take the model is found before the training, not after it.
void requireOutputs(const Project& project, const std::filesystem::path& archive)
{
    AtomicOutput::requireWritable(archive, modelArchiveOutput());
    if (project.training.checkpoint.enabled)
        AtomicOutput::requireWritable(project.resolve(project.training.checkpoint.path),
                                      modelArchiveOutput());
}

/// The weights are the saved model's: a project describing another model would train one
/// thing while printing another, or fail mid-run on a shape.
void requireSameArchitecture(const ModelArchive& start, const Project& project,
                             const std::string& option = "from")
{
    const auto differences = architectureDifferences(start.model, project.model);
    if (!differences.empty())
        throw Error("--" + option + ": the saved model's weights (" + start.file.string() +
                        ") do not fit the project's model: " + text::join(differences, "; "),
                    option);
}

/// The state an earlier `--resume` run of this model left, checked against the project.
std::optional<ResumedState> resumedState(const Project& project, const TrainOptions& options,
                                         const std::filesystem::path& archive)
{
    if (!options.resume)
        return std::nullopt;
    std::optional<ResumedState> s = loadResumeState(resumeFilesOf(archive));
    if (s)
        requireSameArchitecture(s->archive, project, "resume");
    return s;
}

/// After every epoch, on rank 0: the state a resumed run starts from.
std::function<void(const ResumePoint&)> resumeSaver(const Project& project, TrainOutcome& outcome)
{
    return [&project, &outcome](const ResumePoint& point) {
        saveResumeState(resumeFilesOf(outcome.archive),
                        archiveOf(project, *outcome.model, point.history, outcome.statistics),
                        point);
    };
}

/// Saves the trained model where asked or, when that fails (the disk filled up or the folder
/// went away during the run), to the temporary folder under a fresh name rather than lose it.
void saveTrained(const Project& project, TrainOutcome& outcome)
{
    const ModelArchive archive =
        archiveOf(project, *outcome.model, outcome.result.history, outcome.statistics);
    try {
        archive.save(outcome.archive);
    } catch (const Error& e) {
        // A fresh name there: the fallback never replaces a file it did not write.
        const auto fallback = AtomicOutput::freshName(std::filesystem::temp_directory_path() /
                                                      outcome.archive.filename());
        try {
            archive.save(fallback);
        } catch (const Error& again) {
            throw e.withContext("", "; saving it to " + fallback.string() +
                                        " instead failed too (" + again.what() + ")");
        }
        outcome.saveProblem = std::string(e.what()) + "; the model was saved to " +
                              fallback.string() + " instead (a new file)";
        outcome.archive = fallback;
    }
    outcome.saved = true;
}

} // namespace

std::vector<std::string> testChromosomeNotes(const Project& project, const Dataset& train,
                                             const Dataset* validation)
{
    std::vector<std::string> notes;
    const auto say = [&](const Dataset& data, const std::string& role, const std::string& why) {
        if (data.mixesDatasets()) // each dataset its own genome: names, not bases, are shared
            return;
        if (const auto both = chromosomesDrawnFrom(data, project.test_chr); !both.empty())
            notes.push_back(overlapNote("test data", both, role, why,
                                        "test_chr, or of the " + role + " chromosomes"));
    };
    say(train, "training", "the test evaluation scores windows the model trains on");
    if (validation)
        say(*validation, "validation",
            "the test evaluation scores windows that chose the kept model");
    return notes;
}

TrainOutcome trainProject(const Project& project, const TrainOptions& options)
{
    TrainOutcome outcome;
    if (options.startFrom)
        options.startFrom->checkWeights(); // a refused --from is said before any work
    const std::vector<DataStatistics>* fitted = keptStatistics(project, options);
    outcome.archive = options.output.empty() ? project.resolve(project.output) : options.output;
    requireOutputs(project, outcome.archive);
    if (options.startFrom)
        requireSameArchitecture(*options.startFrom, project);
    const std::optional<ResumedState> resumed = resumedState(project, options, outcome.archive);
    if (resumed)
        fitted = &resumed->archive.statistics; // the same data, normalised as it was
    ProjectData data = openProjectData(project, fitted);
    checkModelFitsData(project.model, *data.train);
    if (data.validation)
        checkModelFitsData(project.model, *data.validation);

    outcome.model = resumed ? resumed->archive.buildModel()
                    : options.startFrom
                        ? options.startFrom->buildModel()
                        : std::make_unique<Model>(project.model, project.training.seed);
    outcome.statistics = statisticsOf(*data.train);

    std::vector<std::string> notes = testChromosomeNotes(
        project, data.train->dataset(), data.validation ? &data.validation->dataset() : nullptr);
    TrainingRun run{*outcome.model,
                    *data.train,
                    data.validation.get(),
                    project.compile,
                    project.training,
                    options.observer,
                    options.cancel,
                    {},
                    {},
                    options.group,
                    {},
                    std::move(notes)};
    run.gradientBucketBytes = options.gradientBucketBytes;
    if (options.startFrom && options.startFrom->model == project.model)
        run.previous = options.startFrom->history;
    if (resumed) {
        run.previous = resumed->archive.history;
        run.resume.resumed = true;
        run.resume.optimizerState = resumed->optimizerState;
        run.resume.bestWeights = resumed->bestWeights;
        run.settings.epochs = std::max<int>(0, project.training.epochs -
                                                   static_cast<int>(run.previous.epochs.size()));
    }
    if (options.resume)
        run.resume.save = resumeSaver(project, outcome);
    if (project.training.checkpoint.enabled) {
        const auto checkpointPath = project.resolve(project.training.checkpoint.path);
        run.saveCheckpoint = [&project, &outcome, checkpointPath](int, const History& history) {
            archiveOf(project, *outcome.model, history, outcome.statistics).save(checkpointPath);
        };
    }
    const std::size_t epochsBefore = run.previous.epochs.size();
    outcome.result = train(std::move(run));
    const bool rankZero = !options.group || options.group->rank() == 0;
    if (rankZero && (outcome.result.history.epochs.size() > epochsBefore || resumed))
        saveTrained(project, outcome);
    if (rankZero && options.resume && !outcome.result.cancelled)
        removeResumeState(resumeFilesOf(outcome.archive));
    return outcome;
}

} // namespace kdna
