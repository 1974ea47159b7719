#include "ui/model/model_builder.h"

#include "core/data/shapes.h"
#include "core/model/layer_registry.h"
#include "core/model/templates.h"
#include "core/util/describe.h"
#include "core/util/text.h"
#include "ui/bridge/project_document.h"
#include "ui/bridge/qt_convert.h"
#include "ui/model/compile_form.h"
#include "ui/model/layer_form.h"
#include "ui/style/colors.h"

#include <cstdint>
#include <map>
#include <utility>
#include <variant>

#include <QComboBox>
#include <QDrag>
#include <QDragEnterEvent>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QMessageBox>
#include <QMimeData>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QTableWidget>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace kdna::ui {
namespace {

/// Branches of the graph for display: a layer starts a new branch unless it takes exactly the
/// layer above it.
std::vector<int> branchesOf(const ModelSpec& spec)
{
    std::vector<int> branch(spec.layers.size(), 0);
    int current = -1;
    for (std::size_t i = 0; i < spec.layers.size(); ++i) {
        const auto& l = spec.layers[i];
        const bool continues =
            i > 0 && l.inputs.size() == 1 && l.inputs.front() == spec.layers[i - 1].name;
        if (!continues)
            ++current;
        branch[i] = current;
    }
    return branch;
}

/// Keras prints output shapes with the batch axis as None: (None, 1999, 16).
QString noneShape(const Shape& shape)
{
    QString t = QStringLiteral("(None");
    for (auto d : shape)
        t += QStringLiteral(", %1").arg(d);
    return t + QLatin1Char(')');
}

/// The palette: dragging an entry carries its layer type to the stack.
class PaletteTree final : public QTreeWidget {
public:
    using QTreeWidget::QTreeWidget;

protected:
    QMimeData* mimeData(const QList<QTreeWidgetItem*>& items) const override
    {
        auto* mime = new QMimeData;
        if (!items.isEmpty())
            mime->setData(QString::fromLatin1(LayerStackView::kMime),
                          items.front()->data(0, Qt::UserRole).toString().toUtf8());
        return mime;
    }
};

/// `args` with every argument it lacks at its default, a required one at the first value its
/// declaration suggests.
nlohmann::json withDefaults(const layers::LayerType& type, nlohmann::json args)
{
    for (const auto& a : type.arguments) {
        if (args.contains(a.name))
            continue;
        const char* value = a.required() && a.firstValue ? a.firstValue : a.defaultJson;
        nlohmann::json d = nlohmann::json::parse(value);
        if (!d.is_null())
            args[a.name] = std::move(d);
    }
    return args;
}

} // namespace

LayerStackView::LayerStackView(QWidget* parent)
    : QListWidget(parent)
{
    setDragDropMode(QAbstractItemView::DragDrop);
    setDefaultDropAction(Qt::MoveAction);
    setSelectionMode(QAbstractItemView::SingleSelection);
    setAcceptDrops(true);
    setDragEnabled(true);
}

void LayerStackView::dragEnterEvent(QDragEnterEvent* event)
{
    if (event->mimeData()->hasFormat(QString::fromLatin1(kMime)) || event->source() == this)
        event->acceptProposedAction();
}

void LayerStackView::dragMoveEvent(QDragMoveEvent* event)
{
    if (event->mimeData()->hasFormat(QString::fromLatin1(kMime)) || event->source() == this)
        event->acceptProposedAction();
}

void LayerStackView::dropEvent(QDropEvent* event)
{
    // The stack's rows mirror the spec: apply the move or insert to the spec, not to the view.
    const QModelIndex target = indexAt(event->position().toPoint());
    int row = target.isValid() ? target.row() : count();
    if (target.isValid() && dropIndicatorPosition() == QAbstractItemView::BelowItem)
        ++row;
    if (event->mimeData()->hasFormat(QString::fromLatin1(kMime))) {
        Q_EMIT insertRequested(
            QString::fromUtf8(event->mimeData()->data(QString::fromLatin1(kMime))), row - 1);
    } else if (event->source() == this && currentRow() >= 0) {
        const int from = currentRow();
        Q_EMIT moveRequested(from, row > from ? row - 1 : row);
    }
    event->setDropAction(Qt::IgnoreAction);
    event->accept();
}

