#include "ui/model/compile_form.h"

#include "ui/bridge/qt_convert.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QLineEdit>

namespace kdna::ui {
namespace {
/// core's names (the optimisers, losses and metrics kdna computes): one table, in core/train.
QStringList choices(const std::vector<std::string>& names)
{
    QStringList out;
    for (const auto& n : names)
        out << qs(n);
    return out;
}
} // namespace

CompileForm::CompileForm(QWidget* parent)
    : QWidget(parent)
{
    auto* form = new QFormLayout(this);
    m_losses = new QFormLayout;
    form->addRow(m_losses);
    m_lossWeights = new QLineEdit;
    m_lossWeights->setPlaceholderText(tr("1 for every output"));
    m_lossWeights->setToolTip(QStringLiteral("<b>loss_weights</b>"));
    form->addRow(tr("Loss weights"), m_lossWeights);
    m_optimizer = new QComboBox;
    m_optimizer->addItems(choices(optimizerNames()));
    m_optimizer->setToolTip(QStringLiteral("<b>optimizer</b>"));
    form->addRow(tr("Optimiser"), m_optimizer);
    m_rate = new QDoubleSpinBox;
    m_rate->setDecimals(6);
    m_rate->setRange(0, 10);
    m_rate->setSingleStep(0.0001);
    m_rate->setSpecialValueText(tr("Keras' default"));
    m_rate->setToolTip(QStringLiteral("<b>learning_rate</b>"));
    m_rate->setKeyboardTracking(false); // a typed number is one edit, not one per digit
    form->addRow(tr("Learning rate"), m_rate);
    m_momentum = new QDoubleSpinBox;
    m_momentum->setRange(0, 0.999);
    m_momentum->setSingleStep(0.1);
    m_momentum->setToolTip(QStringLiteral("<b>momentum</b> (sgd)"));
    m_momentum->setKeyboardTracking(false);
    form->addRow(tr("Momentum"), m_momentum);
    auto* metrics = new QWidget;
    auto* ml = new QGridLayout(metrics); // two columns: the form fits a narrow window
    ml->setContentsMargins(0, 0, 0, 0);
    for (const QString& m : choices(metricNames())) {
        auto* c = new QCheckBox(m);
        c->setObjectName(QStringLiteral("metric_") + m);
        const int at = static_cast<int>(m_metrics.size());
        m_metrics.push_back(c);
        ml->addWidget(c, at / 2, at % 2);
        connect(c, &QCheckBox::toggled, this, [this] {
            if (!m_loading)
                Q_EMIT edited();
        });
    }
    metrics->setToolTip(QStringLiteral("<b>metrics</b>"));
    form->addRow(tr("Metrics"), metrics);
    connect(m_lossWeights, &QLineEdit::editingFinished, this, [this] {
        if (!m_loading)
            Q_EMIT edited();
    });
    connect(m_optimizer, &QComboBox::currentIndexChanged, this, [this] {
        m_momentum->setEnabled(m_optimizer->currentText() == QStringLiteral("sgd"));
        if (!m_loading)
            Q_EMIT edited();
    });
    connect(m_rate, &QDoubleSpinBox::valueChanged, this, [this] {
        if (!m_loading)
            Q_EMIT edited();
    });
    connect(m_momentum, &QDoubleSpinBox::valueChanged, this, [this] {
        if (!m_loading)
            Q_EMIT edited();
    });
}

void CompileForm::setSettings(const CompileSettings& c, const std::vector<std::string>& outputs)
{
    m_loading = true;
    // A loss box's own edit leads here: the boxes are kept unless the outputs changed.
    if (outputs != m_outputs || m_lossBoxes.empty())
        rebuildLosses(outputs);
    for (std::size_t o = 0; o < m_lossBoxes.size(); ++o)
        m_lossBoxes[o]->setCurrentText(
            qs(c.loss.empty() ? "mse" : c.lossFor(std::min(o, c.loss.size() - 1))));
    QStringList weights;
    for (double w : c.loss_weights)
        weights << QString::number(w);
    m_lossWeights->setText(weights.join(QStringLiteral(", ")));
    m_lossWeights->setEnabled(outputs.size() > 1);
    m_optimizer->setCurrentText(qs(c.optimizer));
    m_rate->setValue(c.learning_rate);
    m_momentum->setValue(c.momentum);
    m_momentum->setEnabled(c.optimizer == "sgd");
    for (auto* box : m_metrics)
        box->setChecked(std::find(c.metrics.begin(), c.metrics.end(), ss(box->text())) !=
                        c.metrics.end());
    m_loading = false;
}

void CompileForm::rebuildLosses(const std::vector<std::string>& outputs)
{
    while (m_losses->rowCount() > 0) {
        const QFormLayout::TakeRowResult row = m_losses->takeRow(0);
        for (QLayoutItem* item : {row.labelItem, row.fieldItem}) {
            if (!item)
                continue;
            if (QWidget* w = item->widget()) {
                disconnect(w, nullptr, this, nullptr);
                w->setObjectName(QString());
                w->hide();
                w->deleteLater();
            }
            delete item;
        }
    }
    m_lossBoxes.clear();
    m_outputs = outputs;
    for (std::size_t o = 0; o < std::max<std::size_t>(1, outputs.size()); ++o) {
        auto* box = new QComboBox;
        box->addItems(choices(lossNames()));
        box->setToolTip(QStringLiteral("<b>loss</b>"));
        box->setObjectName(QStringLiteral("loss_%1").arg(o));
        connect(box, &QComboBox::currentIndexChanged, this, [this] {
            if (!m_loading)
                Q_EMIT edited();
        });
        m_losses->addRow(outputs.size() > 1 ? tr("Loss of %1").arg(qs(outputs[o])) : tr("Loss"),
                         box);
        m_lossBoxes.push_back(box);
    }
}

CompileSettings CompileForm::settings() const
{
    CompileSettings c;
    c.loss.clear();
    for (auto* box : m_lossBoxes)
        c.loss.push_back(ss(box->currentText()));
    if (c.loss.size() > 1 && std::all_of(c.loss.begin(), c.loss.end(),
                                         [&](const auto& l) { return l == c.loss.front(); }))
        c.loss.resize(1);
    for (const auto& part : m_lossWeights->text().split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        bool ok = false;
        const double w = part.trimmed().toDouble(&ok);
        if (ok)
            c.loss_weights.push_back(w);
    }
    c.optimizer = ss(m_optimizer->currentText());
    c.learning_rate = m_rate->value();
    c.momentum = c.optimizer == "sgd" ? m_momentum->value() : 0.0;
    for (auto* box : m_metrics)
        if (box->isChecked())
            c.metrics.push_back(ss(box->text()));
    return c;
}

} // namespace kdna::ui
