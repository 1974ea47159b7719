#include "metric_chart.h"

#include <algorithm>
#include <cmath>

#include <QChart>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QToolTip>
#include <QValueAxis>

namespace kdna::ui {

MetricChart::MetricChart(const QString& title, const QString& xTitle, QWidget* parent)
    : QChartView(parent)
{
    auto* chart = new QChart;
    chart->setTitle(title);
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setMargins(QMargins(4, 4, 4, 4));
    chart->setTheme(palette().window().color().lightness() < 128 ? QChart::ChartThemeDark
                                                                 : QChart::ChartThemeLight);
    chart->setBackgroundRoundness(0);
    setChart(chart);
    setRenderHint(QPainter::Antialiasing);
    auto* x = new QValueAxis;
    x->setTitleText(xTitle);
    x->setLabelFormat(QStringLiteral("%.1f"));
    chart->addAxis(x, Qt::AlignBottom);
    m_x = x;
    auto* y = new QValueAxis;
    y->setLabelFormat(QStringLiteral("%.3g"));
    chart->addAxis(y, Qt::AlignLeft);
    m_y = y;
    m_redraw.setSingleShot(true);
    m_redraw.setInterval(150);
    connect(&m_redraw, &QTimer::timeout, this, &MetricChart::rescale);
    setMinimumHeight(180);
}

QLineSeries* MetricChart::series(const QString& name, const QColor& color, qreal width, bool points)
{
    if (auto* s = m_series.value(name))
        return s;
    auto* s = new QLineSeries;
    s->setName(name);
    QPen pen = s->pen();
    // Without a colour: blues for training series, oranges for their validation twins.
    static const QColor train[] = {QColor(0x1f, 0x6f, 0xd1), QColor(0x2e, 0xa0, 0x43),
                                   QColor(0x8e, 0x44, 0xad)};
    static const QColor validation[] = {QColor(0xd9, 0x54, 0x1c), QColor(0xc0, 0x39, 0x2b),
                                        QColor(0xb7, 0x95, 0x0b)};
    const bool isValidation = name.startsWith(QStringLiteral("val_"));
    const auto sameKind = std::count_if(m_series.begin(), m_series.end(), [&](QLineSeries* other) {
        return other->name().startsWith(QStringLiteral("val_")) == isValidation;
    });
    pen.setColor(color.isValid() ? color : (isValidation ? validation : train)[sameKind % 3]);
    if (isValidation && !color.isValid())
        pen.setStyle(Qt::DashLine);
    points = points || !color.isValid();
    pen.setWidthF(width);
    s->setPen(pen);
    s->setPointsVisible(points);
    chart()->addSeries(s);
    s->attachAxis(m_x);
    s->attachAxis(m_y);
    connect(s, &QLineSeries::hovered, this, [this, name](const QPointF& p, bool state) {
        if (state)
            QToolTip::showText(QCursor::pos(),
                               QStringLiteral("%1\nepoch %2: %3")
                                   .arg(name)
                                   .arg(p.x(), 0, 'f', 2)
                                   .arg(p.y(), 0, 'g', 5),
                               this);
        else
            QToolTip::hideText();
    });
    m_series.insert(name, s);
    return s;
}

void MetricChart::append(const QString& name, double x, double y)
{
    if (!std::isfinite(y))
        return;
    series(name)->append(x, y);
    if (m_empty) {
        m_minX = m_maxX = x;
        m_minY = m_maxY = y;
        m_empty = false;
    }
    m_minX = std::min(m_minX, x);
    m_maxX = std::max(m_maxX, x);
    m_minY = std::min(m_minY, y);
    m_maxY = std::max(m_maxY, y);
    if (!m_redraw.isActive())
        m_redraw.start();
}

int MetricChart::pointCount(const QString& name) const
{
    const auto* s = m_series.value(name);
    return s ? static_cast<int>(s->count()) : 0;
}

void MetricChart::clear()
{
    for (auto* s : m_series)
        s->clear();
    m_empty = true;
    rescale();
}

void MetricChart::setLogScale(bool on)
{
    if (on == m_log)
        return;
    m_log = on;
    QAbstractAxis* axis = nullptr;
    if (on) {
        auto* log = new QLogValueAxis;
        log->setBase(10);
        log->setLabelFormat(QStringLiteral("%.3g"));
        axis = log;
    } else {
        auto* linear = new QValueAxis;
        linear->setLabelFormat(QStringLiteral("%.3g"));
        axis = linear;
    }
    chart()->addAxis(axis, Qt::AlignLeft);
    for (auto* s : m_series) {
        s->detachAxis(m_y);
        s->attachAxis(axis);
    }
    chart()->removeAxis(m_y);
    delete m_y;
    m_y = axis;
    rescale();
}

void MetricChart::rescale()
{
    if (m_empty)
        return;
    // A single epoch still gets a readable axis: one unit either side.
    if (m_maxX - m_minX < 1e-9)
        m_x->setRange(m_minX - 1, m_maxX + 1);
    else
        m_x->setRange(m_minX, m_maxX);
    double lo = m_minY, hi = m_maxY;
    if (m_log) {
        lo = std::max(lo, 1e-8);
        hi = std::max(hi, lo * 1.01);
        m_y->setRange(lo / 1.2, hi * 1.2);
    } else {
        const double pad = std::max(1e-9, (hi - lo) * 0.05);
        // Losses are never negative: do not pad below zero.
        m_y->setRange(lo >= 0 ? std::max(0.0, lo - pad) : lo - pad, hi + pad);
    }
}

} // namespace kdna::ui
