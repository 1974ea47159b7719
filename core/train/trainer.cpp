#include "core/train/trainer.h"

#include "core/data/generator.h"
#include "core/distributed/gradient_reducer.h"
#include "core/distributed/process_group.h"
#include "core/model/autocast.h"
#include "core/model/torch_model.h"
#include "core/train/callbacks.h"
#include "core/train/metrics.h"
#include "core/train/optimizer_state.h"
#include "core/train/thread_balance.h"
#include "core/util/error.h"
#include "core/util/text.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <optional>
#include <thread>

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

/// `ranks` share one pass over the data, as DDP's DistributedSampler has it: each rank's epoch
/// is its 1 / ranks of the batches unless steps_per_epoch says otherwise.
std::int64_t stepsFor(std::int64_t requested, const Generator& g, int ranks = 1)
{
    const std::int64_t available = g.batchesPerEpoch() / ranks;
    if (available < 1)
        throw Error::atKeyword("batch_size",
                               ranks > 1 ? "the data has fewer examples than one batch per rank"
                                         : "the data has fewer examples than one batch");
    return requested > 0 ? requested : available;
}

/// The chromosomes of one genome that both datasets draw windows from: there the validation
/// loss measures windows the model trains on. Datasets on other genomes (or mixing several)
/// share names, not bases.
std::vector<std::string> sharedChromosomes(const Dataset& train, const Dataset& validation)
{
    if (train.mixesDatasets() || validation.mixesDatasets())
        return {};
    std::error_code ec;
    if (!std::filesystem::equivalent(train.spec().resolve(train.spec().fasta_file),
                                     validation.spec().resolve(validation.spec().fasta_file), ec))
        return {};
    std::vector<std::string> names;
    for (const auto& c : train.summary().chromosomes)
        names.push_back(c.chrom);
    const std::vector<std::string> trained = chromosomesDrawnFrom(train, names);
    return chromosomesDrawnFrom(validation, trained);
}

/// What the training and validation data said when they were read, for the observer: a user
/// who trains never runs `kdna shape --stats`, so a shortfall must show here.
std::vector<std::string> dataNotes(const TrainingRun& run)
{
    std::vector<std::string> notes = run.train.dataset().summary().notes;
    notes.insert(notes.end(), run.notes.begin(), run.notes.end());
    if (!run.validation)
        return notes;
    for (const auto& n : run.validation->dataset().summary().notes)
        notes.push_back("validation data: " + n);
    const auto shared = sharedChromosomes(run.train.dataset(), run.validation->dataset());
    if (!shared.empty())
        notes.push_back(overlapNote("validation data", shared, "training",
                                    "the validation loss measures windows the model trains on",
                                    "incl_chromosomes, or validate on others"));
    return notes;
}

/// Whether `group` shares out `steps` batches, a share to each rank; with fewer batches than
/// ranks every rank scores them all.
bool sharesOut(const dist::ProcessGroup* group, std::int64_t steps)
{
    return group && steps >= group->size();
}

