#include "core/model/model.h"
#include "core/model/templates.h"
#include "core/model/torch_model.h"
#include "core/project/demo_data.h"
#include "core/project/resume.h"
#include "core/project/test_evaluation.h"
#include "core/project/workflow.h"
#include "core/train/callbacks.h"
#include "core/train/metrics.h"
#include "core/train/thread_balance.h"
#include "core/util/error.h"
#include "core/util/stats.h"
#include "core/util/text.h"
#include "support/demo_projects.h"
#include "support/demo_scratch.h"
#include "support/fixtures.h"

#include <algorithm>
#include <cmath>

#include <QDir>
#include <QTest>

#include <nlohmann/json.hpp>

using namespace kdna;
using nlohmann::json;

namespace {

/// A classifier that must find the demo's planted motif (TGACGTCA) in 121 bp windows.
Project motifProject(const DemoFiles& files)
{
    Project p = test::demoSiteProject(files, 121);
    auto& d = std::get<DatasetSpec>(p.dataset);
    d.negative_ratio = 1;
    d.negative_type = "real";
    p.model = test::motifFinder(121);
    p.compile.loss = {"binary_crossentropy"};
    p.compile.learning_rate = 0.01;
    p.compile.metrics = {"accuracy"};
    p.training.epochs = 4;
    p.training.steps_per_epoch = 40;
    p.training.validation_steps = 10;
    p.training.validation_chr = {"chr4"};
    p.training.threads = 1;
    p.training.workers = 2;
    p.output = "motif.kdna";
    return p;
}

/// motifProject trained for two batches, without validation, into `output`.
Project trainedMotif(const DemoFiles& files, const std::string& output)
{
    Project p = motifProject(files);
    p.training.epochs = 1;
    p.training.steps_per_epoch = 2;
    p.training.validation_chr.clear();
    p.output = output;
    (void)trainProject(p);
    return p;
}

class CancelAfter final : public TrainingObserver {
public:
    CancelAfter(std::atomic<bool>& flag, int epoch, std::int64_t step)
        : m_flag(flag)
        , m_epoch(epoch)
        , m_step(step)
    {}
    void batchFinished(const BatchFinished& b) override
    {
        ++batches;
        if (b.epoch == m_epoch && b.step == m_step)
            m_flag = true;
    }
    void epochFinished(const EpochFinished&) override { ++epochs; }
    int batches = 0;
    int epochs = 0;

private:
    std::atomic<bool>& m_flag;
    int m_epoch;
    std::int64_t m_step;
};

struct CountBatches : TrainingObserver {
    void batchFinished(const BatchFinished&) override { ++batches; }
    std::atomic<int> batches{0};
};

struct RecordEpochs : TrainingObserver {
    void started(const TrainingStarted& s) override { first = s.firstEpoch; }
    void batchFinished(const BatchFinished&) override { ++batches; }
    void epochFinished(const EpochFinished& e) override { epochs.push_back(e.epoch); }
    int first = -1;
    int batches = 0;
    std::vector<int> epochs;
};

struct RecordNotes : TrainingObserver {
    void started(const TrainingStarted& s) override { notes = s.notes; }
    std::vector<std::string> notes;
};

struct RemoveFolderAfterEpoch : TrainingObserver {
    explicit RemoveFolderAfterEpoch(std::filesystem::path folder)
        : folder(std::move(folder))
    {}
    void epochFinished(const EpochFinished&) override { std::filesystem::remove_all(folder); }
    std::filesystem::path folder;
};

} // namespace

class TestTrain : public QObject {
    Q_OBJECT

    test::ScratchDir m_dir;
    DemoFiles m_files;

    /// The notes a one-step training of the demo project, validated on `validation` and
    /// tested on `test`, starts with.
    std::string notesOfTraining(const std::vector<std::string>& validation,
                                const std::vector<std::string>& test)
    {
        Project p = writeDemoProject(m_files);
        p.training.epochs = 1;
        p.training.steps_per_epoch = 1;
        p.training.validation_steps = 1;
        p.training.validation_chr = validation;
        p.test_chr = test;
        p.output = "overlap.kdna";
        RecordNotes notes;
        TrainOptions options;
        options.observer = &notes;
        (void)trainProject(p, options);
        return text::join(notes.notes, "; ");
    }

private Q_SLOTS:
    void initTestCase() { m_files = test::demoInScratch(m_dir); }

