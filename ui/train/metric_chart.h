#pragma once

#include <utility>
#include <vector>

#include <QChartView>
#include <QMap>
#include <QTimer>

class QLineSeries;
class QAbstractAxis;
class QValueAxis;

namespace kdna::ui {

/// An axis range widened to whole ticks of a 1-2-5 step, so the labels read 0.01, 0.02...
/// rather than 0.0483, 0.037...
struct NiceAxis {
    double minimum = 0;
    double maximum = 1;
    double step = 0.2;
};
/// About `ticks` intervals over [lo, hi]; `floorAtZero` keeps a non-negative range (losses)
/// from reaching below zero.
[[nodiscard]] NiceAxis niceAxis(double lo, double hi, int ticks, bool floorAtZero);

/// The y range to show for `values` with outliers left out, as TensorBoard does by default:
/// the 1st to 99th percentile widened by a quarter of its span, never past the data. A first
/// batch's loss of 2 then no longer flattens a curve that lives near 0.04.
[[nodiscard]] std::pair<double, double> robustRange(std::vector<double> values);

/// A Qt Charts view of named series over a shared x axis (epochs), with a log-scale switch,
/// hover read-outs and batched redraws (points arrive per training batch; the axes and the
/// scene update at most a few times a second).
class MetricChart : public QChartView {
    Q_OBJECT
public:
    MetricChart(const QString& title, const QString& xTitle, QWidget* parent = nullptr);

    /// A series (created on first use) and its look.
    QLineSeries* series(const QString& name, const QColor& color = {}, qreal width = 2,
                        bool points = false);
    void append(const QString& name, double x, double y);
    void clear();
    void setLogScale(bool on);
    [[nodiscard]] bool logScale() const { return m_log; }
    /// Linear scale only: leave outliers out of the y range (on by default).
    void setIgnoreOutliers(bool on);
    [[nodiscard]] int pointCount(const QString& name) const;

private:
    void rescale();
    QMap<QString, QLineSeries*> m_series;
    QValueAxis* m_x = nullptr;
    QAbstractAxis* m_y = nullptr;
    bool m_log = false;
    bool m_ignoreOutliers = true;
    std::vector<double> m_values; // every y shown, for the outlier-free range
    QTimer m_redraw;
    double m_minX = 0, m_maxX = 1, m_minY = 0, m_maxY = 1;
    bool m_empty = true;
};

} // namespace kdna::ui
