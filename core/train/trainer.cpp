#include "core/train/trainer.h"

#include "core/data/generator.h"
#include "core/model/autocast.h"
#include "core/model/torch_model.h"
#include "core/train/callbacks.h"
#include "core/train/metrics.h"
#include "core/util/error.h"
#include "core/util/text.h"

#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>

namespace kdna {
namespace {

using Clock = std::chrono::steady_clock;

torch::Tensor tensorOf(Array& a, const torch::Device& device)
{
    // No copy on the CPU: the batch's buffer stays alive until the step is done.
    torch::Tensor t = torch::from_blob(a.values.data(), a.shape, torch::kFloat);
    return device.is_cpu() ? t : t.to(device, /*non_blocking=*/true);
}

struct DeviceBatch {
    std::vector<torch::Tensor> inputs;
    std::vector<torch::Tensor> targets;
    torch::Tensor weights; // undefined without weighting
    std::int64_t examples = 0;
};

DeviceBatch toDevice(Batch& b, const torch::Device& device, bool useWeights)
{
    DeviceBatch d;
    for (auto& a : b.inputs)
        d.inputs.push_back(tensorOf(a, device));
    for (auto& a : b.targets)
        d.targets.push_back(tensorOf(a, device));
    if (useWeights && !b.weights.empty())
        d.weights = tensorOf(b.weights, device);
    d.examples = b.examples;
    return d;
}

struct StepResult {
    torch::Tensor total;
    std::vector<torch::Tensor> losses;
    std::vector<torch::Tensor> predictions;
};

StepResult forwardLoss(nn::GraphModule& module, const DeviceBatch& b,
                       const CompileSettings& compile, bool bf16, const torch::Device& device)
{
    StepResult r;
    {
        AutocastScope autocast(bf16, device.is_cuda());
        r.predictions = module->forward(b.inputs);
    }
    Losses losses = computeLosses(r.predictions, b.targets, b.weights, compile);
    r.total = losses.total;
    r.losses = std::move(losses.perOutput);
    return r;
}

std::unique_ptr<torch::optim::Optimizer> makeOptimizer(nn::GraphModule& module,
                                                       const CompileSettings& c)
{
    const double lr = c.learningRate();
    if (c.optimizer == "sgd")
        return std::make_unique<torch::optim::SGD>(
            module->parameters(), torch::optim::SGDOptions(lr).momentum(c.momentum));
    if (c.optimizer == "rmsprop")
        return std::make_unique<torch::optim::RMSprop>(
            module->parameters(), torch::optim::RMSpropOptions(lr).alpha(0.9).eps(1e-7));
    return std::make_unique<torch::optim::Adam>(module->parameters(),
                                                torch::optim::AdamOptions(lr).eps(1e-7));
}

std::int64_t stepsFor(std::int64_t requested, const Generator& g)
{
    const std::int64_t available = g.batchesPerEpoch();
    if (available < 1)
        throw Error("batch_size: the data has fewer examples than one batch", "batch_size");
    return requested > 0 ? requested : available;
}

/// What the training and validation data said when they were read, for the observer: a user
/// who trains never runs `kdna shape --stats`, so a shortfall must show here.
std::vector<std::string> dataNotes(const TrainingRun& run)
{
    std::vector<std::string> notes = run.train.dataset().summary().notes;
    if (run.validation)
        for (const auto& n : run.validation->dataset().summary().notes)
            notes.push_back("validation data: " + n);
    return notes;
}

/// One pass of `steps` batches without gradients: the validation and evaluation loop.
std::map<std::string, double> measure(nn::GraphModule& module, const Generator& data,
                                      std::int64_t steps, const CompileSettings& compile,
                                      const std::vector<OutputTracks>& tracks,
                                      const ModelSpec& spec, bool useWeights, bool bf16,
                                      const torch::Device& device, const std::atomic<bool>* cancel,
                                      const std::string& prefix, std::int64_t* examples)
{
    torch::NoGradGuard noGrad;
    module->eval();
    EpochMetrics metrics(spec, compile, tracks);
    BatchStream stream(data, 0, steps);
    for (std::int64_t s = 0; s < steps; ++s) {
        if (cancel && cancel->load())
            break;
        Batch batch = stream.next();
        const DeviceBatch b = toDevice(batch, device, useWeights);
        const StepResult r = forwardLoss(module, b, compile, bf16, device);
        metrics.add(r.predictions, b.targets, r.losses, r.total, b.examples);
        if (examples)
            *examples += b.examples;
        stream.recycle(std::move(batch));
    }
    return metrics.values(prefix);
}

} // namespace

std::vector<OutputTracks> outputTracks(const Generator& data,
                                       const std::vector<std::string>& outputNames)
{
    const DatasetSpec& spec = data.dataset().spec();
    std::vector<OutputTracks> out;
    OutputTracks labels;
    labels.output = outputNames.empty() ? "output" : outputNames.front();
    if (spec.isSparse()) {
        for (std::size_t c = 0; c < spec.annotation_files.size(); ++c)
            for (std::size_t a = 0; a < spec.annotation_list.size(); ++a)
                labels.trackNames.push_back(std::to_string(c) + "_" + std::to_string(a));
    } else {
        const auto k = static_cast<std::size_t>(std::max(1, spec.nb_annotation_type));
        for (std::size_t i = 0; i < spec.annotation_files.size(); ++i)
            labels.trackNames.push_back(std::to_string(i / k) + "_" + std::to_string(i % k));
    }
    out.push_back(labels);
    if (data.secondaryAsTarget()) {
        OutputTracks secondary;
        secondary.output = outputNames.size() > 1 ? outputNames[1] : "secondary";
        for (std::size_t i = 0; i < spec.sec_inputs.size(); ++i)
            secondary.trackNames.push_back("sec" + std::to_string(i));
        out.push_back(secondary);
    }
    return out;
}

TrainingResult train(TrainingRun run)
{
    throwIfProblems(validate(run.settings));
    throwIfProblems(validate(run.compile, run.model.spec().outputNames().size()));
    Model::Impl& m = run.model.impl();
    setTorchThreads(run.settings.threads);
    run.model.setDevice(run.settings.device);
    torch::manual_seed(run.settings.seed);
    const torch::Device device = m.device;
    const bool bf16 = run.settings.precision == "bf16";
    const auto tracks = outputTracks(run.train, run.model.spec().outputNames());

    const std::int64_t steps = stepsFor(run.settings.steps_per_epoch, run.train);
    std::int64_t validationSteps = 0;
    if (run.validation)
        validationSteps = std::min(stepsFor(run.settings.validation_steps, *run.validation),
                                   run.validation->batchesPerEpoch());
    auto optimizer = makeOptimizer(m.module, run.compile);

    TrainingResult result;
    result.history = std::move(run.previous);
    result.history.stepsPerEpoch = steps;
    const int firstEpoch = static_cast<int>(result.history.epochs.size());
    const std::int64_t firstBatch = static_cast<std::int64_t>(result.history.batchLoss.size());

    if (run.observer)
        run.observer->started({run.settings.epochs, steps, validationSteps, run.train.batchSize(),
                               device.str(), run.settings.precision, torchThreads(),
                               run.train.workerCount(), firstEpoch, dataNotes(run)});

    // Keras' EarlyStopping when asked for; the checkpoint's monitor (ModelCheckpoint) picks the
    // best epoch otherwise. Those weights are kept for a cancelled run too.
    std::optional<EarlyStopping> early;
    if (run.settings.early_stopping.enabled)
        early.emplace(run.settings.early_stopping);
    const Monitor checkpointMonitor(run.settings.checkpoint.monitor, "auto");
    double checkpointBest = checkpointMonitor.worst();
    std::string bestWeights;
    int bestEpoch = -1;
    bool restoreBest = false;
    result.stopReason = "completed";

    BatchStream stream(run.train, firstBatch,
                       static_cast<std::int64_t>(run.settings.epochs) * steps);
    for (int e = 0; e < run.settings.epochs; ++e) {
        const int epoch = firstEpoch + e;
        m.module->train();
        EpochMetrics metrics(run.model.spec(), run.compile, tracks);
        const auto epochStart = Clock::now();
        std::int64_t samples = 0;
        double lossSum = 0;
        bool cancelled = false;
        for (std::int64_t s = 0; s < steps; ++s) {
            if (run.cancel && run.cancel->load()) {
                cancelled = true;
                break;
            }
            Batch batch = stream.next();
            const DeviceBatch b = toDevice(batch, device, true);
            // Dropping the gradients (rather than zeroing them) spares a pass over the memory.
            for (auto& p : m.module->parameters())
                p.mutable_grad() = torch::Tensor();
            StepResult r = forwardLoss(m.module, b, run.compile, bf16, device);
            r.total.backward();
            optimizer->step();
            const double loss = r.total.item<double>();
            if (!std::isfinite(loss))
                throw Error("training diverged: the loss became " + text::number(loss) +
                            " at epoch " + std::to_string(epoch + 1) + ", batch " +
                            std::to_string(s + 1) +
                            "; lower learning_rate or normalise the targets");
            metrics.add(r.predictions, b.targets, r.losses, r.total, b.examples);
            stream.recycle(std::move(batch));
            samples += b.examples;
            lossSum += loss;
            result.history.batchLoss.push_back(loss);
            if (run.observer) {
                const double elapsed =
                    std::chrono::duration<double>(Clock::now() - epochStart).count();
                const double rate = elapsed > 0 ? static_cast<double>(samples) / elapsed : 0;
                run.observer->batchFinished(
                    {epoch, s, steps, loss, lossSum / static_cast<double>(s + 1), rate,
                     rate > 0 ? static_cast<double>((steps - s - 1) * run.train.batchSize()) / rate
                              : 0});
            }
        }
        if (cancelled && samples == 0) {
            result.cancelled = true;
            result.stopReason = "cancelled";
            break;
        }
        const double trainSeconds =
            std::chrono::duration<double>(Clock::now() - epochStart).count();
        std::map<std::string, double> values = metrics.values("");
        if (run.validation && validationSteps > 0 && !cancelled) {
            if (run.observer)
                run.observer->validating(epoch);
            const auto val = measure(m.module, *run.validation, validationSteps, run.compile,
                                     tracks, run.model.spec(), run.settings.weights_val, bf16,
                                     device, run.cancel, "val_", nullptr);
            values.insert(val.begin(), val.end());
            // A validation cut short is no measure of the epoch: it must not pick the best.
            cancelled = run.cancel && run.cancel->load();
        }
        if (cancelled) {
            result.cancelled = true;
            result.stopReason = "cancelled";
            break;
        }
        double current = 0;
        const bool checkpointImproved = checkpointMonitor.read(values, current) &&
                                        checkpointMonitor.beats(current, checkpointBest);
        if (checkpointImproved)
            checkpointBest = current;
        EarlyStopping::Decision decision;
        if (early)
            decision = early->onEpochEnd(epoch, values);
        const bool improved = early ? decision.improved : checkpointImproved;
        if (improved)
            bestEpoch = epoch;
        if (early ? decision.keepWeights : improved)
            bestWeights = run.model.weightsBlob();
        result.history.epochs.push_back(values);
        if (run.observer) {
            const double total = std::chrono::duration<double>(Clock::now() - epochStart).count();
            run.observer->epochFinished(
                {epoch, values, total,
                 trainSeconds > 0 ? static_cast<double>(samples) / trainSeconds : 0, bestEpoch,
                 improved});
        }
        if (run.settings.checkpoint.enabled && run.saveCheckpoint &&
            (checkpointImproved || !run.settings.checkpoint.save_best_only))
            run.saveCheckpoint(epoch, result.history);
        if (decision.stop) {
            result.stopReason = "early stopping";
            restoreBest = decision.restore;
            break;
        }
    }
    // A cancelled run keeps its best weights (its last ones are from no finished epoch); early
    // stopping restores them when restore_best_weights asks, as Keras does.
    bool restored = false;
    if ((result.cancelled || restoreBest) && !bestWeights.empty()) {
        run.model.loadWeightsBlob(bestWeights);
        restored = true;
    }
    result.bestEpoch = bestEpoch;
    if (run.observer)
        run.observer->finished({result.stopReason, bestEpoch, restored,
                                early ? early->messages() : std::vector<std::string>{}});
    return result;
}

EvaluationResult evaluate(Model& model, const Generator& data, const CompileSettings& compile,
                          std::int64_t steps, bool useWeights, const std::string& precision,
                          const std::atomic<bool>* cancel)
{
    Model::Impl& m = model.impl();
    const auto start = Clock::now();
    EvaluationResult r;
    const std::int64_t n =
        steps > 0 ? std::min(steps, data.batchesPerEpoch()) : data.batchesPerEpoch();
    r.metrics =
        measure(m.module, data, n, compile, outputTracks(data, model.spec().outputNames()),
                model.spec(), useWeights, precision == "bf16", m.device, cancel, "", &r.examples);
    r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return r;
}

} // namespace kdna
