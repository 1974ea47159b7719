#include "ui/tracks/model_session.h"

#include "core/eval/prediction_pairing.h"
#include "core/eval/whole_sequence.h"
#include "core/genome/genome.h"
#include "core/genome/sequence.h"
#include "core/interpret/attribution.h"
#include "core/interpret/region.h"
#include "core/interpret/variants.h"
#include "core/model/inference_plan.h"
#include "core/project/model_tasks.h"
#include "core/tracks/bigwig.h"
#include "core/util/chrom_names.h"
#include "core/util/error.h"
#include "core/util/paths.h"
#include "ui/bridge/background_task.h"
#include "ui/bridge/qt_convert.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>

#include <QFileInfo>

namespace kdna::ui {
namespace {

ModelFacts readFacts(const std::string& archive, const std::string& dataDir)
{
    ModelFacts facts;
    facts.model = std::make_shared<LoadedModel>(loadModel(archive, dataDir));
    const DatasetSpec& spec = facts.model->trainSpec();
    const auto fasta = spec.resolve(spec.fasta_file);
    facts.genome = qs(fasta.string());
    facts.genomeFile = std::make_shared<const Genome>(Genome::open(fasta));
    facts.chromosomes = facts.genomeFile->names();
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

/// Keeps the bases of `piece` (from `from` on) that lie in the region asked for; the first
/// piece sizes the region's tracks, NaN until a piece gives them.
void keepInRange(RegionPrediction& result, const Chromosome& chrom, std::int64_t from,
                 const std::vector<std::vector<float>>& piece)
{
    if (result.values.empty()) {
        result.chromLength = chrom.length;
        result.range.end = std::min(result.range.end, chrom.length);
        result.values.assign(piece.size(),
                             std::vector<float>(static_cast<std::size_t>(std::max<std::int64_t>(
                                                    0, result.range.end - result.range.start)),
                                                std::numeric_limits<float>::quiet_NaN()));
    }
    for (std::size_t k = 0; k < piece.size(); ++k) {
        const auto size = static_cast<std::int64_t>(piece[k].size());
        const std::int64_t lo = std::max(from, result.range.start);
        const std::int64_t hi = std::min(from + size, result.range.end);
        for (std::int64_t b = lo; b < hi; ++b)
            result.values[k][static_cast<std::size_t>(b - result.range.start)] =
                piece[k][static_cast<std::size_t>(b - from)];
    }
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
    m_explaining = false;
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
    m_facts = ModelFacts{};
    m_archive.clear();
}

void ModelSession::load(const QString& archivePath, const QString& dataDir)
{
    const std::uint64_t generation = ++m_generation;
    m_facts.model.reset();
    m_facts.genomeFile.reset();
    m_archive = archivePath;
    m_facts.trackNames.clear();
    m_facts.experiments.clear();
    m_facts.normalizers.clear();
    m_facts.notes.clear();
    auto facts = std::make_shared<ModelFacts>();
    BackgroundTask* task = run(tr("Loading %1").arg(QFileInfo(archivePath).fileName()),
                               [facts, archive = ss(archivePath), data = ss(dataDir)](
                                   TaskContext&) { *facts = readFacts(archive, data); });
    connect(task, &BackgroundTask::succeeded, this, [this, facts, generation] {
        if (generation != m_generation)
            return;
        m_facts = *facts;
        Q_EMIT loaded();
    });
}

std::string ModelSession::chromosomeFor(const std::string& viewChrom) const
{
    return chrom_names::match(viewChrom, m_facts.chromosomes);
}

std::string ModelSession::modelChromosome(const std::string& viewChrom) const
{
    const std::string name = chrom_names::match(viewChrom, m_facts.chromosomes);
    if (name.empty())
        throw Error(chrom_names::unknownMessage(
            viewChrom, "the model's genome " + ss(QFileInfo(m_facts.genome).fileName()),
            m_facts.chromosomes));
    return name;
}

BackgroundTask* ModelSession::predictRegion(const GenomicRange& range)
{
    if (!m_facts.model || m_busy)
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
            [result, chrom, model = m_facts.model, experiments = m_facts.experiments,
             normalizers = m_facts.normalizers](TaskContext& context) {
                PredictRequest request;
                request.chromosomes = {chrom};
                request.startStop = {{result->range.start, result->range.end}};
                request.progress = progressOf(context);
                const auto& statistics = model->archive.statistics;
                const PredictSummary summary =
                    predict(*model->model, model->trainSpec(), model->inputLength(),
                            statistics.empty() ? DataStatistics{} : statistics.front(), request,
                            [&](const Chromosome& c, std::int64_t from,
                                std::vector<std::vector<float>> tracks) {
                                keepInRange(*result, c, from, tracks);
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
    return QStringLiteral("%1.%2.prediction.bw").arg(archive, qs(paths::fileNamePart(chrom)));
}

BackgroundTask* ModelSession::predictChromosome(const std::string& viewChrom, const QString& output)
{
    if (!m_facts.model || m_busy)
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
            [outcome, chrom, output, model = m_facts.model](TaskContext& context) {
                PredictRequest request;
                request.chromosomes = {chrom};
                request.progress = progressOf(context);
                // The bigWig's zoom levels are a pass of their own after the values (a minute
                // on a human chromosome): the bar says so rather than sit at 100 %.
                request.writing = [&context](const std::string& what, std::int64_t done,
                                             std::int64_t total) {
                    context.progress(
                        total > 0 ? static_cast<double>(done) / static_cast<double>(total) : 0,
                        ModelSession::tr("Writing the %1").arg(qs(what)));
                };
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

namespace {

interpret::Method gradientMethod(ExplainMethod method)
{
    switch (method) {
    case ExplainMethod::Saliency:
        return interpret::Method::Saliency;
    case ExplainMethod::IntegratedGradients:
        return interpret::Method::IntegratedGradients;
    case ExplainMethod::InputTimesGradient:
    case ExplainMethod::Ism:
        break;
    }
    return interpret::Method::InputTimesGradient;
}

/// `range`, or its middle `cap` bases when wider, with the sentence that says so.
GenomicRange cappedRange(const GenomicRange& range, std::int64_t cap, ExplainMethod method,
                         QString* note)
{
    if (range.length() <= cap)
        return range;
    const std::int64_t start = range.start + (range.length() - cap) / 2;
    *note = ModelSession::tr("The view is %1 wide and %2 covers at most %3: its middle %3 "
                             "were explained; zoom in to explain elsewhere.")
                .arg(spanText(static_cast<double>(range.length())), methodLabel(method),
                     spanText(static_cast<double>(cap)));
    return {range.chrom, start, start + cap};
}

/// The explanation of `q` as the viewer keeps it.
void explainInto(Explanation& e, LoadedModel& model, const Genome& genome,
                 const interpret::RegionRequest& q)
{
    const auto t0 = std::chrono::steady_clock::now();
    const interpret::RegionScores r = interpret::explainRegion(*model.model, genome, q);
    e.bases = sequence::decode(r.codes.data(), r.codes.size());
    e.scores = r.perBase;
    e.ism = r.ism;
    e.windows = r.windows;
    e.windowLength = r.length;
    e.target = qs(model.model->spec().outputNames().front());
    e.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

/// A VCF's effects on the first output, its values summed (as "Explain here" explains it).
/// How many of a variant's targets its lane scores: the first output's values, summed.
std::size_t laneTargets(Model& model)
{
    return static_cast<std::size_t>(interpret::outputSizes(model).front());
}

VariantMarks marksOf(LoadedModel& model, const Genome& genome, const std::string& vcf)
{
    const auto t0 = std::chrono::steady_clock::now();
    const interpret::VariantEffects effects = interpret::variantEffects(*model.model, genome, vcf);
    const std::size_t values = laneTargets(*model.model);
    VariantMarks out;
    out.target = qs(model.model->spec().outputNames().front());
    for (const std::string& s : effects.skipped)
        out.skipped << qs(s);
    for (const interpret::VariantEffect& row : effects.rows) {
        VariantMark m{row.variant.chrom,
                      row.variant.pos,
                      qs(row.variant.id),
                      qs(row.variant.ref),
                      qs(row.variant.alt),
                      0,
                      0};
        for (std::size_t k = 0; k < values && k < row.ref.size(); ++k) {
            m.refValue += row.ref[k];
            m.altValue += row.alt[k];
        }
        out.marks.push_back(std::move(m));
    }
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return out;
}

VariantWindowsPrediction windowsOf(LoadedModel& model, const Genome& genome, const std::string& vcf,
                                   const VariantMark& mark)
{
    const auto t0 = std::chrono::steady_clock::now();
    const interpret::Variant v{mark.chrom, mark.pos, ss(mark.id), ss(mark.ref), ss(mark.alt)};
    const interpret::VariantProfile p = interpret::variantProfile(*model.model, genome, v, vcf);
    const std::size_t values = laneTargets(*model.model);
    const auto summed = [&](const std::vector<std::vector<float>>& perTarget) {
        std::vector<float> sum(perTarget.front().size(), 0.0F);
        for (std::size_t k = 0; k < values && k < perTarget.size(); ++k)
            std::transform(sum.begin(), sum.end(), perTarget[k].begin(), sum.begin(),
                           std::plus<>());
        return sum;
    };
    VariantWindowsPrediction out{mark,          p.firstCentre, summed(p.ref),
                                 summed(p.alt), qs(p.method),  0};
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return out;
}

} // namespace

BackgroundTask* ModelSession::explainRegion(const GenomicRange& viewRange, ExplainMethod method)
{
    if (!m_facts.model || (m_busy && !m_explaining))
        return nullptr;
    auto result = std::make_shared<Explanation>();
    const GenomicRange range =
        cappedRange(viewRange, method == ExplainMethod::Ism ? kIsmMaxSpan : kExplainMaxSpan, method,
                    &result->note);
    interpret::RegionRequest q;
    try {
        q.chrom = modelChromosome(range.chrom);
    } catch (const Error& e) {
        Q_EMIT failed(qs(e.what()));
        return nullptr;
    }
    result->chrom = range.chrom;
    result->start = range.start;
    result->method = method;
    q.start = range.start;
    q.end = range.end;
    q.ism = method == ExplainMethod::Ism;
    q.attribution.method = gradientMethod(method);
    BackgroundTask* task =
        run(tr("Explaining %1").arg(formatLocus(range)),
            [result, q, model = m_facts.model, genome = m_facts.genomeFile,
             lock = m_explainLock](TaskContext& context) mutable {
                const std::lock_guard guard(*lock); // a replaced explanation ends first
                if (context.cancelled())
                    throw Error("stopped");
                q.progress = progressOf(context);
                explainInto(*result, *model, *genome, q);
            });
    m_explaining = true;
    connect(task, &BackgroundTask::succeeded, this, [this, result, generation = m_generation] {
        if (generation == m_generation)
            Q_EMIT explained(result);
    });
    return task;
}

BackgroundTask* ModelSession::scoreVariants(const QString& vcf)
{
    if (!m_facts.model || m_busy)
        return nullptr;
    auto result = std::make_shared<VariantMarks>();
    BackgroundTask* task =
        run(tr("Scoring %1").arg(QFileInfo(vcf).fileName()),
            [result, path = ss(vcf), model = m_facts.model, genome = m_facts.genomeFile](
                TaskContext&) { *result = marksOf(*model, *genome, path); });
    connect(task, &BackgroundTask::succeeded, this, [this, vcf, result, generation = m_generation] {
        if (generation == m_generation)
            Q_EMIT variantsScored(vcf, result);
    });
    connect(task, &BackgroundTask::failed, this,
            [this, vcf](const QString& message) { Q_EMIT variantsFailed(vcf, message); });
    return task;
}

BackgroundTask* ModelSession::predictVariantWindows(const QString& vcf, const VariantMark& mark)
{
    if (!m_facts.model || m_busy)
        return nullptr;
    auto result = std::make_shared<VariantWindowsPrediction>();
    BackgroundTask* task =
        run(tr("Predicting the windows of %1").arg(mark.id),
            [result, path = ss(vcf), mark, model = m_facts.model, genome = m_facts.genomeFile](
                TaskContext&) { *result = windowsOf(*model, *genome, path, mark); });
    connect(task, &BackgroundTask::succeeded, this, [this, result, generation = m_generation] {
        if (generation == m_generation)
            Q_EMIT variantWindowsPredicted(*result);
    });
    return task;
}

} // namespace kdna::ui