ModelBuilder::ModelBuilder(ProjectDocument* document, QWidget* parent)
    : QWidget(parent)
    , m_doc(document)
{
    auto* layout = new QHBoxLayout(this);
    auto* split = new QSplitter;
    layout->addWidget(split);
    split->addWidget(buildPalette());
    split->addWidget(buildStack());
    split->addWidget(buildSummaryAndCompile());
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 2);
    split->setStretchFactor(2, 3);
    connectEdits();
    refresh();
}

/// The layer palette (grouped as the registry groups them) and the template chooser.
QWidget* ModelBuilder::buildPalette()
{
    auto* paletteBox = new QGroupBox(tr("Layers"));
    auto* pl = new QVBoxLayout(paletteBox);
    m_palette = new PaletteTree;
    m_palette->setHeaderHidden(true);
    m_palette->setDragEnabled(true);
    m_palette->setObjectName(QStringLiteral("palette"));
    std::map<std::string, QTreeWidgetItem*> groups;
    for (const auto& t : layers::registry()) {
        auto*& group = groups[t.group];
        if (!group) {
            group = new QTreeWidgetItem(m_palette, {QString::fromLatin1(t.group)});
            group->setFlags(Qt::ItemIsEnabled);
        }
        auto* item = new QTreeWidgetItem(group, {QString::fromLatin1(t.name)});
        item->setToolTip(0, QString::fromLatin1(t.help));
        item->setData(0, Qt::UserRole, QString::fromLatin1(t.name));
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsDragEnabled);
    }
    m_palette->expandAll();
    m_palette->installEventFilter(this);
    m_palette->setToolTip(tr("Enter or a double click adds the layer below the selected one"));
    pl->addWidget(m_palette);
    auto* add = new QPushButton(tr("Add below selection"));
    add->setObjectName(QStringLiteral("addLayer"));
    pl->addWidget(add);
    pl->addWidget(new QLabel(tr("Template:")));
    m_templates = new QComboBox;
    m_templates->setObjectName(QStringLiteral("templates"));
    // The longest title would set the palette's width; the popup still shows titles in full.
    m_templates->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_templates->setMinimumContentsLength(14);
    for (const auto& t : templates::all()) {
        m_templates->addItem(QString::fromLatin1(t.title), QString::fromLatin1(t.id));
        m_templates->setItemData(m_templates->count() - 1, QString::fromLatin1(t.description),
                                 Qt::ToolTipRole);
    }
    pl->addWidget(m_templates);
    auto* apply = new QPushButton(tr("Start from template"));
    apply->setObjectName(QStringLiteral("applyTemplate"));
    pl->addWidget(apply);
    connect(add, &QPushButton::clicked, this, &ModelBuilder::addFromPalette);
    connect(m_palette, &QTreeWidget::itemDoubleClicked, this, &ModelBuilder::addFromPalette);
    connect(apply, &QPushButton::clicked, this, &ModelBuilder::askToApplyTemplate);
    return paletteBox;
}

/// The layer stack, its buttons and the selected layer's form.
QWidget* ModelBuilder::buildStack()
{
    // The buttons sit above the list, where the property form's height cannot move
    // them, and the form scrolls inside its own pane.
    auto* stackBox = new QGroupBox(tr("Model"));
    auto* sl = new QVBoxLayout(stackBox);
    auto* buttons = new QHBoxLayout;
    auto* up = new QPushButton(tr("Up"));
    up->setObjectName(QStringLiteral("up"));
    auto* down = new QPushButton(tr("Down"));
    down->setObjectName(QStringLiteral("down"));
    auto* duplicate = new QPushButton(tr("Duplicate"));
    duplicate->setObjectName(QStringLiteral("duplicate"));
    auto* remove = new QPushButton(tr("Delete"));
    remove->setObjectName(QStringLiteral("delete"));
    remove->setToolTip(tr("Deletes the selected layer (Delete key)"));
    for (auto* b : {up, down, duplicate, remove}) {
        b->setMinimumWidth(b->fontMetrics().horizontalAdvance(b->text()) + 16); // not 80 each
        buttons->addWidget(b);
    }
    sl->addLayout(buttons);
    auto* stackSplit = new QSplitter(Qt::Vertical);
    m_stack = new LayerStackView;
    m_stack->setObjectName(QStringLiteral("stack"));
    m_stack->installEventFilter(this);
    stackSplit->addWidget(m_stack);
    m_form = new LayerForm;
    auto* formScroll = new QScrollArea;
    formScroll->setWidgetResizable(true);
    formScroll->setFrameShape(QFrame::NoFrame);
    formScroll->setWidget(m_form);
    stackSplit->addWidget(formScroll);
    // Sized once, not from the first (empty) form: the longest form (Conv1D) shows whole.
    stackSplit->setStretchFactor(0, 2);
    stackSplit->setStretchFactor(1, 3);
    stackSplit->setSizes({200, 300});
    sl->addWidget(stackSplit, 1);
    connect(up, &QPushButton::clicked, this,
            [this] { moveLayer(selectedLayer(), selectedLayer() - 1); });
    connect(down, &QPushButton::clicked, this,
            [this] { moveLayer(selectedLayer(), selectedLayer() + 1); });
    connect(duplicate, &QPushButton::clicked, this, [this] { duplicateLayer(selectedLayer()); });
    connect(remove, &QPushButton::clicked, this, [this] { removeLayer(selectedLayer()); });
    return stackBox;
}

