#include "core/project/test_evaluation.h"

#include "core/data/generator.h"
#include "core/model/model.h"
#include "core/project/model_tasks.h"
#include "core/project/project.h"
#include "core/train/trainer.h"
#include "core/util/text.h"

#include <chrono>

namespace kdna {
namespace {

EvaluationPlot curvePlot(EvaluationPlot::Kind kind, const std::string& what, const AucResult& r)
{
    const bool roc = kind == EvaluationPlot::Kind::Roc;
    EvaluationPlot plot;
    plot.kind = kind;
    plot.title = (roc ? "ROC: " : "Precision-recall: ") + what;
    plot.xLabel = roc ? "false positive rate" : "recall";
    plot.yLabel = roc ? "true positive rate" : "precision";
    plot.summary = "AUC " + text::number(roc ? r.ranking.auroc : r.ranking.auprc, 3);
    if (const double error = roc ? r.ranking.aurocError : r.ranking.auprcError; error > 0)
        plot.summary += " (within " + text::number(error, 6) + ")";
    plot.points = roc ? r.ranking.roc : r.ranking.pr;
    return plot;
}

/// Every window: evaluate, then the correlation or AUC that fits the model's data.
void scoreEveryWindow(LoadedModel& model, const EvaluationData& data, const ScoreOptions& options,
                      TestEvaluation& out)
{
    const EvaluationReport report = evaluateModel(model, data, options);
    out.metrics = report.metrics;
    out.examples = report.examples;
    out.method = report.method;
    const DatasetSpec& spec = model.trainSpec();
    if (spec.isSparse()) {
        if (spec.seq2seq)
            return; // keras_dna has no AUC for seq2seq models
        for (const AucResult& r : aucModel(model, data, true, "ROC", options)) {
            const std::string what = "cell " + std::to_string(r.cell) + " " + r.annotation;
            out.metrics["AUROC " + what] = r.value;
            out.plots.push_back(curvePlot(EvaluationPlot::Kind::Roc, what, r));
            out.plots.push_back(curvePlot(EvaluationPlot::Kind::PrecisionRecall, what, r));
        }
        return;
    }
    const CorrelationReport correlation = correlateModel(model, data, options);
    for (const auto& [name, r] : correlation.correlations) {
        out.metrics[name] = r;
        EvaluationPlot plot;
        plot.kind = EvaluationPlot::Kind::Scatter;
        plot.title = name;
        plot.xLabel = "measured";
        plot.yLabel = "predicted";
        plot.summary = "r " + text::number(r, 3);
        if (const auto it = correlation.scatter.find(name); it != correlation.scatter.end())
            plot.points = it->second;
        out.plots.push_back(std::move(plot));
    }
}

/// A seeded sample of batches drawn as training draws them (shuffled, the training shapes).
void scoreSample(const Project& project, LoadedModel& model, const TestEvaluationOptions& options,
                 TestEvaluation& out)
{
    const AnySpec spec = project.specOn(project.test_chr);
    const auto generator = openGenerator(spec, &model.archive.statistics);
    const EvaluationResult r =
        evaluate(*model.model, *generator, project.compile, options.sampleBatches, false,
                 options.score.precision, nullptr, options.score.group);
    out.metrics = r.metrics;
    out.examples = r.examples;
    out.method = "sample";
}

} // namespace

TestEvaluation evaluateOnTestChromosomes(const Project& project, LoadedModel& model,
                                         const TestEvaluationOptions& options)
{
    TestEvaluation out;
    if (project.test_chr.empty())
        return out;
    const auto start = std::chrono::steady_clock::now();
    out.chromosomes = project.test_chr;
    if (options.sampleBatches > 0) {
        scoreSample(project, model, options, out);
    } else {
        const EvaluationData data{project.test_chr, {}, {}, false, std::nullopt};
        scoreEveryWindow(model, data, options.score, out);
    }
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return out;
}

TestEvaluation evaluateOnTestChromosomes(const Project& project,
                                         const std::filesystem::path& archive,
                                         const TestEvaluationOptions& options)
{
    if (project.test_chr.empty())
        return {};
    LoadedModel model = loadModel(archive, project.data_dir, project.training.device);
    TestEvaluationOptions o = options;
    o.score.precision = project.training.precision;
    return evaluateOnTestChromosomes(project, model, o);
}

} // namespace kdna