    /// Torch threads spinning on a machine without a core to spare starve batch preparation
    /// (issue 18: a streamed genome trained at half speed): a training whose steps wait for
    /// their batches gives a torch thread back, one per window, down to the cores the data
    /// threads leave; one fed in time, one whose threads the user chose, or one with cores
    /// enough keeps them.
    void starvedBatchesGetACoreBack()
    {
        constexpr int w = ThreadBalance::kWindowSteps;
        // Each window's share of time spent waiting, for windows after the warm-up.
        const auto windows = [](ThreadBalance b, const std::vector<double>& shares) {
            std::vector<int> changes;
            for (int s = 0; s < w; ++s)
                (void)b.afterStep(0.01, 0.01); // the warm-up: always waits, never counted
            for (double share : shares)
                for (int s = 0; s < w; ++s)
                    if (const auto t = b.afterStep(share * 0.01, 0.01))
                        changes.push_back(*t);
            return changes;
        };
        const auto run = [&](ThreadBalance b, double waitedShare, int steps) {
            std::vector<int> changes;
            for (int s = 0; s < steps; ++s)
                if (const auto t = b.afterStep(waitedShare * 0.01, 0.01))
                    changes.push_back(*t);
            return std::make_pair(changes, b.note());
        };
        // Starved, then fed (the caches came): the thread comes back; starved again by it,
        // it goes, and the next try waits twice as long.
        QCOMPARE(windows(ThreadBalance(true, 2, 1, 2), {0.5, 0.0, 0.0}), (std::vector<int>{1, 2}));
        QCOMPARE(windows(ThreadBalance(true, 2, 1, 2), {0.5, 0.0, 0.5, 0.0, 0.0, 0.0}),
                 (std::vector<int>{1, 2, 1, 2}));
        QCOMPARE(windows(ThreadBalance(true, 2, 1, 2), {0.5, 0.0, 0.5, 0.0}),
                 (std::vector<int>{1, 2, 1}));
        QCOMPARE(windows(ThreadBalance(true, 2, 1, 2), {0.5, 0.2, 0.2}), std::vector<int>{1});
        const auto [starved, note] = run(ThreadBalance(true, 2, 1, 2), 0.5, 10 * w);
        QCOMPARE(starved, std::vector<int>{1}); // after the warm-up window and one measured
        QVERIFY2(note.find("1 torch thread instead of 2") != std::string::npos, note.c_str());
        QCOMPARE(run(ThreadBalance(true, 2, 1, 2), 0.5, 2 * w - 1).first, std::vector<int>{});
        QCOMPARE(run(ThreadBalance(true, 8, 2, 8), 0.5, 10 * w).first, (std::vector<int>{7, 6}));
        QCOMPARE(run(ThreadBalance(true, 2, 1, 2), 0.1, 10 * w).first, std::vector<int>{});
        QCOMPARE(run(ThreadBalance(false, 2, 1, 2), 0.9, 10 * w).first, std::vector<int>{});
        QCOMPARE(run(ThreadBalance(true, 2, 1, 4), 0.9, 10 * w).first, std::vector<int>{});
        QVERIFY(run(ThreadBalance(true, 2, 1, 4), 0.9, 10 * w).second.empty());
    }

    void learnsAPlantedMotif()
    {
        Project p = motifProject(m_files);
        const TrainOutcome out = trainProject(p);
        const auto& h = out.result.history;
        QCOMPARE(h.epochs.size(), std::size_t(4));
        QCOMPARE(h.batchLoss.size(), std::size_t(160));
        double first = 0;
        for (int i = 0; i < 5; ++i)
            first += h.batchLoss[static_cast<std::size_t>(i)] / 5;
        const double last = h.epochs.back().at("loss");
        // From chance (~0.69) to a motif detector: the loss falls at least 3-fold.
        QVERIFY2(first / last >= 3.0,
                 (std::to_string(first) + " -> " + std::to_string(last)).c_str());
        QVERIFY(h.epochs.back().at("val_accuracy") > 0.9);
        QVERIFY(std::filesystem::exists(out.archive));
    }

    /// What the data says when it is read (here: fewer negatives than asked) reaches the
    /// observer, so `kdna train` and the studio say it, not only `kdna shape --stats`.
    void trainingSaysWhatTheDataSays()
    {
        Project p = motifProject(m_files);
        std::get<DatasetSpec>(p.dataset).negative_ratio = 100000;
        p.training.epochs = 1;
        p.training.steps_per_epoch = 1;
        p.training.validation_steps = 1;
        RecordNotes notes;
        TrainOptions options;
        options.observer = &notes;
        (void)trainProject(p, options);
        const auto has = [&](const std::string& prefix) {
            return std::any_of(notes.notes.begin(), notes.notes.end(), [&](const std::string& n) {
                return n.rfind(prefix, 0) == 0 &&
                       n.find("negatives fewer than asked") != std::string::npos;
            });
        };
        QVERIFY2(has(""), text::join(notes.notes, "; ").c_str());
        QVERIFY2(has("validation data: "), text::join(notes.notes, "; ").c_str());
    }

    /// A validation chromosome that is also a training one (issue 18: a run over every
    /// chromosome validated on windows it trained on, silently) is said in one sentence; other
    /// chromosomes say nothing.
    void validationOnTrainingChromosomesIsSaid()
    {
        const auto notesOf = [&](const std::vector<std::string>& validation) {
            return notesOfTraining(validation, {"chr4"});
        };
        const std::string overlapping = notesOf({"chr2", "chr3"});
        QVERIFY2(overlapping.find("validation data: chr2 is also a training chromosome") !=
                     std::string::npos,
                 overlapping.c_str());
        QVERIFY2(overlapping.find("chr3 is also") == std::string::npos, overlapping.c_str());
        const std::string apart = notesOf({"chr3"});
        QVERIFY2(apart.find("training chromosome") == std::string::npos, apart.c_str());
    }

