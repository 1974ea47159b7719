#include "core/train/metrics.h"

#include "core/distributed/process_group.h"
#include "core/util/error.h"
#include "core/util/text.h"

#include <cmath>
#include <cstdint>

namespace kdna {

torch::Tensor perExampleLoss(const std::string& name, torch::Tensor pred,
                             const torch::Tensor& target)
{
    pred = pred.to(torch::kFloat).reshape(target.sizes());
    const double eps = 1e-7;
    torch::Tensor elementwise;
    if (name == "mse") {
        elementwise = (pred - target).pow(2);
    } else if (name == "mae") {
        elementwise = (pred - target).abs();
    } else if (name == "binary_crossentropy") {
        const torch::Tensor p = pred.clamp(eps, 1 - eps);
        elementwise = -(target * p.log() + (1 - target) * (1 - p).log());
    } else if (name == "categorical_crossentropy") {
        torch::Tensor p = pred / pred.sum(-1, true);
        p = p.clamp(eps, 1 - eps);
        elementwise = -(target * p.log()).sum(-1);
    } else if (name == "poisson") {
        elementwise = pred - target * (pred + eps).log();
    } else {
        throw Error::atKeyword("loss", "'" + name + "' is not a loss kdna knows");
    }
    return elementwise.reshape({elementwise.size(0), -1}).mean(1);
}

OutputMetrics::OutputMetrics(std::string prefix, std::vector<std::string> metrics, std::string loss,
                             std::vector<std::string> trackNames)
    : m_prefix(std::move(prefix))
    , m_metrics(std::move(metrics))
    , m_loss(std::move(loss))
    , m_tracks(std::move(trackNames))
{}

namespace {

/// sum += value, in double on value's device; no read-back.
void accumulate(torch::Tensor& sum, const torch::Tensor& value)
{
    const torch::Tensor v = value.detach().to(torch::kDouble);
    sum = sum.defined() ? sum + v : v.clone();
}

double read(const torch::Tensor& sum)
{
    return sum.defined() ? sum.item<double>() : 0.0;
}

/// Keras' AUC: 200 thresholds evenly spaced over [0, 1].
constexpr std::int64_t kAucThresholds = 200;

/// The area under the ROC curve from per-bin counts (bin k: scores in
/// ((k - 1) / (T - 1), k / (T - 1)]), by trapezoids between thresholds as Keras interpolates.
double aucFromCounts(const torch::Tensor& counts)
{
    const torch::Tensor c = counts.cpu().contiguous();
    const auto a = c.accessor<double, 2>();
    const std::int64_t t = c.size(1);
    double negatives = 0, positives = 0;
    for (std::int64_t k = 0; k < t; ++k) {
        negatives += a[0][k];
        positives += a[1][k];
    }
    if (negatives == 0 || positives == 0)
        return std::nan("");
    // Walk the thresholds from high to low: the rates rise from (0, 0) to (1, 1).
    double area = 0, fp = 0, tp = 0;
    for (std::int64_t k = t - 1; k >= 0; --k) {
        const double fp2 = fp + a[0][k], tp2 = tp + a[1][k];
        area += (fp2 - fp) / negatives * (tp + tp2) / (2 * positives);
        fp = fp2;
        tp = tp2;
    }
    return area;
}

} // namespace

void OutputMetrics::add(const torch::Tensor& predIn, const torch::Tensor& target,
                        const torch::Tensor& loss, std::int64_t examples)
{
    torch::NoGradGuard noGrad;
    accumulate(m_lossSum, loss * static_cast<double>(examples));
    m_examples += examples;
    if (m_metrics.empty())
        return;
    const torch::Tensor pred = predIn.detach().to(torch::kFloat).reshape(target.sizes());
    const double elements = static_cast<double>(target.numel());
    for (const auto& m : m_metrics) {
        if (m == "mae") {
            accumulate(m_values[m], (pred - target).abs().sum());
        } else if (m == "mse") {
            accumulate(m_values[m], (pred - target).pow(2).sum());
        } else if (m == "accuracy") {
            if (m_loss == "categorical_crossentropy" && target.dim() >= 2) {
                const auto hits = pred.argmax(-1).eq(target.argmax(-1));
                accumulate(m_values[m], hits.sum());
                m_counts[m] += static_cast<double>(hits.numel());
                continue;
            }
            accumulate(m_values[m], pred.gt(0.5).eq(target.gt(0.5)).sum());
        } else if (m == "AUC") {
            const torch::Tensor bin = (pred.clamp(0, 1) * static_cast<double>(kAucThresholds - 1))
                                          .ceil()
                                          .to(torch::kLong)
                                          .flatten();
            const torch::Tensor positive = target.gt(0.5).flatten().to(torch::kDouble);
            accumulate(m_aucCounts,
                       torch::stack({torch::bincount(bin, 1 - positive, kAucThresholds),
                                     torch::bincount(bin, positive, kAucThresholds)}));
        } else if (m == "correlate") {
            // Element e of an example belongs to track e % tracks.
            const auto tracks = static_cast<std::int64_t>(m_tracks.size());
            const torch::Tensor x = pred.reshape({-1, tracks}).to(torch::kDouble);
            const torch::Tensor y = target.reshape({-1, tracks}).to(torch::kDouble);
            accumulate(m_pearsonSums, torch::stack({x.sum(0), y.sum(0), (x * x).sum(0),
                                                    (y * y).sum(0), (x * y).sum(0)}));
            m_pearsonPairs += x.size(0);
        }
        m_counts[m] += elements;
    }
}

void OutputMetrics::gatherSums(std::vector<torch::Tensor>& sums, std::vector<double>& counts) const
{
    sums.push_back(m_lossSum);
    for (const auto& [name, value] : m_values)
        sums.push_back(value);
    for (const torch::Tensor& t : {m_pearsonSums, m_aucCounts})
        if (t.defined())
            sums.push_back(t);
    for (const auto& [name, count] : m_counts)
        counts.push_back(count);
    counts.push_back(static_cast<double>(m_pearsonPairs));
    counts.push_back(static_cast<double>(m_examples));
}

void OutputMetrics::takeCounts(const double*& next)
{
    for (auto& [name, count] : m_counts)
        count = *next++;
    m_pearsonPairs = static_cast<std::int64_t>(*next++);
    m_examples = static_cast<std::int64_t>(*next++);
}

void OutputMetrics::write(std::map<std::string, double>& out, const std::string& prefix) const
{
    out[prefix + m_prefix + "loss"] =
        m_examples ? read(m_lossSum) / static_cast<double>(m_examples) : std::nan("");
    for (const auto& m : m_metrics) {
        if (m == "AUC") {
            out[prefix + m_prefix + "auc"] =
                m_aucCounts.defined() ? aucFromCounts(m_aucCounts) : std::nan("");
            continue;
        }
        if (m == "correlate") {
            const torch::Tensor sums =
                m_pearsonSums.defined()
                    ? m_pearsonSums.cpu().contiguous()
                    : torch::zeros({5, static_cast<std::int64_t>(m_tracks.size())}, torch::kDouble);
            const auto s = sums.accessor<double, 2>();
            for (std::size_t t = 0; t < m_tracks.size(); ++t) {
                const auto i = static_cast<std::int64_t>(t);
                stats::Pearson p;
                p.n = m_pearsonPairs;
                p.sx = s[0][i];
                p.sy = s[1][i];
                p.sxx = s[2][i];
                p.syy = s[3][i];
                p.sxy = s[4][i];
                out[prefix + m_prefix + "correlate_" + m_tracks[t]] = p.value();
            }
            continue;
        }
        const auto v = m_values.find(m);
        const auto c = m_counts.find(m);
        out[prefix + m_prefix + m] = v != m_values.end() && c != m_counts.end() && c->second > 0
                                         ? read(v->second) / c->second
                                         : std::nan("");
    }
}

EpochMetrics::EpochMetrics(const ModelSpec& spec, const CompileSettings& compile,
                           const std::vector<OutputTracks>& tracks)
{
    const auto outputs = spec.outputNames();
    for (std::size_t o = 0; o < outputs.size(); ++o)
        m_outputs.emplace_back(outputs.size() > 1 ? outputs[o] + "_" : std::string(),
                               compile.metrics, compile.lossFor(o),
                               o < tracks.size() ? tracks[o].trackNames
                                                 : std::vector<std::string>{"0_0"});
}

void EpochMetrics::add(const std::vector<torch::Tensor>& preds,
                       const std::vector<torch::Tensor>& targets,
                       const std::vector<torch::Tensor>& losses, const torch::Tensor& total,
                       std::int64_t examples)
{
    accumulate(m_total, total.detach() * static_cast<double>(examples));
    m_examples += examples;
    for (std::size_t o = 0; o < m_outputs.size(); ++o)
        m_outputs[o].add(preds[o], targets[o], losses[o], examples);
}

void EpochMetrics::sumOver(dist::ProcessGroup& group, const std::string& what)
{
    // Every output's sums in one all-reduce (one flat buffer per dtype); the counts ride along
    // as doubles, exact below 2^53.
    std::vector<torch::Tensor> sums{m_total};
    std::vector<double> counts{static_cast<double>(m_examples)};
    for (const auto& o : m_outputs)
        o.gatherSums(sums, counts);
    sums.push_back(torch::tensor(counts, torch::kDouble).to(m_total.device()));
    group.sumOverRanks(sums, what);
    const torch::Tensor totals = sums.back().cpu();
    const double* next = totals.data_ptr<double>();
    m_examples = static_cast<std::int64_t>(*next++);
    for (auto& o : m_outputs)
        o.takeCounts(next);
}

std::map<std::string, double> EpochMetrics::values(const std::string& prefix) const
{
    std::map<std::string, double> out;
    for (const auto& o : m_outputs)
        o.write(out, prefix);
    out[prefix + "loss"] =
        m_examples ? read(m_total) / static_cast<double>(m_examples) : std::nan("");
    return out;
}

Losses computeLosses(const std::vector<torch::Tensor>& predictions,
                     const std::vector<torch::Tensor>& targets, const torch::Tensor& weights,
                     const CompileSettings& compile)
{
    if (predictions.size() != targets.size())
        throw Error("the model has " + std::to_string(predictions.size()) +
                    " outputs but the data gives " + std::to_string(targets.size()) + " targets");
    Losses l;
    for (std::size_t o = 0; o < predictions.size(); ++o) {
        if (predictions[o].numel() != targets[o].numel())
            throw Error("output " + std::to_string(o) + " of the model has shape " +
                        text::tuple(std::vector<std::int64_t>(predictions[o].sizes().begin(),
                                                              predictions[o].sizes().end())) +
                        " but its targets have " +
                        text::tuple(std::vector<std::int64_t>(targets[o].sizes().begin(),
                                                              targets[o].sizes().end())));
        const torch::Tensor perExample =
            perExampleLoss(compile.lossFor(o), predictions[o], targets[o]);
        torch::Tensor loss = weights.defined() ? (perExample * weights).mean() : perExample.mean();
        l.perOutput.push_back(loss.detach());
        loss = loss * compile.weightFor(o);
        l.total = l.total.defined() ? l.total + loss : loss;
    }
    return l;
}

} // namespace kdna
