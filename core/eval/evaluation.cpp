#include "core/eval/evaluation.h"

#include "core/distributed/process_group.h"
#include "core/model/model.h"
#include "core/train/metrics.h"
#include "core/util/error.h"
#include "core/util/stats.h"
#include "core/util/text.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <optional>

namespace kdna {
namespace {

/// A sentence when output `o` gives a number of values an example its targets do not have.
void requireMatchingOutput(const ScoringRun& run, std::size_t o)
{
    const std::int64_t e = o < run.shapes.size() ? run.elements(o) : 0;
    if (run.predictionSize.at(o) != e)
        throw Error("output " + std::to_string(o) + " of the model gives " +
                    std::to_string(run.predictionSize.at(o)) +
                    " values an example but the data's targets have " + std::to_string(e));
}

/// Keras' evaluate as training's validation measures it: the loss and metrics' running sums.
class MetricsSink final : public ScoreSink {
public:
    MetricsSink(const Model& model, const CompileSettings& compile,
                const std::vector<OutputTracks>& tracks, bool useWeights)
        : m_model(model)
        , m_compile(compile)
        , m_tracks(tracks)
        , m_useWeights(useWeights)
    {}

    void begin(const ScoringRun& run) override
    {
        for (std::size_t o = 0; o < run.predictionSize.size(); ++o)
            requireMatchingOutput(run, o);
        m_run = run;
        m_metrics.emplace(m_model.spec(), m_compile, m_tracks);
    }

    void take(const ScoredRows& rows) override
    {
        torch::NoGradGuard noGrad;
        // from_blob does not own: the tensors live for this call, as the rows do.
        std::vector<torch::Tensor> preds, targets;
        for (std::size_t o = 0; o < rows.predictions.size(); ++o) {
            const std::int64_t e = m_run.elements(o);
            preds.push_back(
                torch::from_blob(const_cast<float*>(rows.predictions[o]), {rows.rows, e}));
            targets.push_back(
                torch::from_blob(const_cast<float*>(rows.targets.at(o)), {rows.rows, e}));
        }
        torch::Tensor weights;
        if (m_useWeights && rows.weights != nullptr)
            weights = torch::from_blob(const_cast<float*>(rows.weights), {rows.rows});
        const Losses losses = computeLosses(preds, targets, weights, m_compile);
        m_metrics->add(preds, targets, losses.perOutput, losses.total, rows.rows);
    }

    void reduceOver(dist::ProcessGroup& group) override
    {
        m_metrics->sumOver(group, "the evaluation's sums");
    }

    [[nodiscard]] std::map<std::string, double> values() const
    {
        return m_run.examples == 0 ? std::map<std::string, double>{} : m_metrics->values("");
    }

private:
    const Model& m_model;
    const CompileSettings& m_compile;
    const std::vector<OutputTracks>& m_tracks;
    bool m_useWeights;
    ScoringRun m_run;
    std::optional<EpochMetrics> m_metrics;
};

/// Pearson's r per track of the first output, and the scatter's evenly spaced sample.
class CorrelationSink final : public ScoreSink {
public:
    CorrelationSink(std::size_t tracks, std::size_t maxPoints)
        : m_tracks(tracks)
        , m_maxPoints(std::max<std::size_t>(maxPoints, 2))
        , m_r(tracks)
        , m_points(tracks)
    {}

    void begin(const ScoringRun& run) override
    {
        if (run.predictionSize.at(0) != run.elements(0))
            throw Error("the model gives " + std::to_string(run.predictionSize.at(0)) +
                        " values an example but the targets have " +
                        std::to_string(run.elements(0)));
        m_elements = run.elements(0);
        m_rowsPerExample = m_tracks == 0 ? 0 : m_elements / static_cast<std::int64_t>(m_tracks);
        const std::int64_t rows = run.examples * m_rowsPerExample;
        const auto count = static_cast<std::int64_t>(
            std::min<std::size_t>(static_cast<std::size_t>(rows), m_maxPoints));
        for (std::int64_t j = 0; j < count; ++j)
            m_sampled.push_back(count < 2 ? 0 : j * (rows - 1) / (count - 1));
        for (auto& points : m_points)
            points.resize(static_cast<std::size_t>(count));
    }

    void take(const ScoredRows& rows) override
    {
        const float* p = rows.predictions.at(0);
        const float* t = rows.targets.at(0);
        const auto n = static_cast<std::int64_t>(m_tracks);
        if (n == 0)
            return;
        for (std::int64_t r = 0; r < rows.rows; ++r) {
            const std::int64_t base = r * m_elements;
            for (std::int64_t k = 0; k < m_elements; ++k)
                m_r[static_cast<std::size_t>(k % n)].add(p[base + k], t[base + k]);
            // The sampled position rows of this example, if any.
            const std::int64_t first = rows.examples[r] * m_rowsPerExample;
            for (auto it = std::lower_bound(m_sampled.begin(), m_sampled.end(), first);
                 it != m_sampled.end() && *it < first + m_rowsPerExample; ++it) {
                const std::int64_t offset = base + (*it - first) * n;
                const auto j = static_cast<std::size_t>(it - m_sampled.begin());
                for (std::size_t k = 0; k < m_tracks; ++k)
                    m_points[k][j] = {t[offset + static_cast<std::int64_t>(k)],
                                      p[offset + static_cast<std::int64_t>(k)]};
            }
        }
    }

