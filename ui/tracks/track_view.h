#pragma once

#include "ui/tracks/locus.h"
#include "ui/tracks/navigation_history.h"
#include "ui/tracks/track.h"
#include "ui/tracks/track_list.h"
#include "ui/tracks/view_frame.h"
#include "ui/tracks/viewport.h"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include <QTimer>
#include <QWidget>

namespace kdna {
class BigWigReader;
} // namespace kdna

namespace kdna::ui {

namespace paint {
struct Theme;
} // namespace paint
class TileFetcher;

/// The genome browser canvas: a ruler, then one lane per track (signals, features, the
/// sequence), IGV-style. Zoom with the wheel, +/- or by dragging a stretch on the ruler; pan by
/// dragging or with the arrow keys; Alt+Left/Right go back and forward through visited loci.
/// Reads run off the GUI thread through a tile cache; the canvas paints what the cache holds
/// and repaints as tiles arrive.
class TrackView : public QWidget {
    Q_OBJECT
public:
    static constexpr int kGutterWidth = 150;
    static constexpr int kRulerHeight = 48;
    static constexpr int kLaneGap = 6;
    static constexpr std::int64_t kMinSpan = Viewport::kMinSpan;
    /// Views wider than this show no r (its per-base reads would not be worth it).
    static constexpr std::int64_t kCorrelationMaxSpan = 2'000'000;

    explicit TrackView(QWidget* parent = nullptr);
    ~TrackView() override;

    // ---- data -------------------------------------------------------------------------------
    /// Opens a FASTA genome in the background: the chromosome list and the sequence lane.
    void setGenome(const QString& fasta);
    [[nodiscard]] QString genomePath() const { return m_genomePath; }
    /// Empties the view for another project: no genome, no tracks, no locus, no history.
    void clear();
    /// Adds a bigWig (signal) or BED/narrowPeak/GFF (features, read in the background) file.
    /// Returns the track's id, or -1 with the reason in `error`.
    int addFile(const QString& path, TrackOrigin origin = TrackOrigin::User,
                QString* error = nullptr);
    /// Adds a signal read from `source` (a prediction held in memory, say).
    int addSignal(std::shared_ptr<const TrackSource> source, const TrackStyle& style,
                  TrackOrigin origin, bool predicted);
    /// Adds what "Explain here" computed as a logo (TrackKind::Attribution) or an ISM heatmap
    /// (TrackKind::Heatmap) lane.
    int addExplanation(TrackKind kind, std::shared_ptr<const Explanation> explanation,
                       const TrackStyle& style);
    /// Swaps an explanation lane's data (the view explained again), keeping its style.
    void replaceExplanation(int id, std::shared_ptr<const Explanation> explanation);
    /// Adds a variant lane for the VCF `path`, drawn once setVariants() gives its scores
    /// ("Scoring..." until then).
    int addVariants(const QString& path, const TrackStyle& style);
    /// The scored variants of a variant lane, or why they could not be scored (`error`).
    void setVariants(int id, std::shared_ptr<const VariantMarks> marks, const QString& error = {});
    /// Swaps a signal track's data (a prediction made again), keeping its style.
    void replaceSource(int id, std::shared_ptr<const TrackSource> source);
    void removeTrack(int id);
    /// Moves a track `delta` places up (negative) or down the lanes.
    void moveTrack(int id, int delta);
    /// Puts the tracks `ids` first, in that order; the others follow in their order.
    void setTrackOrder(const std::vector<int>& ids);
    [[nodiscard]] std::vector<int> trackIds() const;
    [[nodiscard]] const Track* track(int id) const;
    /// The track showing `path`, or -1.
    [[nodiscard]] int findTrack(const QString& path) const;
    void setStyle(int id, const TrackStyle& style);
    /// Pairs a prediction (marking it one) with the experiment it predicts: in overlay mode they
    /// share a lane,
    /// the experiment passed through `normalizer` (the model's target normalisation), and the
    /// lane shows their correlation in the view.
    void pairTracks(int predicted, int experiment, const Normalizer& normalizer);
    void setOverlay(bool on);
    [[nodiscard]] bool overlay() const { return m_overlay; }

    // ---- navigation ---------------------------------------------------------------------------
    [[nodiscard]] const std::vector<Chromosome>& chromosomes() const
    {
        return m_view.chromosomes();
    }
    [[nodiscard]] GenomicRange range() const;
    /// Shows `range` (clipped to its chromosome, at least kMinSpan bases) and records it in
    /// the history. False when the chromosome is unknown.
    bool showRange(const GenomicRange& range);
    bool showChromosome(const std::string& chrom);
    /// `chrom` under the open files' spelling ('IV' finds 'chrIV'), with its length; none when
    /// no open file has it.
    [[nodiscard]] std::optional<Chromosome> findChromosome(const std::string& chrom) const;
    /// A locus ("chrIX:100,000-120,000", "chrIX:100000", "chrIX") or the Name or ID of a
    /// feature in a feature track. False, with the reason in `error`, when neither is found.
    bool navigate(const QString& text, QString* error = nullptr);
    [[nodiscard]] std::optional<GenomicRange> findFeature(const QString& name) const;
    [[nodiscard]] QStringList featureNames() const;
    /// Zooms in by `factor` (below 1 zooms out) keeping base `anchor` (default: the centre)
    /// where it is on screen.
    void zoomBy(double factor, std::optional<double> anchor = std::nullopt);
    void zoomIn() { zoomBy(2.0); }
    void zoomOut() { zoomBy(0.5); }
    /// Pans by `fraction` of the visible width (positive: rightwards, to higher positions).
    void panBy(double fraction);
    [[nodiscard]] bool canGoBack() const { return m_history.canGoBack(); }
    [[nodiscard]] bool canGoForward() const { return m_history.canGoForward(); }
    void goBack();
    void goForward();