/// The summary table, its totals and problem lines, and the compile settings.
QWidget* ModelBuilder::buildSummaryAndCompile()
{
    auto* right = new QWidget;
    auto* rl = new QVBoxLayout(right);
    rl->setContentsMargins(0, 0, 0, 0);
    auto* summaryBox = new QGroupBox(tr("Summary"));
    auto* sumLayout = new QVBoxLayout(summaryBox);
    m_table = new QTableWidget(0, 3);
    m_table->setObjectName(QStringLiteral("summary"));
    m_table->setHorizontalHeaderLabels({tr("Layer (type)"), tr("Output shape"), tr("Param #")});
    m_table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_table->horizontalHeader()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(2, QHeaderView::ResizeToContents);
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    sumLayout->addWidget(m_table, 1);
    m_totals = new QLabel;
    m_totals->setObjectName(QStringLiteral("totals"));
    m_totals->setWordWrap(true);
    sumLayout->addWidget(m_totals);
    m_problem = new QLabel;
    m_problem->setWordWrap(true);
    m_problem->setObjectName(QStringLiteral("problem"));
    sumLayout->addWidget(m_problem);
    m_fitLabels = new QPushButton;
    m_fitLabels->setObjectName(QStringLiteral("fitLabels"));
    m_fitLabels->setToolTip(tr("Reshape the labels to the model's output, as keras_dna's "
                               "output_shape does (the tutorial's output_shape=(64, 1))"));
    m_fitLabels->hide();
    connect(m_fitLabels, &QPushButton::clicked, this, &ModelBuilder::fitLabelsToModel);
    sumLayout->addWidget(m_fitLabels, 0, Qt::AlignLeft);
    rl->addWidget(summaryBox, 3);
    auto* compileBox = new QGroupBox(tr("Compile"));
    auto* cl = new QVBoxLayout(compileBox);
    m_compile = new CompileForm;
    cl->addWidget(m_compile);
    rl->addWidget(compileBox, 1);
    return right;
}

/// Edits from the stack, the summary, the forms and the document.
void ModelBuilder::connectEdits()
{
    connect(m_stack, &LayerStackView::moveRequested, this, &ModelBuilder::moveLayer);
    connect(m_stack, &LayerStackView::insertRequested, this, [this](const QString& type, int row) {
        addLayer(type, nlohmann::json::object(), row);
    });
    connect(m_stack, &QListWidget::currentRowChanged, this, [this](int row) {
        if (!m_updating)
            select(row);
    });
    connect(m_table, &QTableWidget::currentCellChanged, this, [this](int row) {
        if (!m_updating && row >= 0)
            select(row);
    });
    connect(m_form, &LayerForm::argumentChanged, this,
            [this](const QString& key, const nlohmann::json& value) {
                setArgument(selectedLayer(), key, value);
            });
    connect(m_form, &LayerForm::renamed, this, &ModelBuilder::renameSelected);
    connect(m_form, &LayerForm::inputsChanged, this, &ModelBuilder::setSelectedInputs);
    connect(m_compile, &CompileForm::edited, this,
            [this] { m_doc->setCompile(m_compile->settings()); });
    connect(m_doc, &ProjectDocument::reloaded, this, [this] {
        m_selected = -1; // another project: nothing of the last one stays selected
        m_selectedName.clear();
        refresh();
    });
    connect(m_doc, &ProjectDocument::changed, this, [this](ProjectDocument::Section s) {
        if (s == ProjectDocument::Section::Model || s == ProjectDocument::Section::Dataset ||
            s == ProjectDocument::Section::Compile)
            refresh();
    });
}

