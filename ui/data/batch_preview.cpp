#include "ui/data/batch_preview.h"
#include "ui/style/colors.h"

#include <algorithm>
#include <cstdint>

#include <QPainter>

namespace kdna::ui {
namespace {

const char kLetters[] = "ACGT";

// The drawing's rows, top to bottom (pixels).
constexpr int kMargin = 40; ///< left of the strips: row letters and axis values
constexpr int kHeadingTop = 2;
constexpr int kStripTop = 22;
constexpr int kRowHeight = 9;
constexpr int kZoomTop = kStripTop + 4 * kRowHeight + 8;
constexpr int kZoomHeight = 16;
constexpr int kBarsTop = kZoomTop + kZoomHeight + 8;
constexpr int kCaptionHeight = 18;
constexpr int kMinCell = 9; ///< narrowest base at base resolution

} // namespace

LabelLayout labelLayout(const DatasetSpec& spec, std::int64_t inputLength)
{
    LabelLayout l;
    if (!spec.isSparse()) {
        l.positions = std::max<std::int64_t>(1, spec.tg_window);
        if (spec.downsampling == Downsampling::None) {
            l.first = inputLength / 2 - l.positions / 2;
        } else {
            l.first = 0;
            l.span = std::max<std::int64_t>(1, inputLength / l.positions);
        }
    } else if (spec.seq2seq) {
        l.positions = inputLength;
    } else {
        l.span = inputLength;
    }
    return l;
}

BatchPreview::BatchPreview(QWidget* parent)
    : QWidget(parent)
{
    setMinimumHeight(kBarsTop + 40 + kCaptionHeight);
}

QSize BatchPreview::sizeHint() const
{
    return {320, kBarsTop + 80 + kCaptionHeight};
}

QSize BatchPreview::minimumSizeHint() const
{
    return {200, kBarsTop + 40 + kCaptionHeight};
}

void BatchPreview::setExample(Example example)
{
    m_example = std::move(example);
    update();
}

std::int64_t BatchPreview::length() const
{
    return static_cast<std::int64_t>(m_example.onehot.size() / 4);
}

int BatchPreview::baseAt(std::int64_t p) const
{
    const std::int64_t n = length();
    for (int k = 0; k < 4; ++k) {
        const float v = m_example.alphabetFirst
                            ? m_example.onehot[static_cast<std::size_t>(k * n + p)]
                            : m_example.onehot[static_cast<std::size_t>(p * 4 + k)];
        if (v > 0.5F)
            return k;
    }
    return -1;
}

double BatchPreview::stripWidth() const
{
    return std::max(10, width() - kMargin - 6);
}

std::int64_t BatchPreview::zoomCount() const
{
    const auto fit = static_cast<std::int64_t>(stripWidth() / kMinCell);
    return std::clamp<std::int64_t>(fit, std::min<std::int64_t>(10, length()), length());
}

bool BatchPreview::labelInZoom() const
{
    const LabelLayout& l = m_example.layout;
    return l.positions * l.span <= zoomCount();
}

std::int64_t BatchPreview::zoomFirst() const
{
    // Centred on the label's bases when they fit at base resolution, else on the window.
    const LabelLayout& l = m_example.layout;
    const std::int64_t centre = labelInZoom() ? l.first + l.positions * l.span / 2 : length() / 2;
    return std::clamp<std::int64_t>(centre - zoomCount() / 2, 0, length() - zoomCount());
}

QRectF BatchPreview::baseCell(std::int64_t base) const
{
    const std::int64_t first = zoomFirst();
    if (base < first || base >= first + zoomCount())
        return {};
    const double cell = stripWidth() / static_cast<double>(zoomCount());
    return {kMargin + static_cast<double>(base - first) * cell, kZoomTop, cell, kZoomHeight};
}

QRectF BatchPreview::barsArea() const
{
    return {kMargin, kBarsTop, stripWidth(),
            std::max(10.0, static_cast<double>(height() - kBarsTop - kCaptionHeight - 4))};
}

QRectF BatchPreview::labelColumn(std::int64_t position) const
{
    const LabelLayout& l = m_example.layout;
    const QRectF area = barsArea();
    const std::int64_t from = l.first + position * l.span;
    const std::int64_t to = from + l.span; // exclusive
    if (labelInZoom()) {
        const QRectF a = baseCell(from), b = baseCell(to - 1);
        return {a.left(), area.top(), b.right() - a.left(), area.height()};
    }
    // Too long for base resolution: under the whole-window strip instead.
    const double perBase = stripWidth() / static_cast<double>(std::max<std::int64_t>(1, length()));
    return {kMargin + static_cast<double>(from) * perBase, area.top(),
            static_cast<double>(to - from) * perBase, area.height()};
}

std::pair<double, double> BatchPreview::valueRange() const
{
    const auto& label = m_example.label;
    if (label.empty())
        return {0.0, 1.0};
    const auto [mn, mx] = std::minmax_element(label.begin(), label.end());
    const double lo = std::min(0.0, static_cast<double>(*mn));
    double hi = std::max(0.0, static_cast<double>(*mx));
    if (hi - lo < 1e-12)
        hi = lo + 1.0;
    return {lo, hi};
}

QStringList BatchPreview::axisLabels() const
{
    const auto [lo, hi] = valueRange();
    return {QString::number(hi, 'g', 3), QString::number(lo, 'g', 3)};
}

QString BatchPreview::heading() const
{
    return tr("Input %1: %2").arg(m_example.inputShape, m_example.locus);
}

QString BatchPreview::caption() const
{
    const auto& label = m_example.label;
    QString values;
    if (label.size() <= 8) {
        QStringList parts;
        for (float v : label)
            parts << QString::number(v, 'g', 4);
        values = parts.join(QStringLiteral(", "));
    } else {
        const auto [mn, mx] = std::minmax_element(label.begin(), label.end());
        values =
            tr("%1 values, %2 to %3").arg(label.size()).arg(*mn, 0, 'g', 4).arg(*mx, 0, 'g', 4);
    }
    QString text = tr("Label %1: %2").arg(m_example.labelShape, values);
    if (m_example.weight >= 0)
        text += tr(" - weight %1").arg(m_example.weight, 0, 'g', 4);
    return text;
}

void BatchPreview::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.fillRect(rect(), palette().base());
    if (length() == 0)
        return;
    p.setPen(palette().text().color());
    const QFontMetrics fm(font());
    p.drawText(QRect(4, kHeadingTop, width() - 8, 16), Qt::AlignLeft,
               fm.elidedText(heading(), Qt::ElideRight, width() - 8));
    paintOverview(p);
    paintZoom(p);
    paintLabel(p);
}