    /// Test chromosomes that the training or the validation data also draws from are said
    /// when training starts (issue 18 item 5): the test evaluation would score what the model
    /// learnt from or was chosen on.
    void testChromosomesInTheTrainingDataAreSaid()
    {
        const auto notesOf = [&](const std::vector<std::string>& test) {
            return notesOfTraining({"chr4"}, test);
        };
        const std::string both = notesOf({"chr1", "chr2", "chr4"});
        QVERIFY2(both.find("test data: chr1, chr2 are also training chromosomes, so the test "
                           "evaluation scores windows the model trains on (leave them out of "
                           "test_chr, or of the training chromosomes)") != std::string::npos,
                 both.c_str());
        QVERIFY2(both.find("test data: chr4 is also a validation chromosome") != std::string::npos,
                 both.c_str());
        const std::string apart = notesOf({"chr3"});
        QVERIFY2(apart.find("test data") == std::string::npos, apart.c_str());
    }

    void sameSeedSameLosses()
    {
        Project p = motifProject(m_files);
        p.training.epochs = 1;
        p.training.steps_per_epoch = 15;
        p.output = "a.kdna";
        const auto a = trainProject(p).result.history.batchLoss;
        p.output = "b.kdna";
        const auto b = trainProject(p).result.history.batchLoss;
        QCOMPARE(a, b);
        p.training.seed = 2;
        p.output = "c.kdna";
        QVERIFY(trainProject(p).result.history.batchLoss != a);
    }

    /// `kdna train --resume`: a run that dies after an epoch continues from its state (weights,
    /// optimiser moments, history, the callbacks' bests) and draws the same batches, so its loss
    /// curve is the uninterrupted run's; finishing removes the resume files.
    void resumedRunFollowsTheUninterruptedOne()
    {
        Project p = motifProject(m_files);
        p.training.epochs = 3;
        p.training.steps_per_epoch = 6;
        p.training.validation_steps = 2;
        p.training.early_stopping.enabled = true;
        p.training.early_stopping.patience = 5;
        p.training.early_stopping.restore_best_weights = true;
        p.model = ModelSpec::fromJson(
            json{{"layers",
                  {{{"type", "Input"}, {"shape", {121, 4}}},
                   {{"type", "Conv1D"}, {"filters", 8}, {"kernel_size", 8}, {"activation", "relu"}},
                   {{"type", "Dropout"}, {"rate", 0.3}},
                   {{"type", "GlobalMaxPooling1D"}},
                   {{"type", "Dense"}, {"units", 1}, {"activation", "sigmoid"}}}}});
        p.output = "whole.kdna";
        const TrainOutcome whole = trainProject(p);

        struct DieAfterEpoch : TrainingObserver {
            void epochFinished(const EpochFinished& e) override
            {
                if (e.epoch == 1)
                    throw Error("the node went away");
            }
        } dying;
        p.output = "resumed.kdna";
        TrainOptions options;
        options.resume = true;
        options.observer = &dying;
        QVERIFY_THROWS_EXCEPTION(Error, (void)trainProject(p, options));
        QVERIFY(std::filesystem::exists(resumeFilesOf(p.resolve("resumed.kdna")).archive));
        QVERIFY(!std::filesystem::exists(p.resolve("resumed.kdna")));

        RecordEpochs record;
        options.observer = &record;
        const TrainOutcome resumed = trainProject(p, options);
        QCOMPARE(record.first, 1); // epoch 0 was saved; epoch 1 died before its state was
        QCOMPARE(record.epochs, (std::vector<int>{1, 2}));
        QCOMPARE(resumed.result.history.batchLoss.size(), whole.result.history.batchLoss.size());
        for (std::size_t i = 0; i < whole.result.history.batchLoss.size(); ++i)
            QVERIFY2(std::abs(resumed.result.history.batchLoss[i] -
                              whole.result.history.batchLoss[i]) < 1e-6,
                     ("batch " + std::to_string(i)).c_str());
        QCOMPARE(resumed.result.history.epochs.size(), std::size_t(3));
        QCOMPARE(resumed.result.bestEpoch, whole.result.bestEpoch);
        QCOMPARE(resumed.model->weightsBlob(), whole.model->weightsBlob());
        QVERIFY(!std::filesystem::exists(resumeFilesOf(p.resolve("resumed.kdna")).archive));

        // A run that finds no resume files starts from the beginning.
        p.output = "fresh.kdna";
        RecordEpochs fresh;
        options.observer = &fresh;
        (void)trainProject(p, options);
        QCOMPARE(fresh.first, 0);
    }

