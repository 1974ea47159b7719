#pragma once

#include "core/project/test_evaluation.h"

#include <vector>

#include <QWidget>

class QChartView;
class QComboBox;
class QPushButton;

namespace kdna::ui {

/// The test evaluation's figures under its table: a ROC or precision-recall curve per
/// classifier output (the area in the legend, chance as a dashed line), or measured against
/// predicted values per regression track (r in the legend); one at a time, chosen in a list,
/// and exported as PNG, SVG or the CSV of its points.
class EvaluationPlots : public QWidget {
    Q_OBJECT
public:
    explicit EvaluationPlots(QWidget* parent = nullptr);

    /// The figures of a new evaluation (none: the panel hides).
    void setPlots(std::vector<EvaluationPlot> plots);
    void clear() { setPlots({}); }
    [[nodiscard]] const std::vector<EvaluationPlot>& plots() const { return m_plots; }
    [[nodiscard]] QChartView* view() const { return m_view; }
    /// Writes the figure shown: PNG or SVG by the suffix, else the CSV of its points. False
    /// when there is none or the file cannot be written.
    bool exportShown(const QString& path) const;

private:
    void show(int index);
    void askToExport();

    std::vector<EvaluationPlot> m_plots;
    QComboBox* m_choice = nullptr;
    QChartView* m_view = nullptr;
    QPushButton* m_export = nullptr;
};

} // namespace kdna::ui
