// The data part of TrackView: the genome, the tracks (held in its TrackList) and what follows
// when they change. Navigation and input: track_view_navigation.cpp; reads:
// track_view_reading.cpp; painting: track_view_paint.cpp.
#include "ui/tracks/track_view.h"

#include "core/genome/genome.h"
#include "core/tracks/bigwig.h"
#include "core/tracks/features.h"
#include "core/tracks/file_kind.h"
#include "core/util/describe.h"
#include "ui/bridge/background_task.h"
#include "ui/bridge/qt_convert.h"
#include "ui/style/colors.h"
#include "ui/tracks/tile_fetcher.h"
#include "ui/tracks/track_painter.h"

#include <algorithm>
#include <cstdint>

#include <QDir>
#include <QFileInfo>

namespace kdna::ui {
namespace {

constexpr int kSequenceHeight = 26;
constexpr int kMaxDefaultFeatureRows = 4;
constexpr int kHistoryDelayMs = 700;

QString fileName(const QString& path)
{
    return QFileInfo(path).fileName();
}

/// A track's default name: its file's, less the extension ('nucleosome_occupancy').
QString trackName(const QString& path)
{
    return QFileInfo(path).completeBaseName();
}

/// One spelling per file, so a file named twice ('a/../b.bw', 'b.bw') is one track.
QString normalisedPath(const QString& path)
{
    return QDir::cleanPath(QFileInfo(path).absoluteFilePath());
}

} // namespace

TrackView::TrackView(QWidget* parent)
    : QWidget(parent)
    , m_fetcher(new TileFetcher(this))
{
    setFocusPolicy(Qt::StrongFocus);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setMinimumWidth(kGutterWidth + 200);
    m_historyTimer.setSingleShot(true);
    m_historyTimer.setInterval(kHistoryDelayMs);
    connect(&m_historyTimer, &QTimer::timeout, this, &TrackView::commitHistory);
    connect(m_fetcher, &TileFetcher::tilesArrived, this, [this] { update(); });
    connect(m_fetcher, &TileFetcher::loadingChanged, this, [this] {
        Q_EMIT loadingChanged(isLoading());
        update();
    });
    tracksEdited();
}

TrackView::~TrackView() = default;

// ---- data -------------------------------------------------------------------------------------

void TrackView::setGenome(const QString& file)
{
    const QString fasta = normalisedPath(file);
    if (fasta == m_genomePath)
        return;
    m_genomePath = fasta;
    const std::uint64_t generation = ++m_genomeGeneration;
    auto genome = std::make_shared<std::shared_ptr<const Genome>>();
    setLoadsPending(+1);
    auto* task = BackgroundTask::start(
        this, tr("Opening %1").arg(fileName(fasta)), [genome, path = ss(fasta)](TaskContext&) {
            *genome = std::make_shared<const Genome>(Genome::open(path));
        });
    connect(task, &BackgroundTask::succeeded, this, [this, genome, generation, fasta] {
        if (generation != m_genomeGeneration)
            return;
        auto source = std::make_shared<const SequenceSource>(*genome);
        if (Track* sequence = m_tracks.sequence()) {
            m_fetcher->forget(sequence->source->id());
            sequence->source = std::move(source);
            sequence->path = fasta;
        } else {
            Track t;
            t.kind = TrackKind::Sequence;
            t.style = {tr("Sequence"), colors::sequence(), kSequenceHeight, true, 0, 1};
            t.path = fasta;
            t.source = std::move(source);
            m_tracks.insert(std::move(t), /*first=*/true);
        }
        refreshChromosomes();
        tracksEdited();
    });
    connect(task, &BackgroundTask::failed, this, [this, generation](const QString& message) {
        if (generation != m_genomeGeneration)
            return;
        m_genomePath.clear();
        Q_EMIT problem(message);
    });
    connect(task, &BackgroundTask::finished, this, [this] { setLoadsPending(-1); });
}

void TrackView::clear()
{
    ++m_genomeGeneration; // a genome still opening is not this view's any more
    m_genomePath.clear();
    for (const Track& t : m_tracks)
        if (t.source)
            m_fetcher->forget(t.source->id());
    const bool hadFeatures = std::any_of(m_tracks.begin(), m_tracks.end(),
                                         [](const Track& t) { return t.features || t.loading; });
    m_tracks.clear();
    m_historyTimer.stop();
    m_history.clear();
    m_view.clear();
    refreshChromosomes();
    tracksEdited();
    Q_EMIT rangeChanged();
    Q_EMIT historyChanged();
    if (hadFeatures)
        Q_EMIT featureNamesChanged();
}

int TrackView::addFile(const QString& given, TrackOrigin origin, QString* error)
{
    const QString path = normalisedPath(given);
    const auto fail = [error](const QString& message) {
        if (error)
            *error = message;
        return -1;
    };
    if (!QFileInfo(path).isFile())
        return fail(tr("%1: no such file").arg(given));
    const std::filesystem::path file = ss(path);
    FileKind kind = FileKind::Unknown;
    try {
        kind = detectFileKind(file);
    } catch (const std::exception& e) {
        return fail(qs(describe(e)));
    }
    if (kind == FileKind::BigWig) {
        std::shared_ptr<const TrackSource> source;
        try {
            source = BigWigSource::open(file);
        } catch (const std::exception& e) {
            return fail(qs(describe(e)));
        }
        const std::size_t signalCount = m_tracks.count(TrackKind::Signal);
        Track t;
        t.kind = TrackKind::Signal;
        t.style = {trackName(path), colors::signal(signalCount), 70, true, 0, 1};
        t.origin = origin;
        t.path = path;
        t.source = std::move(source);
        return insertTrack(std::move(t));
    }
    if (isFeatureKind(kind)) {
        Track t;
        t.kind = TrackKind::Features;
        t.style = {trackName(path), colors::feature(), paint::kFeatureRowHeight + 4, true, 0, 1};
        t.origin = origin;
        t.path = path;
        t.loading = true;
        const int id = insertTrack(std::move(t));
        loadFeatures(id, path);
        return id;
    }
    if (kind == FileKind::Fasta)
        return fail(tr("%1 is a genome (FASTA): open it as the genome, not as a track")
                        .arg(fileName(path)));
    if (kind == FileKind::Unknown)
        return fail(
            tr("%1 is neither a bigWig nor a BED, narrowPeak or GFF file").arg(fileName(path)));
    return fail(tr("%1 is a %2 file; tracks are bigWig, BED, narrowPeak or GFF files")
                    .arg(fileName(path), QString::fromLatin1(kindName(kind))));
}

int TrackView::insertTrack(Track track)
{
    const int id = m_tracks.insert(std::move(track));
    refreshChromosomes();
    tracksEdited();
    return id;
}

void TrackView::loadFeatures(int id, const QString& path)
{
    auto index = std::make_shared<std::shared_ptr<const FeatureIndex>>();
    setLoadsPending(+1);
    auto* task = BackgroundTask::start(this, tr("Reading %1").arg(fileName(path)),
                                       [index, file = ss(path)](TaskContext&) {
                                           *index = FeatureIndex::build(readFeatures(file));
                                       });
    connect(task, &BackgroundTask::succeeded, this, [this, id, index] {
        Track* t = findById(id);
        if (!t)
            return;
        t->features = *index;
        t->loading = false;
        const int rows = std::clamp(t->features->maxRows(), 1, kMaxDefaultFeatureRows);
        t->style.height = rows * paint::kFeatureRowHeight + 4;
        refreshChromosomes();
        tracksEdited();
        Q_EMIT featureNamesChanged();
    });
    connect(task, &BackgroundTask::failed, this, [this, id](const QString& message) {
        if (Track* t = findById(id)) {
            t->loading = false;
            t->error = message;
            tracksEdited();
        }
        Q_EMIT problem(message);
    });
    connect(task, &BackgroundTask::finished, this, [this] { setLoadsPending(-1); });
}

int TrackView::addSignal(std::shared_ptr<const TrackSource> source, const TrackStyle& style,
                         TrackOrigin origin, bool predicted)
{
    Track t;
    t.kind = TrackKind::Signal;
    t.style = style;
    if (predicted && !t.style.color.isValid())
        t.style.color = colors::prediction();
    t.origin = origin;
    t.predicted = predicted;
    t.source = std::move(source);
    return insertTrack(std::move(t));
}

int TrackView::addExplanation(TrackKind kind, std::shared_ptr<const Explanation> explanation,
                              const TrackStyle& style)
{
    Track t;
    t.kind = kind;
    t.style = style;
    t.origin = TrackOrigin::Model;
    t.explanation = std::move(explanation);
    return insertTrack(std::move(t));
}

void TrackView::replaceExplanation(int id, std::shared_ptr<const Explanation> explanation)
{
    Track* t = findById(id);
    if (!t || (t->kind != TrackKind::Attribution && t->kind != TrackKind::Heatmap))
        return;
    t->explanation = std::move(explanation);
    tracksEdited();
}

int TrackView::addVariants(const QString& path, const TrackStyle& style)
{
    Track t;
    t.kind = TrackKind::Variants;
    t.style = style;
    t.origin = TrackOrigin::User;
    t.path = normalisedPath(path);
    return insertTrack(std::move(t));
}

void TrackView::setVariants(int id, std::shared_ptr<const VariantMarks> marks, const QString& error)
{
    Track* t = findById(id);
    if (!t || t->kind != TrackKind::Variants)
        return;
    t->variants = std::move(marks);
    t->error = error;
    tracksEdited();
}

void TrackView::replaceSource(int id, std::shared_ptr<const TrackSource> source)
{
    Track* t = findById(id);
    if (!t || t->kind != TrackKind::Signal)
        return;
    if (t->source)
        m_fetcher->forget(t->source->id());
    t->source = std::move(source);
    t->error.clear();
    tracksEdited();
}

void TrackView::removeTrack(int id)
{
    const auto removed = m_tracks.remove(id);
    if (!removed)
        return;
    if (removed->source)
        m_fetcher->forget(removed->source->id());
    refreshChromosomes();
    tracksEdited();
    if (removed->kind == TrackKind::Features)
        Q_EMIT featureNamesChanged();
}

void TrackView::moveTrack(int id, int delta)
{
    if (m_tracks.move(id, delta))
        tracksEdited();
}

void TrackView::setTrackOrder(const std::vector<int>& ids)
{
    m_tracks.setOrder(ids);
    tracksEdited();
}

std::vector<int> TrackView::trackIds() const
{
    return m_tracks.ids();
}

const Track* TrackView::track(int id) const
{
    return m_tracks.find(id);
}

Track* TrackView::findById(int id)
{
    return m_tracks.find(id);
}

int TrackView::findTrack(const QString& path) const
{
    const QString wanted = normalisedPath(path);
    for (const Track& t : m_tracks)
        if (t.kind != TrackKind::Sequence && t.path == wanted)
            return t.id;
    return -1;
}

void TrackView::setStyle(int id, const TrackStyle& style)
{
    Track* t = findById(id);
    if (!t || t->style == style)
        return;
    t->style = style;
    t->style.height = std::clamp(style.height, 16, 600);
    tracksEdited();
}

void TrackView::pairTracks(int predicted, int experiment, const Normalizer& normalizer)
{
    Track* p = findById(predicted);
    Track* e = findById(experiment);
    if (!p || !e || p == e)
        return;
    p->predicted = true;
    p->overlayOn = experiment;
    e->normalizer = normalizer;
    tracksEdited();
}

void TrackView::setOverlay(bool on)
{
    if (m_overlay == on)
        return;
    m_overlay = on;
    tracksEdited();
}

void TrackView::tracksEdited()
{
    m_correlations.clear(); // a pairing, source or normalisation may have changed
    setMinimumHeight(contentHeight());
    updateGeometry();
    requestTiles();
    update();
    Q_EMIT tracksChanged();
}

void TrackView::setLoadsPending(int delta)
{
    m_loadsPending += delta;
    Q_EMIT loadingChanged(isLoading());
    update();
}

bool TrackView::isLoading() const
{
    return m_loadsPending > 0 || m_fetcher->isLoading();
}

bool TrackView::isOpeningFiles() const
{
    return m_loadsPending > 0;
}

void TrackView::refreshChromosomes()
{
    if (m_view.setChromosomes(m_tracks.chromosomes()))
        Q_EMIT chromosomesChanged();
    if (m_view.chromosomes().empty())
        return;
    // Stay on the chromosome shown, under the genome's name for it ('IV' becomes 'chrIV').
    const std::string current = m_view.isEmpty() ? std::string() : m_view.match(m_view.chrom());
    if (current.empty())
        showChromosome(m_view.chromosomes().front().name);
    else
        setRange(current, m_view.start(), m_view.end(), Record::Never);
}

} // namespace kdna::ui
