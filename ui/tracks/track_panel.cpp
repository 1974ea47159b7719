#include "ui/tracks/track_panel.h"

#include "ui/tracks/track_view.h"

#include <limits>

#include <QCheckBox>
#include <QColorDialog>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPixmap>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace kdna::ui {
namespace {

QIcon swatch(const QColor& color)
{
    QPixmap pixmap(12, 12);
    pixmap.fill(color);
    return QIcon(pixmap);
}

QString kindText(const Track& t)
{
    switch (t.kind) {
    case TrackKind::Signal:
        return t.predicted ? TrackPanel::tr("prediction") : TrackPanel::tr("signal");
    case TrackKind::Features:
        return TrackPanel::tr("features");
    case TrackKind::Sequence:
        return TrackPanel::tr("sequence");
    case TrackKind::Attribution:
        return TrackPanel::tr("attribution");
    case TrackKind::Heatmap:
        return TrackPanel::tr("ISM heatmap");
    case TrackKind::Variants:
        return TrackPanel::tr("variants");
    }
    return {};
}

} // namespace

TrackPanel::TrackPanel(TrackView* view, QWidget* parent)
    : QWidget(parent)
    , m_view(view)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 0, 0, 0);
    layout->addWidget(new QLabel(tr("<b>Tracks</b>")));
    m_list = new QListWidget;
    m_list->setObjectName(QStringLiteral("trackList"));
    m_list->setSelectionMode(QAbstractItemView::SingleSelection);
    layout->addWidget(m_list, 1);

    auto* order = new QHBoxLayout;
    m_up = new QPushButton(tr("Up"));
    m_down = new QPushButton(tr("Down"));
    m_remove = new QPushButton(tr("Remove"));
    m_up->setObjectName(QStringLiteral("trackUp"));
    m_down->setObjectName(QStringLiteral("trackDown"));
    m_up->setToolTip(tr("Move the track one lane up"));
    m_down->setToolTip(tr("Move the track one lane down"));
    order->addWidget(m_up);
    order->addWidget(m_down);
    order->addStretch(1);
    order->addWidget(m_remove);
    layout->addLayout(order);

    auto* form = new QFormLayout;
    m_name = new QLineEdit;
    m_color = new QPushButton;
    m_color->setToolTip(tr("Choose the track's colour"));
    m_color->setObjectName(QStringLiteral("trackColor"));
    m_height = new QSpinBox;
    m_height->setRange(16, 600);
    m_height->setSuffix(tr(" px"));
    m_autoscale = new QCheckBox(tr("Autoscale to the view"));
    m_minimum = new QDoubleSpinBox;
    m_maximum = new QDoubleSpinBox;
    for (QDoubleSpinBox* box : {m_minimum, m_maximum}) {
        box->setRange(-1e9, 1e9);
        box->setDecimals(3);
    }
    m_name->setObjectName(QStringLiteral("trackName"));
    m_height->setObjectName(QStringLiteral("trackHeight"));
    m_autoscale->setObjectName(QStringLiteral("trackAutoscale"));
    form->addRow(tr("Name"), m_name);
    form->addRow(tr("Colour"), m_color);
    form->addRow(tr("Height"), m_height);
    form->addRow(QString(), m_autoscale);
    form->addRow(tr("Minimum"), m_minimum);
    form->addRow(tr("Maximum"), m_maximum);
    layout->addLayout(form);

    connect(m_view, &TrackView::tracksChanged, this, &TrackPanel::refreshList);
    connect(m_list, &QListWidget::currentRowChanged, this, &TrackPanel::showSelected);
    connect(m_name, &QLineEdit::editingFinished, this, &TrackPanel::applyEdits);
    connect(m_height, &QSpinBox::valueChanged, this, &TrackPanel::applyEdits);
    connect(m_autoscale, &QCheckBox::toggled, this, &TrackPanel::applyEdits);
    connect(m_minimum, &QDoubleSpinBox::valueChanged, this, &TrackPanel::applyEdits);
    connect(m_maximum, &QDoubleSpinBox::valueChanged, this, &TrackPanel::applyEdits);
    connect(m_color, &QPushButton::clicked, this, &TrackPanel::chooseColor);
    connect(m_up, &QPushButton::clicked, this, [this] { m_view->moveTrack(selectedTrack(), -1); });
    connect(m_down, &QPushButton::clicked, this, [this] { m_view->moveTrack(selectedTrack(), 1); });
    connect(m_remove, &QPushButton::clicked, this,
            [this] { m_view->removeTrack(selectedTrack()); });
    refreshList();
}

int TrackPanel::selectedTrack() const
{
    const QListWidgetItem* item = m_list->currentItem();
    return item ? item->data(Qt::UserRole).toInt() : -1;
}

void TrackPanel::selectTrack(int id)
{
    for (int row = 0; row < m_list->count(); ++row)
        if (m_list->item(row)->data(Qt::UserRole).toInt() == id)
            m_list->setCurrentRow(row);
}

void TrackPanel::refreshList()
{
    const int selected = selectedTrack();
    m_filling = true;
    m_list->clear();
    for (const int id : m_view->trackIds()) {
        const Track* t = m_view->track(id);
        auto* item = new QListWidgetItem(
            swatch(t->style.color), QStringLiteral("%1  (%2)").arg(t->style.name, kindText(*t)));
        item->setData(Qt::UserRole, id);
        item->setToolTip(t->path);
        m_list->addItem(item);
    }
    m_filling = false;
    selectTrack(selected);
    showSelected();
}

void TrackPanel::setEditorsEnabled(bool enabled)
{
    for (QWidget* w : std::initializer_list<QWidget*>{m_name, m_color, m_height, m_autoscale, m_up,
                                                      m_down, m_remove})
        w->setEnabled(enabled);
}

void TrackPanel::showSelected()
{
    if (m_filling)
        return;
    const Track* t = m_view->track(selectedTrack());
    setEditorsEnabled(t != nullptr);
    const bool signal = t && t->kind == TrackKind::Signal;
    m_autoscale->setEnabled(signal);
    m_minimum->setEnabled(signal && !t->style.autoscale);
    m_maximum->setEnabled(signal && !t->style.autoscale);
    if (!t)
        return;
    m_filling = true;
    m_name->setText(t->style.name);
    m_color->setIcon(swatch(t->style.color));
    m_color->setText(t->style.color.name());
    m_height->setValue(t->style.height);
    m_autoscale->setChecked(t->style.autoscale);
    m_minimum->setValue(t->style.minimum);
    m_maximum->setValue(t->style.maximum);
    m_filling = false;
}

void TrackPanel::applyEdits()
{
    const int id = selectedTrack();
    const Track* t = m_view->track(id);
    if (m_filling || !t)
        return;
    TrackStyle style = t->style;
    style.name = m_name->text().trimmed().isEmpty() ? style.name : m_name->text().trimmed();
    style.height = m_height->value();
    style.autoscale = m_autoscale->isChecked();
    style.minimum = m_minimum->value();
    style.maximum = std::max(m_maximum->value(), style.minimum + 1e-6);
    m_view->setStyle(id, style);
}

void TrackPanel::chooseColor()
{
    const int id = selectedTrack();
    const Track* t = m_view->track(id);
    if (!t)
        return;
    const QColor color = QColorDialog::getColor(t->style.color, this, tr("Track colour"));
    if (!color.isValid())
        return;
    TrackStyle style = t->style;
    style.color = color;
    m_view->setStyle(id, style);
}

} // namespace kdna::ui
