#pragma once

#include "core/train/settings.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QFormLayout;
class QLineEdit;

namespace kdna::ui {

/// Keras' model.compile(): a loss per output (with weights), the optimiser, its learning rate
/// and momentum, and the metrics.
class CompileForm : public QWidget {
    Q_OBJECT
public:
    explicit CompileForm(QWidget* parent = nullptr);
    void setSettings(const CompileSettings& settings, const std::vector<std::string>& outputs);
    [[nodiscard]] CompileSettings settings() const;

Q_SIGNALS:
    void edited();

private:
    void rebuildLosses(const std::vector<std::string>& outputs);

    QFormLayout* m_losses = nullptr;
    std::vector<QComboBox*> m_lossBoxes;
    std::vector<std::string> m_outputs; ///< the outputs the loss boxes were made for
    QLineEdit* m_lossWeights = nullptr;
    QComboBox* m_optimizer = nullptr;
    QDoubleSpinBox* m_rate = nullptr;
    QDoubleSpinBox* m_momentum = nullptr;
    std::vector<QCheckBox*> m_metrics;
    bool m_loading = false;
};

} // namespace kdna::ui
