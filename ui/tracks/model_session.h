#pragma once

#include "core/data/normalization.h"
#include "ui/bridge/background_task.h"
#include "ui/tracks/explanation.h"
#include "ui/tracks/locus.h"

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <QObject>
#include <QString>
#include <QStringList>

namespace kdna {
class Genome;
struct LoadedModel;
} // namespace kdna

namespace kdna::ui {

/// A prediction of part of one chromosome, per base.
struct RegionPrediction {
    GenomicRange range;
    std::vector<std::vector<float>> values; ///< per track, per base of range; NaN: no window
    std::vector<double> correlations;       ///< per track, per base, against the experiment
    std::int64_t chromLength = 0;
    QString method; ///< "whole-sequence" or "windows"
    QString reason; ///< why windows, when the whole-sequence inference was not possible
    double seconds = 0;
};

/// A variant's predictions over every window that holds it, on the reference and with the
/// allele (core/interpret's variantProfile), for the lane's output: its values summed, as the
/// variant lane scores it. Window k is centred at firstCentre + k.
struct VariantWindowsPrediction {
    VariantMark mark;
    std::int64_t firstCentre = 0;
    std::vector<float> ref;
    std::vector<float> alt;
    QString method; ///< "whole-sequence" or "windows"
    double seconds = 0;
};

/// What loading a model tells the viewer (ModelSession keeps it), gathered off the GUI thread.
struct ModelFacts {
    std::shared_ptr<LoadedModel> model;
    std::shared_ptr<const Genome> genomeFile;
    QString genome;
    std::vector<std::string> chromosomes;
    QStringList trackNames;
    QStringList experiments;
    std::vector<Normalizer> normalizers;
    QStringList notes;
    QString plan;
};

/// The trained model the track viewer predicts with: loaded in the background, then one
/// prediction at a time (a model is not shared between threads), each a background task
/// with progress and cancel. A load supersedes whatever runs (another project is open): only
/// the newest task's end clears "busy", so an older task never frees what a newer one holds.
class ModelSession : public QObject {
    Q_OBJECT
public:
    explicit ModelSession(QObject* parent = nullptr);
    ~ModelSession() override;

    /// Forgets the model (another project is open); a load or prediction under way is ignored.
    void clear();
    /// Loads a model archive; loaded() or failed() follows.
    void load(const QString& archivePath, const QString& dataDir);
    [[nodiscard]] bool isReady() const { return m_facts.model != nullptr; }
    [[nodiscard]] bool isBusy() const { return m_busy; }
    /// Asks the running load or prediction to stop; failed() and busyChanged(false) follow.
    void cancel();
    /// Whether the running task was asked to stop (its failure then means "stopped").
    [[nodiscard]] bool isStopping() const;
    [[nodiscard]] QString archivePath() const { return m_archive; }

    /// The genome the model was trained on.
    [[nodiscard]] QString genomePath() const { return m_facts.genome; }
    /// keras_dna's names of the predicted tracks ("cell_number0_annotation_number0"), every
    /// written output's in order.
    [[nodiscard]] const QStringList& trackNames() const { return m_facts.trackNames; }
    /// Per predicted track, the bigWig it learned from (empty when it is not a signal).
    [[nodiscard]] const QStringList& experimentPaths() const { return m_facts.experiments; }
    /// Per predicted track, the normalisation its targets went through.
    [[nodiscard]] const std::vector<Normalizer>& normalizers() const { return m_facts.normalizers; }
    /// Why each output the prediction cannot show is left out (one sentence each).
    [[nodiscard]] const QStringList& outputNotes() const { return m_facts.notes; }
    /// "whole-sequence" when the model's layers allow it, else why windows are used.
    [[nodiscard]] QString inferencePlan() const { return m_facts.plan; }

    /// Predicts the windows centred in `range`; regionPredicted() or failed() follows.
    BackgroundTask* predictRegion(const GenomicRange& range);
    /// Predicts a whole chromosome into the bigWig `output`; chromosomePredicted() or failed()
    /// follows.
    BackgroundTask* predictChromosome(const std::string& chrom, const QString& output);
    /// "Explain here" covers at most this many bases (ISM, a pass per substitution, fewer):
    /// a wider view is explained over its middle.
    static constexpr std::int64_t kExplainMaxSpan = 20'000;
    static constexpr std::int64_t kIsmMaxSpan = 2'000;
    /// Per-base importance over `range` for the model's first output (core/interpret/region);
    /// explained() or failed() follows. A newer explanation replaces one under way; anything
    /// else the model does must end first (null).
    BackgroundTask* explainRegion(const GenomicRange& range, ExplainMethod method);
    /// Whether the running task is an explanation (which a newer one may replace).
    [[nodiscard]] bool isExplaining() const { return m_busy && m_explaining; }
    /// Scores every variant of a VCF/BCF (core/interpret/variants); variantsScored() or
    /// variantsFailed() follows.
    BackgroundTask* scoreVariants(const QString& vcf);
    /// The predictions over `mark`'s windows (a variant of `vcf`); variantWindowsPredicted() or
    /// failed() follows.
    BackgroundTask* predictVariantWindows(const QString& vcf, const VariantMark& mark);
    /// Where a chromosome's prediction goes unless the user says otherwise:
    /// `<archive>.<chrom>.prediction.bw`, beside the archive whatever the chromosome is named
    /// (paths::fileNamePart).
    [[nodiscard]] static QString chromosomeOutput(const QString& archive, const std::string& chrom);
    /// The model genome's name for a view's chromosome; empty when it has none.
    [[nodiscard]] std::string chromosomeFor(const std::string& viewChrom) const;

Q_SIGNALS:
    void loaded();
    void regionPredicted(const kdna::ui::RegionPrediction& prediction);
    void chromosomePredicted(const QStringList& files, const QString& method, double seconds);
    void failed(const QString& message);
    void explained(std::shared_ptr<const kdna::ui::Explanation> explanation);
    void variantsScored(const QString& vcf, std::shared_ptr<const kdna::ui::VariantMarks> marks);
    void variantsFailed(const QString& vcf, const QString& message);
    void variantWindowsPredicted(const kdna::ui::VariantWindowsPrediction& prediction);
    void busyChanged(bool busy);
    /// The running task's progress, 0..1, and the phase it is in when it has several (the
    /// zoom levels' pass after a chromosome's prediction), else empty.
    void progressed(double fraction, const QString& phase);

private:
    void setBusy(bool busy);
    /// Starts `work` as the one task, superseding any before it.
    BackgroundTask* run(const QString& title, BackgroundTask::Work work);
    /// The model genome's name for a view's chromosome; throws kdna::Error when it has none.
    [[nodiscard]] std::string modelChromosome(const std::string& viewChrom) const;

    /// The loaded model and what it says; a load under way keeps only the genome's name, its
    /// chromosomes and the inference plan of the model before.
    ModelFacts m_facts;
    /// Held by an explanation's work: a replaced one still running ends before the next
    /// touches the model (which is not shared between threads).
    std::shared_ptr<std::mutex> m_explainLock = std::make_shared<std::mutex>();
    bool m_explaining = false;
    QString m_archive;
    bool m_busy = false;
    TaskSlot m_task;
    std::uint64_t m_generation = 0;
};

} // namespace kdna::ui
