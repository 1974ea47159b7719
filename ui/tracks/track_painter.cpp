#include "ui/tracks/track_painter.h"

#include "ui/tracks/locus.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include <QFontDatabase>
#include <QFontMetricsF>
#include <QPainter>
#include <QPalette>
#include <QPolygonF>
#include <QVector>

namespace kdna::ui::paint {
namespace {

constexpr double kOverviewTop = 5;
constexpr double kOverviewHeight = 9;
constexpr double kTickLength = 5;
constexpr double kBoxHeight = 10;
constexpr double kLetterMinPixels = 5;
constexpr double kMinorTickLength = 2;

QFont smallFont(const QPainter& p, int pixelSize)
{
    QFont f = p.font();
    f.setPixelSize(pixelSize);
    return f;
}

/// Calls `step(x0, x1, value)` for every sample, in screen coordinates.
template<typename Step>
void forEachStep(const ViewFrame& frame, const SignalSamples& samples, Step step)
{
    const auto n = samples.values.size();
    const bool perBase = samples.resolution == SignalSamples::Resolution::PerBase;
    for (std::size_t i = 0; i < n; ++i) {
        const float v = samples.values[i];
        if (perBase) {
            const double base =
                static_cast<double>(samples.firstBase + static_cast<std::int64_t>(i));
            step(frame.xAt(base), frame.xAt(base + 1), v);
        } else {
            const double x = frame.left + static_cast<double>(i);
            step(x, x + 1, v);
        }
    }
}

QString number(double v)
{
    return QString::number(v, 'g', std::abs(v) >= 1000 ? 6 : 3);
}

/// A colour a fraction of the way from `a` to `b`.
QColor mix(const QColor& a, const QColor& b, double t)
{
    const auto channel = [t](int x, int y) {
        return static_cast<int>(std::lround(x + (y - x) * t));
    };
    return QColor(channel(a.red(), b.red()), channel(a.green(), b.green()),
                  channel(a.blue(), b.blue()));
}

} // namespace

void widen(SignalScale& scale, const SignalSamples& samples)
{
    for (const float v : samples.values) {
        if (std::isnan(v))
            continue;
        scale.minimum = std::min(scale.minimum, static_cast<double>(v));
        scale.maximum = std::max(scale.maximum, static_cast<double>(v));
    }
}

SignalScale autoscale(std::span<const SignalSamples* const> samples)
{
    SignalScale scale{0, 0};
    for (const SignalSamples* s : samples)
        widen(scale, *s);
    if (scale.maximum <= scale.minimum)
        scale.maximum = scale.minimum + 1;
    return scale;
}

Theme Theme::fromPalette(const QPalette& palette)
{
    Theme t;
    t.background = palette.color(QPalette::Base);
    t.ink = palette.color(QPalette::Text);
    t.dark = t.background.lightnessF() < 0.5;
    t.gutter = mix(t.background, t.ink, 0.04);
    t.faint = mix(t.background, t.ink, 0.5);
    t.rule = mix(t.background, t.ink, 0.12);
    t.overview = mix(t.background, t.ink, 0.08);
    t.error = colors::error(t.dark);
    t.selection = colors::selection(palette);
    return t;
}

QRectF overviewStrip(const ViewFrame& frame, const QRectF& ruler)
{
    return {frame.left, ruler.top() + kOverviewTop, frame.width, kOverviewHeight};
}

void drawRuler(QPainter& p, const Theme& theme, const ViewFrame& frame, const QRectF& area,
               std::optional<std::pair<double, double>> selection)
{
    p.save();
    p.setRenderHint(QPainter::Antialiasing, false);
    // Overview: the whole chromosome, the visible stretch boxed in red (IGV's ideogram box).
    const QRectF strip = overviewStrip(frame, area);
    p.setPen(theme.faint);
    p.setBrush(theme.overview);
    p.drawRect(strip);
    if (frame.chromLength > 0) {
        const double scale = strip.width() / static_cast<double>(frame.chromLength);
        QRectF box(strip.left() + frame.start * scale, strip.top() - 2,
                   std::max(2.0, (frame.end - frame.start) * scale), strip.height() + 4);
        p.setPen(QPen(theme.error, 2)); // IGV's red box round the visible stretch
        p.setBrush(Qt::NoBrush);
        p.drawRect(box);
    }

    const QFont font = smallFont(p, 11);
    p.setFont(font);
    const QFontMetricsF fm(font);
    const double bpp = frame.bpPerPixel();
    std::int64_t step = tickStep(bpp, 80);
    const double widest = fm.horizontalAdvance(tickLabel(frame.chromLength, step));
    step = tickStep(bpp, widest + 28);

    const double baseline = area.bottom() - 1;
    p.setPen(theme.ink);
    p.drawLine(QPointF(frame.left, baseline), QPointF(frame.left + frame.width, baseline));
    // Minor ticks a tenth of a step apart, when they stay distinct.
    const std::int64_t minor = step / 10;
    if (minor >= 1 && static_cast<double>(minor) / bpp >= 5) {
        const auto first = static_cast<std::int64_t>(
            std::ceil(std::max(0.0, frame.start) / static_cast<double>(minor)));
        for (std::int64_t pos = first * minor; static_cast<double>(pos) <= frame.end;
             pos += minor) {
            const double x = std::round(frame.xAt(static_cast<double>(pos)));
            p.drawLine(QPointF(x, baseline - kMinorTickLength), QPointF(x, baseline));
        }
    }
    const auto firstTick = static_cast<std::int64_t>(
        std::ceil(std::max(0.0, frame.start) / static_cast<double>(step)));
    for (std::int64_t t = firstTick;; ++t) {
        const std::int64_t pos = t * step;
        if (static_cast<double>(pos) > frame.end || pos > frame.chromLength)
            break;
        const double x = std::round(frame.xAt(static_cast<double>(pos)));
        p.drawLine(QPointF(x, baseline - kTickLength), QPointF(x, baseline));
        const QString label = tickLabel(pos, step);
        const double w = fm.horizontalAdvance(label);
        const double lx = std::clamp(x - w / 2, frame.left, frame.left + frame.width - w);
        p.drawText(QPointF(lx, baseline - kTickLength - 3), label);
    }
    if (selection) {
        const double x0 = frame.xAt(std::min(selection->first, selection->second));
        const double x1 = frame.xAt(std::max(selection->first, selection->second));
        p.fillRect(QRectF(x0, area.top(), x1 - x0, area.height()), theme.wash(70));
    }
    p.restore();
}

void drawSignal(QPainter& p, const ViewFrame& frame, const QRectF& lane,
                const SignalSamples& samples, const SignalScale& scale, const QColor& color,
                SignalStyle style)
{
    const double range = scale.maximum - scale.minimum;
    const auto yOf = [&](double v) {
        const double f = (std::clamp(v, scale.minimum, scale.maximum) - scale.minimum) / range;
        return lane.bottom() - f * lane.height();
    };
    const double baseline = yOf(0.0);
    p.save();
    p.setClipRect(lane);
    if (style == SignalStyle::Line) {
        p.setRenderHint(QPainter::Antialiasing, true);
        p.setPen(QPen(color, 1.6));
        QPolygonF run;
        const auto flush = [&] {
            if (run.size() > 1)
                p.drawPolyline(run);
            run.clear();
        };
        forEachStep(frame, samples, [&](double x0, double x1, float v) {
            if (std::isnan(v)) {
                flush();
                return;
            }
            const double y = yOf(v);
            run << QPointF(x0, y) << QPointF(x1, y);
        });
        flush();
    } else {
        QVector<QRectF> bars;
        bars.reserve(static_cast<qsizetype>(samples.values.size()));
        forEachStep(frame, samples, [&](double x0, double x1, float v) {
            if (std::isnan(v))
                return;
            const double y = yOf(v);
            bars.push_back(
                QRectF(QPointF(x0, std::min(y, baseline)), QPointF(x1, std::max(y, baseline))));
        });
        QColor fill = color;
        if (style == SignalStyle::Translucent)
            fill.setAlpha(110);
        p.setRenderHint(QPainter::Antialiasing, false);
        p.setPen(Qt::NoPen);
        p.setBrush(fill);
        p.drawRects(bars);
    }
    p.restore();
}

void drawScaleLabel(QPainter& p, const Theme& theme, const QRectF& lane, const SignalScale& scale,
                    bool right)
{
    p.save();
    const QFont font = smallFont(p, 10);
    p.setFont(font);
    const QString text =
        QStringLiteral("[%1 - %2]").arg(number(scale.minimum), number(scale.maximum));
    // On a card: the label sits where the tallest bars reach.
    drawCardText(p, theme, {right ? lane.right() - 2 : lane.left() + 2, lane.top() + 1},
                 right ? CardCorner::TopRight : CardCorner::TopLeft, 13, text, theme.ink);
    p.restore();
}

QRectF drawCardText(QPainter& p, const Theme& theme, const QPointF& at, CardCorner corner,
                    double height, const QString& text, const QColor& ink)
{
    const double width = QFontMetricsF(p.font()).horizontalAdvance(text) + 6;
    const QRectF box(corner == CardCorner::TopRight ? at.x() - width : at.x(), at.y(), width,
                     height);
    QColor card = theme.background;
    card.setAlpha(215);
    p.fillRect(box, card);
    p.save();
    p.setPen(ink);
    p.drawText(box, Qt::AlignCenter, text);
    p.restore();
    return box;
}

void drawFeatures(QPainter& p, const Theme& theme, const ViewFrame& frame, const QRectF& lane,
                  std::span<const PlacedFeature> features, int visibleRows, const QColor& color)
{
    p.save();
    p.setClipRect(lane);
    p.setRenderHint(QPainter::Antialiasing, false);
    const QFont font = smallFont(p, 10);
    p.setFont(font);
    const QFontMetricsF fm(font);
    const QColor chevron(255, 255, 255, 200);
    visibleRows = std::max(1, visibleRows);
    std::vector<double> labelEnd(static_cast<std::size_t>(visibleRows), -1e9);
    for (const PlacedFeature& f : features) {
        if (static_cast<double>(f.end) <= frame.start || static_cast<double>(f.start) >= frame.end)
            continue;
        const int row = std::min(f.row, visibleRows - 1);
        const double top = lane.top() + row * kFeatureRowHeight + 3;
        const double x0 = std::max(frame.xAt(static_cast<double>(f.start)), lane.left() - 1);
        const double x1 = std::min(frame.xAt(static_cast<double>(f.end)), lane.right() + 1);
        const QRectF box(x0, top, std::max(1.0, x1 - x0), kBoxHeight);
        p.fillRect(box, color);
        if (f.strand != Strand::None && box.width() >= 12) {
            p.setPen(QPen(chevron, 1));
            const double dir = f.strand == Strand::Forward ? 1 : -1;
            const double mid = box.center().y();
            for (double x = box.left() + 6; x < box.right() - 3; x += 9) {
                p.drawLine(QPointF(x - 2 * dir, mid - 3), QPointF(x + dir, mid));
                p.drawLine(QPointF(x + dir, mid), QPointF(x - 2 * dir, mid + 3));
            }
        }
        if (f.name.isEmpty())
            continue;
        const double w = fm.horizontalAdvance(f.name);
        const double centre = box.center().x();
        const double lx = std::clamp(centre - w / 2, lane.left() + 1, lane.right() - w - 1);
        auto& end = labelEnd[static_cast<std::size_t>(row)];
        if (lx < end + 6 || w > lane.width())
            continue;
        end = lx + w;
        p.setPen(theme.ink);
        p.drawText(QPointF(lx, top + kBoxHeight + fm.ascent() + 1), f.name);
    }
    p.restore();
}

void drawSequence(QPainter& p, const Theme& theme, const ViewFrame& frame, const QRectF& lane,
                  std::int64_t first, std::string_view bases)
{
    p.save();
    p.setClipRect(lane);
    p.setRenderHint(QPainter::Antialiasing, false);
    const double width = 1.0 / frame.bpPerPixel();
    const bool letters = width >= kLetterMinPixels;
    // A fixed-pitch face: its letters are narrow and all alike, so they fit from 5 px a base.
    QFont font = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    font.setPixelSize(static_cast<int>(std::clamp(width * 1.45, 8.0, 16.0)));
    font.setBold(true);
    p.setFont(font);
    for (std::size_t i = 0; i < bases.size(); ++i) {
        const char base = bases[i];
        if (base == ' ')
            continue;
        const double x = frame.xAt(static_cast<double>(first + static_cast<std::int64_t>(i)));
        const QRectF cell(x, lane.top() + 2, width, lane.height() - 4);
        if (letters) {
            QColor tint = colors::base(base);
            tint.setAlpha(45);
            p.fillRect(cell, tint);
            p.setPen(theme.dark ? colors::base(base).lighter(140) : colors::base(base).darker(115));
            p.drawText(cell, Qt::AlignCenter, QString(QLatin1Char(base)));
        } else {
            p.fillRect(QRectF(x, cell.top() + 2, std::max(1.0, width), cell.height() - 4),
                       colors::base(base));
        }
    }
    p.restore();
}

void drawNote(QPainter& p, const Theme& theme, const QRectF& lane, const QString& text, bool error)
{
    p.save();
    QFont f = smallFont(p, 11);
    f.setItalic(!error);
    p.setFont(f);
    p.setPen(error ? theme.error : theme.faint);
    p.drawText(lane.adjusted(6, 0, -6, 0), Qt::AlignCenter | Qt::TextWordWrap, text);
    p.restore();
}

} // namespace kdna::ui::paint
