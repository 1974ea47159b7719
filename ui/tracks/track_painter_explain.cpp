// The drawing of "Explain here" (sequence logos, ISM heatmaps) and of scored variants
// (lollipops), in the viewer's painter namespace.
#include "ui/tracks/track_painter.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>

#include <QFont>
#include <QPainter>
#include <QPainterPath>

namespace kdna::ui::paint {
namespace {

constexpr std::array<char, 4> kBases{'A', 'C', 'G', 'T'};

/// The bases of `e` the frame shows: [first, last).
std::pair<std::int64_t, std::int64_t> visibleBases(const ViewFrame& frame, const Explanation& e)
{
    const auto first = std::max(e.start, static_cast<std::int64_t>(std::floor(frame.start)));
    const auto last = std::min(e.end(), static_cast<std::int64_t>(std::ceil(frame.end)));
    return {first, std::max(first, last)};
}

/// A letter's outline, drawn once at a large size and scaled to each cell, so a logo's letter
/// fills its box exactly whatever its height (text would keep its font's proportions).
const QPainterPath& glyph(char base)
{
    static const auto paths = [] {
        std::array<QPainterPath, 5> out;
        QFont font(QStringLiteral("Sans Serif"));
        font.setPixelSize(100);
        font.setBold(true);
        for (std::size_t i = 0; i < 4; ++i)
            out[i].addText(0, 0, font, QString(QLatin1Char(kBases[i])));
        out[4].addText(0, 0, font, QStringLiteral("N"));
        return out;
    }();
    const auto* at = std::find(kBases.begin(), kBases.end(), base);
    return paths[static_cast<std::size_t>(at - kBases.begin())];
}

/// `path` stretched over `box`.
QPainterPath fitted(const QPainterPath& path, const QRectF& box)
{
    const QRectF from = path.boundingRect();
    QTransform t;
    t.translate(box.left(), box.top());
    t.scale(box.width() / from.width(), box.height() / from.height());
    t.translate(-from.left(), -from.top());
    return t.map(path);
}

/// Per pixel column of the frame, the mean of `value(base)` over the bases in it (NaN: none).
template<typename F>
std::vector<double> perPixel(const ViewFrame& frame, std::int64_t first, std::int64_t last, F value)
{
    std::vector<double> out(static_cast<std::size_t>(frame.pixels()),
                            std::numeric_limits<double>::quiet_NaN());
    for (std::size_t x = 0; x < out.size(); ++x) {
        const auto from =
            std::max(first, static_cast<std::int64_t>(std::floor(frame.posAt(frame.left + x))));
        const auto to =
            std::min(last, static_cast<std::int64_t>(std::ceil(frame.posAt(frame.left + x + 1))));
        double sum = 0;
        int n = 0;
        for (std::int64_t b = from; b < to; ++b) {
            const double v = value(b);
            if (std::isfinite(v)) {
                sum += v;
                ++n;
            }
        }
        if (n > 0)
            out[x] = sum / n;
    }
    return out;
}

void drawAxis(QPainter& p, const Theme& theme, const ViewFrame& frame, const QRectF& lane,
              const Explanation& e)
{
    const double y = lane.center().y();
    const double x0 = std::max(lane.left(), frame.xAt(static_cast<double>(e.start)));
    const double x1 = std::min(lane.right(), frame.xAt(static_cast<double>(e.end())));
    p.setPen(theme.faint);
    p.drawLine(QPointF(x0, y), QPointF(x1, y));
}

} // namespace

double largestInView(const ViewFrame& frame, const Explanation& e, bool ism)
{
    const auto [first, last] = visibleBases(frame, e);
    double m = 0;
    for (auto b = first; b < last; ++b) {
        const auto i = static_cast<std::size_t>(b - e.start);
        if (ism && e.ism.size() >= (i + 1) * 4) {
            for (std::size_t k = 0; k < 4; ++k)
                m = std::max(m, static_cast<double>(std::abs(e.ism[i * 4 + k])));
        } else if (!ism && std::isfinite(e.scores[i])) {
            m = std::max(m, static_cast<double>(std::abs(e.scores[i])));
        }
    }
    return m;
}

void drawLogo(QPainter& p, const Theme& theme, const ViewFrame& frame, const QRectF& lane,
              const Explanation& e, double maxAbs)
{
    p.save();
    p.setClipRect(lane);
    drawAxis(p, theme, frame, lane, e);
    const auto [first, last] = visibleBases(frame, e);
    const double axis = lane.center().y();
    const double half = lane.height() / 2 - 2;
    const double width = 1.0 / frame.bpPerPixel();
    p.setPen(Qt::NoPen);
    if (maxAbs <= 0 || first >= last) {
        p.restore();
        return;
    }
    if (width >= kLogoMinPixels) {
        p.setRenderHint(QPainter::Antialiasing, true);
        for (auto b = first; b < last; ++b) {
            const auto i = static_cast<std::size_t>(b - e.start);
            const float s = e.scores[i];
            if (!std::isfinite(s) || s == 0)
                continue;
            const double h = std::abs(s) / maxAbs * half;
            const double x = frame.xAt(static_cast<double>(b));
            const QRectF box(x + width * 0.05, s > 0 ? axis - h : axis, width * 0.9, h);
            p.setBrush(colors::base(e.bases[i]));
            p.drawPath(fitted(glyph(e.bases[i]), box));
        }
    } else {
        const auto means = perPixel(frame, first, last, [&](std::int64_t b) {
            return static_cast<double>(e.scores[static_cast<std::size_t>(b - e.start)]);
        });
        for (std::size_t x = 0; x < means.size(); ++x) {
            if (!std::isfinite(means[x]) || means[x] == 0)
                continue;
            const double h = std::abs(means[x]) / maxAbs * half;
            p.fillRect(QRectF(frame.left + x, means[x] > 0 ? axis - h : axis, 1, h),
                       means[x] > 0 ? colors::attributionPositive()
                                    : colors::attributionNegative());
        }
    }
    p.restore();
}

int heatmapRow(const QRectF& lane, double y)
{
    const double row = (lane.height() - 4) / 4;
    const int r = static_cast<int>(std::floor((y - lane.top() - 2) / row));
    return r >= 0 && r < 4 ? r : -1;
}

void drawHeatmap(QPainter& p, const Theme& theme, const ViewFrame& frame, const QRectF& lane,
                 const Explanation& e, double maxAbs)
{
    p.save();
    p.setClipRect(lane);
    p.setRenderHint(QPainter::Antialiasing, false);
    const auto [first, last] = visibleBases(frame, e);
    const double row = (lane.height() - 4) / 4;
    const double width = 1.0 / frame.bpPerPixel();
    const double scale = maxAbs > 0 ? maxAbs : 1;
    for (std::size_t r = 0; r < 4 && e.ism.size() == e.scores.size() * 4; ++r) {
        const double top = lane.top() + 2 + row * static_cast<double>(r);
        const auto change = [&](std::int64_t b) {
            return static_cast<double>(e.ism[static_cast<std::size_t>(b - e.start) * 4 + r]);
        };
        if (width >= 1) {
            for (auto b = first; b < last; ++b)
                p.fillRect(QRectF(frame.xAt(static_cast<double>(b)), top, width, row),
                           colors::diverging(change(b) / scale, theme.background));
        } else {
            const auto means = perPixel(frame, first, last, change);
            for (std::size_t x = 0; x < means.size(); ++x)
                if (std::isfinite(means[x]))
                    p.fillRect(QRectF(frame.left + x, top, 1, row),
                               colors::diverging(means[x] / scale, theme.background));
        }
        if (row >= 9) {
            QFont font = p.font();
            font.setPixelSize(static_cast<int>(std::min(row - 1, 11.0)));
            p.setFont(font);
            p.setPen(theme.faint);
            p.drawText(QRectF(lane.left() + 2, top, 12, row), Qt::AlignLeft | Qt::AlignVCenter,
                       QString(QLatin1Char(kBases[r])));
        }
    }
    p.restore();
}

void drawLollipops(QPainter& p, const Theme& theme, const ViewFrame& frame, const QRectF& lane,
                   std::span<const VariantMark* const> marks, double maxAbs)
{
    p.save();
    p.setClipRect(lane);
    p.setRenderHint(QPainter::Antialiasing, true);
    const double base = lane.bottom() - 3;
    p.setPen(theme.rule);
    p.drawLine(QPointF(lane.left(), base), QPointF(lane.right(), base));
    const double room = lane.height() - 16;
    const double scale = maxAbs > 0 ? maxAbs : 1;
    for (const VariantMark* v : marks) {
        const double x = frame.xAt(static_cast<double>(v->pos) + 0.5);
        if (x < lane.left() - 5 || x > lane.right() + 5)
            continue;
        const double t = std::isfinite(v->effect()) ? v->effect() / scale : 0;
        const double top = base - 4 - std::abs(t) * room;
        p.setPen(QPen(theme.faint, 1));
        p.drawLine(QPointF(x, base), QPointF(x, top));
        p.setPen(QPen(theme.ink, 0.8));
        p.setBrush(colors::diverging(t, theme.background));
        p.drawEllipse(QPointF(x, top), 4, 4);
    }
    p.restore();
}

int lollipopAt(const ViewFrame& frame, std::span<const VariantMark* const> marks, double x)
{
    int best = -1;
    double distance = 6;
    for (std::size_t i = 0; i < marks.size(); ++i) {
        const double d = std::abs(frame.xAt(static_cast<double>(marks[i]->pos) + 0.5) - x);
        if (d < distance) {
            distance = d;
            best = static_cast<int>(i);
        }
    }
    return best;
}

} // namespace kdna::ui::paint
