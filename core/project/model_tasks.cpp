#include "core/project/model_tasks.h"

#include "core/data/generator.h"
#include "core/data/sampled_dataset.h"
#include "core/model/model.h"
#include "core/project/project.h"
#include "core/train/trainer.h"
#include "core/util/error.h"

#include <cstdint>

namespace kdna {
namespace {

/// The generator for evaluation: in order, every example, natural shapes. A training spec is
/// narrowed to the one dataset asked for (chooseDataset), with its own fitted statistics when
/// the data is the one it was trained on.
std::unique_ptr<Generator> evaluationGenerator(const LoadedModel& m, const EvaluationData& data,
                                               bool stepByTarget)
{
    if (!m.archive.trainSpec && !data.spec)
        throw Error("the model archive holds no generator command; give the data explicitly");
    GeneratorOptions options;
    options.shuffle = false;
    if (data.spec) {
        AnySpec spec = *data.spec;
        if (auto* single = std::get_if<DatasetSpec>(&spec))
            shapeForScoring(*single, stepByTarget);
        else
            for (auto& d : std::get<MultiSpec>(spec).dataset_list)
                shapeForScoring(d, stepByTarget);
        return openGenerator(spec, nullptr, options);
    }
    const DatasetChoice choice = m.evaluationDataset(data.fasta, data.annotations, data.dataset);
    DatasetSpec spec = std::get<DatasetSpec>(
        respecOn(AnySpec(choice.spec), data.chromosomes, {}, {}, data.weights));
    shapeForScoring(spec, stepByTarget);
    // The saved normalisation applies to the same experiment; another genome or track is
    // normalised on its own data (as keras_dna builds a new generator).
    const bool fitted = choice.sameData && choice.index < m.archive.statistics.size();
    return openGenerator(spec, fitted ? &m.archive.statistics[choice.index] : nullptr, options);
}

/// The generator of `data.steps` batches spread over `full`'s examples, or `full` itself when
/// they would cover it; `sampledFrom` is set to the examples sampled from (0 when not).
std::unique_ptr<Generator> sampledGenerator(std::unique_ptr<Generator> full,
                                            const EvaluationData& data, std::int64_t& sampledFrom)
{
    sampledFrom = 0;
    const std::int64_t available = full->dataset().size();
    if (data.steps <= 0 || data.steps > available / full->batchSize())
        return full;
    sampledFrom = available;
    return std::make_unique<Generator>(
        std::make_shared<SampledDataset>(full->datasetPtr(), data.steps * full->batchSize()),
        full->layout(), full->options());
}

} // namespace

const DatasetSpec& LoadedModel::trainSpec() const
{
    if (!archive.trainSpec)
        throw Error("the model archive holds no training generator command");
    return primary(*archive.trainSpec);
}

DatasetChoice LoadedModel::evaluationDataset(const std::string& fasta,
                                             const std::vector<std::string>& annotations,
                                             std::optional<std::size_t> index) const
{
    if (!archive.trainSpec)
        throw Error("the model archive holds no training generator command");
    return index ? datasetAt(*archive.trainSpec, *index, fasta, annotations)
                 : chooseDataset(*archive.trainSpec, fasta, annotations);
}

std::int64_t LoadedModel::inputLength() const
{
    const DatasetSpec& spec = trainSpec();
    if (spec.inputLength() > 0)
        return spec.inputLength();
    // seq_len 'MAXLEN': read the sequence axis of the model's input.
    DatasetSpec probe = spec;
    probe.seq_len = 7; // a length distinct from the 1 and 4 of the other axes
    const Shape probeShape = predictInputShape(probe);
    const Shape& modelShape = model->summary().inputShapes.front();
    for (std::size_t i = 0; i < probeShape.size() && i < modelShape.size(); ++i)
        if (probeShape[i] == 7)
            return modelShape[i];
    throw Error("cannot tell the model's input length");
}

LoadedModel loadModel(const std::filesystem::path& path, const std::filesystem::path& dataDir,
                      const std::string& device)
{
    LoadedModel m;
    m.archive = ModelArchive::load(path);
    if (!dataDir.empty()) {
        m.archive.dataDir = dataDir;
        if (m.archive.trainSpec)
            setFolders(*m.archive.trainSpec, m.archive.baseDir, dataDir);
        if (m.archive.validationSpec)
            setFolders(*m.archive.validationSpec, m.archive.baseDir, dataDir);
    }
    m.model = m.archive.buildModel();
    m.model->setDevice(device);
    return m;
}

EvaluationReport evaluateModel(LoadedModel& m, const EvaluationData& data,
                               const ScoreOptions& options)
{
    std::int64_t sampledFrom = 0;
    const auto generator = sampledGenerator(evaluationGenerator(m, data, false), data, sampledFrom);
    EvaluationReport r =
        evaluate(*m.model, *generator, m.archive.compile,
                 outputTracks(*generator, m.model->spec().outputNames()), data.weights, options);
    r.sampledFrom = sampledFrom;
    return r;
}

CorrelationReport correlateModel(LoadedModel& m, const EvaluationData& data,
                                 const ScoreOptions& options)
{
    if (!data.spec &&
        m.evaluationDataset(data.fasta, data.annotations, data.dataset).spec.isSparse())
        throw Error(
            "get_correlation applies to bigWig (regression) models; use auc for BED/GFF models");
    CorrelationReport r;
    const auto generator =
        sampledGenerator(evaluationGenerator(m, data, true), data, r.sampledFrom);
    CorrelationScores scores =
        correlate(*m.model, *generator,
                  outputTracks(*generator, m.model->spec().outputNames()).front(), options);
    r.correlations = std::move(scores.correlations);
    r.scatter = std::move(scores.scatter);
    r.positions = scores.positions;
    r.method = scores.run.method;
    r.reason = scores.run.reason;
    r.seconds = scores.run.seconds;
    return r;
}

std::vector<AucResult> aucModel(LoadedModel& m, const EvaluationData& data, bool dataAugmentation,
                                const std::string& curve, const ScoreOptions& options)
{
    const DatasetChoice choice = m.evaluationDataset(data.fasta, data.annotations, data.dataset);
    const DatasetSpec& train = choice.spec;
    if (!train.isSparse())
        throw Error(
            "get_auc applies to BED/GFF (classification) models; use correlate for bigWig models");
    if (train.seq2seq)
        throw Error("get_auc does not apply to seq2seq models (as in keras_dna)");
    if (curve != "ROC" && curve != "PR")
        throw Error::atKeyword("curve", "must be 'ROC' or 'PR', not '" + curve + "'");
    const std::vector<std::string>& files = train.annotation_files;
    std::vector<AucResult> out;
    for (std::size_t cell = 0; cell < files.size(); ++cell) {
        for (std::size_t a = 0; a < train.annotation_list.size(); ++a) {
            DatasetSpec spec = train;
            spec.incl_chromosomes = data.chromosomes;
            spec.excl_chromosomes.clear();
            spec.annotation_files = {files[cell]};
            spec.annotation_list = {train.annotation_list[a]};
            spec.negative_ratio = -1;
            spec.negative_type = NegativeType::Real;
            spec.data_augmentation = dataAugmentation;
            spec.seq_len = m.inputLength();
            if (!data.weights)
                spec.weighting_mode = Weighting::None;
            EvaluationData one;
            one.spec = AnySpec(spec);
            const auto generator = evaluationGenerator(m, one, false);
            AucResult r = aucOf(*m.model, *generator,
                                static_cast<std::int64_t>(cell * train.annotation_list.size() + a),
                                curve, options);
            r.cell = static_cast<int>(cell);
            r.annotation = train.annotation_list[a];
            out.push_back(r);
        }
    }
    return out;
}

std::vector<std::filesystem::path> predictModel(LoadedModel& m, const PredictRequest& request,
                                                const std::string& exportPath,
                                                PredictSummary* summary)
{
    // The genome and tracks asked for pick the dataset, as evaluation does; datasets that
    // differ only in tracks predict alike, so the first serves.
    const DatasetChoice choice =
        request.dataset || !m.archive.trainSpec
            ? m.evaluationDataset(request.fasta.string(), request.annotations, request.dataset)
            : choosePredictionDataset(*m.archive.trainSpec, request.fasta.string(),
                                      request.annotations);
    const DataStatistics none;
    const DataStatistics& stats =
        choice.index < m.archive.statistics.size() ? m.archive.statistics[choice.index] : none;
    return predictToBigWig(*m.model, choice.spec, m.inputLength(), stats, request, exportPath,
                           summary);
}

} // namespace kdna