void BatchPreview::paintOverview(QPainter& p) const
{
    // The whole window: one row per base letter, a column per pixel.
    const auto w = static_cast<int>(stripWidth());
    const std::int64_t n = length();
    for (int k = 0; k < 4; ++k)
        p.drawText(QRect(4, kStripTop + k * kRowHeight - 2, kMargin - 8, kRowHeight + 4),
                   Qt::AlignRight | Qt::AlignVCenter, QString(QLatin1Char(kLetters[k])));
    for (int x = 0; x < w; ++x) {
        const std::int64_t from = x * n / w;
        const std::int64_t to = std::max(from + 1, (x + 1) * n / w);
        int counts[4] = {0, 0, 0, 0};
        for (std::int64_t b = from; b < to && b < n; ++b)
            if (const int base = baseAt(b); base >= 0)
                ++counts[base];
        for (int k = 0; k < 4; ++k) {
            if (!counts[k])
                continue;
            QColor c = colors::base(kLetters[k]);
            c.setAlphaF(std::min(1.0, 0.25 + static_cast<double>(counts[k]) /
                                                 static_cast<double>(to - from)));
            p.fillRect(kMargin + x, kStripTop + k * kRowHeight, 1, kRowHeight - 1, c);
        }
    }
    // Where the base-resolution strip below sits in the window.
    const double perBase = stripWidth() / static_cast<double>(n);
    const QRectF zoomed(kMargin + static_cast<double>(zoomFirst()) * perBase, kStripTop - 1,
                        std::max(2.0, static_cast<double>(zoomCount()) * perBase),
                        4 * kRowHeight + 1);
    p.setPen(palette().highlight().color());
    p.setBrush(Qt::NoBrush);
    p.drawRect(zoomed);
    p.setPen(palette().text().color());
}

