#include "ui/model/layer_form.h"

#include "core/model/layer_registry.h"
#include "ui/bridge/qt_convert.h"
#include "ui/data/dataset_form.h"

#include <cstdint>

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSignalBlocker>
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

/// Puts `value` into a field made by makeField() for `arg`, without it signalling an edit.
void showValue(QWidget* field, const layers::Argument& arg, const nlohmann::json& value)
{
    const QSignalBlocker quiet(field);
    switch (arg.kind) {
    case layers::ArgKind::Int: {
        auto* s = static_cast<QSpinBox*>(field);
        s->setValue(value.is_number_integer() ? static_cast<int>(value.get<std::int64_t>())
                                              : s->minimum());
        break;
    }
    case layers::ArgKind::Float:
        static_cast<QDoubleSpinBox*>(field)->setValue(value.is_number() ? value.get<double>()
                                                                        : 0.0);
        break;
    case layers::ArgKind::Bool:
        static_cast<QCheckBox*>(field)->setChecked(value == true);
        break;
    case layers::ArgKind::Choice:
        static_cast<QComboBox*>(field)->setCurrentText(
            value.is_string() ? qs(value.get<std::string>()) : QString());
        break;
    case layers::ArgKind::IntList:
    case layers::ArgKind::Shape: {
        auto* e = static_cast<QLineEdit*>(field);
        if (e->text() != listText(value))
            e->setText(listText(value));
        break;
    }
    }
}

