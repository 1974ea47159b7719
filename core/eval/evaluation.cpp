#include "core/eval/evaluation.h"

#include "core/model/model.h"
#include "core/train/metrics.h"
#include "core/util/error.h"
#include "core/util/stats.h"

#include <algorithm>
#include <cstdint>

namespace kdna {

EvaluationReport evaluateScores(const Model& model, const ScoredData& scores,
                                const CompileSettings& compile,
                                const std::vector<OutputTracks>& tracks, bool useWeights)
{
    EvaluationReport r;
    r.examples = scores.examples;
    r.method = scores.method;
    r.reason = scores.reason;
    r.seconds = scores.seconds;
    if (scores.examples == 0)
        return r;
    torch::NoGradGuard noGrad;
    std::vector<torch::Tensor> preds, targets;
    for (std::size_t o = 0; o < scores.predictions.size(); ++o) {
        const std::int64_t e = scores.elements(o);
        if (o >= scores.targets.size() || scores.predictionSize[o] != e)
            throw Error("output " + std::to_string(o) + " of the model gives " +
                        std::to_string(scores.predictionSize[o]) +
                        " values an example but the data's targets have " + std::to_string(e));
        // from_blob does not own: the tensors live no longer than `scores`.
        preds.push_back(torch::from_blob(const_cast<float*>(scores.predictions[o].data()),
                                         {scores.examples, e}));
        targets.push_back(
            torch::from_blob(const_cast<float*>(scores.targets[o].data()), {scores.examples, e}));
    }
    torch::Tensor weights;
    if (useWeights && !scores.weights.empty())
        weights = torch::from_blob(const_cast<float*>(scores.weights.data()), {scores.examples});
    const Losses losses = computeLosses(preds, targets, weights, compile);
    EpochMetrics metrics(model.spec(), compile, tracks);
    metrics.add(preds, targets, losses.perOutput, losses.total, scores.examples);
    r.metrics = metrics.values("");
    return r;
}

std::map<std::string, double> correlations(const ScoredData& scores, const OutputTracks& tracks)
{
    const auto n = static_cast<std::int64_t>(tracks.trackNames.size());
    std::vector<stats::Pearson> r(static_cast<std::size_t>(n));
    const auto& p = scores.predictions.at(0);
    const auto& t = scores.targets.at(0);
    if (p.size() != t.size())
        throw Error("the model gives " + std::to_string(scores.predictionSize.at(0)) +
                    " values an example but the targets have " +
                    std::to_string(scores.elements(0)));
    for (std::size_t i = 0; i < p.size(); ++i)
        r[i % static_cast<std::size_t>(n)].add(p[i], t[i]);
    std::map<std::string, double> out;
    for (std::int64_t k = 0; k < n; ++k)
        out["correlate_" + tracks.trackNames[static_cast<std::size_t>(k)]] =
            r[static_cast<std::size_t>(k)].value();
    return out;
}

AucResult aucOf(const ScoredData& scores, std::int64_t element, const std::string& curve)
{
    const std::int64_t e = scores.elements(0);
    const std::int64_t perExample = scores.predictionSize.at(0);
    if (element < 0 || element >= perExample)
        throw Error("internal: AUC element out of range");
    std::vector<float> score(static_cast<std::size_t>(scores.examples));
    std::vector<bool> positive(static_cast<std::size_t>(scores.examples));
    AucResult r;
    r.curve = curve;
    for (std::int64_t i = 0; i < scores.examples; ++i) {
        score[static_cast<std::size_t>(i)] =
            scores.predictions[0][static_cast<std::size_t>(i * perExample + element)];
        const bool pos = scores.targets[0][static_cast<std::size_t>(i * e)] > 0.5F;
        positive[static_cast<std::size_t>(i)] = pos;
        (pos ? r.positives : r.negatives) += 1;
    }
    r.ranking = stats::rank(score, positive);
    r.value = curve == "PR" ? r.ranking.auprc : r.ranking.auroc;
    return r;
}

std::map<std::string, std::vector<stats::CurvePoint>>
scatterSample(const ScoredData& scores, const OutputTracks& tracks, std::size_t maxPoints)
{
    const std::size_t n = tracks.trackNames.size();
    const auto& p = scores.predictions.at(0);
    const auto& t = scores.targets.at(0);
    const std::size_t rows = n == 0 ? 0 : std::min(p.size(), t.size()) / n;
    const std::size_t count = std::min(rows, std::max<std::size_t>(maxPoints, 2));
    std::map<std::string, std::vector<stats::CurvePoint>> out;
    for (std::size_t k = 0; k < n; ++k) {
        std::vector<stats::CurvePoint> points;
        points.reserve(count);
        for (std::size_t j = 0; j < count; ++j) {
            const std::size_t row = count < 2 ? 0 : j * (rows - 1) / (count - 1);
            points.push_back({t[row * n + k], p[row * n + k]});
        }
        out["correlate_" + tracks.trackNames[k]] = std::move(points);
    }
    return out;
}

} // namespace kdna
