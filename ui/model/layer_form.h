#pragma once

#include "model/model_spec.h"

#include <QWidget>

#include <nlohmann/json.hpp>

class QFormLayout;
class QLabel;

namespace kdna::ui {

/// The property form of one layer, built from the layer catalog: filters, kernel size,
/// strides, padding, activation, units, rate, ... each with Keras' argument name as tooltip.
class LayerForm : public QWidget {
    Q_OBJECT
public:
    explicit LayerForm(QWidget* parent = nullptr);
    /// Shows a layer (null: nothing selected).
    void setLayer(const LayerSpec* layer);
    /// The field of an argument (tests drive it), or null.
    [[nodiscard]] QWidget* field(const QString& argument) const;

Q_SIGNALS:
    void argumentChanged(const QString& argument, const nlohmann::json& value);
    void renamed(const QString& name);
    void inputsChanged(const QStringList& inputs);

private:
    void clear();
    QLabel* m_title = nullptr;
    QFormLayout* m_form = nullptr;
    std::map<QString, QWidget*> m_fields;
    bool m_loading = false;
};

} // namespace kdna::ui
