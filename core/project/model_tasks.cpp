#include "model_tasks.h"

#include "data/generator.h"
#include "model/model.h"
#include "project.h"
#include "train/trainer.h"
#include "util/error.h"

#include <cstdint>

namespace kdna {
namespace {

/// The generator for evaluation: in order, every example, natural shapes.
std::unique_ptr<Generator> evaluationGenerator(const LoadedModel& m, const EvaluationData& data,
                                               bool stepByTarget, AnySpec* used = nullptr)
{
    if (!m.archive.trainSpec && !data.spec)
        throw Error("the model archive holds no generator command; give the data explicitly");
    AnySpec spec = data.spec ? *data.spec
                             : respecOn(*m.archive.trainSpec, data.chromosomes, data.fasta,
                                        data.annotations, data.weights);
    auto adjust = [&](DatasetSpec& d) {
        shapeForScoring(d, stepByTarget);
    };
    if (auto* single = std::get_if<DatasetSpec>(&spec))
        adjust(*single);
    else
        for (auto& d : std::get<MultiSpec>(spec).dataset_list)
            adjust(d);
    // The saved normalisation applies to the same experiment; another genome or track is
    // normalised on its own data (as keras_dna builds a new generator).
    const bool sameData = !data.spec && data.fasta.empty() && data.annotations.empty();
    GeneratorOptions options;
    options.shuffle = false;
    auto generator = openGenerator(spec, sameData ? &m.archive.statistics : nullptr, options);
    if (used)
        *used = spec;
    return generator;
}

} // namespace

const DatasetSpec& LoadedModel::trainSpec() const
{
    if (!archive.trainSpec)
        throw Error("the model archive holds no training generator command");
    return primary(*archive.trainSpec);
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
    const auto generator = evaluationGenerator(m, data, false);
    const ScoredData scores = scoreData(*m.model, *generator, options);
    return evaluateScores(*m.model, scores, m.archive.compile,
                          outputTracks(*generator, m.model->spec().outputNames()), data.weights);
}

CorrelationReport correlateModel(LoadedModel& m, const EvaluationData& data,
                                 const ScoreOptions& options)
{
    if (m.trainSpec().isSparse() && !data.spec)
        throw Error(
            "get_correlation applies to bigWig (regression) models; use auc for BED/GFF models");
    const auto generator = evaluationGenerator(m, data, true);
    const ScoredData scores = scoreData(*m.model, *generator, options);
    CorrelationReport r;
    r.correlations =
        correlations(scores, outputTracks(*generator, m.model->spec().outputNames()).front());
    r.positions = static_cast<std::int64_t>(scores.targets.front().size());
    r.method = scores.method;
    r.reason = scores.reason;
    r.seconds = scores.seconds;
    return r;
}

std::vector<AucResult> aucModel(LoadedModel& m, const EvaluationData& data, bool dataAugmentation,
                                const std::string& curve, const ScoreOptions& options)
{
    const DatasetSpec& train = m.trainSpec();
    if (!train.isSparse())
        throw Error(
            "get_auc applies to BED/GFF (classification) models; use correlate for bigWig models");
    if (train.seq2seq)
        throw Error("get_auc does not apply to seq2seq models (as in keras_dna)");
    if (curve != "ROC" && curve != "PR")
        throw Error("curve: must be 'ROC' or 'PR', not '" + curve + "'", "curve");
    const std::vector<std::string> files =
        data.annotations.empty() ? train.annotation_files : data.annotations;
    std::vector<AucResult> out;
    for (std::size_t cell = 0; cell < files.size(); ++cell) {
        for (std::size_t a = 0; a < train.annotation_list.size(); ++a) {
            DatasetSpec spec = train;
            spec.incl_chromosomes = data.chromosomes;
            spec.excl_chromosomes.clear();
            if (!data.fasta.empty())
                spec.fasta_file = data.fasta;
            spec.annotation_files = {files[cell]};
            spec.annotation_list = {train.annotation_list[a]};
            spec.negative_ratio = -1;
            spec.negative_type = "real";
            spec.data_augmentation = dataAugmentation;
            spec.seq_len = m.inputLength();
            if (!data.weights)
                spec.weighting_mode.clear();
            EvaluationData one;
            one.spec = AnySpec(spec);
            const auto generator = evaluationGenerator(m, one, false);
            const ScoredData scores = scoreData(*m.model, *generator, options);
            AucResult r = aucOf(
                scores, static_cast<std::int64_t>(cell * train.annotation_list.size() + a), curve);
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
    const DataStatistics none;
    const DataStatistics& stats =
        m.archive.statistics.empty() ? none : m.archive.statistics.front();
    return predictToBigWig(*m.model, m.trainSpec(), m.inputLength(), stats, request, exportPath,
                           summary);
}

} // namespace kdna