    /// Pearson's sums and the sampled points, added up in one all-reduce: a point was taken by
    /// one rank, the others hold zeros there.
    void reduceOver(dist::ProcessGroup& group) override
    {
        std::vector<double> flat;
        for (const auto& r : m_r)
            flat.insert(flat.end(), {static_cast<double>(r.n), r.sx, r.sy, r.sxx, r.syy, r.sxy});
        for (const auto& points : m_points)
            for (const auto& p : points)
                flat.insert(flat.end(), {p.x, p.y});
        group.sumOverRanks(flat, "the correlation's sums");
        const double* next = flat.data();
        for (auto& r : m_r) {
            r.n = static_cast<std::int64_t>(*next++);
            for (double* sum : {&r.sx, &r.sy, &r.sxx, &r.syy, &r.sxy})
                *sum = *next++;
        }
        for (auto& points : m_points)
            for (auto& p : points) {
                p.x = *next++;
                p.y = *next++;
            }
    }

    [[nodiscard]] double r(std::size_t track) const { return m_r[track].value(); }
    [[nodiscard]] const std::vector<stats::CurvePoint>& points(std::size_t track) const
    {
        return m_points[track];
    }
    [[nodiscard]] std::int64_t rowsPerExample() const { return m_rowsPerExample; }

private:
    std::size_t m_tracks;
    std::size_t m_maxPoints;
    std::int64_t m_elements = 0;
    std::int64_t m_rowsPerExample = 0;
    std::vector<stats::Pearson> m_r;
    std::vector<std::int64_t> m_sampled; ///< position rows drawn, ascending
    std::vector<std::vector<stats::CurvePoint>> m_points;
};

/// One output element's scores against the first target element, ranked.
class RankingSink final : public ScoreSink {
public:
    explicit RankingSink(std::int64_t element)
        : m_element(element)
    {}

    void begin(const ScoringRun& run) override
    {
        m_perExample = run.predictionSize.at(0);
        m_elements = run.elements(0);
        if (m_element < 0 || m_element >= m_perExample)
            throw Error("internal: AUC element out of range");
    }

    void take(const ScoredRows& rows) override
    {
        const float* p = rows.predictions.at(0);
        const float* t = rows.targets.at(0);
        for (std::int64_t r = 0; r < rows.rows; ++r)
            m_ranking.add(p[r * m_perExample + m_element], t[r * m_elements] > 0.5F);
    }

    /// Every rank's scores (or bins) gathered and merged in rank order: the ranking one
    /// process of all the examples makes.
    void reduceOver(dist::ProcessGroup& group) override
    {
        std::vector<std::int64_t> words = m_ranking.toWords();
        const auto sizes =
            group.gather({static_cast<std::int64_t>(words.size())}, "the AUC's ranking sizes");
        std::int64_t longest = 0;
        for (const auto& size : sizes)
            longest = std::max(longest, size.at(0));
        words.resize(static_cast<std::size_t>(longest), 0); // gather takes as many on each rank
        const auto all = group.gather(words, "the AUC's rankings");
        stats::RankingAccumulator merged;
        for (std::size_t r = 0; r < all.size(); ++r)
            merged.merge(stats::RankingAccumulator::fromWords(
                all[r].data(), static_cast<std::size_t>(sizes[r].at(0))));
        m_ranking = std::move(merged);
    }

    [[nodiscard]] const stats::RankingAccumulator& ranking() const { return m_ranking; }

private:
    std::int64_t m_element;
    std::int64_t m_perExample = 0;
    std::int64_t m_elements = 0;
    stats::RankingAccumulator m_ranking;
};

} // namespace

EvaluationReport evaluate(Model& model, const Generator& data, const CompileSettings& compile,
                          const std::vector<OutputTracks>& tracks, bool useWeights,
                          const ScoreOptions& options)
{
    MetricsSink sink(model, compile, tracks, useWeights);
    const ScoringRun run = scoreData(model, data, sink, options);
    EvaluationReport r;
    r.examples = run.examples;
    r.method = run.method;
    r.reason = run.reason;
    r.seconds = run.seconds;
    r.metrics = sink.values();
    return r;
}

CorrelationScores correlate(Model& model, const Generator& data, const OutputTracks& tracks,
                            const ScoreOptions& options, std::size_t maxPoints)
{
    const std::size_t n = tracks.trackNames.size();
    CorrelationSink sink(n, maxPoints);
    CorrelationScores out;
    out.run = scoreData(model, data, sink, options);
    for (std::size_t k = 0; k < n; ++k) {
        const std::string name = "correlate_" + tracks.trackNames[k];
        out.correlations[name] = sink.r(k);
        out.scatter[name] = sink.points(k);
    }
    out.positions = out.run.examples * sink.rowsPerExample();
    return out;
}

std::string AucResult::errorNote() const
{
    if (!(error() > 0))
        return {};
    char bound[32];
    std::snprintf(bound, sizeof bound, "%.2g", error());
    return std::string("within ") + bound +
           " of the exact area: " + text::withThousands(positives + negatives) +
           " windows ranked in score bins";
}

AucResult aucOf(Model& model, const Generator& data, std::int64_t element, const std::string& curve,
                const ScoreOptions& options)
{
    RankingSink sink(element);
    (void)scoreData(model, data, sink, options);
    AucResult r;
    r.curve = curve;
    r.positives = sink.ranking().positives();
    r.negatives = sink.ranking().negatives();
    r.ranking = sink.ranking().ranking();
    r.value = curve == "PR" ? r.ranking.auprc : r.ranking.auroc;
    return r;
}

} // namespace kdna
