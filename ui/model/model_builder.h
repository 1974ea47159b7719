#pragma once

#include "core/model/model_spec.h"
#include "core/model/summary.h"

#include <optional>

#include <QListWidget>
#include <QWidget>

class QComboBox;
class QLabel;
class QPushButton;
class QTableWidget;
class QTreeWidget;

namespace kdna::ui {

class CompileForm;
class LayerForm;
class ProjectDocument;

/// The layer list: rows reorder by drag, and palette entries dropped on it become layers.
class LayerStackView : public QListWidget {
    Q_OBJECT
public:
    explicit LayerStackView(QWidget* parent = nullptr);
    static constexpr const char* kMime = "application/x-kdna-layer";

Q_SIGNALS:
    void moveRequested(int from, int to);
    void insertRequested(const QString& type, int row);

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dragMoveEvent(QDragMoveEvent* event) override;
    void dropEvent(QDropEvent* event) override;
};

/// The Model step: a palette of the layers core/model builds, the stack the user fills by
/// click or drag, reorders, duplicates and deletes, a property form for the selected layer,
/// a live Keras summary (output shape and parameters per layer, the first mismatch explained,
/// including a mismatch with the data's shapes), templates from the tutorial, and compile
/// settings. Every edit goes through the project's undo stack.
///
/// One layer is selected at a time, and the stack, the summary and the property form always
/// show the same one: after an edit the edited (or new) layer, after an undo the layer of the
/// same name when it still exists.
class ModelBuilder : public QWidget {
    Q_OBJECT
public:
    explicit ModelBuilder(ProjectDocument* document, QWidget* parent = nullptr);

    /// Adds a layer of `type` after `row` (-1: at the end), with the catalog's defaults plus
    /// `args`; returns its row.
    int addLayer(const QString& type, const nlohmann::json& args = nlohmann::json::object(),
                 int row = -1);
    void removeLayer(int row);
    void moveLayer(int from, int to);
    void duplicateLayer(int row);
    void setArgument(int row, const QString& argument, const nlohmann::json& value);
    void applyTemplate(const QString& id);
    void selectLayer(int row);
    [[nodiscard]] int selectedLayer() const;

    [[nodiscard]] const ModelSummary& summary() const { return m_summary; }
    /// The data-mismatch sentences shown under the summary (empty when the model fits).
    [[nodiscard]] const std::vector<std::string>& dataProblems() const { return m_dataProblems; }
    [[nodiscard]] QTableWidget* summaryTable() const { return m_table; }
    [[nodiscard]] LayerStackView* stack() const { return m_stack; }
    [[nodiscard]] LayerForm* layerForm() const { return m_form; }
    [[nodiscard]] QString problemText() const;

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    QWidget* buildPalette();
    QWidget* buildStack();
    QWidget* buildSummaryAndCompile();
    void connectEdits();
    void renameSelected(const QString& name);
    void setSelectedInputs(const QStringList& inputs);
    void refresh();
    void refreshStack(const ModelSpec& spec);
    void refreshSummary();
    /// The stack, the summary and the form show m_selected.
    void showSelection();
    void select(int row);
    void addFromPalette();
    void askToApplyTemplate();
    /// The one-click fix under a label mismatch: sets the dataset's output_shape to m_labelFit.
    void fitLabelsToModel();
    /// "Set output_shape to (64, 1)": the button and its undo step.
    [[nodiscard]] QString fitLabelsText() const;
    void commit(ModelSpec spec, const QString& what, int select = -1);
    [[nodiscard]] ModelSpec current() const;
    [[nodiscard]] QString describe(const LayerSpec& layer) const;

    ProjectDocument* m_doc;
    QTreeWidget* m_palette = nullptr;
    LayerStackView* m_stack = nullptr;
    LayerForm* m_form = nullptr;
    QTableWidget* m_table = nullptr;
    QLabel* m_totals = nullptr;
    QLabel* m_problem = nullptr;
    QPushButton* m_fitLabels = nullptr;
    QComboBox* m_templates = nullptr;
    CompileForm* m_compile = nullptr;
    ModelSummary m_summary;
    std::vector<std::string> m_dataProblems;
    std::optional<Shape> m_labelFit; ///< the output_shape that makes the labels fit, if one does
    int m_selected = -1;
    std::string m_selectedName; ///< follows the selected layer through undo and redo
    bool m_updating = false;
};

} // namespace kdna::ui
