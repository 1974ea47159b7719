// The painting part of TrackView: lanes (laid out by its TrackList), the frame drawn into any
// QPainter (screen, image export, benchmarks), tooltips and export. Data lives in
// track_view.cpp, navigation and input in track_view_navigation.cpp, reads in
// track_view_reading.cpp.
#include "core/util/chrom_names.h"
#include "ui/bridge/qt_convert.h"
#include "ui/tracks/signal_sampler.h"
#include "ui/tracks/tile_fetcher.h"
#include "ui/tracks/track_painter.h"
#include "ui/tracks/track_view.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include <QFileInfo>
#include <QImage>
#include <QPainter>
#include <QSvgGenerator>

namespace kdna::ui {

// ---- layout and painting ----------------------------------------------------------------------

std::vector<TrackView::Lane> TrackView::lanes() const
{
    return m_tracks.lanes(m_overlay, kRulerHeight, kLaneGap);
}

std::optional<TrackView::Lane> TrackView::laneAt(int y) const
{
    for (const Lane& lane : lanes())
        if (y >= lane.top && y < lane.top + lane.height)
            return lane;
    return std::nullopt;
}

int TrackView::contentHeight() const
{
    const auto all = lanes();
    return all.empty() ? kRulerHeight + 120 : all.back().top + all.back().height + kLaneGap;
}

QSize TrackView::sizeHint() const
{
    return {960, std::max(360, contentHeight())};
}

void TrackView::render(QPainter& p, const QSize& size) const
{
    render(p, size, paint::Theme::fromPalette(palette()));
}

void TrackView::render(QPainter& p, const QSize& size, const paint::Theme& theme) const
{
    const ViewFrame f = frameFor(size.width());
    p.fillRect(QRect(QPoint(0, 0), size), theme.background);
    if (!f.isValid()) {
        paint::drawNote(p, theme, QRectF(0, 0, size.width(), std::min(size.height(), 160)),
                        m_loadsPending > 0
                            ? tr("Opening files...")
                            : tr("Open a project with data, or add a genome and tracks, to browse "
                                 "them here."));
        return;
    }
    p.fillRect(QRectF(0, 0, kGutterWidth - 4, size.height()), theme.gutter);
    std::optional<std::pair<double, double>> selection;
    if (m_drag == Drag::Select)
        selection = std::make_pair(m_selectFrom, m_selectTo);
    paint::drawRuler(p, theme, f, QRectF(f.left, 0, f.width, kRulerHeight), selection);

    // The gutter of the ruler says where we are and how wide the view is.
    p.save();
    QFont bold = p.font();
    bold.setPixelSize(13);
    bold.setBold(true);
    p.setFont(bold);
    p.setPen(theme.ink);
    p.drawText(QRectF(8, 4, kGutterWidth - 16, 18), Qt::AlignLeft | Qt::AlignVCenter, qs(f.chrom));
    QFont small = p.font();
    small.setBold(false);
    small.setPixelSize(11);
    p.setFont(small);
    p.setPen(theme.faint);
    const QString state = isLoading() ? tr("%1  loading...") : QStringLiteral("%1");
    p.drawText(QRectF(8, 24, kGutterWidth - 16, 18), Qt::AlignLeft | Qt::AlignVCenter,
               state.arg(spanText(f.end - f.start)));
    p.restore();

    for (const Lane& lane : lanes()) {
        if (lane.top > size.height())
            break;
        paintLane(p, theme, f, lane, size.width());
    }
    if (selection) {
        const double x0 = f.xAt(std::min(selection->first, selection->second));
        const double x1 = f.xAt(std::max(selection->first, selection->second));
        p.fillRect(QRectF(x0, kRulerHeight, x1 - x0, size.height() - kRulerHeight), theme.wash(30));
    }
}

void TrackView::paintGutter(QPainter& p, const paint::Theme& theme, const Lane& lane,
                            const QRectF& area) const
{
    p.save();
    QFont font = p.font();
    font.setPixelSize(11);
    p.setFont(font);
    const QFontMetricsF fm(font);
    double y = area.top() + 3;
    for (std::size_t k = 0; k < lane.tracks.size(); ++k) {
        const Track& t = m_tracks[lane.tracks[k]];
        if (y + 14 > area.bottom() + 4)
            break;
        // Long file names wrap onto up to three lines when the lane has room for them.
        const double room = (area.bottom() - y) / static_cast<double>(lane.tracks.size() - k);
        const int lines = std::clamp(static_cast<int>(room / 14), 1, 3);
        const double width = area.width() - 26;
        QString name = fm.elidedText(t.style.name, Qt::ElideRight, width * lines - 12);
        name.replace(QLatin1Char('_'), QStringLiteral("_\u200B")); // file names break after '_'
        const QRectF box(22, y, width, 14.0 * lines);
        QRectF used;
        p.fillRect(QRectF(8, y + 2, 9, 9), t.style.color);
        p.setPen(theme.ink);
        p.drawText(box, Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap, name, &used);
        y += std::max(15.0, used.height() + 2);
    }
    p.restore();
}

void TrackView::paintLane(QPainter& p, const paint::Theme& theme, const ViewFrame& f,
                          const Lane& lane, int width) const
{
    const QRectF area(f.left, lane.top, f.width, lane.height);
    paintGutter(p, theme, lane, QRectF(0, lane.top, kGutterWidth - 4, lane.height));
    p.setPen(theme.rule);
    const double rule = lane.top + lane.height + kLaneGap / 2.0;
    p.drawLine(QPointF(0, rule), QPointF(width, rule));

    const Track& owner = m_tracks[lane.tracks.front()];
    if (!owner.error.isEmpty()) {
        paint::drawNote(p, theme, area, owner.error, true);
        return;
    }
    switch (owner.kind) {
    case TrackKind::Signal:
        paintSignalLane(p, theme, f, lane, area);
        return;
    case TrackKind::Features: {
        if (owner.loading || !owner.features) {
            paint::drawNote(p, theme, area,
                            tr("Reading %1...").arg(QFileInfo(owner.path).fileName()));
            return;
        }
        const std::string chrom = owner.features->chromosomeName(f.chrom);
        if (chrom.empty()) {
            paint::drawNote(p, theme, area, tr("No features on %1 in this file").arg(qs(f.chrom)));
            return;
        }
        const auto features =
            owner.features->overlapping(chrom, static_cast<std::int64_t>(std::floor(f.start)),
                                        static_cast<std::int64_t>(std::ceil(f.end)));
        paint::drawFeatures(p, theme, f, area, features,
                            std::max(1, (lane.height - 2) / paint::kFeatureRowHeight),
                            owner.style.color);
        return;
    }
    case TrackKind::Attribution:
    case TrackKind::Heatmap:
    case TrackKind::Variants:
        paintModelLane(p, theme, f, owner, area);
        return;
    case TrackKind::Sequence: {
        if (f.bpPerPixel() > kSequenceMaxBpPerPixel) {
            paint::drawNote(p, theme, area, tr("Zoom in to see the sequence"));
            return;
        }
        const std::string chrom = owner.source->chromosomeName(f.chrom);
        const auto first = static_cast<std::int64_t>(std::floor(f.start));
        paint::drawSequence(p, theme, f, area, first,
                            sampleBases(*m_fetcher, *owner.source, chrom, first,
                                        static_cast<std::int64_t>(std::ceil(f.end))));
        return;
    }
    }
}

std::vector<const VariantMark*> TrackView::marksOn(const Track& t, const ViewFrame& frame) const
{
    std::vector<const VariantMark*> out;
    if (!t.variants)
        return out;
    std::vector<std::string> names;
    for (const VariantMark& v : t.variants->marks)
        if (names.empty() || names.back() != v.chrom)
            names.push_back(v.chrom);
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    const std::string chrom = chrom_names::match(frame.chrom, names);
    for (const VariantMark& v : t.variants->marks)
        if (!chrom.empty() && v.chrom == chrom)
            out.push_back(&v);
    return out;
}

void TrackView::paintModelLane(QPainter& p, const paint::Theme& theme, const ViewFrame& f,
                               const Track& owner, const QRectF& area) const
{
    if (owner.kind == TrackKind::Variants) {
        if (!owner.variants) {
            paint::drawNote(p, theme, area,
                            tr("Scoring the variants of %1 with the model...")
                                .arg(QFileInfo(owner.path).fileName()));
            return;
        }
        const auto marks = marksOn(owner, f);
        if (marks.empty()) {
            paint::drawNote(
                p, theme, area,
                tr("No variants of %1 on %2").arg(QFileInfo(owner.path).fileName(), qs(f.chrom)));
            return;
        }
        // Autoscaled as signals are: the largest effect in view fills the lane.
        double m = 0;
        for (const VariantMark* v : marks)
            if (const double x = f.xAt(static_cast<double>(v->pos) + 0.5);
                x >= area.left() && x <= area.right() && std::isfinite(v->effect()))
                m = std::max(m, static_cast<double>(std::abs(v->effect())));
        paint::drawLollipops(p, theme, f, area, marks, m);
        paint::drawScaleLabel(p, theme, area, {-m, m});
        return;
    }
    const Explanation& e = *owner.explanation;
    if (e.chrom != f.chrom || static_cast<double>(e.end()) <= f.start ||
        static_cast<double>(e.start) >= f.end) {
        paint::drawNote(p, theme, area,
                        tr("Explained %1; \"Explain here\" explains this view")
                            .arg(formatLocus({e.chrom, e.start, e.end()})));
        return;
    }
    const bool ism = owner.kind == TrackKind::Heatmap;
    const double m = paint::largestInView(f, e, ism);
    if (ism)
        paint::drawHeatmap(p, theme, f, area, e, m);
    else
        paint::drawLogo(p, theme, f, area, e, m);
    paint::drawScaleLabel(p, theme, area, {-m, m}, ism);
}

void TrackView::paintSignalLane(QPainter& p, const paint::Theme& theme, const ViewFrame& f,
                                const Lane& lane, const QRectF& area) const
{
    struct Layer {
        const Track* track;
        SignalSamples samples;
    };
    std::vector<Layer> layers;
    std::vector<const SignalSamples*> all;
    layers.reserve(lane.tracks.size());
    for (const std::size_t index : lane.tracks) {
        const Track& t = m_tracks[index];
        layers.push_back({&t, samplesFor(t, f, normalisesInLane(t))});
    }
    for (const Layer& layer : layers)
        all.push_back(&layer.samples);
    const Track& owner = *layers.front().track;
    const paint::SignalScale scale =
        owner.style.autoscale ? paint::autoscale(all)
                              : paint::SignalScale{owner.style.minimum, owner.style.maximum};
    const bool shared = layers.size() > 1;
    for (const Layer& layer : layers) {
        const auto style = !shared                  ? paint::SignalStyle::Filled
                           : layer.track->predicted ? paint::SignalStyle::Line
                                                    : paint::SignalStyle::Translucent;
        paint::drawSignal(p, f, area, layer.samples, scale, layer.track->style.color, style);
    }
    paint::drawScaleLabel(p, theme, area, scale);

    QStringList notes;
    bool failed = false;
    for (const Layer& layer : layers) {
        const Track& t = *layer.track;
        if (t.source && t.source->chromosomeName(f.chrom).empty()) {
            notes << tr("%1 has no data on %2").arg(t.style.name, qs(f.chrom));
        } else if (const QString error = m_fetcher->error(t.source->id()); !error.isEmpty()) {
            notes << error;
            failed = true;
        }
    }
    if (!notes.isEmpty())
        paint::drawNote(p, theme, area, notes.join(QLatin1Char('\n')), failed);

    // Correlation in the view, top right, in the prediction's colour.
    double y = area.top() + 1;
    for (const Layer& layer : layers) {
        const QString text = correlationLabel(layer.track->id);
        if (text.isEmpty())
            continue;
        p.save();
        QFont font = p.font();
        font.setPixelSize(11);
        font.setBold(true);
        p.setFont(font);
        // On a card, as the scale label is: at base resolution the prediction's line, in the
        // same colour, runs through it.
        paint::drawCardText(p, theme, {area.right() - 4, y}, paint::CardCorner::TopRight, 14, text,
                            theme.dark ? layer.track->style.color.lighter(130)
                                       : layer.track->style.color.darker(120));
        p.restore();
        y += 14;
    }
}

QString TrackView::tooltipAt(const QPoint& pos) const
{
    const ViewFrame f = frame();
    if (!f.isValid())
        return {};
    const auto lane = laneAt(pos.y());
    if (pos.x() < f.left) {
        if (!lane)
            return {};
        QStringList lines;
        for (const std::size_t index : lane->tracks) {
            const Track& t = m_tracks[index];
            lines << QStringLiteral("<b>%1</b><br>%2")
                         .arg(t.style.name.toHtmlEscaped(), t.path.toHtmlEscaped());
        }
        return lines.join(QStringLiteral("<br>"));
    }
    const double position = f.posAt(pos.x());
    const auto base = static_cast<std::int64_t>(std::floor(position));
    const QString where = QStringLiteral("%1:%2").arg(qs(f.chrom), count(base + 1));
    if (!lane)
        return where;
    QStringList lines{where};
    const Track& owner = m_tracks[lane->tracks.front()];
    if (owner.kind == TrackKind::Signal) {
        for (const std::size_t index : lane->tracks) {
            const Track& t = m_tracks[index];
            const SignalSamples s = samplesFor(t, f, normalisesInLane(t));
            const auto i = s.resolution == SignalSamples::Resolution::PerBase
                               ? base - s.firstBase
                               : static_cast<std::int64_t>(pos.x() - f.left);
            const float v = i >= 0 && i < static_cast<std::int64_t>(s.values.size())
                                ? s.values[static_cast<std::size_t>(i)]
                                : std::numeric_limits<float>::quiet_NaN();
            lines << QStringLiteral("<b>%1</b>: %2")
                         .arg(t.style.name.toHtmlEscaped(),
                              std::isnan(v) ? tr("no data") : QString::number(v, 'g', 4));
        }
    } else if (owner.kind == TrackKind::Features && owner.features) {
        const std::string chrom = owner.features->chromosomeName(f.chrom);
        const int rows = std::max(1, (lane->height - 2) / paint::kFeatureRowHeight);
        const int row = std::min((pos.y() - lane->top) / paint::kFeatureRowHeight, rows - 1);
        const double slack = 2 * f.bpPerPixel();
        for (const PlacedFeature& feature :
             owner.features->overlapping(chrom, static_cast<std::int64_t>(position - slack),
                                         static_cast<std::int64_t>(position + slack) + 1)) {
            if (std::min(feature.row, rows - 1) != row ||
                static_cast<double>(feature.end) < position - slack ||
                static_cast<double>(feature.start) > position + slack)
                continue;
            const QString strand = feature.strand == Strand::Forward   ? QStringLiteral(" (+)")
                                   : feature.strand == Strand::Reverse ? QStringLiteral(" (-)")
                                                                       : QString();
            lines << QStringLiteral("<b>%1</b> %2<br>%3%4")
                         .arg(feature.name.toHtmlEscaped(),
                              qs(owner.features->typeName(feature.type)).toHtmlEscaped(),
                              formatLocus({f.chrom, feature.start, feature.end}), strand);
            if (lines.size() > 6)
                break;
        }
    } else if (owner.kind == TrackKind::Attribution || owner.kind == TrackKind::Heatmap) {
        if (const QString tip = explanationTip(owner, *lane, base, pos.y()); !tip.isEmpty())
            lines << tip;
    } else if (owner.kind == TrackKind::Variants) {
        if (const QString tip = variantTip(owner, pos.x()); !tip.isEmpty())
            lines << tip;
    } else if (owner.kind == TrackKind::Sequence) {
        const std::string bases = paintedBases();
        const auto i = base - static_cast<std::int64_t>(std::floor(f.start));
        if (i >= 0 && i < static_cast<std::int64_t>(bases.size()))
            lines << tr("base %1").arg(QLatin1Char(bases[static_cast<std::size_t>(i)]));
    }
    return lines.join(QStringLiteral("<br>"));
}

QString TrackView::explanationTip(const Track& t, const Lane& lane, std::int64_t base, int y) const
{
    const Explanation& e = *t.explanation;
    if (e.chrom != frame().chrom || base < e.start || base >= e.end())
        return {};
    const auto i = static_cast<std::size_t>(base - e.start);
    const QChar ref(QLatin1Char(e.bases[i]));
    const QString name = t.style.name.toHtmlEscaped();
    if (t.kind == TrackKind::Attribution)
        return tr("<b>%1</b>: %2, score %3").arg(name, ref, QString::number(e.scores[i], 'g', 4));
    const int row = paint::heatmapRow(QRectF(0, lane.top, 1, lane.height), y);
    if (row < 0 || e.ism.size() < (i + 1) * 4)
        return {};
    const QChar to(QLatin1Char("ACGT"[row]));
    if (to == ref)
        return tr("<b>%1</b>: %2 is the reference").arg(name, ref);
    return tr("<b>%1</b>: %2 to %3 changes %4 by %5")
        .arg(name, ref, to, e.target.toHtmlEscaped(),
             QString::number(e.ism[i * 4 + static_cast<std::size_t>(row)], 'g', 4));
}

const VariantMark* TrackView::variantAt(const Track& t, double x) const
{
    const ViewFrame f = frame();
    const auto marks = marksOn(t, f);
    const int at = paint::lollipopAt(f, marks, x);
    return at < 0 ? nullptr : marks[static_cast<std::size_t>(at)];
}

QString TrackView::variantTip(const Track& t, double x) const
{
    const VariantMark* mark = variantAt(t, x);
    if (!mark)
        return {};
    const VariantMark& v = *mark;
    return tr("<b>%1</b> %2:%3 %4&gt;%5<br>%6: alt \u2212 ref = %7 (ref %8, alt %9)")
        .arg(v.id == QStringLiteral(".") ? tr("variant") : v.id.toHtmlEscaped(), qs(v.chrom),
             count(v.pos + 1), v.ref.toHtmlEscaped(), v.alt.toHtmlEscaped(),
             t.variants->target.toHtmlEscaped(), QString::number(v.effect(), 'g', 4),
             QString::number(v.refValue, 'g', 4), QString::number(v.altValue, 'g', 4));
}

bool TrackView::exportImage(const QString& path, QString* error) const
{
    const QSize size(width(), contentHeight());
    const bool svg =
        QFileInfo(path).suffix().compare(QStringLiteral("svg"), Qt::CaseInsensitive) == 0;
    bool ok = false;
    if (svg) {
        QSvgGenerator generator;
        generator.setFileName(path);
        generator.setSize(size);
        generator.setViewBox(QRect(QPoint(0, 0), size));
        generator.setTitle(tr("kdna tracks, %1").arg(formatLocus(range())));
        QPainter painter;
        if (painter.begin(&generator)) {
            render(painter, size, paint::Theme{});
            ok = painter.end();
        }
    } else {
        // Twice the screen's pixels: figures stay sharp when printed.
        QImage image(size * 2, QImage::Format_ARGB32_Premultiplied);
        image.setDevicePixelRatio(2.0);
        QPainter painter(&image);
        render(painter, size, paint::Theme{});
        painter.end();
        ok = image.save(path);
    }
    if (!ok && error)
        *error = tr("Could not write %1: check the folder exists and is writable.").arg(path);
    return ok;
}

} // namespace kdna::ui
