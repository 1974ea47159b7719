#pragma once

#include <utility>
#include <vector>

#include <QChartView>
#include <QList>
#include <QMap>
#include <QPointF>
#include <QTimer>

class QCheckBox;
class QLabel;
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
/// Sets `axis` to `nice`: its range, a tick at each step, labels with the step's decimals.
void applyLinear(QValueAxis* axis, const NiceAxis& nice);

/// The y range to show for `values` with outliers left out, as TensorBoard does by default:
/// the 1st to 99th percentile widened by a quarter of its span, never past the data. A first
/// batch's loss of 2 then no longer flattens a curve that lives near 0.04.
[[nodiscard]] std::pair<double, double> robustRange(std::vector<double> values);

/// TensorBoard's smoothing: an exponential moving average with weight `weight` in [0, 1),
/// divided by 1 - weight^n so that the first points are not pulled towards zero.
class DebiasedEma {
public:
    explicit DebiasedEma(double weight)
        : m_weight(weight)
    {}
    double next(double value);

private:
    double m_weight;
    double m_last = 0;
    int m_count = 0;
};

/// A Qt Charts view of named series over a shared x axis (epochs), as TensorBoard draws
/// scalars: each series smoothed (the raw values faint behind it), a val_ series in the colour
/// of its training series but dashed, the values of every series under the pointer, and a log
/// scale offered while every value is positive. Points arrive per training batch; the axes
/// and the scene update at most a few times a second.
class MetricChart : public QChartView {
    Q_OBJECT
public:
    MetricChart(const QString& title, const QString& xTitle, QWidget* parent = nullptr);

    /// A series (created on first use) and its look; val_X takes X's colour.
    QLineSeries* series(const QString& name, const QColor& color = {}, qreal width = 2,
                        bool points = false);
    void append(const QString& name, double x, double y);
    void clear();
    /// TensorBoard's smoothing weight, 0 (raw values only) to 0.99.
    void setSmoothing(double weight);
    [[nodiscard]] double smoothing() const { return m_smoothing; }
    /// The log scale as wished; shown while canLogScale().
    void setLogScale(bool on);
    [[nodiscard]] bool logScale() const { return m_log; }
    /// Whether a log scale can show every value (all positive).
    [[nodiscard]] bool canLogScale() const { return !m_empty && m_minY > 0; }
    /// Linear scale only: leave outliers out of the y range (on by default).
    void setIgnoreOutliers(bool on);
    [[nodiscard]] int pointCount(const QString& name) const;
    /// The line drawn for `name`: smoothed when smoothing is on.
    [[nodiscard]] QList<QPointF> shownPoints(const QString& name) const;
    [[nodiscard]] QColor color(const QString& name) const;
    [[nodiscard]] Qt::PenStyle penStyle(const QString& name) const;
    /// What the read-out under the pointer says (empty when hidden).
    [[nodiscard]] QString readout() const;

protected:
    void mouseMoveEvent(QMouseEvent* event) override;
    bool viewportEvent(QEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    struct Curve {
        QLineSeries* raw = nullptr;      ///< every value, faint while smoothing is on
        QLineSeries* smoothed = nullptr; ///< the smoothed line, hidden at weight 0
        QList<QPointF> points;
        DebiasedEma ema{0};
        QColor color;
        qreal width = 2;
        bool dots = false;
        bool validation = false;
    };
    [[nodiscard]] QColor colorFor(const QString& name, const QColor& wanted);
    void styleCurve(Curve& curve);
    void applyLogAxis(bool on);
    void resmooth(Curve& curve);
    void showReadout(const QPoint& pos);
    void updateLogOffer();
    void rescale();

    QMap<QString, Curve> m_curves;
    QMap<QString, QColor> m_colors; ///< by training series name (val_ stripped)
    QValueAxis* m_x = nullptr;
    QAbstractAxis* m_y = nullptr;
    QCheckBox* m_logBox = nullptr;
    QLabel* m_readout = nullptr;
    QString m_xTitle;
    double m_smoothing = 0;
    bool m_log = false;       ///< the y axis is logarithmic now
    bool m_logWanted = false; ///< the switch was turned on
    bool m_ignoreOutliers = true;
    std::vector<double> m_values; // every y shown, for the outlier-free range
    QTimer m_redraw;
    double m_minX = 0, m_maxX = 1, m_minY = 0, m_maxY = 1;
    bool m_empty = true;
};

} // namespace kdna::ui