    /// The resume files of `--out m.kdna` (a path relative to the working folder): each save
    /// keeps its own epoch's state and drops the one before; a missing state file is named.
    void resumeFilesKeepTheLatestState()
    {
        const Project p = trainedMotif(m_files, "resume_files.kdna");
        ModelArchive archive = ModelArchive::load(p.resolve("resume_files.kdna"));
        const QString before = QDir::currentPath();
        QVERIFY(QDir::setCurrent(QString::fromStdString(m_dir.file("").string())));
        const ResumeFiles files = resumeFilesOf("rel.kdna");
        History history;
        for (int epoch = 1; epoch <= 2; ++epoch) {
            history.epochs.push_back({{"loss", 1.0 / epoch}});
            archive.history = history;
            saveResumeState(files, archive,
                            {history, "state of epoch " + std::to_string(epoch), archive.weights});
        }
        const bool oldStateGone = !std::filesystem::exists(files.optimizerState(1)) &&
                                  !std::filesystem::exists(files.bestWeights(1));
        const auto loaded = loadResumeState(files);
        std::filesystem::remove(files.optimizerState(2));
        QString missing;
        try {
            (void)loadResumeState(files);
        } catch (const Error& e) {
            missing = QString::fromStdString(e.what());
        }
        removeResumeState(files);
        const bool allGone = !std::filesystem::exists(files.archive) &&
                             !std::filesystem::exists(files.bestWeights(2));
        QVERIFY(QDir::setCurrent(before));
        QVERIFY(oldStateGone);
        QVERIFY(loaded);
        QCOMPARE(loaded->optimizerState, std::string("state of epoch 2"));
        QCOMPARE(loaded->bestWeights, archive.weights);
        QCOMPARE(loaded->archive.history.epochs.size(), std::size_t(2));
        QVERIFY2(missing.contains(QStringLiteral("rel.resume.2.optimizer.safetensors: is missing")),
                 qPrintable(missing));
        QVERIFY(allGone);
    }

    void earlyStoppingStops()
    {
        Project p = motifProject(m_files);
        p.training.epochs = 10;
        p.training.steps_per_epoch = 5;
        p.training.early_stopping.enabled = true;
        p.training.early_stopping.patience = 1;
        p.training.early_stopping.min_delta =
            1e9; // nothing counts as an improvement after the first
        p.output = "early.kdna";
        const auto out = trainProject(p);
        QCOMPARE(out.result.stopReason, std::string("early stopping"));
        // Keras: wait reaches patience (1) at the second epoch.
        QCOMPARE(out.result.history.epochs.size(), std::size_t(2));
        QCOMPARE(out.result.bestEpoch, 0);
    }

    /// keras.callbacks.EarlyStopping, fed scripted val_loss sequences: which epoch is best,
    /// when it stops, and whether the best weights come back.
    void earlyStoppingFollowsKeras()
    {
        struct Run {
            std::vector<int> improved;
            int stoppedAt = -1;
            bool restore = false;
            int bestEpoch = -1;
            std::vector<std::string> messages;
        };
        const auto run = [](EarlyStoppingSettings s, const std::vector<double>& values,
                            const std::string& metric = "val_loss") {
            s.enabled = true;
            s.monitor = metric;
            EarlyStopping early(s);
            Run r;
            for (std::size_t e = 0; e < values.size(); ++e) {
                const auto d =
                    early.onEpochEnd(static_cast<int>(e), {{"loss", 1.0}, {metric, values[e]}});
                if (d.improved)
                    r.improved.push_back(static_cast<int>(e));
                if (d.stop) {
                    r.stoppedAt = static_cast<int>(e);
                    r.restore = d.restore;
                    break;
                }
            }
            r.bestEpoch = early.bestEpoch();
            r.messages = early.messages();
            return r;
        };
        EarlyStoppingSettings s;
        QCOMPARE(s.patience, 0); // Keras' defaults
        QCOMPARE(s.restore_best_weights, false);
        QCOMPARE(s.mode, std::string("auto"));

        // The run the issue reports: epoch 2 (index 1) is lower, so it is the best one.
        s.patience = 2;
        s.restore_best_weights = true;
        Run r = run(s, {0.205, 0.063, 0.1, 0.2, 0.01});
        QCOMPARE(r.improved, (std::vector<int>{0, 1}));
        QCOMPARE(r.bestEpoch, 1);
        QCOMPARE(r.stoppedAt, 3); // wait reaches patience two epochs after the best
        QVERIFY(r.restore);
        QVERIFY(r.messages.empty()); // verbose 0
        s.verbose = 1;
        QCOMPARE(
            run(s, {0.205, 0.063, 0.1, 0.2}).messages,
            (std::vector<std::string>{"Restoring model weights from the end of the best epoch: 2.",
                                      "Epoch 4: early stopping"}));
        s.restore_best_weights = false;
        QVERIFY(!run(s, {0.205, 0.063, 0.1, 0.2}).restore);

        // patience 0: the first epoch that does not improve ends it (never the first epoch).
        s.patience = 0;
        QCOMPARE(run(s, {0.5, 0.4, 0.45, 0.3}).stoppedAt, 2);
        // min_delta: an improvement must be larger (its sign does not matter).
        s.patience = 1;
        s.min_delta = 0.1;
        QCOMPARE(run(s, {1.0, 0.95, 0.5}).stoppedAt, 1);
        s.min_delta = -0.1;
        QCOMPARE(run(s, {1.0, 0.95, 0.5}).stoppedAt, 1);
        s.min_delta = 0;
        QCOMPARE(run(s, {1.0, 0.95, 0.5}).stoppedAt, -1);

        // mode: max asks for larger values; auto chooses by the metric's name.
        s.mode = "max";
        QCOMPARE(run(s, {0.5, 0.6, 0.55}).bestEpoch, 1);
        s.mode = "auto";
        QCOMPARE(run(s, {0.5, 0.6, 0.55}, "val_accuracy").bestEpoch, 1);
        QCOMPARE(run(s, {0.5, 0.6, 0.55}, "val_acc").bestEpoch, 1);
        QCOMPARE(run(s, {0.5, 0.6, 0.55}).bestEpoch, 0);
        s.mode = "min";
        QCOMPARE(run(s, {0.5, 0.6, 0.55}, "val_accuracy").bestEpoch, 0);

        // baseline: improvements that do not beat it leave the count running.
        s.mode = "auto";
        s.patience = 2;
        QCOMPARE(run(s, {0.9, 0.8, 0.85, 0.86, 0.87}).stoppedAt, 3);
        s.baseline = 0.5;
        QCOMPARE(run(s, {0.9, 0.8, 0.85, 0.86, 0.87}).stoppedAt, 2);

        // Without validation, val_loss falls back to the training loss.
        EarlyStoppingSettings plain;
        plain.enabled = true;
        EarlyStopping early(plain);
        QVERIFY(early.onEpochEnd(0, {{"loss", 0.3}}).improved);
        QCOMPARE(early.best(), 0.3);
    }