void ModelBuilder::renameSelected(const QString& name)
{
    ModelSpec spec = current();
    const int row = selectedLayer();
    if (row < 0 || spec.indexOf(ss(name)) >= 0)
        return;
    const std::string old = spec.layers[static_cast<std::size_t>(row)].name;
    spec.layers[static_cast<std::size_t>(row)].name = ss(name);
    for (auto& l : spec.layers)
        for (auto& in : l.inputs)
            if (in == old)
                in = ss(name);
    for (auto& o : spec.outputs)
        if (o == old)
            o = ss(name);
    commit(spec, tr("Rename %1").arg(qs(old)), row);
}

void ModelBuilder::setSelectedInputs(const QStringList& inputs)
{
    ModelSpec spec = current();
    const int row = selectedLayer();
    if (row < 0)
        return;
    spec.layers[static_cast<std::size_t>(row)].inputs = ssList(inputs);
    commit(spec,
           tr("Change the inputs of %1").arg(qs(spec.layers[static_cast<std::size_t>(row)].name)),
           row);
}

ModelSpec ModelBuilder::current() const
{
    ModelSpec spec = m_doc->project().model;
    spec.normalize();
    return spec;
}

int ModelBuilder::selectedLayer() const
{
    return m_selected;
}

void ModelBuilder::selectLayer(int row)
{
    select(row);
}

void ModelBuilder::select(int row)
{
    const ModelSpec spec = current();
    m_selected = row >= 0 && row < static_cast<int>(spec.layers.size()) ? row : -1;
    m_selectedName =
        m_selected >= 0 ? spec.layers[static_cast<std::size_t>(m_selected)].name : std::string();
    showSelection();
}

void ModelBuilder::showSelection()
{
    const bool wasUpdating = std::exchange(m_updating, true);
    const ModelSpec spec = current();
    m_stack->setCurrentRow(m_selected);
    if (m_selected < 0)
        m_stack->clearSelection();
    if (m_selected >= 0 && m_selected < m_table->rowCount()) {
        m_table->setCurrentCell(m_selected, 0);
        m_table->selectRow(m_selected);
    } else {
        m_table->clearSelection();
    }
    m_form->setLayer(m_selected >= 0 ? &spec.layers[static_cast<std::size_t>(m_selected)]
                                     : nullptr);
    m_updating = wasUpdating;
}

