#pragma once

// Losses and metrics on tensors, shared by the training loop and evaluation. Includes torch:
// only core/train and core/eval use it.

#include "core/model/model_spec.h"
#include "core/train/settings.h"
#include "core/train/trainer.h"
#include "core/util/stats.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <torch/torch.h>

namespace kdna {

namespace dist {
class ProcessGroup;
}

/// Per-example loss: the mean over every non-batch element (Keras' reduction).
torch::Tensor perExampleLoss(const std::string& name, torch::Tensor pred,
                             const torch::Tensor& target);

/// Running sums for an epoch's metrics on one output.
class OutputMetrics {
public:
    OutputMetrics(std::string prefix, std::vector<std::string> metrics, std::string loss,
                  std::vector<std::string> trackNames);
    void add(const torch::Tensor& pred, const torch::Tensor& target, const torch::Tensor& loss,
             std::int64_t examples);
    void write(std::map<std::string, double>& out, const std::string& prefix) const;
    /// Its running sums (the tensors themselves, for a sum over ranks in place) and counts,
    /// after those already in `sums` and `counts`; each rank added batches of its own (at least
    /// one, so that every sum has its shape).
    void gatherSums(std::vector<torch::Tensor>& sums, std::vector<double>& counts) const;
    /// Its counts back from `next`, in gatherSums' order (`next` moves past them).
    void takeCounts(const double*& next);

private:
    // The sums stay on the model's device, in double, and are read once in write(): reading
    // them every batch would make a GPU wait for the host at each step.
    std::string m_prefix;
    std::vector<std::string> m_metrics;
    std::string m_loss;
    std::vector<std::string> m_tracks;
    std::map<std::string, torch::Tensor> m_values;
    std::map<std::string, double> m_counts;
    torch::Tensor m_lossSum;
    torch::Tensor m_pearsonSums; // (5, tracks): sums of x, y, xx, yy, xy
    torch::Tensor m_aucCounts;   // (2, thresholds): negatives and positives per score bin
    std::int64_t m_pearsonPairs = 0;
    std::int64_t m_examples = 0;
};

/// The metrics of every output plus the total loss, named as Keras names them ("loss",
/// "mae", "<output>_loss" with several outputs, "correlate_0_0").
class EpochMetrics {
public:
    EpochMetrics(const ModelSpec& spec, const CompileSettings& compile,
                 const std::vector<OutputTracks>& tracks);
    void add(const std::vector<torch::Tensor>& preds, const std::vector<torch::Tensor>& targets,
             const std::vector<torch::Tensor>& losses, const torch::Tensor& total,
             std::int64_t examples);
    [[nodiscard]] std::map<std::string, double> values(const std::string& prefix) const;
    /// The sums of every rank's batches: values() then measures them all (OutputMetrics).
    void sumOver(dist::ProcessGroup& group, const std::string& what);

private:
    std::vector<OutputMetrics> m_outputs;
    torch::Tensor m_total;
    std::int64_t m_examples = 0;
};

/// Loss of each output (weighted by sample weights when given) and their weighted total.
struct Losses {
    torch::Tensor total;
    std::vector<torch::Tensor> perOutput; ///< detached, on the model's device
};
Losses computeLosses(const std::vector<torch::Tensor>& predictions,
                     const std::vector<torch::Tensor>& targets, const torch::Tensor& weights,
                     const CompileSettings& compile);

} // namespace kdna