    // ---- painting, export, tests ----------------------------------------------------------------
    /// True while files open or tiles load.
    [[nodiscard]] bool isLoading() const;
    /// True while the genome or a feature file is still being read (names may be missing).
    [[nodiscard]] bool isOpeningFiles() const;
    /// The values a signal track's lane draws in the current view (normalised when the lane
    /// overlays a prediction on it).
    [[nodiscard]] SignalSamples paintedSamples(int id) const;
    /// The bases the sequence lane draws in the current view (empty when zoomed out too far).
    [[nodiscard]] std::string paintedBases() const;
    /// Pearson's r, per base (predictionCorrelation), between a paired prediction and its
    /// experiment over the bases the view shows; NaN when unpaired, without overlap, wider than
    /// kCorrelationMaxSpan or while those bases are still being read.
    [[nodiscard]] double viewCorrelation(int predicted) const;
    /// What the prediction's lane says of it: "r = 0.412 with occupancy in view" (empty with
    /// no r).
    [[nodiscard]] QString correlationLabel(int predicted) const;
    /// The reader behind a bigWig track (its read counters show which reads a view made).
    [[nodiscard]] const BigWigReader* bigWigReader(int id) const;
    /// Draws the whole view into `size` in the colours of the widget's palette (the widget
    /// paints with it; so do benches).
    void render(QPainter& painter, const QSize& size) const;
    /// Draws the whole view in the given colours (export uses the light theme of figures).
    void render(QPainter& painter, const QSize& size, const paint::Theme& theme) const;
    /// The height every lane needs.
    [[nodiscard]] int contentHeight() const;
    /// PNG (or any image format Qt writes) or SVG, by the file's suffix.
    bool exportImage(const QString& path, QString* error = nullptr) const;
    [[nodiscard]] QSize sizeHint() const override;

Q_SIGNALS:
    void rangeChanged();
    void chromosomesChanged();
    void tracksChanged();
    void historyChanged();
    void loadingChanged(bool loading);
    void featureNamesChanged();
    /// A problem to show the user (a file that cannot be read, say).
    void problem(const QString& message);
    /// A click on the head or stick of a variant of lane `track` (the variant of its VCF).
    void variantClicked(int track, const kdna::ui::VariantMark& mark);

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    bool event(QEvent* event) override;

private:
    enum class Record { Now, Later, Never };
    /// An r computed for (prediction source, experiment source, chrom, first, last).
    using CorrelationKey =
        std::tuple<std::uint64_t, std::uint64_t, std::string, std::int64_t, std::int64_t>;
    enum class Drag { None, Pan, Select };
    using Lane = TrackLane;

    [[nodiscard]] ViewFrame frameFor(int width) const;
    [[nodiscard]] ViewFrame frame() const { return frameFor(width()); }
    [[nodiscard]] std::vector<Lane> lanes() const;
    [[nodiscard]] std::optional<Lane> laneAt(int y) const;
    [[nodiscard]] Track* findById(int id);
    [[nodiscard]] const Track* pairedExperiment(const Track& prediction) const;
    [[nodiscard]] bool normalisesInLane(const Track& track) const;
    [[nodiscard]] SignalSamples samplesFor(const Track& track, const ViewFrame& frame,
                                           bool normalised) const;
    [[nodiscard]] double correlation(const Track& prediction, const ViewFrame& frame) const;
    [[nodiscard]] QString tooltipAt(const QPoint& pos) const;
    [[nodiscard]] QString explanationTip(const Track& t, const Lane& lane, std::int64_t base,
                                         int y) const;
    [[nodiscard]] QString variantTip(const Track& t, double x) const;
    /// The variant of `t` drawn at `x` (its lollipop), if any.
    [[nodiscard]] const VariantMark* variantAt(const Track& t, double x) const;
    /// The variants of `t` on the frame's chromosome.
    [[nodiscard]] std::vector<const VariantMark*> marksOn(const Track& t,
                                                          const ViewFrame& frame) const;
    void paintModelLane(QPainter& p, const paint::Theme& theme, const ViewFrame& frame,
                        const Track& owner, const QRectF& area) const;

    void setRange(const std::string& chrom, double start, double end, Record record);
    void commitHistory();
    void refreshChromosomes();
    void requestTiles();
    void tracksEdited();
    /// Gives `track` an id, appends it and refreshes what depends on the track list.
    int insertTrack(Track track);
    void loadFeatures(int id, const QString& path);
    void paintLane(QPainter& p, const paint::Theme& theme, const ViewFrame& frame, const Lane& lane,
                   int width) const;
    void paintSignalLane(QPainter& p, const paint::Theme& theme, const ViewFrame& frame,
                         const Lane& lane, const QRectF& area) const;
    void paintGutter(QPainter& p, const paint::Theme& theme, const Lane& lane,
                     const QRectF& area) const;
    void setLoadsPending(int delta);

    TileFetcher* m_fetcher = nullptr;
    TrackList m_tracks;
    QString m_genomePath;
    std::uint64_t m_genomeGeneration = 0;
    int m_loadsPending = 0;
    bool m_overlay = true;

    Viewport m_view;
    NavigationHistory m_history;
    QTimer m_historyTimer;

    Drag m_drag = Drag::None;
    double m_pressX = 0;
    double m_pressStart = 0;
    double m_selectFrom = 0;
    double m_selectTo = 0;
    /// A view repaints often; its r changes only with the bases shown.
    mutable std::map<CorrelationKey, double> m_correlations;
};

/// An r as the viewer writes it, in the status line and on the lane: "0.412" (empty for NaN).
[[nodiscard]] QString formatCorrelation(double r);

} // namespace kdna::ui
