#include "ui/train/metric_chart.h"

#include "ui/style/colors.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <tuple>

#include <QChart>
#include <QCheckBox>
#include <QLabel>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QMouseEvent>
#include <QSignalBlocker>
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

} // namespace

void applyLinear(QValueAxis* axis, const NiceAxis& nice)
{
    axis->setTickType(QValueAxis::TicksDynamic);
    axis->setTickAnchor(0);
    axis->setTickInterval(nice.step);
    axis->setLabelFormat(labelFormatFor(nice.step));
    axis->setRange(nice.minimum, nice.maximum);
}

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

double DebiasedEma::next(double value)
{
    if (!std::isfinite(value))
        return value; // TensorBoard passes non-finite values through, unsmoothed
    m_last = m_last * m_weight + (1 - m_weight) * value;
    ++m_count;
    const double debias = m_weight == 1 ? 1.0 : 1 - std::pow(m_weight, m_count);
    return m_last / debias;
}

MetricChart::MetricChart(const QString& title, const QString& xTitle, QWidget* parent)
    : QChartView(parent)
    , m_xTitle(xTitle)
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

    m_logBox = new QCheckBox(tr("log"), this);
    m_logBox->setObjectName(QStringLiteral("logScale"));
    connect(m_logBox, &QCheckBox::toggled, this, &MetricChart::setLogScale);
    m_readout = new QLabel(viewport());
    m_readout->setObjectName(QStringLiteral("readout"));
    m_readout->setTextFormat(Qt::PlainText);
    m_readout->setAttribute(Qt::WA_TransparentForMouseEvents);
    m_readout->setAutoFillBackground(true);
    m_readout->setFrameShape(QFrame::StyledPanel);
    m_readout->setMargin(4);
    m_readout->setBackgroundRole(QPalette::ToolTipBase);
    m_readout->setForegroundRole(QPalette::ToolTipText);
    m_readout->hide();
    viewport()->setMouseTracking(true);
    updateLogOffer();
}

QColor MetricChart::colorFor(const QString& name, const QColor& wanted)
{
    // A val_ series shares its training series' colour, so the pair reads as one metric.
    QString base = name;
    if (base.startsWith(QStringLiteral("val_")))
        base.remove(0, 4);
    if (!m_colors.contains(base))
        m_colors.insert(base, wanted.isValid()
                                  ? wanted
                                  : colors::series(static_cast<std::size_t>(m_colors.size())));
    return m_colors.value(base);
}

QLineSeries* MetricChart::series(const QString& name, const QColor& color, qreal width, bool points)
{
    if (auto it = m_curves.find(name); it != m_curves.end())
        return it->raw;
    Curve curve;
    curve.color = colorFor(name, color);
    curve.width = width;
    curve.dots = points || !color.isValid();
    curve.validation = name.startsWith(QStringLiteral("val_"));
    curve.ema = DebiasedEma(m_smoothing);
    curve.raw = new QLineSeries;
    curve.smoothed = new QLineSeries;
    for (QLineSeries* s : {curve.raw, curve.smoothed}) {
        s->setName(name);
        chart()->addSeries(s);
        s->attachAxis(m_x);
        s->attachAxis(m_y);
    }
    styleCurve(curve);
    auto it = m_curves.insert(name, curve);
    return it->raw;
}

void MetricChart::styleCurve(Curve& curve)
{
    const bool smoothing = m_smoothing > 0;
    QPen main(curve.color);
    main.setWidthF(curve.width);
    main.setStyle(curve.validation ? Qt::DashLine : Qt::SolidLine);
    QPen faint = main;
    QColor light = curve.color;
    light.setAlphaF(0.3);
    faint.setColor(light);
    faint.setWidthF(1);
    curve.raw->setPen(smoothing ? faint : main);
    curve.raw->setPointsVisible(curve.dots && !smoothing);
    curve.smoothed->setPen(main);
    curve.smoothed->setPointsVisible(curve.dots);
    curve.smoothed->setVisible(smoothing);
    // A validation series' points and legend marker are hollow: the legend draws no dashes,
    // and a val_ series shares its training series' colour.
    if (curve.validation)
        for (QLineSeries* s : {curve.raw, curve.smoothed})
            s->setBrush(QBrush(Qt::transparent));
    // One legend entry per series: the line drawn in full.
    const auto showMarkers = [&](QLineSeries* series, bool shown) {
        for (QLegendMarker* marker : chart()->legend()->markers(series)) {
            marker->setVisible(shown);
            if (curve.validation) {
                // Transparent, not Qt::NoBrush: an empty brush gives the marker back the series'.
                marker->setBrush(QBrush(Qt::transparent));
                marker->setPen(QPen(curve.color, 2));
            }
        }
    };
    showMarkers(curve.raw, !smoothing);
    showMarkers(curve.smoothed, smoothing);
}

void MetricChart::resmooth(Curve& curve)
{
    curve.ema = DebiasedEma(m_smoothing);
    QList<QPointF> smoothed;
    if (m_smoothing > 0) {
        smoothed.reserve(curve.points.size());
        for (const QPointF& p : curve.points)
            smoothed.append(QPointF(p.x(), curve.ema.next(p.y())));
    }
    curve.smoothed->replace(smoothed);
}

void MetricChart::setSmoothing(double weight)
{
    weight = std::clamp(weight, 0.0, 0.999);
    if (weight == m_smoothing)
        return;
    m_smoothing = weight;
    for (auto& curve : m_curves) {
        resmooth(curve);
        styleCurve(curve);
    }
}