    /// Keras' AUC metric (200 thresholds): exact for scores that fall between thresholds.
    void aucMetricAsKeras()
    {
        const ModelSpec spec = ModelSpec::fromJson(
            json{{"layers", {{{"type", "Input"}, {"shape", {1}}, {"name", "out"}}}}});
        CompileSettings c;
        c.loss = {"binary_crossentropy"};
        c.metrics = {"AUC"};
        EpochMetrics metrics(spec, c, {OutputTracks{"out", {"0_0"}}});
        std::vector<float> scores;
        std::vector<bool> positive;
        for (int i = 0; i < 600; ++i) {
            const int k = 1 + (i * 37) % 199;
            scores.push_back(static_cast<float>((k - 0.5) / 199.0));
            positive.push_back((i * 11) % 7 < 2 + k % 3);
        }
        std::vector<float> labels(positive.begin(), positive.end());
        const auto pred = torch::from_blob(scores.data(), {600, 1}).clone();
        const auto target = torch::from_blob(labels.data(), {600, 1}).clone();
        for (int half = 0; half < 2; ++half)
            metrics.add({pred.slice(0, half * 300, half * 300 + 300)},
                        {target.slice(0, half * 300, half * 300 + 300)}, {torch::zeros({})},
                        torch::zeros({}), 300);
        const double auc = metrics.values("").at("auc");
        QVERIFY2(std::abs(auc - stats::auroc(scores, positive)) < 1e-9,
                 (std::to_string(auc) + " vs " + std::to_string(stats::auroc(scores, positive)))
                     .c_str());
    }

    void earlyStoppingSettingsAsKeras()
    {
        std::vector<Problem> problems;
        const auto t = TrainSettings::fromJson(json{{"early_stopping",
                                                     {{"monitor", "val_loss"},
                                                      {"min_delta", 0},
                                                      {"patience", 10},
                                                      {"verbose", 0},
                                                      {"mode", "auto"},
                                                      {"baseline", 0.2},
                                                      {"restore_best_weights", true}}}},
                                               problems);
        QVERIFY(problems.empty());
        QCOMPARE(t.early_stopping.patience, 10);
        QCOMPARE(*t.early_stopping.baseline, 0.2);
        std::vector<Problem> again;
        QVERIFY(TrainSettings::fromJson(t.toJson(), again) == t);
        TrainSettings bad = t;
        bad.early_stopping.mode = "maximum";
        const auto found = validate(bad);
        QCOMPARE(found.size(), std::size_t(1));
        QVERIFY(found[0].message.find("'auto', 'min' or 'max'") != std::string::npos);
    }

    void cancelledRunKeepsTheBestWeights()
    {
        Project p = motifProject(m_files);
        p.training.epochs = 5;
        p.training.steps_per_epoch = 20;
        p.training.checkpoint.enabled = true;
        p.training.checkpoint.path = "best.kdna";
        p.output = "cancelled.kdna";
        std::atomic<bool> cancel{false};
        CancelAfter observer(cancel, 2, 7);
        TrainOptions options;
        options.observer = &observer;
        options.cancel = &cancel;
        const auto out = trainProject(p, options);
        QVERIFY(out.result.cancelled);
        QCOMPARE(out.result.stopReason, std::string("cancelled"));
        QCOMPARE(observer.batches, 2 * 20 + 8); // stopped at the batch boundary
        QCOMPARE(observer.epochs, 2);
        // The model holds the best epoch's weights: those of the last checkpoint written.
        const ModelArchive best = ModelArchive::load(p.resolve("best.kdna"));
        QCOMPARE(out.model->weightsBlob(), best.weights);
        QCOMPARE(ModelArchive::load(out.archive).weights, best.weights);
    }