void BatchPreview::paintZoom(QPainter& p) const
{
    const double cell = stripWidth() / static_cast<double>(zoomCount());
    QFont f = font();
    f.setFamily(QStringLiteral("monospace"));
    f.setPixelSize(std::clamp(static_cast<int>(cell), 6, 12));
    p.setFont(f);
    for (std::int64_t b = zoomFirst(); b < zoomFirst() + zoomCount(); ++b) {
        const int base = baseAt(b);
        const QRectF r = baseCell(b);
        p.fillRect(r.adjusted(0, 0, -0.5, 0),
                   base < 0 ? palette().mid().color() : colors::base(kLetters[base]));
        p.setPen(Qt::white);
        p.drawText(r, Qt::AlignCenter,
                   base < 0 ? QStringLiteral("N") : QString(QLatin1Char(kLetters[base])));
    }
    p.setFont(font());
    p.setPen(palette().text().color());
    p.drawText(QRect(4, kZoomTop, kMargin - 8, kZoomHeight), Qt::AlignRight | Qt::AlignVCenter,
               tr("bp"));
}

void BatchPreview::paintLabel(QPainter& p) const
{
    const auto& label = m_example.label;
    const LabelLayout& l = m_example.layout;
    if (label.empty() || l.positions <= 0)
        return;
    const QRectF area = barsArea();
    const auto [lo, hi] = valueRange();
    auto yOf = [&](double v) {
        return area.bottom() - (v - lo) / (hi - lo) * area.height();
    };
    // The axis: its top and bottom values, and zero when the values go below it.
    const QStringList axis = axisLabels();
    p.drawText(QRectF(2, area.top() - 6, kMargin - 6, 12), Qt::AlignRight | Qt::AlignVCenter,
               axis[0]);
    p.drawText(QRectF(2, area.bottom() - 6, kMargin - 6, 12), Qt::AlignRight | Qt::AlignVCenter,
               axis[1]);
    p.setPen(palette().mid().color());
    p.drawLine(QPointF(kMargin - 2, area.top()), QPointF(kMargin - 2, area.bottom()));
    p.drawLine(QPointF(kMargin - 2, yOf(0)), QPointF(area.right(), yOf(0)));
    const auto channels =
        std::max<std::int64_t>(1, static_cast<std::int64_t>(label.size()) / l.positions);
    for (std::int64_t i = 0; i < l.positions; ++i) {
        const QRectF column = labelColumn(i);
        const double w = column.width() / static_cast<double>(channels);
        for (std::int64_t c = 0; c < channels; ++c) {
            const auto at = static_cast<std::size_t>(i * channels + c);
            if (at >= label.size())
                break;
            const double top = yOf(std::max(0.0, static_cast<double>(label[at])));
            const double bottom = yOf(std::min(0.0, static_cast<double>(label[at])));
            p.fillRect(QRectF(column.left() + static_cast<double>(c) * w, top,
                              std::max(1.0, w - 0.5), std::max(1.0, bottom - top)),
                       palette().highlight());
        }
    }
    p.setPen(palette().text().color());
    const QFontMetrics fm(font());
    p.drawText(QRect(4, height() - kCaptionHeight, width() - 8, kCaptionHeight - 2),
               Qt::AlignLeft | Qt::AlignVCenter,
               fm.elidedText(caption(), Qt::ElideRight, width() - 8));
}

} // namespace kdna::ui