bool ModelBuilder::eventFilter(QObject* watched, QEvent* event)
{
    if (event->type() == QEvent::KeyPress) {
        const int key = static_cast<QKeyEvent*>(event)->key();
        const bool enter = key == Qt::Key_Return || key == Qt::Key_Enter;
        if (watched == m_palette && enter && m_palette->currentItem()) {
            addFromPalette();
            return true;
        }
        if (watched == m_stack && (key == Qt::Key_Delete || key == Qt::Key_Backspace) &&
            m_selected >= 0) {
            removeLayer(m_selected);
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

void ModelBuilder::addFromPalette()
{
    const QTreeWidgetItem* item = m_palette->currentItem();
    const QString type = item ? item->data(0, Qt::UserRole).toString() : QString();
    if (!type.isEmpty())
        addLayer(type, nlohmann::json::object(), selectedLayer());
}

void ModelBuilder::askToApplyTemplate()
{
    const QString id = m_templates->currentData().toString();
    const auto layers = current().layers.size();
    if (layers > 0) {
        const QString title = m_templates->currentText();
        const QString question =
            layers == 1
                ? tr("Replace the layer of the current model with the template \"%1\"?").arg(title)
                : tr("Replace the %1 layers of the current model with the template \"%2\"?")
                      .arg(layers)
                      .arg(title);
        QMessageBox ask(QMessageBox::Question, tr("Start from a template"), question,
                        QMessageBox::Cancel, this);
        ask.setInformativeText(tr("Edit > Undo (Ctrl+Z) brings the current model back."));
        QPushButton* replace = ask.addButton(tr("Replace"), QMessageBox::AcceptRole);
        ask.setDefaultButton(replace);
        ask.exec();
        if (ask.clickedButton() != replace)
            return;
    }
    applyTemplate(id);
}

void ModelBuilder::commit(ModelSpec spec, const QString& what, int select)
{
    spec.normalize();
    if (spec.toJson() == current().toJson())
        return; // a field left without a change is no undo step
    m_selected = select;
    m_selectedName = select >= 0 && select < static_cast<int>(spec.layers.size())
                         ? spec.layers[static_cast<std::size_t>(select)].name
                         : std::string();
    m_doc->setModel(spec, what);
}

int ModelBuilder::addLayer(const QString& type, const nlohmann::json& args, int row)
{
    const layers::LayerType* t = layers::find(ss(type));
    if (!t)
        return -1;
    ModelSpec spec = current();
    const int at = row < 0 || row >= static_cast<int>(spec.layers.size())
                       ? static_cast<int>(spec.layers.size())
                       : row + 1;
    LayerSpec layer;
    layer.type = ss(type);
    layer.args = withDefaults(*t, args);
    // A plain stack: the new layer takes the one above it, and the one below takes the new one.
    const bool isInput = layer.type == "Input";
    if (!isInput && at > 0)
        layer.inputs = {spec.layers[static_cast<std::size_t>(at - 1)].name};
    auto position = spec.layers.insert(spec.layers.begin() + at, layer);
    spec.normalize(); // names it
    if (!isInput && at + 1 < static_cast<int>(spec.layers.size()) && at > 0) {
        LayerSpec& below = spec.layers[static_cast<std::size_t>(at + 1)];
        if (below.inputs ==
            std::vector<std::string>{spec.layers[static_cast<std::size_t>(at - 1)].name})
            below.inputs = {position->name};
    }
    commit(spec, tr("Add %1").arg(type), at);
    return at;
}

void ModelBuilder::removeLayer(int row)
{
    ModelSpec spec = current();
    if (row < 0 || row >= static_cast<int>(spec.layers.size()))
        return;
    const LayerSpec removed = spec.layers[static_cast<std::size_t>(row)];
    spec.layers.erase(spec.layers.begin() + row);
    // Whatever took the removed layer now takes what it took.
    for (auto& l : spec.layers) {
        std::vector<std::string> inputs;
        for (const auto& in : l.inputs) {
            if (in == removed.name)
                inputs.insert(inputs.end(), removed.inputs.begin(), removed.inputs.end());
            else
                inputs.push_back(in);
        }
        l.inputs = inputs;
    }
    spec.outputs.erase(std::remove(spec.outputs.begin(), spec.outputs.end(), removed.name),
                       spec.outputs.end());
    commit(spec, tr("Delete %1").arg(qs(removed.name)),
           std::min(row, static_cast<int>(spec.layers.size()) - 1));
}

void ModelBuilder::moveLayer(int from, int to)
{
    ModelSpec spec = current();
    const int n = static_cast<int>(spec.layers.size());
    if (from < 0 || from >= n || to < 0 || to >= n || from == to)
        return;
    // Reordering a plain stack rewires it in the new order; branch links stay as they are.
    std::vector<bool> stacked(spec.layers.size());
    for (int i = 1; i < n; ++i)
        stacked[static_cast<std::size_t>(i)] =
            spec.layers[static_cast<std::size_t>(i)].inputs ==
            std::vector<std::string>{spec.layers[static_cast<std::size_t>(i - 1)].name};
    LayerSpec moved = spec.layers[static_cast<std::size_t>(from)];
    const bool movedStacked = stacked[static_cast<std::size_t>(from)] || moved.type == "Input";
    spec.layers.erase(spec.layers.begin() + from);
    stacked.erase(stacked.begin() + from);
    spec.layers.insert(spec.layers.begin() + to, moved);
    stacked.insert(stacked.begin() + to, movedStacked);
    for (int i = 1; i < n; ++i)
        if (stacked[static_cast<std::size_t>(i)] &&
            spec.layers[static_cast<std::size_t>(i)].type != "Input")
            spec.layers[static_cast<std::size_t>(i)].inputs = {
                spec.layers[static_cast<std::size_t>(i - 1)].name};
    if (spec.layers.front().type != "Input")
        spec.layers.front().inputs.clear();
    commit(spec, tr("Move %1").arg(qs(moved.name)), to);
}

void ModelBuilder::duplicateLayer(int row)
{
    const ModelSpec spec = current();
    if (row < 0 || row >= static_cast<int>(spec.layers.size()) ||
        spec.layers[static_cast<std::size_t>(row)].type == "Input")
        return;
    const LayerSpec& l = spec.layers[static_cast<std::size_t>(row)];
    addLayer(qs(l.type), l.args, row);
}

void ModelBuilder::setArgument(int row, const QString& argument, const nlohmann::json& value)
{
    ModelSpec spec = current();
    if (row < 0 || row >= static_cast<int>(spec.layers.size()))
        return;
    auto& args = spec.layers[static_cast<std::size_t>(row)].args;
    if (value.is_null())
        args.erase(ss(argument));
    else
        args[ss(argument)] = value;
    commit(spec,
           tr("Set %1 of %2").arg(argument, qs(spec.layers[static_cast<std::size_t>(row)].name)),
           row);
}

void ModelBuilder::applyTemplate(const QString& id)
{
    // Size the template for the data: its window, and as many outputs as the labels hold.
    const DatasetSpec& data = primary(m_doc->project().dataset);
    std::int64_t length = data.inputLength();
    ModelSpec spec = templates::byId(ss(id), length);
    if ((id == QStringLiteral("cnn_regression") || id == QStringLiteral("cnn_classifier")) &&
        !data.annotation_files.empty()) {
        try {
            const std::int64_t outputs =
                elementCount(naturalLabelShape(data, std::max<std::int64_t>(1, length)));
            spec = templates::tutorialCnn(length > 0 ? length : 2001, outputs,
                                          id == QStringLiteral("cnn_classifier") ? "sigmoid"
                                                                                 : "linear");
        } catch (const std::exception&) {
        }
    }
    CompileSettings compile = m_doc->project().compile;
    if (id == QStringLiteral("cnn_classifier") || id == QStringLiteral("seq2seq"))
        compile.loss = {"binary_crossentropy"};
    else if (id == QStringLiteral("classification_and_regression"))
        compile.loss = {"binary_crossentropy", "mae"};
    else
        compile.loss = {"mse"};
    m_doc->undoStack()->beginMacro(tr("Start from template %1").arg(id));
    commit(spec, tr("Start from template %1").arg(id), 0);
    m_doc->setCompile(compile);
    m_doc->undoStack()->endMacro();
}

QString ModelBuilder::describe(const LayerSpec& l) const
{
    // What differs from Keras' defaults, compactly: "filters 16, kernel_size 3, relu".
    const layers::LayerType* type = layers::find(l.type);
    QStringList parts;
    QString activation;
    for (const auto& [k, v] : l.args.items()) {
        if (type && layers::argument(*type, nlohmann::json::object(), k.c_str()) == v)
            continue;
        if (k == "activation") {
            activation = qs(v.get<std::string>());
            continue;
        }
        QString value = qs(v.dump());
        value.remove(QLatin1Char('"'));
        value.replace(QLatin1Char(','), QStringLiteral(", "));
        parts << QStringLiteral("%1 %2").arg(qs(k), value);
    }
    if (!activation.isEmpty())
        parts << activation;
    return parts.join(QStringLiteral(", "));
}

void ModelBuilder::refresh()
{
    const ModelSpec spec = current();
    // The selected layer by name (an undo may have moved it), else the same row.
    const int byName = m_selectedName.empty() ? -1 : spec.indexOf(m_selectedName);
    const int n = static_cast<int>(spec.layers.size());
    m_selected = byName >= 0 ? byName : std::min(m_selected, n - 1);
    m_selectedName =
        m_selected >= 0 ? spec.layers[static_cast<std::size_t>(m_selected)].name : std::string();
    m_updating = true;
    refreshStack(spec);
    m_compile->setSettings(m_doc->project().compile, spec.outputNames());
    refreshSummary();
    m_updating = false;
    showSelection();
}

void ModelBuilder::refreshStack(const ModelSpec& spec)
{
    // Rows are rewritten in place, so the list keeps its scroll position.
    const auto branches = branchesOf(spec);
    const int n = static_cast<int>(spec.layers.size());
    while (m_stack->count() > n)
        delete m_stack->takeItem(m_stack->count() - 1);
    while (m_stack->count() < n)
        m_stack->addItem(new QListWidgetItem);
    for (std::size_t i = 0; i < spec.layers.size(); ++i) {
        const auto& l = spec.layers[i];
        QString text = QStringLiteral("%1 (%2)").arg(qs(l.name), qs(l.type));
        const QString args = describe(l);
        if (!args.isEmpty())
            text += QStringLiteral("  ") + args;
        const bool newBranch = i > 0 && branches[i] != branches[i - 1];
        if (newBranch && !l.inputs.empty())
            text = QStringLiteral("\u21b3 ") + text +
                   tr("   <- %1").arg(qsList(l.inputs).join(QStringLiteral(", ")));
        QListWidgetItem* item = m_stack->item(static_cast<int>(i));
        item->setText(text);
        item->setForeground(colors::series(static_cast<std::size_t>(branches[i])));
        item->setToolTip(tr("branch %1").arg(branches[i] + 1));
    }
}

void ModelBuilder::refreshSummary()
{
    const ModelSpec spec = current();
    m_summary = summarize(spec);
    m_table->setRowCount(static_cast<int>(spec.layers.size()));
    for (int r = 0; r < static_cast<int>(spec.layers.size()); ++r) {
        const auto& l = spec.layers[static_cast<std::size_t>(r)];
        const bool known = r < static_cast<int>(m_summary.layers.size());
        auto set = [&](int c, const QString& text) {
            auto* item = new QTableWidgetItem(text);
            if (c == 2)
                item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            m_table->setItem(r, c, item);
        };
        set(0, QStringLiteral("%1 (%2)").arg(qs(l.name), qs(l.type)));
        set(1, known ? noneShape(m_summary.layers[static_cast<std::size_t>(r)].outputShape)
                     : QString());
        set(2, known ? count(m_summary.layers[static_cast<std::size_t>(r)].params) : QString());
    }
    // The mismatch with the data: the model's inputs and outputs against the generator's shapes.
    m_dataProblems.clear();
    m_labelFit.reset();
    const DatasetSpec& data = primary(m_doc->project().dataset);
    if (m_summary.ok() && !data.annotation_files.empty() && data.inputLength() > 0) {
        try {
            DataShapes shapes;
            shapes.inputs.push_back(predictInputShape(data));
            shapes.targets.push_back(predictLabelShape(data));
            const Shape sec = predictSecInputShape(data);
            if (!sec.empty())
                (data.use_sec_as == SecondaryUse::Targets ? shapes.targets : shapes.inputs)
                    .push_back(sec);
            shapes.batchSize = data.batch_size;
            m_dataProblems = checkAgainstData(spec, m_summary, shapes);
            // A MultiGenerator's output_shape is its own, not the first dataset's.
            if (std::holds_alternative<DatasetSpec>(m_doc->project().dataset))
                m_labelFit = outputShapeToFit(spec, m_summary, shapes);
        } catch (const std::exception& e) {
            m_dataProblems.push_back("the data's shapes are invalid: " + kdna::describe(e));
        }
    }
    const QColor bad(0xfa, 0xdb, 0xd8);
    if (!m_summary.ok() && m_summary.errorLayer >= 0 && m_summary.errorLayer < m_table->rowCount())
        for (int c = 0; c < 3; ++c)
            m_table->item(m_summary.errorLayer, c)->setBackground(bad);
    m_totals->setText(tr("Total params: %1   Trainable: %2   Non-trainable: %3")
                          .arg(count(m_summary.totalParams), count(m_summary.trainableParams),
                               count(m_summary.totalParams - m_summary.trainableParams)));
    m_problem->setText(problemText());
    if (m_labelFit)
        m_fitLabels->setText(fitLabelsText());
    m_fitLabels->setVisible(m_labelFit.has_value());
}

QString ModelBuilder::fitLabelsText() const
{
    return tr("Set output_shape to %1").arg(qs(text::tuple(*m_labelFit)));
}

void ModelBuilder::fitLabelsToModel()
{
    if (!m_labelFit)
        return;
    DatasetSpec data = std::get<DatasetSpec>(m_doc->project().dataset);
    data.output_shape = *m_labelFit;
    m_doc->setDataset(data, fitLabelsText()); // the button's words name the undo step
}

QString ModelBuilder::problemText() const
{
    QStringList lines;
    if (!m_summary.ok())
        lines << tr("Shape mismatch: %1").arg(qs(m_summary.error));
    for (const auto& p : m_dataProblems)
        lines << tr("Does not fit the data: %1").arg(qs(p));
    if (lines.isEmpty())
        return colors::successRichText(tr("The model fits the data."), palette());
    return colors::errorRichText(lines.join(QStringLiteral("<br>"))
                                     .toHtmlEscaped()
                                     .replace(QStringLiteral("&lt;br&gt;"), QStringLiteral("<br>")),
                                 palette());
}

} // namespace kdna::ui