QList<QPointF> MetricChart::shownPoints(const QString& name) const
{
    const auto it = m_curves.find(name);
    if (it == m_curves.end())
        return {};
    return m_smoothing > 0 ? it->smoothed->points() : it->raw->points();
}

QColor MetricChart::color(const QString& name) const
{
    const auto it = m_curves.find(name);
    return it == m_curves.end() ? QColor() : it->smoothed->pen().color();
}

Qt::PenStyle MetricChart::penStyle(const QString& name) const
{
    const auto it = m_curves.find(name);
    return it == m_curves.end() ? Qt::NoPen : it->smoothed->pen().style();
}

void MetricChart::append(const QString& name, double x, double y)
{
    if (!std::isfinite(y))
        return;
    series(name);
    Curve& curve = m_curves[name];
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
    updateLogOffer(); // before the point reaches a log axis that cannot show it
    curve.points.append(QPointF(x, y));
    curve.raw->append(x, y);
    if (m_smoothing > 0)
        curve.smoothed->append(x, curve.ema.next(y));
    if (!m_redraw.isActive())
        m_redraw.start();
}

int MetricChart::pointCount(const QString& name) const
{
    const auto it = m_curves.find(name);
    return it == m_curves.end() ? 0 : static_cast<int>(it->points.size());
}

void MetricChart::clear()
{
    for (auto it = m_curves.begin(); it != m_curves.end(); ++it) {
        it->points.clear();
        it->raw->clear();
        it->smoothed->clear();
        it->ema = DebiasedEma(m_smoothing);
    }
    m_values.clear();
    m_empty = true;
    m_readout->hide();
    updateLogOffer();
    rescale();
}

void MetricChart::updateLogOffer()
{
    // A log axis cannot show zero or a negative value (a correlation, a loss of 0): the
    // switch is offered only while every value is positive, and the wish is kept meanwhile.
    const bool possible = canLogScale();
    m_logBox->setEnabled(possible);
    m_logBox->setToolTip(possible ? tr("Logarithmic y axis")
                                  : tr("A log scale needs every value above zero"));
    {
        const QSignalBlocker quiet(m_logBox);
        m_logBox->setChecked(possible && m_logWanted);
    }
    applyLogAxis(possible && m_logWanted);
}

void MetricChart::setLogScale(bool on)
{
    m_logWanted = on;
    updateLogOffer();
}

void MetricChart::applyLogAxis(bool on)
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
    for (auto& curve : m_curves)
        for (QLineSeries* s : {curve.raw, curve.smoothed}) {
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

void MetricChart::resizeEvent(QResizeEvent* event)
{
    QChartView::resizeEvent(event);
    m_logBox->adjustSize();
    m_logBox->move(width() - m_logBox->width() - 6, 4);
}

void MetricChart::mouseMoveEvent(QMouseEvent* event)
{
    QChartView::mouseMoveEvent(event);
    showReadout(event->position().toPoint());
}

bool MetricChart::viewportEvent(QEvent* event)
{
    if (event->type() == QEvent::Leave)
        m_readout->hide();
    return QChartView::viewportEvent(event);
}

void MetricChart::showReadout(const QPoint& pos)
{
    const QPointF inChart = chart()->mapFromScene(mapToScene(pos));
    if (m_empty || m_curves.isEmpty() || !chart()->plotArea().contains(inChart)) {
        m_readout->hide();
        return;
    }
    const double x = chart()->mapToValue(inChart, m_curves.first().raw).x();
    // Each series' point nearest the pointer's x, as TensorBoard's tooltip lists them.
    QStringList lines;
    double shownX = x;
    bool first = true;
    for (auto it = m_curves.begin(); it != m_curves.end(); ++it) {
        const QList<QPointF>& points = it->points;
        if (points.isEmpty())
            continue;
        const auto after = std::lower_bound(points.begin(), points.end(), x,
                                            [](const QPointF& p, double v) { return p.x() < v; });
        auto nearest = after == points.end() ? after - 1 : after;
        if (after != points.begin() && after != points.end() &&
            x - (after - 1)->x() < after->x() - x)
            nearest = after - 1;
        const auto index = nearest - points.begin();
        if (first)
            shownX = nearest->x();
        first = false;
        const QString raw = QString::number(nearest->y(), 'g', 4);
        lines << (m_smoothing > 0
                      ? tr("%1  %2 (raw %3)")
                            .arg(it.key(),
                                 QString::number(it->smoothed->at(static_cast<int>(index)).y(), 'g',
                                                 4),
                                 raw)
                      : tr("%1  %2").arg(it.key(), raw));
    }
    if (lines.isEmpty()) {
        m_readout->hide();
        return;
    }
    const bool whole = std::abs(shownX - std::round(shownX)) < 1e-9;
    lines.prepend(
        QStringLiteral("%1 %2").arg(m_xTitle, QString::number(shownX, 'f', whole ? 0 : 2)));
    m_readout->setText(lines.join(QLatin1Char('\n')));
    m_readout->adjustSize();
    // Beside the pointer, inside the chart.
    QPoint at = pos + QPoint(14, 14);
    at.setX(std::min(at.x(), viewport()->width() - m_readout->width() - 2));
    at.setY(std::min(at.y(), viewport()->height() - m_readout->height() - 2));
    m_readout->move(std::max(0, at.x()), std::max(0, at.y()));
    m_readout->show();
    m_readout->raise();
}

QString MetricChart::readout() const
{
    return m_readout->isHidden() ? QString() : m_readout->text();
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
