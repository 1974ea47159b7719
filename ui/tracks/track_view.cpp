#include "ui/tracks/track_view.h"

#include "ui/bridge/background_task.h"
#include "ui/bridge/qt_convert.h"
#include "core/eval/prediction_pairing.h"
#include "core/genome/genome.h"
#include "ui/tracks/signal_sampler.h"
#include "ui/tracks/tile_fetcher.h"
#include "ui/tracks/track_painter.h"
#include "core/tracks/bigwig.h"
#include "core/tracks/features.h"
#include "core/tracks/file_kind.h"
#include "core/util/chrom_names.h"
#include "core/util/describe.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include <QDir>
#include <QFileInfo>
#include <QHelpEvent>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>
#include <QWheelEvent>

namespace kdna::ui {
namespace {

constexpr int kRightMargin = 10;
constexpr int kSequenceHeight = 26;
constexpr int kMaxDefaultFeatureRows = 4;
constexpr int kHistoryDelayMs = 700;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Default colours sit mid-way in lightness, so they read on a light and a dark background.
const QColor kPredictionColor(0xe0, 0x6a, 0x10);
const QColor kFeatureColor(0x33, 0x66, 0xb8);
const QColor kSequenceColor(0x70, 0x70, 0x70);

QColor signalColor(std::size_t n)
{
    static const QColor palette[] = {{0x2a, 0x7a, 0xc0},
                                     {0x2a, 0x8c, 0x55},
                                     {0x7b, 0x4f, 0xa8},
                                     {0xa0, 0x7a, 0x10},
                                     {0xb0, 0x30, 0x40}};
    return palette[n % std::size(palette)];
}

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
        const auto it = std::find_if(m_tracks.begin(), m_tracks.end(),
                                     [](const Track& t) { return t.kind == TrackKind::Sequence; });
        if (it != m_tracks.end()) {
            m_fetcher->forget(it->source->id());
            it->source = std::move(source);
            it->path = fasta;
        } else {
            Track t;
            t.id = m_nextId++;
            t.kind = TrackKind::Sequence;
            t.style = {tr("Sequence"), kSequenceColor, kSequenceHeight, true, 0, 1};
            t.path = fasta;
            t.source = std::move(source);
            m_tracks.insert(m_tracks.begin(), std::move(t));
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
    m_chrom.clear();
    m_start = m_end = 0;
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
        const auto signalCount =
            std::count_if(m_tracks.begin(), m_tracks.end(),
                          [](const Track& t) { return t.kind == TrackKind::Signal; });
        Track t;
        t.kind = TrackKind::Signal;
        t.style = {
            trackName(path), signalColor(static_cast<std::size_t>(signalCount)), 70, true, 0, 1};
        t.origin = origin;
        t.path = path;
        t.source = std::move(source);
        return insertTrack(std::move(t));
    }
    if (isFeatureKind(kind)) {
        Track t;
        t.kind = TrackKind::Features;
        t.style = {trackName(path), kFeatureColor, paint::kFeatureRowHeight + 4, true, 0, 1};
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
    track.id = m_nextId++;
    const int id = track.id;
    m_tracks.push_back(std::move(track));
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
        t.style.color = kPredictionColor;
    t.origin = origin;
    t.predicted = predicted;
    t.source = std::move(source);
    return insertTrack(std::move(t));
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
    const auto it =
        std::find_if(m_tracks.begin(), m_tracks.end(), [id](const Track& t) { return t.id == id; });
    if (it == m_tracks.end())
        return;
    if (it->source)
        m_fetcher->forget(it->source->id());
    const bool hadFeatures = it->kind == TrackKind::Features;
    m_tracks.erase(it);
    for (Track& t : m_tracks)
        if (t.overlayOn == id)
            t.overlayOn = -1;
    refreshChromosomes();
    tracksEdited();
    if (hadFeatures)
        Q_EMIT featureNamesChanged();
}

void TrackView::moveTrack(int id, int delta)
{
    const auto it =
        std::find_if(m_tracks.begin(), m_tracks.end(), [id](const Track& t) { return t.id == id; });
    if (it == m_tracks.end())
        return;
    const auto from = it - m_tracks.begin();
    const auto to = std::clamp<std::ptrdiff_t>(from + delta, 0,
                                               static_cast<std::ptrdiff_t>(m_tracks.size()) - 1);
    if (from == to)
        return;
    Track moved = std::move(*it);
    m_tracks.erase(it);
    m_tracks.insert(m_tracks.begin() + to, std::move(moved));
    tracksEdited();
}

void TrackView::setTrackOrder(const std::vector<int>& ids)
{
    std::vector<Track> ordered;
    ordered.reserve(m_tracks.size());
    for (const int id : ids) {
        const auto it = std::find_if(m_tracks.begin(), m_tracks.end(),
                                     [id](const Track& t) { return t.id == id; });
        if (it != m_tracks.end()) {
            ordered.push_back(std::move(*it));
            m_tracks.erase(it);
        }
    }
    std::move(m_tracks.begin(), m_tracks.end(), std::back_inserter(ordered));
    m_tracks = std::move(ordered);
    tracksEdited();
}

std::vector<int> TrackView::trackIds() const
{
    std::vector<int> ids;
    for (const Track& t : m_tracks)
        ids.push_back(t.id);
    return ids;
}

const Track* TrackView::track(int id) const
{
    const auto it =
        std::find_if(m_tracks.begin(), m_tracks.end(), [id](const Track& t) { return t.id == id; });
    return it == m_tracks.end() ? nullptr : &*it;
}

Track* TrackView::findById(int id)
{
    return const_cast<Track*>(std::as_const(*this).track(id));
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
    std::vector<Chromosome> list;
    const auto merge = [&list](const std::vector<Chromosome>& more) {
        for (const Chromosome& c : more) {
            const auto it = std::find_if(list.begin(), list.end(),
                                         [&](const Chromosome& o) { return o.name == c.name; });
            if (it == list.end())
                list.push_back(c);
            else
                it->length = std::max(it->length, c.length);
        }
    };
    // The genome names the chromosomes; without one, the tracks' files do.
    for (const Track& t : m_tracks)
        if (t.kind == TrackKind::Sequence && t.source)
            list = t.source->chromosomes();
    if (list.empty())
        for (const Track& t : m_tracks) {
            if (t.source)
                merge(t.source->chromosomes());
            if (t.features)
                merge(t.features->chromosomes());
        }
    if (list != m_chromosomes) {
        m_chromosomes = std::move(list);
        Q_EMIT chromosomesChanged();
    }
    if (m_chromosomes.empty())
        return;
    // Stay on the chromosome shown, under the genome's name for it ('IV' becomes 'chrIV').
    const std::string current =
        m_chrom.empty() ? std::string() : chrom_names::match(m_chrom, namesOf(m_chromosomes));
    if (current.empty())
        showChromosome(m_chromosomes.front().name);
    else
        setRange(current, m_start, m_end, Record::Never);
}

// ---- navigation -------------------------------------------------------------------------------

std::int64_t TrackView::chromosomeLength(const std::string& chrom) const
{
    const auto it = std::find_if(m_chromosomes.begin(), m_chromosomes.end(),
                                 [&](const Chromosome& c) { return c.name == chrom; });
    return it == m_chromosomes.end() ? 0 : it->length;
}

GenomicRange TrackView::range() const
{
    const std::int64_t length = chromosomeLength(m_chrom);
    return {m_chrom, std::max<std::int64_t>(0, static_cast<std::int64_t>(std::floor(m_start))),
            std::min(length, static_cast<std::int64_t>(std::ceil(m_end)))};
}

void TrackView::setRange(const std::string& chrom, double start, double end, Record record)
{
    const auto length = static_cast<double>(chromosomeLength(chrom));
    if (length <= 0)
        return;
    const double span = std::clamp(end - start, std::min<double>(kMinSpan, length), length);
    // A range narrower than the minimum grows around its middle.
    const double from = end - start < span ? 0.5 * (start + end) - 0.5 * span : start;
    const double s = std::clamp(from, 0.0, length - span);
    const bool changed = chrom != m_chrom || s != m_start || s + span != m_end;
    m_chrom = chrom;
    m_start = s;
    m_end = s + span;
    if (record == Record::Now)
        commitHistory();
    else if (record == Record::Later)
        m_historyTimer.start();
    if (changed) {
        requestTiles();
        update();
        Q_EMIT rangeChanged();
    }
}

void TrackView::commitHistory()
{
    m_historyTimer.stop();
    if (m_chrom.empty())
        return;
    m_history.visit(range());
    Q_EMIT historyChanged();
}

bool TrackView::showRange(const GenomicRange& range)
{
    const std::string chrom = chrom_names::match(range.chrom, namesOf(m_chromosomes));
    if (chrom.empty())
        return false;
    setRange(chrom, static_cast<double>(range.start), static_cast<double>(range.end), Record::Now);
    return true;
}

bool TrackView::showChromosome(const std::string& chrom)
{
    const std::string name = chrom_names::match(chrom, namesOf(m_chromosomes));
    return !name.empty() && showRange({name, 0, chromosomeLength(name)});
}

bool TrackView::navigate(const QString& text, QString* error)
{
    const auto fail = [error](const QString& message) {
        if (error)
            *error = message;
        return false;
    };
    const QString wanted = text.trimmed();
    if (wanted.isEmpty())
        return fail(tr("Type a locus such as chrIV:100,000-120,000, or a gene name."));
    if (m_chromosomes.empty())
        return fail(tr("No genome or track is open yet."));
    const auto names = namesOf(m_chromosomes);
    const auto parsed = parseLocusText(wanted);
    if (parsed && !chrom_names::match(parsed->chrom, names).empty()) {
        QString why;
        const auto r = resolveLocus(*parsed, m_chromosomes, &why);
        return r ? showRange(*r) : fail(why);
    }
    if (const auto feature = findFeature(wanted)) {
        // A little flank either side, as IGV frames a gene.
        const std::int64_t flank = std::max<std::int64_t>(20, feature->length() / 10);
        if (showRange({feature->chrom, feature->start - flank, feature->end + flank}))
            return true;
        return fail(
            tr("%1 lies on %2, which the genome does not have.").arg(wanted, qs(feature->chrom)));
    }
    if (parsed && parsed->first) {
        QString why;
        (void)resolveLocus(*parsed, m_chromosomes, &why);
        return fail(why);
    }
    const bool featuresLoading =
        std::any_of(m_tracks.begin(), m_tracks.end(), [](const Track& t) { return t.loading; });
    if (featuresLoading)
        return fail(tr("'%1' is not a chromosome, and the feature files are still being read; "
                       "try again in a moment.")
                        .arg(wanted));
    return fail(tr("'%1' is neither a locus (such as %2:1,000-2,000) nor the name of a feature "
                   "in the feature tracks.")
                    .arg(wanted, qs(m_chromosomes.front().name)));
}

std::optional<GenomicRange> TrackView::findFeature(const QString& name) const
{
    for (const Track& t : m_tracks) {
        if (!t.features)
            continue;
        if (auto r = t.features->find(name)) {
            const std::string chrom = chrom_names::match(r->chrom, namesOf(m_chromosomes));
            if (!chrom.empty())
                r->chrom = chrom;
            return r;
        }
    }
    return std::nullopt;
}

QStringList TrackView::featureNames() const
{
    QStringList names;
    for (const Track& t : m_tracks)
        if (t.features)
            names << t.features->names();
    names.removeDuplicates();
    return names;
}

void TrackView::zoomBy(double factor, std::optional<double> anchor)
{
    if (m_chrom.empty() || factor <= 0)
        return;
    const double a = anchor.value_or(0.5 * (m_start + m_end));
    const double start = a - (a - m_start) / factor;
    setRange(m_chrom, start, start + (m_end - m_start) / factor, Record::Later);
}

void TrackView::panBy(double fraction)
{
    if (m_chrom.empty())
        return;
    const double shift = fraction * (m_end - m_start);
    setRange(m_chrom, m_start + shift, m_end + shift, Record::Later);
}

void TrackView::goBack()
{
    if (m_historyTimer.isActive())
        commitHistory();
    if (const auto r = m_history.back()) {
        setRange(r->chrom, static_cast<double>(r->start), static_cast<double>(r->end),
                 Record::Never);
        Q_EMIT historyChanged();
    }
}

void TrackView::goForward()
{
    if (const auto r = m_history.forward()) {
        setRange(r->chrom, static_cast<double>(r->start), static_cast<double>(r->end),
                 Record::Never);
        Q_EMIT historyChanged();
    }
}

// ---- reading ----------------------------------------------------------------------------------

ViewFrame TrackView::frameFor(int width) const
{
    ViewFrame f;
    f.chrom = m_chrom;
    f.chromLength = chromosomeLength(m_chrom);
    f.start = m_start;
    f.end = m_end;
    f.left = kGutterWidth;
    f.width = std::max(1, width - kGutterWidth - kRightMargin);
    return f;
}

void TrackView::requestTiles()
{
    const ViewFrame f = frame();
    if (!f.isValid())
        return;
    const int level = tiles::levelFor(f.bpPerPixel());
    std::vector<TileRequest> wanted;
    for (const Track& t : m_tracks) {
        if (!t.source || (t.kind == TrackKind::Sequence && f.bpPerPixel() > kSequenceMaxBpPerPixel))
            continue;
        const std::string chrom = t.source->chromosomeName(f.chrom);
        if (chrom.empty())
            continue;
        auto more =
            tilesFor(t.source, chrom, f.start, f.end, t.kind == TrackKind::Sequence ? 0 : level);
        std::move(more.begin(), more.end(), std::back_inserter(wanted));
    }
    // The r a paired lane shows is per base: a wide view reads the bases of both tracks too
    // (after what it paints).
    if (level > 0 && f.end - f.start <= static_cast<double>(kCorrelationMaxSpan))
        for (const Track& t : m_tracks)
            if (const Track* e = pairedExperiment(t); e && t.source && e->source)
                for (const Track* u : {&t, e})
                    if (const std::string chrom = u->source->chromosomeName(f.chrom);
                        !chrom.empty()) {
                        auto more = tilesFor(u->source, chrom, f.start, f.end, 0);
                        std::move(more.begin(), more.end(), std::back_inserter(wanted));
                    }
    m_fetcher->request(std::move(wanted));
}

const Track* TrackView::pairedExperiment(const Track& prediction) const
{
    if (!prediction.predicted || prediction.overlayOn < 0)
        return nullptr;
    const Track* e = track(prediction.overlayOn);
    return e && e->kind == TrackKind::Signal ? e : nullptr;
}

bool TrackView::normalisesInLane(const Track& track) const
{
    return m_overlay && track.normalizer &&
           std::any_of(m_tracks.begin(), m_tracks.end(),
                       [&](const Track& t) { return t.predicted && t.overlayOn == track.id; });
}

SignalSamples TrackView::samplesFor(const Track& track, const ViewFrame& frame,
                                    bool normalised) const
{
    if (track.kind != TrackKind::Signal || !track.source)
        return {};
    const std::string chrom = track.source->chromosomeName(frame.chrom);
    if (chrom.empty())
        return {};
    SignalSamples samples = sampleSignal(*m_fetcher, *track.source, chrom, frame);
    if (normalised && track.normalizer)
        for (float& v : samples.values)
            if (!std::isnan(v))
                v = track.normalizer->apply(v);
    return samples;
}

SignalSamples TrackView::paintedSamples(int id) const
{
    const Track* t = track(id);
    return t ? samplesFor(*t, frame(), normalisesInLane(*t)) : SignalSamples{};
}

std::string TrackView::paintedBases() const
{
    const ViewFrame f = frame();
    if (!f.isValid() || f.bpPerPixel() > kSequenceMaxBpPerPixel)
        return {};
    for (const Track& t : m_tracks) {
        if (t.kind != TrackKind::Sequence)
            continue;
        const std::string chrom = t.source->chromosomeName(f.chrom);
        if (chrom.empty())
            return {};
        return sampleBases(*m_fetcher, *t.source, chrom,
                           static_cast<std::int64_t>(std::floor(f.start)),
                           static_cast<std::int64_t>(std::ceil(f.end)));
    }
    return {};
}

double TrackView::correlation(const Track& prediction, const ViewFrame& frame) const
{
    const Track* experiment = pairedExperiment(prediction);
    if (!experiment || !prediction.source || !experiment->source || !frame.isValid())
        return kNaN;
    // Per base over the bases the view shows, as the status line's r for a prediction of this
    // view: never over the per-pixel means a wide view paints.
    const auto first = static_cast<std::int64_t>(std::max(0.0, std::floor(frame.start)));
    const auto last = std::min(frame.chromLength, static_cast<std::int64_t>(std::ceil(frame.end)));
    if (last - first > kCorrelationMaxSpan)
        return kNaN;
    const CorrelationKey key{prediction.source->id(), experiment->source->id(), frame.chrom, first,
                             last};
    if (const auto it = m_correlations.find(key); it != m_correlations.end())
        return it->second;
    const std::string predictedChrom = prediction.source->chromosomeName(frame.chrom);
    const std::string measuredChrom = experiment->source->chromosomeName(frame.chrom);
    if (predictedChrom.empty() || measuredChrom.empty())
        return kNaN;
    bool predictedRead = false;
    bool measuredRead = false;
    const auto predicted =
        sampleValues(*m_fetcher, *prediction.source, predictedChrom, first, last, &predictedRead);
    auto measured =
        sampleValues(*m_fetcher, *experiment->source, measuredChrom, first, last, &measuredRead);
    if (!predictedRead || !measuredRead)
        return kNaN; // shown once the reads are in, never from part of the view
    // A track shorter than the view (its file's chromosome is shorter) has no data past its end.
    measured.resize(predicted.size(), std::numeric_limits<float>::quiet_NaN());
    const double r =
        predictionCorrelation(predicted, measured, experiment->normalizer.value_or(Normalizer{}));
    if (m_correlations.size() > 256)
        m_correlations.clear();
    m_correlations.emplace(key, r);
    return r;
}

double TrackView::viewCorrelation(int predicted) const
{
    const Track* t = track(predicted);
    return t ? correlation(*t, frame()) : kNaN;
}

QString TrackView::correlationLabel(int predicted) const
{
    const Track* t = track(predicted);
    if (!t)
        return {};
    const double r = correlation(*t, frame());
    return std::isnan(r) ? QString()
                         : tr("r = %1 with %2 in view")
                               .arg(formatCorrelation(r), pairedExperiment(*t)->style.name);
}

QString formatCorrelation(double r)
{
    return std::isnan(r) ? QString() : QString::number(r, 'f', 3);
}

const BigWigReader* TrackView::bigWigReader(int id) const
{
    const Track* t = track(id);
    const auto* source = t ? dynamic_cast<const BigWigSource*>(t->source.get()) : nullptr;
    return source ? &source->reader() : nullptr;
}

// ---- events -------------------------------------------------------------------------------------

void TrackView::paintEvent(QPaintEvent* /*event*/)
{
    requestTiles(); // cheap when the tiles are cached or on their way
    QPainter painter(this);
    render(painter, size());
}

void TrackView::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    requestTiles();
}

void TrackView::mousePressEvent(QMouseEvent* event)
{
    setFocus(Qt::MouseFocusReason);
    const ViewFrame f = frame();
    const QPointF at = event->position();
    if (event->button() != Qt::LeftButton || !f.isValid() || at.x() < f.left) {
        QWidget::mousePressEvent(event);
        return;
    }
    if (at.y() < kRulerHeight) {
        const QRectF strip = paint::overviewStrip(f, QRectF(f.left, 0, f.width, kRulerHeight));
        if (strip.adjusted(0, -3, 0, 3).contains(at)) {
            // The overview maps the whole chromosome: recentre there.
            const double centre = (at.x() - f.left) / f.width * static_cast<double>(f.chromLength);
            const double half = 0.5 * (m_end - m_start);
            setRange(m_chrom, centre - half, centre + half, Record::Now);
            return;
        }
        m_drag = Drag::Select;
        m_selectFrom = m_selectTo = f.posAt(at.x());
        update();
        return;
    }
    m_drag = Drag::Pan;
    m_pressX = at.x();
    m_pressStart = m_start;
    setCursor(Qt::ClosedHandCursor);
}

void TrackView::mouseMoveEvent(QMouseEvent* event)
{
    const ViewFrame f = frame();
    const double x = event->position().x();
    if (m_drag == Drag::Pan) {
        const double start = m_pressStart + (m_pressX - x) * f.bpPerPixel();
        setRange(m_chrom, start, start + (m_end - m_start), Record::Never);
    } else if (m_drag == Drag::Select) {
        m_selectTo = f.posAt(std::clamp(x, f.left, f.left + f.width));
        update();
    }
}

void TrackView::mouseReleaseEvent(QMouseEvent* /*event*/)
{
    const ViewFrame f = frame();
    if (m_drag == Drag::Pan) {
        unsetCursor();
        commitHistory();
    } else if (m_drag == Drag::Select) {
        const double a = std::min(m_selectFrom, m_selectTo);
        const double b = std::max(m_selectFrom, m_selectTo);
        if ((b - a) / f.bpPerPixel() >= 3) {
            setRange(m_chrom, a, b, Record::Now);
        } else {
            // A click on the ruler recentres there (IGV does the same).
            const double half = 0.5 * (m_end - m_start);
            setRange(m_chrom, a - half, a + half, Record::Now);
        }
    }
    m_drag = Drag::None;
    update();
}

void TrackView::mouseDoubleClickEvent(QMouseEvent* event)
{
    const ViewFrame f = frame();
    if (!f.isValid() || event->position().x() < f.left || event->position().y() < kRulerHeight)
        return;
    zoomBy(2.0, f.posAt(event->position().x()));
    commitHistory();
}

void TrackView::wheelEvent(QWheelEvent* event)
{
    const ViewFrame f = frame();
    if (!f.isValid()) {
        event->ignore();
        return;
    }
    const QPoint delta = event->angleDelta();
    if (std::abs(delta.x()) > std::abs(delta.y())) {
        panBy(-delta.x() / 120.0 * 0.1);
    } else if (event->position().x() < f.left) {
        // Over the track names the wheel scrolls the lanes (the scroll area takes it).
        event->ignore();
        return;
    } else if (delta.y() != 0) {
        // One notch zooms by sqrt(2): two notches halve or double the view.
        zoomBy(std::pow(2.0, delta.y() / 240.0), f.posAt(event->position().x()));
    }
    event->accept();
}

void TrackView::keyPressEvent(QKeyEvent* event)
{
    const bool alt = event->modifiers().testFlag(Qt::AltModifier);
    const double step = event->modifiers().testFlag(Qt::ShiftModifier) ? 0.8 : 0.15;
    switch (event->key()) {
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        zoomIn();
        break;
    case Qt::Key_Minus:
    case Qt::Key_Underscore:
        zoomOut();
        break;
    case Qt::Key_Left:
        alt ? goBack() : panBy(-step);
        break;
    case Qt::Key_Right:
        alt ? goForward() : panBy(step);
        break;
    case Qt::Key_Home:
        showChromosome(m_chrom);
        break;
    case Qt::Key_Back:
        goBack();
        break;
    case Qt::Key_Forward:
        goForward();
        break;
    default:
        QWidget::keyPressEvent(event);
        return;
    }
    event->accept();
}

bool TrackView::event(QEvent* event)
{
    if (event->type() == QEvent::ToolTip) {
        const auto* help = static_cast<QHelpEvent*>(event);
        const QString text = tooltipAt(help->pos());
        if (text.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(help->globalPos(), text, this);
        return true;
    }
    return QWidget::event(event);
}

} // namespace kdna::ui
