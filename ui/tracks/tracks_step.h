#pragma once

#include "core/project/project.h"
#include "ui/tracks/track.h"

#include <memory>
#include <optional>
#include <vector>

#include <QString>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QCompleter;
class QHBoxLayout;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QToolButton;
class QVBoxLayout;

namespace kdna::ui {

class ModelSession;
class ProjectDocument;
class TrackPanel;
class TrackView;
struct RegionPrediction;
struct VariantWindowsPrediction;

/// The Tracks step of kdna-studio: a genome browser over the project's genome and tracks, and
/// the trained model's predictions beside (or over) the experiment they predict. Opens the
/// project's genome, its annotation files and its trained model by itself; more tracks can be
/// added. "Predict here" predicts the visible region; "Predict chromosome" writes the whole
/// chromosome's prediction to bigWig and shows it.
class TracksStep : public QWidget {
    Q_OBJECT
public:
    explicit TracksStep(ProjectDocument* document, QWidget* parent = nullptr);
    ~TracksStep() override;

    /// Shows the document's project afresh: drops the tracks, colours, locus, history and model
    /// of the project before, opens this one's genome, tracks and model, and restores the
    /// viewer session its file keeps. Runs on ProjectDocument::reloaded (a project opened or
    /// created); call it when the step must start over from the document.
    void openProject();
    /// The viewer's session as the project file keeps it (tracks top to bottom, their looks,
    /// the locus); paths relative to the project's folder when inside it.
    [[nodiscard]] ViewerSession session() const;

    /// A trained model: enables the predictions and opens the genome it was trained on.
    void showModel(const QString& archivePath);
    /// A trained model's prediction over `chromosome` (its test chromosome, the middle
    /// kShownPredictionSpan of a longer one) beside the experiment, once the model and the
    /// genome are open; just showModel() when `chromosome` is empty.
    void showPrediction(const QString& archivePath, const QString& chromosome);
    /// A bigWig (signal), BED/narrowPeak/GFF (features) or FASTA (the genome) file.
    void addTrack(const QString& path);
    /// "chrIX:100,000-120,000", "chrIX:100000", "chrIX" or a feature name from a loaded
    /// BED/GFF. False, with the reason in the message line, when not found. While files are
    /// still opening, a locus not found yet is tried again once they are open (true).
    bool navigate(const QString& locus);
    [[nodiscard]] TrackView* view() const { return m_view; }

    /// Opens a genome (FASTA) for the sequence lane and the chromosome list.
    void setGenome(const QString& fasta);
    [[nodiscard]] ModelSession* model() const { return m_model; }
    [[nodiscard]] TrackPanel* panel() const { return m_panel; }
    /// The message line (what went wrong, what a prediction gave).
    [[nodiscard]] QString message() const;
    /// Predicts the visible region; false when no model is ready or one is busy.
    bool predictHere();
    /// Asks where to write the whole chromosome's prediction (a bigWig), then predicts it;
    /// false when no model is ready, one is busy or the user cancels the dialog.
    bool predictChromosome();
    /// Explains the visible region (at most ModelSession::kExplainMaxSpan bases) with the
    /// chosen method: a logo lane, and for ISM a heatmap lane. False when no model is ready or
    /// it is busy with something other than an explanation (which this one replaces).
    bool explainHere();

private:
    QVBoxLayout* buildToolbar();
    /// "Explain here" and its method box.
    void buildExplainControls();
    /// The message line, with the model's progress and its Cancel button.
    QHBoxLayout* buildStatusBar();
    void connectView();
    void connectModel();
    void loadProject();
    void addSessionTracks(const ViewerSession& session);
    void restoreSession();
    void storeSession();
    [[nodiscard]] QString sessionPath(const QString& path) const;
    [[nodiscard]] QString resolvedSessionPath(const std::string& file) const;
    void showMessage(const QString& text, bool error = false);
    void updateActions();
    void syncLocus();
    void syncChromosomes();
    /// What the progress bar says while the model's task runs.
    void showProgress(const QString& text);
    void modelLoaded();
    /// The prediction showPrediction() asked for, when the model and its chromosome are ready.
    void predictPending();
    void regionPredicted(const RegionPrediction& prediction);
    void chromosomePredicted(const QStringList& files, const QString& method, double seconds);
    void pairWithExperiment(int predictionTrack, int modelTrack);
    [[nodiscard]] QString experimentName(int modelTrack) const;
    [[nodiscard]] QString predictionName(int modelTrack) const;
    /// `text` followed by why each output the model cannot show is left out.
    [[nodiscard]] QString withOutputNotes(const QString& text) const;
    void explained(const std::shared_ptr<const Explanation>& explanation);
    /// Shows an explanation in the lane `id` (replacing its data) or a new one; its id.
    int showExplanation(int id, TrackKind kind, const std::shared_ptr<const Explanation>& e,
                        const QString& name, int height);
    /// A VCF: a variant lane, its variants scored with the model.
    void addVariantFile(const QString& path);
    void variantsScored(const QString& vcf, const std::shared_ptr<const VariantMarks>& marks);
    /// A click on a variant: the model over every window that holds it, ref and alt.
    void variantClicked(int track, const VariantMark& mark);
    void variantWindowsPredicted(const VariantWindowsPrediction& prediction);
    void chooseTracks();
    void chooseExport();

    ProjectDocument* m_doc;
    TrackView* m_view = nullptr;
    TrackPanel* m_panel = nullptr;
    ModelSession* m_model = nullptr;

    QToolButton* m_back = nullptr;
    QToolButton* m_forward = nullptr;
    QComboBox* m_chromosome = nullptr;
    QLineEdit* m_locus = nullptr;
    QCompleter* m_completer = nullptr;
    QCheckBox* m_overlay = nullptr;
    QPushButton* m_predictHere = nullptr;
    QPushButton* m_predictChromosome = nullptr;
    QPushButton* m_explainHere = nullptr;
    QComboBox* m_explainMethod = nullptr;
    QLabel* m_message = nullptr;
    QProgressBar* m_progress = nullptr;
    QPushButton* m_cancel = nullptr;

    QString m_pendingLocus;
    QString m_pendingPrediction; ///< the chromosome showPrediction() waits to predict
    /// The session to restore once the files it names are open; no session is stored meanwhile.
    std::optional<ViewerSession> m_pendingSession;
    std::vector<int> m_regionTracks; ///< per model track, the region prediction's track id
    /// The clicked variant's windows: the reference's lane, the allele's and their difference
    /// (ids, or -1).
    int m_variantRefTrack = -1;
    int m_variantAltTrack = -1;
    int m_variantChangeTrack = -1;
    int m_attributionTrack = -1; ///< the logo lane "Explain here" fills
    int m_heatmapTrack = -1;     ///< the ISM heatmap lane
};

} // namespace kdna::ui