    /// `train --from` checks the saved model against the project's before the first batch, and
    /// a resumed run says where its epochs start.
    void startFromChecksTheModel()
    {
        Project p = trainedMotif(m_files, "from.kdna");
        const ModelArchive saved = ModelArchive::load(p.resolve("from.kdna"));

        const auto refused = [&](Project other) {
            RecordEpochs observer;
            TrainOptions options;
            options.observer = &observer;
            options.startFrom = &saved;
            other.output = "from2.kdna";
            const std::string message = test::errorOf([&] { (void)trainProject(other, options); });
            return std::make_pair(message, observer.batches);
        };
        // Another input length (the issue's "mat1 and mat2 shapes cannot be multiplied").
        Project longer = p;
        std::get<DatasetSpec>(longer.dataset).seq_len = 131;
        longer.model.layers.front().args["shape"] = {131, 4};
        auto [message, batches] = refused(longer);
        QVERIFY2(message.find("--from") != std::string::npos &&
                     message.find("(131, 4)") != std::string::npos &&
                     message.find("(121, 4)") != std::string::npos,
                 message.c_str());
        QCOMPARE(batches, 0);
        // Another architecture.
        Project other = p;
        other.model.layers[2].type = "GlobalAveragePooling1D";
        std::tie(message, batches) = refused(other);
        QVERIFY2(message.find("GlobalMaxPooling1D") != std::string::npos &&
                     message.find("GlobalAveragePooling1D") != std::string::npos,
                 message.c_str());
        QCOMPARE(batches, 0);
        // Other weight shapes at the same layer types.
        Project wider = p;
        wider.model.layers[1].args["filters"] = 12;
        std::tie(message, batches) = refused(wider);
        QVERIFY2(message.find("conv1d") != std::string::npos, message.c_str());

        // The same model resumes: its epochs go on from the saved history.
        RecordEpochs observer;
        TrainOptions options;
        options.observer = &observer;
        options.startFrom = &saved;
        p.output = "resumed.kdna";
        (void)trainProject(p, options);
        QCOMPARE(observer.first, 1);
        QCOMPARE(observer.epochs, (std::vector<int>{1}));
    }

    void unwritableOutputFailsBeforeTraining()
    {
        Project p = motifProject(m_files);
        p.training.epochs = 1;
        p.training.steps_per_epoch = 5;
        p.output = m_dir.file("no-such-folder/model.kdna").string();
        CountBatches observer;
        TrainOptions options;
        options.observer = &observer;
        try {
            (void)trainProject(p, options);
            QFAIL("trained towards a folder that does not exist");
        } catch (const Error& e) {
            const std::string msg = e.what();
            QVERIFY2(msg.find("no-such-folder' does not exist") != std::string::npos, msg.c_str());
        }
        QCOMPARE(observer.batches, 0); // found before the first batch, not after the last
    }

    void modelIsKeptWhenItsFolderGoesAway()
    {
        // The folder disappears during the run (a removed USB disk, a cleaned scratch
        // space): the trained weights go to the temporary folder with a sentence saying so.
        Project p = motifProject(m_files);
        p.training.epochs = 1;
        p.training.steps_per_epoch = 5;
        const auto folder = m_dir.file("vanishing");
        std::filesystem::create_directories(folder);
        p.output = (folder / "vanished.kdna").string();
        RemoveFolderAfterEpoch observer(folder);
        TrainOptions options;
        options.observer = &observer;
        const TrainOutcome out = trainProject(p, options);
        QVERIFY(out.saved);
        QVERIFY2(out.saveProblem.find("vanishing' does not exist") != std::string::npos,
                 out.saveProblem.c_str());
        QCOMPARE(out.archive, std::filesystem::temp_directory_path() / "vanished.kdna");
        QCOMPARE(ModelArchive::load(out.archive).weights, out.model->weightsBlob());
        std::filesystem::remove(out.archive);
    }

