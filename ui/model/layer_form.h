#pragma once

#include "core/model/model_spec.h"

#include <map>
#include <string>

#include <QWidget>

#include <nlohmann/json.hpp>

class QFormLayout;
class QLabel;

namespace kdna::layers {
struct Argument;
}

namespace kdna::ui {

/// The property form of one layer, built from the layer registry's declarations: filters, kernel
/// size, strides, padding, activation, units, rate, ... each with Keras' argument name as tooltip.
///
/// An edit reaches the document while the edited field is still inside its own event handler,
/// and the document answers by showing the layer again. So showing a layer of the type already
/// shown only refills the fields (the widget that emitted lives on, keeping focus and cursor);
/// rows are rebuilt only for another type, and the old widgets are deleted once control has
/// returned to the event loop.
class LayerForm : public QWidget {
    Q_OBJECT
public:
    explicit LayerForm(QWidget* parent = nullptr);
    /// Shows a layer (null: nothing selected).
    void setLayer(const LayerSpec* layer);
    /// The field of an argument, or null.
    [[nodiscard]] QWidget* field(const QString& argument) const;

Q_SIGNALS:
    void argumentChanged(const QString& argument, const nlohmann::json& value);
    void renamed(const QString& name);
    void inputsChanged(const QStringList& inputs);

private:
    /// The layer's name, type and what the registry says the type does.
    void showTitle(const LayerSpec& layer);
    /// Rows for the type's arguments, in the registry's order (after name and inputs).
    void rebuild(const LayerSpec& layer);
    /// Every field refilled from `layer`, defaults shown where it leaves an argument out.
    void fill(const LayerSpec& layer);
    void removeRows();
    void addRow(const QString& label, QWidget* field, const QString& help);
    /// A field for `arg` as its declaration in the layer registry says (kind, range,
    /// choices, what a null value means), sending argumentChanged() on each edit.
    [[nodiscard]] QWidget* makeField(const layers::Argument& arg);
    [[nodiscard]] QWidget* intField(const layers::Argument& arg);
    [[nodiscard]] QWidget* floatField(const layers::Argument& arg);
    [[nodiscard]] QWidget* boolField(const layers::Argument& arg);
    [[nodiscard]] QWidget* choiceField(const layers::Argument& arg);
    [[nodiscard]] QWidget* listField(const layers::Argument& arg);

    QLabel* m_title = nullptr;
    QFormLayout* m_form = nullptr;
    std::map<QString, QWidget*> m_fields;
    std::string m_type; ///< the layer type whose rows are shown; empty: none
    bool m_hasInputs = false;
};

} // namespace kdna::ui
