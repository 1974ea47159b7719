#include "batch_preview.h"

#include <algorithm>
#include <cstdint>

#include <QPainter>

namespace kdna::ui {
namespace {

const QColor kBaseColors[4] = {QColor(0x2e, 0xa0, 0x43), QColor(0x1f, 0x6f, 0xd1),
                               QColor(0xe6, 0x9a, 0x1c), QColor(0xd0, 0x33, 0x2b)};
const char kLetters[] = "ACGT";

} // namespace

BatchPreview::BatchPreview(QWidget* parent)
    : QWidget(parent)
{
    setMinimumHeight(170);
}

QSize BatchPreview::sizeHint() const
{
    return {320, 190};
}

void BatchPreview::setExample(Example example)
{
    m_example = std::move(example);
    update();
}

int BatchPreview::baseAt(std::int64_t p) const
{
    const auto length = static_cast<std::int64_t>(m_example.onehot.size() / 4);
    for (int k = 0; k < 4; ++k) {
        const float v = m_example.alphabetFirst
                            ? m_example.onehot[static_cast<std::size_t>(k * length + p)]
                            : m_example.onehot[static_cast<std::size_t>(p * 4 + k)];
        if (v > 0.5F)
            return k;
    }
    return -1;
}

void BatchPreview::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.fillRect(rect(), palette().base());
    const auto length = static_cast<std::int64_t>(m_example.onehot.size() / 4);
    if (length == 0)
        return;
    const int margin = 28;
    const int w = width() - margin - 6;
    p.setPen(palette().text().color());
    p.drawText(QRect(4, 2, width() - 8, 16), Qt::AlignLeft, m_example.locus);

    // The whole window: one row per base letter, a column per pixel.
    const int stripTop = 22, rowH = 9;
    for (int k = 0; k < 4; ++k)
        p.drawText(QRect(4, stripTop + k * rowH - 2, margin - 6, rowH + 4),
                   Qt::AlignRight | Qt::AlignVCenter, QString(QLatin1Char(kLetters[k])));
    for (int x = 0; x < w; ++x) {
        const std::int64_t from = x * length / w;
        const std::int64_t to = std::max(from + 1, (x + 1) * length / w);
        int counts[4] = {0, 0, 0, 0};
        for (std::int64_t b = from; b < to; ++b)
            if (const int base = baseAt(b); base >= 0)
                ++counts[base];
        for (int k = 0; k < 4; ++k) {
            if (!counts[k])
                continue;
            QColor c = kBaseColors[k];
            c.setAlphaF(std::min(1.0, 0.25 + static_cast<double>(counts[k]) /
                                                 static_cast<double>(to - from)));
            p.fillRect(margin + x, stripTop + k * rowH, 1, rowH - 1, c);
        }
    }
    // The centre at base resolution, with letters.
    const int zoomTop = stripTop + 4 * rowH + 8;
    const std::int64_t shown = std::min<std::int64_t>(length, std::max(10, w / 9));
    const std::int64_t first = length / 2 - shown / 2;
    const double cell = static_cast<double>(w) / static_cast<double>(shown);
    QFont f = font();
    f.setFamily(QStringLiteral("monospace"));
    f.setPixelSize(std::clamp(static_cast<int>(cell), 6, 12));
    p.setFont(f);
    for (std::int64_t i = 0; i < shown; ++i) {
        const int base = baseAt(first + i);
        const QRectF r(margin + static_cast<double>(i) * cell, zoomTop, cell, 16);
        p.fillRect(r.adjusted(0, 0, -0.5, 0),
                   base < 0 ? palette().mid().color() : kBaseColors[base]);
        p.setPen(Qt::white);
        p.drawText(r, Qt::AlignCenter,
                   base < 0 ? QStringLiteral("N") : QString(QLatin1Char(kLetters[base])));
    }
    p.setFont(font());
    p.setPen(palette().text().color());
    p.drawText(QRect(4, zoomTop, margin - 6, 16), Qt::AlignRight | Qt::AlignVCenter, tr("bp"));
    p.drawText(QRect(margin, zoomTop + 17, w, 14), Qt::AlignCenter,
               tr("centre: %1 of %2 bases").arg(shown).arg(length));

    // The target: bars for each value (tg_window x tracks, or per-base labels).
    const int targetTop = zoomTop + 34;
    const int targetH = height() - targetTop - 18;
    const auto& label = m_example.label;
    if (label.empty() || targetH < 10)
        return;
    const auto [mnIt, mxIt] = std::minmax_element(label.begin(), label.end());
    const float mn = std::min(0.0F, *mnIt), mx = std::max(*mxIt, mn + 1e-6F);
    p.drawText(QRect(4, targetTop, margin - 6, 14), Qt::AlignRight, tr("y"));
    const double barW = static_cast<double>(w) / static_cast<double>(label.size());
    for (std::size_t i = 0; i < label.size(); ++i) {
        const double h = (label[i] - mn) / (mx - mn) * targetH;
        p.fillRect(QRectF(margin + static_cast<double>(i) * barW, targetTop + targetH - h,
                          std::max(1.0, barW - 1), h),
                   palette().highlight());
    }
    QString values;
    if (label.size() <= 8) {
        QStringList parts;
        for (float v : label)
            parts << QString::number(v, 'g', 4);
        values = parts.join(QStringLiteral(", "));
    } else {
        values = tr("%1 values, %2 to %3").arg(label.size()).arg(mn, 0, 'g', 4).arg(mx, 0, 'g', 4);
    }
    QString caption =
        tr("target %1: %2").arg(QString::fromStdString(text::tuple(m_example.labelShape)), values);
    if (m_example.weight >= 0)
        caption += tr(" - weight %1").arg(m_example.weight, 0, 'g', 4);
    p.drawText(QRect(margin, height() - 16, w, 14), Qt::AlignLeft, caption);
}

} // namespace kdna::ui