    void projectFileRoundTrip()
    {
        Project p = motifProject(m_files);
        p.training.early_stopping.enabled = true;
        p.test_chr = {"chr4"};
        p.save(m_dir.file("p.kdna.json"));
        const Project back = Project::load(m_dir.file("p.kdna.json"));
        QVERIFY(back.toJson() == p.toJson());
        test::writeText(
            m_dir.file("bad.kdna.json"),
            R"({"dataset": {"fasta_file": "x.fa", "annotation_files": ["a.bw"], "window": 0},
            "model": {"layers": [{"type": "Input", "shape": [10, 4]}, {"type": "Dense", "unit": 2}]},
            "training": {"epoch": 3}, "compile": {"loss": "hinge"}})");
        try {
            (void)Project::load(m_dir.file("bad.kdna.json"));
            QFAIL("a bad project loaded");
        } catch (const Error& e) {
            const std::string msg = e.what();
            for (const char* needle :
                 {"did you mean 'units'", "did you mean 'epochs'", "'hinge' is not a loss"})
                QVERIFY2(msg.find(needle) != std::string::npos, msg.c_str());
        }
    }

    void projectKeepsTheViewerSession()
    {
        Project p = motifProject(m_files);
        ViewerSession session;
        session.locus = "chr2:10,001-14,000";
        session.overlay = false;
        session.tracks = {{"demo.fa", "Sequence", "#707070", 26, true, 0, 1},
                          {"demo_signal.bw", "occupancy", "#b03040", 120, false, -1, 2.5},
                          {"/elsewhere/other.bed", "", "", 0, true, 0, 1}};
        p.viewer = session;
        p.save(m_dir.file("viewer.kdna.json"));
        const Project back = Project::load(m_dir.file("viewer.kdna.json"));
        QVERIFY(back.viewer);
        QCOMPARE(*back.viewer, session);
        QVERIFY(back.toJson() == p.toJson());
        // A project without a session has none, and writes none.
        p.viewer.reset();
        QVERIFY(!p.toJson().contains("viewer"));

        // Its settings are checked as every section's are.
        json bad = p.toJson();
        bad["viewer"] = {
            {"locus", 12}, {"zoom", 2}, {"tracks", {{{"name", "x"}, {"colour", "red"}}}}};
        test::writeText(m_dir.file("bad-viewer.kdna.json"), bad.dump());
        const std::string msg =
            test::errorOf([&] { (void)Project::load(m_dir.file("bad-viewer.kdna.json")); });
        for (const char* needle : {"viewer.locus: must be a locus", "viewer.zoom: is not a viewer",
                                   "viewer.tracks[0].colour: is not a viewer track setting",
                                   "viewer.tracks[0].file: is required"})
            QVERIFY2(msg.find(needle) != std::string::npos, msg.c_str());
    }

    void modelMustFitTheData()
    {
        Project p = motifProject(m_files);
        p.model = templates::tutorialCnn(201);
        try {
            (void)trainProject(p);
            QFAIL("trained a model that does not fit");
        } catch (const Error& e) {
            const std::string msg = e.what();
            QVERIFY2(msg.find("input layer 'dna' takes (201, 4) but the data gives (121, 4)") !=
                         std::string::npos,
                     msg.c_str());
        }
    }

    void archiveRoundTripAndTruncation()
    {
        Project p = motifProject(m_files);
        p.training.epochs = 1;
        p.training.steps_per_epoch = 5;
        p.output = "round.kdna";
        const auto out = trainProject(p);
        const ModelArchive a = ModelArchive::load(out.archive);
        QCOMPARE(a.model, out.model->spec());
        QCOMPARE(a.history, out.result.history);
        QCOMPARE(a.statistics.size(), std::size_t(1));
        QVERIFY(a.generatorCommand(false)["type"] == "Generator");
        QVERIFY(a.generatorCommand(false)["arguments"]["seq_len"] == 121);
        QVERIFY(a.generatorCommand(true)["arguments"]["incl_chromosomes"] == json({"chr4"}));
        // Same predictions after reloading.
        const auto reloaded = a.buildModel();
        const auto x = torch::rand({3, 121, 4});
        out.model->impl().module->eval();
        reloaded->impl().module->eval();
        QVERIFY(torch::equal(out.model->impl().module->forward({x})[0],
                             reloaded->impl().module->forward({x})[0]));
        // A cut file is an error, never half a model.
        const std::string bytes = test::readText(out.archive);
        for (std::size_t keep : {bytes.size() - 3, bytes.size() / 2, std::size_t(20)}) {
            test::writeText(m_dir.file("cut.kdna"), bytes.substr(0, keep));
            try {
                (void)ModelArchive::load(m_dir.file("cut.kdna"));
                QFAIL("a truncated archive loaded");
            } catch (const Error& e) {
                QVERIFY2(std::string(e.what()).find("is not a complete kdna model archive") !=
                             std::string::npos,
                         e.what());
            }
        }
        std::string flipped = bytes;
        flipped[bytes.size() / 2] ^= 0x5A;
        test::writeText(m_dir.file("flip.kdna"), flipped);
        try {
            (void)ModelArchive::load(m_dir.file("flip.kdna"));
            QFAIL("a damaged archive loaded");
        } catch (const Error& e) {
            QVERIFY2(std::string(e.what()).find("checksum") != std::string::npos, e.what());
        }
    }

    void cliTrainsTheDemo()
    {
        KDNA_REQUIRE_CLI(kdna);
        std::string out;
        QCOMPARE(test::run(kdna.string() + " demo --dir " + m_dir.file("cli").string() +
                               " --epochs 1 2>&1",
                           &out),
                 0);
        QVERIFY2(out.find("Total params: 49,585") != std::string::npos, out.c_str());
        QVERIFY2(out.find("Epoch 1/1") != std::string::npos, out.c_str());
        QVERIFY2(out.find("test on chr4") != std::string::npos, out.c_str());
        QVERIFY(std::filesystem::exists(m_dir.file("cli") / "demo.kdna"));
        QVERIFY(std::filesystem::exists(m_dir.file("cli") / "demo.kdna.history.csv"));
    }

    /// `kdna train` prints what evaluateOnTestChromosomes() computes: the studio calls the
    /// same function, so both doors report the same numbers for one model.
    void cliPrintsTheSharedTestEvaluation()
    {
        KDNA_REQUIRE_CLI(kdna);
        Project p = writeDemoProject(m_files);
        p.training.epochs = 1;
        p.training.steps_per_epoch = 4;
        p.training.validation_steps = 1;
        p.output = "shared-eval.kdna";
        const auto projectFile = m_files.fasta.parent_path() / "shared-eval.kdna.json";
        p.save(projectFile);
        std::string out;
        QCOMPARE(test::run(kdna.string() + " train " + projectFile.string() + " 2>&1", &out), 0);
        const auto at = out.find("test on chr4 (");
        QVERIFY2(at != std::string::npos, out.c_str());
        const std::string line = out.substr(at, out.find('\n', at) - at);

        const Project saved = Project::load(projectFile);
        const TestEvaluation core = evaluateOnTestChromosomes(saved, saved.resolve(saved.output));
        QCOMPARE(core.chromosomes, std::vector<std::string>{"chr4"});
        QVERIFY2(line.find("(" + text::withThousands(core.examples) + " windows)") !=
                     std::string::npos,
                 line.c_str());
        QVERIFY(core.metrics.count("loss") && core.metrics.count("correlate_0_0"));
        // The studio draws the correlation as measured against predicted values.
        QCOMPARE(core.plots.size(), std::size_t(1));
        const EvaluationPlot& scatter = core.plots.front();
        QCOMPARE(scatter.kind, EvaluationPlot::Kind::Scatter);
        QCOMPARE(scatter.title, std::string("correlate_0_0"));
        QCOMPARE(scatter.summary, "r " + text::number(core.metrics.at("correlate_0_0"), 3));
        QVERIFY(scatter.points.size() > 100 && scatter.points.size() <= 2000);
        stats::Pearson sampled;
        for (const auto& point : scatter.points)
            sampled.add(point.x, point.y);
        // An even sample of the pairs the r is computed from (one short training: a loose
        // check that they are those pairs, not a check of r).
        QVERIFY2(std::abs(sampled.value() - core.metrics.at("correlate_0_0")) < 0.1,
                 std::to_string(sampled.value()).c_str());
        // Every metric printed, to the digits printed.
        const std::string printed = line.substr(line.find("): ") + 3);
        std::size_t compared = 0;
        std::vector<std::string> parts;
        for (std::size_t from = 0, to = 0; from < printed.size(); from = to + 3) {
            to = std::min(printed.find(" - ", from), printed.size());
            parts.push_back(printed.substr(from, to - from));
        }
        for (const std::string& part : parts) {
            const auto space = part.rfind(' ');
            const std::string name = part.substr(0, space);
            const std::string value = part.substr(space + 1);
            QVERIFY2(core.metrics.count(name), (name + " is not in the core's result").c_str());
            const auto dot = value.find('.');
            const int decimals =
                dot == std::string::npos ? 0 : static_cast<int>(value.size() - dot - 1);
            const double tolerance =
                std::max(0.51 * std::pow(10.0, -decimals), 1e-3 * std::abs(core.metrics.at(name)));
            QVERIFY2(
                std::abs(std::stod(value) - core.metrics.at(name)) <= tolerance,
                (name + ": printed " + value + ", core " + std::to_string(core.metrics.at(name)))
                    .c_str());
            ++compared;
        }
        QCOMPARE(compared, core.metrics.size());
    }

    /// `kdna model A --project P` writes a project that trains into another file than A, and
    /// `kdna train P --from A` counts its epochs from 1.
    void cliRetrainsWithoutOverwritingItsSource()
    {
        KDNA_REQUIRE_CLI(kdna);
        Project p = trainedMotif(m_files, "source.kdna");
        const auto source = p.resolve("source.kdna");
        const auto before = test::readText(source);
        const auto project = source.parent_path() / "again.kdna.json";
        std::string out;
        QCOMPARE(test::run(kdna.string() + " model " + source.string() + " --project " +
                               project.string() + " 2>&1",
                           &out),
                 0);
        QVERIFY(Project::load(project).resolve(Project::load(project).output) != source);
        QCOMPARE(test::run(kdna.string() + " train " + project.string() + " --from " +
                               source.string() + " --epochs 1 --steps 2 --no-eval 2>&1",
                           &out),
                 0);
        QVERIFY2(out.find("Epoch 1/1") != std::string::npos &&
                     out.find("Epoch 2/1") == std::string::npos,
                 out.c_str());
        QCOMPARE(test::readText(source), before);
    }
};

QTEST_GUILESS_MAIN(TestTrain)
#include "test_train.moc"
