#include "ui/train/evaluation_plots.h"

#include "ui/bridge/qt_convert.h"
#include "ui/style/colors.h"
#include "ui/train/metric_chart.h"

#include <algorithm>
#include <utility>

#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLineSeries>
#include <QMessageBox>
#include <QPainter>
#include <QPushButton>
#include <QScatterSeries>
#include <QSignalBlocker>
#include <QSvgGenerator>
#include <QTextStream>
#include <QVBoxLayout>
#include <QValueAxis>

namespace kdna::ui {
namespace {

/// An axis over `values`' range in whole ticks, as the training charts draw theirs; curves
/// (rates, precision) span [0, 1].
QValueAxis* axis(const QString& title, const std::vector<double>& values, bool rate)
{
    auto* a = new QValueAxis;
    a->setTitleText(title);
    const auto [lo, hi] = rate || values.empty()
                              ? std::pair{0.0, 1.0}
                              : std::pair{*std::min_element(values.begin(), values.end()),
                                          *std::max_element(values.begin(), values.end())};
    applyLinear(a, niceAxis(lo, hi, rate ? 5 : 4, rate));
    return a;
}

} // namespace

EvaluationPlots::EvaluationPlots(QWidget* parent)
    : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* bar = new QHBoxLayout;
    m_choice = new QComboBox;
    m_choice->setObjectName(QStringLiteral("evaluationPlot"));
    m_choice->setToolTip(tr("Which figure of the test evaluation to show"));
    bar->addWidget(m_choice, 1);
    m_export = new QPushButton(tr("Export figure..."));
    m_export->setObjectName(QStringLiteral("exportPlot"));
    m_export->setToolTip(tr("The figure shown as PNG or SVG, or its points as CSV"));
    bar->addWidget(m_export);
    layout->addLayout(bar);
    m_view = new QChartView;
    m_view->setObjectName(QStringLiteral("evaluationChart"));
    m_view->setRenderHint(QPainter::Antialiasing);
    // Short, as the table beside it: the height goes to the training charts above.
    m_view->setMinimumSize(280, 150);
    m_view->setMaximumHeight(190);
    layout->addWidget(m_view, 1);
    connect(m_choice, &QComboBox::currentIndexChanged, this, &EvaluationPlots::show);
    connect(m_export, &QPushButton::clicked, this, &EvaluationPlots::askToExport);
    setVisible(false);
}

void EvaluationPlots::setPlots(std::vector<EvaluationPlot> plots)
{
    m_plots = std::move(plots);
    {
        const QSignalBlocker blocker(m_choice);
        m_choice->clear();
        for (const EvaluationPlot& p : m_plots)
            m_choice->addItem(qs(p.title));
    }
    setVisible(!m_plots.empty());
    show(m_plots.empty() ? -1 : 0);
}

void EvaluationPlots::show(int index)
{
    auto* chart = new QChart;
    chart->legend()->setAlignment(Qt::AlignRight); // the list above names the figure
    chart->setMargins(QMargins(2, 2, 2, 2));
    if (index >= 0 && index < static_cast<int>(m_plots.size())) {
        const EvaluationPlot& plot = m_plots[static_cast<std::size_t>(index)];
        const bool scatter = plot.kind == EvaluationPlot::Kind::Scatter;
        QXYSeries* series = nullptr;
        if (scatter) {
            auto* dots = new QScatterSeries;
            dots->setMarkerSize(4);
            dots->setBorderColor(Qt::transparent);
            series = dots;
        } else {
            series = new QLineSeries;
        }
        series->setName(qs(plot.summary));
        series->setColor(colors::series(0));
        for (const auto& p : plot.points)
            series->append(p.x, p.y);
        chart->addSeries(series);
        std::vector<double> xs, ys;
        if (scatter)
            for (const auto& p : plot.points) {
                xs.push_back(p.x);
                ys.push_back(p.y);
            }
        QValueAxis* x = axis(qs(plot.xLabel), xs, !scatter);
        QValueAxis* y = axis(qs(plot.yLabel), ys, !scatter);
        chart->addAxis(x, Qt::AlignBottom);
        chart->addAxis(y, Qt::AlignLeft);
        series->attachAxis(x);
        series->attachAxis(y);
        if (plot.kind == EvaluationPlot::Kind::Roc) {
            // What a model that guesses draws.
            auto* chance = new QLineSeries;
            chance->setName(tr("chance"));
            chance->append(0, 0);
            chance->append(1, 1);
            QPen pen(palette().color(QPalette::Mid));
            pen.setStyle(Qt::DashLine);
            chance->setPen(pen);
            chart->addSeries(chance);
            chance->attachAxis(x);
            chance->attachAxis(y);
        }
    }
    QChart* old = m_view->chart();
    m_view->setChart(chart);
    delete old;
    m_export->setEnabled(index >= 0);
}

bool EvaluationPlots::exportShown(const QString& path) const
{
    const int index = m_choice->currentIndex();
    if (index < 0 || index >= static_cast<int>(m_plots.size()))
        return false;
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == QStringLiteral("png"))
        return m_view->grab().save(path);
    if (suffix == QStringLiteral("svg")) {
        QSvgGenerator svg;
        svg.setFileName(path);
        svg.setSize(m_view->size());
        svg.setViewBox(m_view->rect());
        svg.setTitle(m_choice->currentText());
        QPainter painter;
        if (!painter.begin(&svg))
            return false;
        m_view->render(&painter);
        return painter.end();
    }
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Text))
        return false;
    const EvaluationPlot& plot = m_plots[static_cast<std::size_t>(index)];
    QTextStream out(&file);
    out << "# " << qs(plot.title) << ", " << qs(plot.summary) << '\n'
        << qs(plot.xLabel).replace(u' ', u'_') << ',' << qs(plot.yLabel).replace(u' ', u'_')
        << '\n';
    for (const auto& p : plot.points)
        out << QString::number(p.x, 'g', 9) << ',' << QString::number(p.y, 'g', 9) << '\n';
    out.flush();
    return file.error() == QFile::NoError;
}

void EvaluationPlots::askToExport()
{
    const QString suggested =
        m_choice->currentText().section(u':', 0, 0).toLower().replace(u' ', u'_').remove(u'-') +
        QStringLiteral(".png");
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export the figure"), suggested,
        tr("PNG images (*.png);;SVG drawings (*.svg);;CSV of the points (*.csv)"));
    if (!path.isEmpty() && !exportShown(path))
        QMessageBox::warning(this, tr("Export failed"), tr("Could not write %1").arg(path));
}

} // namespace kdna::ui