/// One pass of `steps` batches without gradients: the validation and evaluation loop.
std::map<std::string, double> measure(nn::GraphModule& module, const Generator& data,
                                      std::int64_t steps, const CompileSettings& compile,
                                      const std::vector<OutputTracks>& tracks,
                                      const ModelSpec& spec, bool useWeights, bool bf16,
                                      const torch::Device& device, const std::atomic<bool>* cancel,
                                      const std::string& prefix, std::int64_t* examples,
                                      dist::ProcessGroup* group = nullptr)
{
    torch::NoGradGuard noGrad;
    module->eval();
    EpochMetrics metrics(spec, compile, tracks);
    // A group shares the batches out as training does (rank r scores r, r + N, ...) and adds
    // up the sums, so each rank gets the values one process scoring them all would. Every
    // rank then scores its whole share: a cancel cannot cut one short, as the others' sums
    // would wait for it (the caller's cancel check decides what the epoch is worth).
    const bool split = sharesOut(group, steps);
    const std::int64_t first = split ? group->rank() : 0;
    const std::int64_t stride = split ? group->size() : 1;
    const std::int64_t mine = (steps - first + stride - 1) / stride;
    BatchStream stream(data, first, mine, stride);
    for (std::int64_t s = 0; s < mine; ++s) {
        if (!split && cancel && cancel->load())
            break;
        Batch batch = stream.next();
        const DeviceBatch b = toDevice(batch, device, useWeights);
        const StepResult r = forwardLoss(module, b, compile, bf16, device);
        metrics.add(r.predictions, b.targets, r.losses, r.total, b.examples);
        if (examples)
            *examples += b.examples;
        stream.recycle(std::move(batch));
    }
    if (split)
        metrics.sumOver(*group, "the validation's sums");
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

namespace {

/// One training run, step by step: the state that lives across epochs (the optimiser, the batch
/// stream, the best epoch and its weights, the callbacks' records) and one method per step.
class TrainingLoop {
public:
    explicit TrainingLoop(TrainingRun& run);

    TrainingResult run();

private:
    /// What an epoch's batches came to: the samples seen, whether a cancel cut them short.
    struct EpochPass {
        std::int64_t samples = 0;
        double trainSeconds = 0;
        bool cancelled = false;
    };

    void announce();
    /// The epoch's training batches; throws when the loss stops being finite.
    EpochPass trainBatches(int epoch, EpochMetrics& metrics, Clock::time_point epochStart);
    void reportBatch(int epoch, std::int64_t step, double loss, double lossSum,
                     std::int64_t samples, Clock::time_point epochStart);
    /// Adds the val_ metrics to `values`; false when a cancel cut the validation short.
    bool validateEpoch(int epoch, std::map<std::string, double>& values);
    /// The callbacks' verdict on a finished epoch (best epoch, kept weights, checkpoint);
    /// true when early stopping ends the run.
    bool closeEpoch(int epoch, const std::map<std::string, double>& values, const EpochPass& pass,
                    Clock::time_point epochStart);
    /// What the callbacks make of a finished epoch: the checkpoint's and early stopping's
    /// verdicts, their bests and the best epoch updated. A trained epoch and a resumed run's
    /// replayed one are judged alike.
    struct Verdict {
        bool checkpointImproved = false;
        EarlyStopping::Decision decision;
        bool improved = false; ///< a new best epoch
    };
    Verdict judgeEpoch(int epoch, const std::map<std::string, double>& values);
    void stoppedEarly(const EarlyStopping::Decision& decision);
    /// Rebuilds the callbacks' state from the epochs of a resumed run's history.
    void replayEpochs();
    void cancelled();
    void finish();
    /// Every rank starts from rank 0's parameters and buffers.
    void adoptRankZeroWeights();
    /// Gradients averaged over the group (nothing alone), sent bucket by bucket during the
    /// backward pass; true when the group stops here.
    bool backwardShared(const torch::Tensor& loss, int epoch, std::int64_t step);

    [[nodiscard]] bool cancelRequested() const { return m_run.cancel && m_run.cancel->load(); }

    TrainingRun& m_run;
    Model::Impl& m_model;
    torch::Device m_device;
    bool m_bf16 = false;
    std::vector<OutputTracks> m_tracks;
    std::int64_t m_steps = 0;
    std::int64_t m_validationSteps = 0;
    std::unique_ptr<torch::optim::Optimizer> m_optimizer;
    TrainingResult m_result;
    BatchStream* m_stream = nullptr; ///< the run's batches, while run() runs
    int m_firstEpoch = 0;
    std::int64_t m_firstBatch = 0;
    dist::ProcessGroup* m_group = nullptr;
    int m_ranks = 1;
    int m_rank = 0;
    std::optional<dist::GradientReducer> m_reducer; ///< in a group
    std::optional<ThreadBalance> m_balance;         ///< made once the torch threads are set

    // Keras' EarlyStopping when asked for; the checkpoint's monitor (ModelCheckpoint) picks the
    // best epoch otherwise. Those weights are kept for a cancelled run too.
    std::optional<EarlyStopping> m_early;
    Monitor m_checkpointMonitor;
    double m_checkpointBest = 0;
    std::string m_bestWeights;
    int m_bestEpoch = -1;
    bool m_restoreBest = false;
    bool m_stoppedEarly = false; ///< a resumed run whose history had already stopped early
};

/// Checks the settings and places the model before any member that depends on them is made.
Model::Impl& preparedModel(TrainingRun& run)
{
    throwIfProblems(validate(run.settings));
    throwIfProblems(validate(run.compile, run.model.spec().outputNames().size()));
    Model::Impl& m = run.model.impl();
    setTorchThreads(run.settings.threads);
    run.model.setDevice(run.settings.device);
    seedTorch(run.settings.seed);
    // Rank 0 alone tells the user and writes files; the others only train.
    if (run.group && run.group->rank() != 0) {
        run.observer = nullptr;
        run.saveCheckpoint = nullptr;
        run.resume.save = nullptr;
    }
    return m;
}

TrainingLoop::TrainingLoop(TrainingRun& run)
    : m_run(run)
    , m_model(preparedModel(run))
    , m_device(m_model.device)
    , m_bf16(run.settings.precision == "bf16")
    , m_tracks(outputTracks(run.train, run.model.spec().outputNames()))
    , m_steps(stepsFor(run.settings.steps_per_epoch, run.train, run.group ? run.group->size() : 1))
    , m_group(run.group)
    , m_ranks(run.group ? run.group->size() : 1)
    , m_rank(run.group ? run.group->rank() : 0)
    , m_checkpointMonitor(run.settings.checkpoint.monitor, "auto")
{
    if (run.validation)
        m_validationSteps = std::min(stepsFor(run.settings.validation_steps, *run.validation),
                                     run.validation->batchesPerEpoch());
    adoptRankZeroWeights();
    if (m_group)
        m_reducer.emplace(*m_group, m_model.module->parameters(), run.gradientBucketBytes);
    m_optimizer = makeOptimizer(m_model.module, run.compile);
    m_balance.emplace(run.settings.threads == 0 && m_device.is_cpu(), torchThreads(),
                      run.train.workerCount(),
                      static_cast<int>(std::max(1U, std::thread::hardware_concurrency())));
    m_result.history = std::move(run.previous);
    m_result.history.stepsPerEpoch = m_steps;
    m_firstEpoch = static_cast<int>(m_result.history.epochs.size());
    m_firstBatch = static_cast<std::int64_t>(m_result.history.batchLoss.size());
    if (run.settings.early_stopping.enabled)
        m_early.emplace(run.settings.early_stopping);
    m_checkpointBest = m_checkpointMonitor.worst();
    m_result.stopReason = "completed";
    if (!run.resume.optimizerState.empty())
        loadOptimizerState(*m_optimizer, run.compile, run.model, run.resume.optimizerState);
    m_bestWeights = run.resume.bestWeights;
    replayEpochs();
}

void TrainingLoop::replayEpochs()
{
    for (std::size_t e = 0; e < m_result.history.epochs.size(); ++e) {
        const Verdict verdict = judgeEpoch(static_cast<int>(e), m_result.history.epochs[e]);
        if (verdict.decision.stop) {
            // The interrupted run had stopped early: nothing is left to train.
            m_stoppedEarly = true;
            stoppedEarly(verdict.decision);
        }
    }
}

TrainingLoop::Verdict TrainingLoop::judgeEpoch(int epoch,
                                               const std::map<std::string, double>& values)
{
    Verdict v;
    double current = 0;
    v.checkpointImproved = m_checkpointMonitor.read(values, current) &&
                           m_checkpointMonitor.beats(current, m_checkpointBest);
    if (v.checkpointImproved)
        m_checkpointBest = current;
    if (m_early)
        v.decision = m_early->onEpochEnd(epoch, values);
    v.improved = m_early ? v.decision.improved : v.checkpointImproved;
    if (v.improved)
        m_bestEpoch = epoch;
    return v;
}

void TrainingLoop::stoppedEarly(const EarlyStopping::Decision& decision)
{
    m_result.stopReason = "early stopping";
    m_restoreBest = decision.restore;
}

TrainingResult TrainingLoop::run()
{
    announce();
    // Rank r of N takes the stream's batches r, r + N, ...: disjoint shares of one seeded
    // stream, so N ranks of batch B see the windows one process of batch N * B would.
    BatchStream stream(m_run.train, m_firstBatch * m_ranks + m_rank,
                       static_cast<std::int64_t>(m_run.settings.epochs) * m_steps, m_ranks);
    m_stream = &stream;
    for (int e = 0; e < m_run.settings.epochs && !m_stoppedEarly; ++e) {
        const int epoch = m_firstEpoch + e;
        // Each epoch's random draws (dropout) from its own seed, so a resumed run draws what
        // the uninterrupted one would have; epoch 0 keeps the run's seed.
        seedTorch(m_run.settings.seed + static_cast<std::uint64_t>(epoch));
        m_model.module->train();
        EpochMetrics metrics(m_run.model.spec(), m_run.compile, m_tracks);
        const auto epochStart = Clock::now();
        EpochPass pass = trainBatches(epoch, metrics, epochStart);
        if (pass.cancelled && pass.samples == 0) {
            cancelled();
            break;
        }
        pass.trainSeconds = std::chrono::duration<double>(Clock::now() - epochStart).count();
        std::map<std::string, double> values = metrics.values("");
        if (!pass.cancelled && !validateEpoch(epoch, values))
            pass.cancelled = true;
        if (pass.cancelled) {
            cancelled();
            break;
        }
        if (closeEpoch(epoch, values, pass, epochStart))
            break;
    }
    m_stream = nullptr;
    finish();
    return std::move(m_result);
}

void TrainingLoop::announce()
{
    if (m_run.observer)
        m_run.observer->started({m_run.settings.epochs, m_steps, m_validationSteps,
                                 m_run.train.batchSize(), m_device.str(), m_run.settings.precision,
                                 torchThreads(), m_run.train.workerCount(), m_firstEpoch,
                                 m_run.resume.resumed, dataNotes(m_run)});
}

TrainingLoop::EpochPass TrainingLoop::trainBatches(int epoch, EpochMetrics& metrics,
                                                   Clock::time_point epochStart)
{
    EpochPass pass;
    double lossSum = 0;
    for (std::int64_t s = 0; s < m_steps; ++s) {
        // A group learns of a cancel with the gradients, so that all ranks stop at one step.
        if (!m_group && cancelRequested()) {
            pass.cancelled = true;
            break;
        }
        const auto stepStart = Clock::now();
        Batch batch = m_stream->next();
        const double waited = std::chrono::duration<double>(Clock::now() - stepStart).count();
        const DeviceBatch b = toDevice(batch, m_device, true);
        // Dropping the gradients (rather than zeroing them) spares a pass over the memory.
        for (auto& p : m_model.module->parameters())
            p.mutable_grad() = torch::Tensor();
        StepResult r = forwardLoss(m_model.module, b, m_run.compile, m_bf16, m_device);
        if (backwardShared(r.total, epoch, s)) {
            pass.cancelled = true;
            break;
        }
        m_optimizer->step();
        const double loss = r.total.item<double>();
        if (!std::isfinite(loss))
            throw Error("training diverged: the loss became " + text::number(loss) + " at epoch " +
                        std::to_string(epoch + 1) + ", batch " + std::to_string(s + 1) +
                        "; lower learning_rate or normalise the targets");
        metrics.add(r.predictions, b.targets, r.losses, r.total, b.examples);
        m_stream->recycle(std::move(batch));
        pass.samples += b.examples;
        lossSum += loss;
        m_result.history.batchLoss.push_back(loss);
        reportBatch(epoch, s, loss, lossSum, pass.samples, epochStart);
        const double stepSeconds = std::chrono::duration<double>(Clock::now() - stepStart).count();
        if (const auto threads = m_balance->afterStep(waited, stepSeconds))
            setTorchThreads(*threads);
    }
    return pass;
}

void TrainingLoop::reportBatch(int epoch, std::int64_t step, double loss, double lossSum,
                               std::int64_t samples, Clock::time_point epochStart)
{
    if (!m_run.observer)
        return;
    const double elapsed = std::chrono::duration<double>(Clock::now() - epochStart).count();
    // The group's rate: every rank trains as many samples as this one.
    const double rate = elapsed > 0 ? static_cast<double>(samples * m_ranks) / elapsed : 0;
    const double eta =
        rate > 0
            ? static_cast<double>((m_steps - step - 1) * m_run.train.batchSize() * m_ranks) / rate
            : 0;
    m_run.observer->batchFinished(
        {epoch, step, m_steps, loss, lossSum / static_cast<double>(step + 1), rate, eta});
}

bool TrainingLoop::validateEpoch(int epoch, std::map<std::string, double>& values)
{
    if (!m_run.validation || m_validationSteps <= 0)
        return true;
    if (m_run.observer)
        m_run.observer->validating(epoch);
    m_result.validationExamples = 0;
    const auto val = measure(m_model.module, *m_run.validation, m_validationSteps, m_run.compile,
                             m_tracks, m_run.model.spec(), m_run.settings.weights_val, m_bf16,
                             m_device, m_run.cancel, "val_", &m_result.validationExamples, m_group);
    values.insert(val.begin(), val.end());
    // A validation cut short is no measure of the epoch: it must not pick the best. In a group
    // rank 0's cancel counts, once.
    const bool cut = cancelRequested();
    return !(m_group ? m_group->broadcastFlag(cut, "the cancel check of epoch " +
                                                       std::to_string(epoch + 1))
                     : cut);
}

bool TrainingLoop::closeEpoch(int epoch, const std::map<std::string, double>& values,
                              const EpochPass& pass, Clock::time_point epochStart)
{
    Verdict verdict = judgeEpoch(epoch, values);
    EarlyStopping::Decision& decision = verdict.decision;
    const bool improved = verdict.improved;
    if (m_group)
        decision.stop = m_group->broadcastFlag(
            decision.stop, "the early-stopping decision of epoch " + std::to_string(epoch + 1));
    if (m_early ? decision.keepWeights : improved)
        m_bestWeights = m_run.model.weightsBlob();
    m_result.history.epochs.push_back(values);
    if (m_run.observer) {
        const double total = std::chrono::duration<double>(Clock::now() - epochStart).count();
        const double rate = pass.trainSeconds > 0
                                ? static_cast<double>(pass.samples * m_ranks) / pass.trainSeconds
                                : 0;
        m_run.observer->epochFinished({epoch, values, total, rate, m_bestEpoch, improved});
    }
    if (m_run.settings.checkpoint.enabled && m_run.saveCheckpoint &&
        (verdict.checkpointImproved || !m_run.settings.checkpoint.save_best_only))
        m_run.saveCheckpoint(epoch, m_result.history);
    if (m_run.resume.save)
        m_run.resume.save({m_result.history,
                           optimizerStateBlob(*m_optimizer, m_run.compile, m_run.model),
                           m_bestWeights});
    if (!decision.stop)
        return false;
    stoppedEarly(decision);
    return true;
}

void TrainingLoop::cancelled()
{
    m_result.cancelled = true;
    m_result.stopReason = "cancelled";
}

void TrainingLoop::adoptRankZeroWeights()
{
    if (!m_group)
        return;
    m_group->broadcastFromRankZero(nn::stateTensors(*m_model.module), "initial weights");
}

bool TrainingLoop::backwardShared(const torch::Tensor& loss, int epoch, std::int64_t step)
{
    if (m_reducer)
        m_reducer->prepare(m_rank == 0 && cancelRequested());
    loss.backward();
    return m_reducer && m_reducer->finish("epoch " + std::to_string(epoch + 1) + ", batch " +
                                          std::to_string(step + 1));
}

void TrainingLoop::finish()
{
    // A cancelled run keeps its best weights (its last ones are from no finished epoch); early
    // stopping restores them when restore_best_weights asks, as Keras does.
    bool restored = false;
    if ((m_result.cancelled || m_restoreBest) && !m_bestWeights.empty()) {
        m_run.model.loadWeightsBlob(m_bestWeights);
        restored = true;
    }
    m_result.bestEpoch = m_bestEpoch;
    if (m_balance->changed())
        setTorchThreads(m_balance->initialThreads());
    if (m_run.observer) {
        std::vector<std::string> messages =
            m_early ? m_early->messages() : std::vector<std::string>{};
        if (const std::string note = m_balance->note(); !note.empty())
            messages.push_back(note);
        m_run.observer->finished({m_result.stopReason, m_bestEpoch, restored, messages});
    }
}

} // namespace

TrainingResult train(TrainingRun run)
{
    return TrainingLoop(run).run();
}

EvaluationResult evaluate(Model& model, const Generator& data, const CompileSettings& compile,
                          std::int64_t steps, bool useWeights, const std::string& precision,
                          const std::atomic<bool>* cancel, dist::ProcessGroup* group)
{
    Model::Impl& m = model.impl();
    const auto start = Clock::now();
    EvaluationResult r;
    const std::int64_t n =
        steps > 0 ? std::min(steps, data.batchesPerEpoch()) : data.batchesPerEpoch();
    r.metrics = measure(m.module, data, n, compile, outputTracks(data, model.spec().outputNames()),
                        model.spec(), useWeights, precision == "bf16", m.device, cancel, "",
                        &r.examples, group);
    if (sharesOut(group, n)) {
        std::vector<double> examples{static_cast<double>(r.examples)};
        group->sumOverRanks(examples, "the evaluation's examples");
        r.examples = static_cast<std::int64_t>(examples[0]);
    }
    r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return r;
}

} // namespace kdna
