#include "layer_form.h"

#include "bridge/qt_convert.h"
#include "data/dataset_form.h"
#include "model/layer_catalog.h"

#include <cstdint>

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QVBoxLayout>

namespace kdna::ui {
namespace {

QString listText(const nlohmann::json& v)
{
    if (v.is_number_integer())
        return QString::number(v.get<std::int64_t>());
    if (!v.is_array())
        return {};
    QStringList parts;
    for (const auto& e : v)
        parts << QString::number(e.get<std::int64_t>());
    return parts.join(QStringLiteral(", "));
}

} // namespace

LayerForm::LayerForm(QWidget* parent)
    : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);
    m_title = new QLabel;
    m_title->setWordWrap(true);
    layout->addWidget(m_title);
    m_form = new QFormLayout;
    layout->addLayout(m_form);
    layout->addStretch();
    setLayer(nullptr);
}

QWidget* LayerForm::field(const QString& argument) const
{
    const auto it = m_fields.find(argument);
    return it == m_fields.end() ? nullptr : it->second;
}

void LayerForm::clear()
{
    while (m_form->rowCount() > 0)
        m_form->removeRow(0);
    m_fields.clear();
}

void LayerForm::setLayer(const LayerSpec* layer)
{
    m_loading = true;
    clear();
    if (!layer) {
        m_title->setText(tr("<i>Select a layer to edit it, or add one from the palette.</i>"));
        m_loading = false;
        return;
    }
    const layers::LayerType* type = layers::find(layer->type);
    m_title->setText(QStringLiteral("<b>%1</b> (%2)<br><small>%3</small>")
                         .arg(qs(layer->name).toHtmlEscaped(), qs(layer->type),
                              type ? qs(type->help).toHtmlEscaped() : QString()));
    auto* name = new QLineEdit(qs(layer->name));
    name->setObjectName(QStringLiteral("name"));
    connect(name, &QLineEdit::editingFinished, this, [this, name] {
        if (!m_loading && !name->text().trimmed().isEmpty())
            Q_EMIT renamed(name->text().trimmed());
    });
    m_form->addRow(tr("name"), name);
    m_fields[QStringLiteral("name")] = name;
    if (layer->type != "Input") {
        auto* inputs = new QLineEdit(qsList(layer->inputs).join(QStringLiteral(", ")));
        inputs->setObjectName(QStringLiteral("inputs"));
        inputs->setToolTip(tr("The layers it takes (the one above, for a plain stack)"));
        connect(inputs, &QLineEdit::editingFinished, this, [this, inputs] {
            if (m_loading)
                return;
            QStringList list;
            for (const auto& s : inputs->text().split(QLatin1Char(','), Qt::SkipEmptyParts))
                list << s.trimmed();
            Q_EMIT inputsChanged(list);
        });
        m_form->addRow(tr("inputs"), inputs);
        m_fields[QStringLiteral("inputs")] = inputs;
    }
    if (!type) {
        m_loading = false;
        return;
    }
    for (const auto& arg : type->arguments) {
        const QString key = QString::fromLatin1(arg.name);
        const nlohmann::json value = layers::argument(*type, layer->args, arg.name);
        QWidget* w = nullptr;
        switch (arg.kind) {
        case layers::ArgKind::Int: {
            auto* s = new QSpinBox;
            // A pooling's strides may be left to Keras' default, the pool size (shown as 0).
            const bool poolStrides =
                key == QStringLiteral("strides") && std::string(arg.defaultJson) == "null";
            s->setRange(key == QStringLiteral("axis") ? -8 : (poolStrides ? 0 : 1), 1 << 24);
            if (poolStrides)
                s->setSpecialValueText(tr("= pool size"));
            s->setValue(value.is_number_integer() ? static_cast<int>(value.get<std::int64_t>())
                                                  : s->minimum());
            connect(s, &QSpinBox::valueChanged, this, [this, key, poolStrides](int v) {
                if (!m_loading)
                    Q_EMIT argumentChanged(key, poolStrides && v == 0 ? nlohmann::json(nullptr)
                                                                      : nlohmann::json(v));
            });
            w = s;
            break;
        }
        case layers::ArgKind::Float: {
            auto* s = new QDoubleSpinBox;
            s->setDecimals(4);
            s->setRange(0, 1e6);
            s->setSingleStep(0.05);
            s->setValue(value.is_number() ? value.get<double>() : 0.0);
            connect(s, &QDoubleSpinBox::valueChanged, this, [this, key](double v) {
                if (!m_loading)
                    Q_EMIT argumentChanged(key, v);
            });
            w = s;
            break;
        }
        case layers::ArgKind::Bool: {
            auto* c = new QCheckBox;
            c->setChecked(value == true);
            connect(c, &QCheckBox::toggled, this, [this, key](bool v) {
                if (!m_loading)
                    Q_EMIT argumentChanged(key, v);
            });
            w = c;
            break;
        }
        case layers::ArgKind::Choice: {
            auto* c = new QComboBox;
            for (const char* choice : arg.choices)
                c->addItem(QString::fromLatin1(choice));
            c->setCurrentText(value.is_string() ? qs(value.get<std::string>()) : QString());
            connect(c, &QComboBox::currentTextChanged, this, [this, key](const QString& v) {
                if (!m_loading)
                    Q_EMIT argumentChanged(key, ss(v));
            });
            w = c;
            break;
        }
        case layers::ArgKind::IntList:
        case layers::ArgKind::Shape: {
            auto* e = new QLineEdit(listText(value));
            e->setPlaceholderText(arg.kind == layers::ArgKind::Shape ? tr("e.g. 2001, 4")
                                                                     : tr("e.g. 3, 1"));
            const bool shape = arg.kind == layers::ArgKind::Shape;
            connect(e, &QLineEdit::editingFinished, this, [this, key, e, shape] {
                if (m_loading)
                    return;
                std::vector<std::int64_t> dims;
                if (!parseShape(e->text(), dims) || dims.empty())
                    return;
                Q_EMIT argumentChanged(key, dims.size() == 1 && !shape
                                                ? nlohmann::json(dims.front())
                                                : nlohmann::json(dims));
            });
            w = e;
            break;
        }
        }
        w->setObjectName(key);
        w->setToolTip(QStringLiteral("<b>%1</b><br>%2")
                          .arg(key, QString::fromLatin1(arg.help).toHtmlEscaped()));
        auto* label = new QLabel(key);
        label->setToolTip(w->toolTip());
        m_form->addRow(label, w);
        m_fields[key] = w;
    }
    m_loading = false;
}

} // namespace kdna::ui
