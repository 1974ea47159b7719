#include "metric_chart.h"

#include <algorithm>
#include <cmath>
#include <tuple>

#include <QChart>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QToolTip>
#include <QValueAxis>

namespace kdna::ui {
namespace {

/// 1, 2 or 5 times a power of ten, the smallest such that `span` fits in `ticks` steps.
double niceStep(double span, int ticks)
{
    const double raw = span / std::max(1, ticks);
    const double power = std::pow(10.0, std::floor(std::log10(raw)));
    for (const double m : {1.0, 2.0, 5.0})
        if (m * power >= raw * (1 - 1e-9))
            return m * power;
    return 10 * power;
}

/// Labels with as many decimals as the step needs, no more (1, 1.5, 0.02, 0.005).
QString labelFormatFor(double step)
{
    const int decimals = std::max(0, static_cast<int>(std::ceil(-std::log10(step) - 1e-9)));
    return QStringLiteral("%.%1f").arg(decimals);
}

void applyLinear(QValueAxis* axis, const NiceAxis& nice)
{
    axis->setTickType(QValueAxis::TicksDynamic);
    axis->setTickAnchor(0);
    axis->setTickInterval(nice.step);
    axis->setLabelFormat(labelFormatFor(nice.step));
    axis->setRange(nice.minimum, nice.maximum);
}

} // namespace

std::pair<double, double> robustRange(std::vector<double> values)
{
    if (values.empty())
        return {0.0, 1.0};
    const auto [lowest, highest] = std::minmax_element(values.begin(), values.end());
    const double low = *lowest, high = *highest;
    // Linear between ranks, so a few points keep their range; O(n), as it runs on every
    // redraw of a chart that may hold a point per batch.
    auto quantile = [&](double q) {
        const double at = q * static_cast<double>(values.size() - 1);
        const auto k = static_cast<std::ptrdiff_t>(at);
        std::nth_element(values.begin(), values.begin() + k, values.end());
        const double here = values[static_cast<std::size_t>(k)];
        const auto above = std::min_element(values.begin() + k + 1, values.end());
        const double next = above == values.end() ? here : *above;
        return here + (at - static_cast<double>(k)) * (next - here);
    };
    const double lo = quantile(0.01);
    const double hi = quantile(0.99);
    const double margin = 0.25 * (hi - lo);
    return {std::max(low, lo - margin), std::min(high, hi + margin)};
}

NiceAxis niceAxis(double lo, double hi, int ticks, bool floorAtZero)
{
    if (!(hi > lo))
        hi = lo + (lo == 0 ? 1 : std::abs(lo) * 0.1);
    const double step = niceStep(hi - lo, ticks);
    NiceAxis axis{std::floor(lo / step + 1e-9) * step, std::ceil(hi / step - 1e-9) * step, step};
    if (floorAtZero && lo >= 0)
        axis.minimum = std::max(0.0, axis.minimum);
    return axis;
}

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
    chart->addAxis(x, Qt::AlignBottom);
    m_x = x;
    auto* y = new QValueAxis;
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
    m_values.push_back(y);
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
    m_values.clear();
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
        axis = new QValueAxis;
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

void MetricChart::setIgnoreOutliers(bool on)
{
    m_ignoreOutliers = on;
    rescale();
}

void MetricChart::rescale()
{
    if (m_empty)
        return;
    // Epochs are whole numbers: ticks land on them (a single epoch gets one unit either side).
    const bool single = m_maxX - m_minX < 1e-9;
    const double x0 = single ? m_minX - 1 : m_minX;
    const double x1 = single ? m_maxX + 1 : m_maxX;
    const int xTicks = x1 - x0 >= 1 ? std::min(8, static_cast<int>(std::ceil(x1 - x0))) : 5;
    applyLinear(m_x, niceAxis(x0, x1, xTicks, true));
    double lo = m_minY, hi = m_maxY;
    if (m_log) {
        lo = std::max(lo, 1e-8);
        hi = std::max(hi, lo * 1.01);
        m_y->setRange(lo / 1.2, hi * 1.2);
    } else {
        if (m_ignoreOutliers)
            std::tie(lo, hi) = robustRange(m_values);
        // Losses are never negative: the axis does not reach below zero for them.
        applyLinear(static_cast<QValueAxis*>(m_y), niceAxis(lo, hi, 5, true));
    }
}

} // namespace kdna::ui
