// The reading part of TrackView: the frame a width shows, the tiles it asks for, the values
// and bases a lane draws, and the r between a prediction and its experiment over the view.
#include "ui/tracks/track_view.h"

#include "ui/bridge/qt_convert.h"
#include "ui/tracks/signal_sampler.h"
#include "ui/tracks/tile_fetcher.h"
#include "core/eval/prediction_pairing.h"
#include "core/tracks/bigwig.h"

#include <cmath>
#include <iterator>
#include <limits>

namespace kdna::ui {
namespace {

constexpr int kRightMargin = 10;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

} // namespace

// ---- reading ----------------------------------------------------------------------------------

ViewFrame TrackView::frameFor(int width) const
{
    ViewFrame f;
    f.chrom = m_view.chrom();
    f.chromLength = m_view.chromosomeLength(m_view.chrom());
    f.start = m_view.start();
    f.end = m_view.end();
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
    return m_tracks.pairedExperiment(prediction);
}

bool TrackView::normalisesInLane(const Track& track) const
{
    return m_overlay && track.normalizer && m_tracks.hasPredictionOn(track);
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

} // namespace kdna::ui