void showText(QLineEdit* edit, const QString& text)
{
    const QSignalBlocker quiet(edit);
    if (edit->text() != text)
        edit->setText(text);
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

void LayerForm::setLayer(const LayerSpec* layer)
{
    if (!layer) {
        removeRows();
        m_title->setText(tr("<i>Select a layer to edit it, or add one from the palette.</i>"));
        return;
    }
    showTitle(*layer);
    if (layer->type != m_type)
        rebuild(*layer);
    fill(*layer);
}

void LayerForm::showTitle(const LayerSpec& layer)
{
    const layers::LayerType* type = layers::find(layer.type);
    m_title->setText(QStringLiteral("<b>%1</b> (%2)<br><small>%3</small>")
                         .arg(qs(layer.name).toHtmlEscaped(), qs(layer.type),
                              type ? qs(type->help).toHtmlEscaped() : QString()));
}

void LayerForm::removeRows()
{
    // A field may be the sender of the edit that led here: it is unhooked now and deleted
    // once its handler has returned.
    while (m_form->rowCount() > 0) {
        const QFormLayout::TakeRowResult row = m_form->takeRow(0);
        for (QLayoutItem* item : {row.labelItem, row.fieldItem}) {
            if (!item)
                continue;
            if (QWidget* w = item->widget()) {
                disconnect(w, nullptr, this, nullptr);
                w->setObjectName(QString()); // no longer a field
                w->hide();
                w->deleteLater();
            }
            delete item;
        }
    }
    m_fields.clear();
    m_type.clear();
    m_hasInputs = false;
}

void LayerForm::addRow(const QString& label, QWidget* field, const QString& help)
{
    field->setObjectName(label);
    field->setToolTip(help);
    auto* text = new QLabel(label);
    text->setToolTip(help);
    text->setBuddy(field);
    m_form->addRow(text, field);
    m_fields[label] = field;
}

void LayerForm::rebuild(const LayerSpec& layer)
{
    removeRows();
    m_type = layer.type;
    auto* name = new QLineEdit;
    connect(name, &QLineEdit::editingFinished, this, [this, name] {
        if (!name->text().trimmed().isEmpty())
            Q_EMIT renamed(name->text().trimmed());
    });
    addRow(QStringLiteral("name"), name, tr("The layer's name; other layers take it by name"));
    m_hasInputs = layer.type != "Input";
    if (m_hasInputs) {
        auto* inputs = new QLineEdit;
        connect(inputs, &QLineEdit::editingFinished, this, [this, inputs] {
            QStringList list;
            for (const auto& s : inputs->text().split(QLatin1Char(','), Qt::SkipEmptyParts))
                list << s.trimmed();
            Q_EMIT inputsChanged(list);
        });
        addRow(QStringLiteral("inputs"), inputs,
               tr("The layers it takes (the one above, for a plain stack)"));
    }
    const layers::LayerType* type = layers::find(layer.type);
    if (!type)
        return;
    for (const auto& arg : type->arguments)
        addRow(
            QString::fromLatin1(arg.name), makeField(arg),
            QStringLiteral("<b>%1</b><br>%2")
                .arg(QString::fromLatin1(arg.name), QString::fromLatin1(arg.help).toHtmlEscaped()));
}

void LayerForm::fill(const LayerSpec& layer)
{
    showText(static_cast<QLineEdit*>(field(QStringLiteral("name"))), qs(layer.name));
    if (m_hasInputs)
        showText(static_cast<QLineEdit*>(field(QStringLiteral("inputs"))),
                 qsList(layer.inputs).join(QStringLiteral(", ")));
    const layers::LayerType* type = layers::find(layer.type);
    if (!type)
        return;
    for (const auto& arg : type->arguments)
        showValue(field(QString::fromLatin1(arg.name)), arg,
                  layers::argument(*type, layer.args, arg.name));
}

QWidget* LayerForm::makeField(const layers::Argument& arg)
{
    switch (arg.kind) {
    case layers::ArgKind::Int:
        return intField(arg);
    case layers::ArgKind::Float:
        return floatField(arg);
    case layers::ArgKind::Bool:
        return boolField(arg);
    case layers::ArgKind::Choice:
        return choiceField(arg);
    case layers::ArgKind::IntList:
    case layers::ArgKind::Shape:
        return listField(arg);
    }
    return nullptr;
}

QWidget* LayerForm::intField(const layers::Argument& arg)
{
    const QString key = QString::fromLatin1(arg.name);
    auto* s = new QSpinBox;
    s->setRange(arg.minimum, 1 << 24);
    // An argument whose null means something (a pooling's strides: the pool size) shows it at
    // the minimum, and sends null from there.
    const bool nullable = arg.nullMeans != nullptr;
    if (nullable)
        s->setSpecialValueText(QString::fromUtf8(arg.nullMeans));
    // Typing "64" is one edit, sent on Enter or when the field loses focus; the arrows and the
    // wheel still apply at once.
    s->setKeyboardTracking(false);
    connect(s, &QSpinBox::valueChanged, this, [this, key, nullable, minimum = arg.minimum](int v) {
        Q_EMIT argumentChanged(key, nullable && v == minimum ? nlohmann::json(nullptr)
                                                             : nlohmann::json(v));
    });
    return s;
}

QWidget* LayerForm::floatField(const layers::Argument& arg)
{
    const QString key = QString::fromLatin1(arg.name);
    auto* s = new QDoubleSpinBox;
    s->setDecimals(4);
    s->setRange(0, 1e6);
    s->setSingleStep(0.05);
    s->setKeyboardTracking(false);
    connect(s, &QDoubleSpinBox::valueChanged, this,
            [this, key](double v) { Q_EMIT argumentChanged(key, v); });
    return s;
}

QWidget* LayerForm::boolField(const layers::Argument& arg)
{
    const QString key = QString::fromLatin1(arg.name);
    auto* c = new QCheckBox;
    connect(c, &QCheckBox::toggled, this, [this, key](bool v) { Q_EMIT argumentChanged(key, v); });
    return c;
}

QWidget* LayerForm::choiceField(const layers::Argument& arg)
{
    const QString key = QString::fromLatin1(arg.name);
    auto* c = new QComboBox;
    for (const char* choice : arg.choices)
        c->addItem(QString::fromLatin1(choice));
    connect(c, &QComboBox::currentTextChanged, this,
            [this, key](const QString& v) { Q_EMIT argumentChanged(key, ss(v)); });
    return c;
}

QWidget* LayerForm::listField(const layers::Argument& arg)
{
    const QString key = QString::fromLatin1(arg.name);
    auto* e = new QLineEdit;
    const bool shape = arg.kind == layers::ArgKind::Shape;
    e->setPlaceholderText(arg.nullMeans ? QString::fromUtf8(arg.nullMeans)
                                        : (shape ? tr("e.g. 2001, 4") : tr("e.g. 3, 1")));
    connect(e, &QLineEdit::editingFinished, this, [this, key, e, shape] {
        std::vector<std::int64_t> dims;
        if (!parseShape(e->text(), dims) || dims.empty())
            return;
        Q_EMIT argumentChanged(key, dims.size() == 1 && !shape ? nlohmann::json(dims.front())
                                                               : nlohmann::json(dims));
    });
    return e;
}

} // namespace kdna::ui
