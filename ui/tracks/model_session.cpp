#include "ui/tracks/model_session.h"

#include "core/eval/prediction_pairing.h"
#include "core/eval/whole_sequence.h"
#include "core/genome/genome.h"
#include "core/model/inference_plan.h"
#include "core/project/model_tasks.h"
#include "core/tracks/bigwig.h"
#include "core/util/chrom_names.h"
#include "core/util/error.h"
#include "ui/bridge/background_task.h"
#include "ui/bridge/qt_convert.h"

#include <cmath>
#include <cstdint>
#include <limits>

#include <QFileInfo>

namespace kdna::ui {
namespace {

/// What loading a model tells the viewer, gathered off the GUI thread.
struct ModelFacts {
    std::shared_ptr<LoadedModel> model;
    QString genome;
    std::vector<std::string> chromosomes;
    QStringList trackNames;
    QStringList experiments;
    std::vector<Normalizer> normalizers;
    QStringList notes;
    QString plan;
};

ModelFacts readFacts(const std::string& archive, const std::string& dataDir)
{
    ModelFacts facts;
    facts.model = std::make_shared<LoadedModel>(loadModel(archive, dataDir));
    const DatasetSpec& spec = facts.model->trainSpec();
    const auto fasta = spec.resolve(spec.fasta_file);
    facts.genome = qs(fasta.string());
    facts.chromosomes = Genome::open(fasta).names();
    const Model& model = *facts.model->model;
    const OutputLayouts layouts = outputLayouts(
        spec, facts.model->inputLength(), model.spec().outputNames(), model.summary().outputShapes);
    for (const std::string& note : layouts.notes)
        facts.notes << qs(note);
    for (const PredictedTrack& t :
         predictedTracks(spec, layouts, facts.model->archive.statistics)) {
        facts.trackNames << qs(t.name);
        facts.experiments << (t.experiment.empty() ? QString() : qs(t.experiment.string()));
        facts.normalizers.push_back(t.normalizer);
    }
    const WholeSequencePlan plan = planWholeSequenceFor(model.spec(), 0);
    facts.plan = plan.possible ? QStringLiteral("whole-sequence") : qs(plan.reason);
    return facts;
}

/// Reports the predictor's progress to the task and stops it when the task is cancelled.
std::function<bool(std::int64_t, std::int64_t)> progressOf(TaskContext& context)
{
    return [&context](std::int64_t done, std::int64_t total) {
        context.progress(total > 0 ? static_cast<double>(done) / static_cast<double>(total) : 0);
        return !context.cancelled();
    };
}

/// The prediction's r with its experiment over `range` (predictionCorrelation, as the viewer's
/// lane label computes it); NaN when there is no experiment or it lacks the chromosome.
double correlationWithExperiment(const std::vector<float>& predicted, const QString& experiment,
                                 const Normalizer& normalizer, const GenomicRange& range)
{
    if (experiment.isEmpty())
        return std::numeric_limits<double>::quiet_NaN();
    const BigWigReader reader = BigWigReader::open(ss(experiment));
    const std::string chrom = chrom_names::match(range.chrom, namesOf(reader.chromosomes()));
    if (chrom.empty())
        return std::numeric_limits<double>::quiet_NaN();
    const std::int64_t end = std::min(range.end, reader.length(chrom));
    const std::vector<float> measured =
        reader.values(chrom, range.start, std::max(range.start, end));
    return predictionCorrelation(predicted, measured, normalizer);
}

} // namespace

ModelSession::ModelSession(QObject* parent)
    : QObject(parent)
{}

ModelSession::~ModelSession() = default;

void ModelSession::setBusy(bool busy)
{
    if (m_busy == busy)
        return;
    m_busy = busy;
    Q_EMIT busyChanged(busy);
}

BackgroundTask* ModelSession::run(const QString& title, BackgroundTask::Work work)
{
    // The slot cuts a superseded task off: its end cannot clear the newer task's "busy".
    BackgroundTask* task = m_task.start(this, title, std::move(work));
    setBusy(true);
    connect(task, &BackgroundTask::progressed, this, &ModelSession::progressed);
    connect(task, &BackgroundTask::failed, this, &ModelSession::failed);
    connect(task, &BackgroundTask::finished, this, [this] { setBusy(false); });
    return task;
}

void ModelSession::cancel()
{
    if (BackgroundTask* task = m_task.current())
        task->cancel();
}

bool ModelSession::isStopping() const
{
    const BackgroundTask* task = m_task.current();
    return task && task->isCancelled();
}

void ModelSession::clear()
{
    ++m_generation;
    m_task.cancel(); // nothing it delivers is wanted any more
    setBusy(false);
    m_model.reset();
    m_archive.clear();
    m_genome.clear();
    m_chromosomes.clear();
    m_trackNames.clear();
    m_experiments.clear();
    m_normalizers.clear();
    m_notes.clear();
    m_plan.clear();
}

void ModelSession::load(const QString& archivePath, const QString& dataDir)
{
    const std::uint64_t generation = ++m_generation;
    m_model.reset();
    m_archive = archivePath;
    m_trackNames.clear();
    m_experiments.clear();
    m_normalizers.clear();
    m_notes.clear();
    auto facts = std::make_shared<ModelFacts>();
    BackgroundTask* task = run(tr("Loading %1").arg(QFileInfo(archivePath).fileName()),
                               [facts, archive = ss(archivePath), data = ss(dataDir)](
                                   TaskContext&) { *facts = readFacts(archive, data); });
    connect(task, &BackgroundTask::succeeded, this, [this, facts, generation] {
        if (generation != m_generation)
            return;
        m_model = facts->model;
        m_genome = facts->genome;
        m_trackNames = facts->trackNames;
        m_experiments = facts->experiments;
        m_normalizers = facts->normalizers;
        m_notes = facts->notes;
        m_plan = facts->plan;
        m_chromosomes = facts->chromosomes;
        Q_EMIT loaded();
    });
}

std::string ModelSession::chromosomeFor(const std::string& viewChrom) const
{
    return chrom_names::match(viewChrom, m_chromosomes);
}

std::string ModelSession::modelChromosome(const std::string& viewChrom) const
{
    const std::string name = chrom_names::match(viewChrom, m_chromosomes);
    if (name.empty())
        throw Error(chrom_names::unknownMessage(
            viewChrom, "the model's genome " + ss(QFileInfo(m_genome).fileName()), m_chromosomes));
    return name;
}

BackgroundTask* ModelSession::predictRegion(const GenomicRange& range)
{
    if (!m_model || m_busy)
        return nullptr;
    std::string chrom;
    try {
        chrom = modelChromosome(range.chrom);
    } catch (const Error& e) {
        Q_EMIT failed(qs(e.what()));
        return nullptr;
    }
    auto result = std::make_shared<RegionPrediction>();
    result->range = range;
    BackgroundTask* task =
        run(tr("Predicting %1").arg(formatLocus(range)),
            [result, chrom, model = m_model, experiments = m_experiments,
             normalizers = m_normalizers](TaskContext& context) {
                PredictRequest request;
                request.chromosomes = {chrom};
                request.startStop = {{result->range.start, result->range.end}};
                request.progress = progressOf(context);
                const auto& statistics = model->archive.statistics;
                const PredictSummary summary = predict(
                    *model->model, model->trainSpec(), model->inputLength(),
                    statistics.empty() ? DataStatistics{} : statistics.front(), request,
                    [&](const Chromosome& c, std::vector<std::vector<float>> tracks) {
                        result->chromLength = c.length;
                        result->range.end = std::min(result->range.end, c.length);
                        for (const auto& values : tracks)
                            result->values.emplace_back(values.begin() + result->range.start,
                                                        values.begin() + result->range.end);
                    });
                result->method = qs(summary.method);
                result->reason = qs(summary.reason);
                result->seconds = summary.seconds;
                for (std::size_t k = 0; k < result->values.size(); ++k)
                    result->correlations.push_back(correlationWithExperiment(
                        result->values[k],
                        k < static_cast<std::size_t>(experiments.size())
                            ? experiments[static_cast<qsizetype>(k)]
                            : QString(),
                        k < normalizers.size() ? normalizers[k] : Normalizer{}, result->range));
            });
    connect(task, &BackgroundTask::succeeded, this, [this, result, generation = m_generation] {
        if (generation == m_generation) // not from a model replaced meanwhile
            Q_EMIT regionPredicted(*result);
    });
    return task;
}

QString ModelSession::chromosomeOutput(const QString& archive, const std::string& chrom)
{
    return QStringLiteral("%1.%2.prediction.bw").arg(archive, qs(chrom));
}

BackgroundTask* ModelSession::predictChromosome(const std::string& viewChrom, const QString& output)
{
    if (!m_model || m_busy)
        return nullptr;
    std::string chrom;
    try {
        chrom = modelChromosome(viewChrom);
    } catch (const Error& e) {
        Q_EMIT failed(qs(e.what()));
        return nullptr;
    }
    struct Outcome {
        QStringList files;
        QString method;
        double seconds = 0;
    };
    auto outcome = std::make_shared<Outcome>();
    BackgroundTask* task =
        run(tr("Predicting %1").arg(qs(chrom)),
            [outcome, chrom, output, model = m_model](TaskContext& context) {
                PredictRequest request;
                request.chromosomes = {chrom};
                request.progress = progressOf(context);
                PredictSummary summary;
                for (const auto& file : predictModel(*model, request, ss(output), &summary))
                    outcome->files << qs(file.string());
                outcome->method = qs(summary.method);
                outcome->seconds = summary.seconds;
            });
    connect(task, &BackgroundTask::succeeded, this, [this, outcome, generation = m_generation] {
        if (generation == m_generation)
            Q_EMIT chromosomePredicted(outcome->files, outcome->method, outcome->seconds);
    });
    return task;
}

} // namespace kdna::ui
