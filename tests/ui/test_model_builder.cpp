// The Model step driven as a person drives it: clicks on the palette, the stack, the buttons and
// the summary; typing, arrows, the wheel and drop-down popups in the property form; Delete,
// Enter and Ctrl+Z. What is checked is what the screen shows.
#include "core/model/templates.h"
#include "support/demo_scratch.h"
#include "support/fixtures.h"
#include "ui/bridge/project_document.h"
#include "ui/model/model_builder.h"
#include "user_actions.h"

#include <QAbstractItemView>
#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPointer>
#include <QPushButton>
#include <QSpinBox>
#include <QStyleOptionButton>
#include <QStyleOptionSpinBox>
#include <QTableWidget>
#include <QTest>
#include <QTimer>
#include <QTreeWidget>
#include <QUndoStack>
#include <QWheelEvent>

using namespace kdna;
using namespace kdna::ui;
using namespace kdna::test;

namespace {

/// A check box is clicked on its box or its text, not anywhere in its row.
void clickCheckBox(QCheckBox* box)
{
    QTRY_VERIFY(box->isVisible());
    QStyleOptionButton option;
    option.initFrom(box);
    option.text = box->text();
    const QRect hit = box->style()->subElementRect(QStyle::SE_CheckBoxClickRect, &option, box);
    QTest::mouseClick(box, Qt::LeftButton, Qt::NoModifier, hit.center());
}

void clickRow(QListWidget* list, int row)
{
    QVERIFY(row < list->count());
    list->scrollToItem(list->item(row));
    QTest::mouseClick(list->viewport(), Qt::LeftButton, Qt::NoModifier,
                      list->visualItemRect(list->item(row)).center());
}

void clickCell(QTableWidget* table, int row)
{
    QTest::mouseClick(table->viewport(), Qt::LeftButton, Qt::NoModifier,
                      table->visualItemRect(table->item(row, 0)).center());
}

void clickPaletteEntry(QTreeWidget* palette, const QString& type)
{
    QTreeWidgetItem* entry = nullptr; // a layer, not the group of the same name ("Input")
    for (QTreeWidgetItem* item : palette->findItems(type, Qt::MatchExactly | Qt::MatchRecursive))
        if (item->childCount() == 0)
            entry = item;
    QVERIFY2(entry, qPrintable(type));
    palette->scrollToItem(entry);
    QTest::mouseClick(palette->viewport(), Qt::LeftButton, Qt::NoModifier,
                      palette->visualItemRect(entry).center());
    QCOMPARE(palette->currentItem(), entry);
}

/// Turns the mouse wheel over `widget` by `notches` (positive: away from the user).
void turnWheel(QWidget* widget, int notches)
{
    const QPointF pos = QPointF(widget->rect().center());
    QWheelEvent wheel(pos, QPointF(widget->mapToGlobal(pos.toPoint())), QPoint(),
                      QPoint(0, 120 * notches), Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase,
                      false);
    QApplication::sendEvent(widget, &wheel);
}

/// Where the style draws a spin box's up arrow.
QPoint upArrow(QAbstractSpinBox* spin)
{
    QStyleOptionSpinBox option;
    option.initFrom(spin);
    option.subControls = QStyle::SC_All;
    option.buttonSymbols = spin->buttonSymbols();
    option.frame = spin->hasFrame();
    option.stepEnabled = QAbstractSpinBox::StepUpEnabled | QAbstractSpinBox::StepDownEnabled;
    return spin->style()
        ->subControlRect(QStyle::CC_SpinBox, &option, QStyle::SC_SpinBoxUp, spin)
        .center();
}

/// A project whose data wants (2001, 4) in and one value out, as in the tutorial.
Project tutorialData()
{
    Project p;
    DatasetSpec s;
    s.fasta_file = "genome.fa";
    s.annotation_files = {"signal.bw"};
    s.window = 2001;
    s.output_shape = {64, 1};
    p.dataset = s;
    return p;
}

/// The builder in a window as the studio shows it, with the studio's Ctrl+Z.
struct Screen {
    ProjectDocument doc;
    ModelBuilder* builder = nullptr;
    QWidget window;

    explicit Screen(const Project& project)
    {
        doc.reset(project, {});
        builder = new ModelBuilder(&doc, &window);
        auto* layout = new QHBoxLayout(&window);
        layout->addWidget(builder);
        QAction* undo = doc.undoStack()->createUndoAction(&window);
        undo->setShortcut(QKeySequence::Undo);
        window.addAction(undo);
        window.resize(1280, 900);
        window.show();
    }
    /// Shown and focused (under a bare X server no window manager focuses it on its own).
    [[nodiscard]] bool ready()
    {
        if (!QTest::qWaitForWindowExposed(&window))
            return false;
        window.activateWindow();
        return QTest::qWaitForWindowActive(&window);
    }

    template<typename T = QWidget>
    [[nodiscard]] T* find(const QString& name) const
    {
        return builder->findChild<T*>(name);
    }
    [[nodiscard]] QListWidget* stack() const { return find<QListWidget>(QStringLiteral("stack")); }
    [[nodiscard]] QTableWidget* summary() const
    {
        return find<QTableWidget>(QStringLiteral("summary"));
    }
    [[nodiscard]] QTreeWidget* palette() const
    {
        return find<QTreeWidget>(QStringLiteral("palette"));
    }
    [[nodiscard]] QPushButton* button(const char* name) const
    {
        return find<QPushButton>(QString::fromLatin1(name));
    }
    /// A field of the property form, which shows the selected layer.
    template<typename T = QWidget>
    [[nodiscard]] T* field(const char* argument) const
    {
        return find<T>(QString::fromLatin1(argument));
    }
    [[nodiscard]] QString shape(int row) const { return summary()->item(row, 1)->text(); }
    [[nodiscard]] QString params(int row) const { return summary()->item(row, 2)->text(); }
    [[nodiscard]] QString totals() const { return find<QLabel>(QStringLiteral("totals"))->text(); }
    [[nodiscard]] QString problem() const
    {
        return find<QLabel>(QStringLiteral("problem"))->text();
    }
    [[nodiscard]] QList<int> summarySelection() const
    {
        QList<int> rows;
        for (const QModelIndex& i : summary()->selectionModel()->selectedRows())
            rows << i.row();
        return rows;
    }
    /// The stack and the summary select the same single layer, the one the form shows.
    void checkOneSelection(int row) const
    {
        QCOMPARE(stack()->currentRow(), row);
        QCOMPARE(stack()->selectedItems().size(), 1);
        QCOMPARE(summarySelection(), QList<int>{row});
        const QString name = summary()->item(row, 0)->text().section(QLatin1Char(' '), 0, 0);
        QCOMPARE(field<QLineEdit>("name")->text(), name);
    }
    void undo()
    {
        // Back in the window after a dialog, as a click on it would bring it.
        if (!window.isActiveWindow()) {
            window.activateWindow();
            QVERIFY(QTest::qWaitForWindowActive(&window));
        }
        QTest::keyClick(&window, Qt::Key_Z, Qt::ControlModifier);
    }
    void addFromPalette(const QString& type)
    {
        clickPaletteEntry(palette(), type);
        QTest::keyClick(palette(), Qt::Key_Return);
    }
};

} // namespace

class TestModelBuilder : public QObject {
    Q_OBJECT

    test::ScratchDir m_dir;

private Q_SLOTS:
    void initTestCase() { test::startGuiSuite(m_dir); }

    /// A 1024 x 700 window leaves the step about 860 x 600 beside the step list and bars.
    void fitsASmallWindow()
    {
        Project p = tutorialData();
        p.model = templates::tutorialCnn(2001);
        Screen s(p);
        QVERIFY(s.ready());
        clickRow(s.stack(), 1); // the longest form
        QTest::qWait(50);
        const QSize least = s.builder->minimumSizeHint();
        QVERIFY2(least.width() <= 860 && least.height() <= 600,
                 qPrintable(QStringLiteral("%1 x %2").arg(least.width()).arg(least.height())));
    }

    /// The crash of issue 14: each of these edits destroyed the field while it was emitting.
    void editingLayerFieldsKeepsTheFieldAndUpdatesTheSummary()
    {
        Project p = tutorialData();
        p.model = templates::tutorialCnn(2001);
        Screen s(p);
        QVERIFY(s.ready());
        clickRow(s.stack(), 1);
        s.checkOneSelection(1);
        QCOMPARE(s.params(1), QStringLiteral("208"));

        // Typing into filters, then Enter: one edit, and the cursor stays in the field.
        QPointer<QSpinBox> filters = s.field<QSpinBox>("filters");
        QVERIFY(filters);
        const int steps = s.doc.undoStack()->count();
        typeInto(filters, QStringLiteral("24"));
        QVERIFY(filters);
        QCOMPARE(s.shape(1), QStringLiteral("(None, 1999, 24)"));
        QCOMPARE(s.params(1), QStringLiteral("312")); // 3 * 4 * 24 + 24
        QCOMPARE(s.doc.undoStack()->count(), steps + 1);
        QVERIFY(filters->hasFocus());

        // The up arrow key on the focused field, then a click on the up arrow.
        QTest::keyClick(filters, Qt::Key_Up);
        QVERIFY(filters);
        QCOMPARE(filters->value(), 25);
        QCOMPARE(s.params(1), QStringLiteral("325"));
        clickAt(filters, upArrow(filters));
        QVERIFY(filters);
        QCOMPARE(filters->value(), 26);
        QCOMPARE(s.params(1), QStringLiteral("338"));

        // The wheel on the spin box.
        turnWheel(filters, 1);
        QVERIFY(filters);
        QCOMPARE(filters->value(), 27);
        QCOMPARE(s.shape(1), QStringLiteral("(None, 1999, 27)"));
        QCOMPARE(s.params(1), QStringLiteral("351"));

        // The activation chosen in its drop-down by keys, then moved on by the wheel.
        QPointer<QComboBox> activation = s.field<QComboBox>("activation");
        choose(activation, QStringLiteral("tanh"));
        QVERIFY(activation);
        QVERIFY2(s.stack()->item(1)->text().endsWith(QStringLiteral("tanh")),
                 qPrintable(s.stack()->item(1)->text()));
        turnWheel(activation, -1);
        QVERIFY(activation);
        QCOMPARE(activation->currentText(), QStringLiteral("softmax"));
        QVERIFY(s.stack()->item(1)->text().endsWith(QStringLiteral("softmax")));
        // Padding "same" keeps the length.
        choose(s.field<QComboBox>("padding"), QStringLiteral("same"));
        QCOMPARE(s.shape(1), QStringLiteral("(None, 2001, 27)"));

        // A list field (the Input's shape): the whole model follows.
        clickRow(s.stack(), 0);
        s.checkOneSelection(0);
        typeInto(s.field("shape"), QStringLiteral("1001, 4"));
        QCOMPARE(s.shape(0), QStringLiteral("(None, 1001, 4)"));
        QCOMPARE(s.shape(1), QStringLiteral("(None, 1001, 27)"));
        QVERIFY(s.problem().contains(QStringLiteral("Does not fit the data")));

        // Each edit is one undo step: Ctrl+Z walks back through them.
        s.undo();
        QCOMPARE(s.shape(0), QStringLiteral("(None, 2001, 4)"));
        s.checkOneSelection(0);
        for (int i = 0; i < 7; ++i)
            s.undo();
        QCOMPARE(s.params(1), QStringLiteral("208"));
        QVERIFY(s.stack()->item(1)->text().endsWith(QStringLiteral("relu")));
    }

    /// The tutorial's network, built from an empty stack by clicks and keys only.
    void buildTheTutorialCnnByHand()
    {
        Screen s(tutorialData());
        QVERIFY(s.ready());
        QCOMPARE(s.stack()->count(), 0);

        s.addFromPalette(QStringLiteral("Input"));
        QCOMPARE(s.stack()->count(), 1);
        typeInto(s.field("name"), QStringLiteral("dna"));
        typeInto(s.field("shape"), QStringLiteral("2001, 4"));
        QCOMPARE(s.summary()->item(0, 0)->text(), QStringLiteral("dna (Input)"));
        const std::pair<int, int> convolutions[] = {{16, 3}, {32, 10}, {64, 20}};
        for (const auto& [filters, kernel] : convolutions) {
            s.addFromPalette(QStringLiteral("Conv1D"));
            typeInto(s.field("filters"), QString::number(filters));
            typeInto(s.field("kernel_size"), QString::number(kernel));
            choose(s.field<QComboBox>("activation"), QStringLiteral("relu"));
            s.addFromPalette(QStringLiteral("MaxPooling1D"));
            typeInto(s.field("pool_size"), QStringLiteral("2"));
        }
        s.addFromPalette(QStringLiteral("Flatten"));
        // The Dense layer through the button this time.
        clickPaletteEntry(s.palette(), QStringLiteral("Dense"));
        click(s.button("addLayer"));
        typeInto(s.field("units"), QStringLiteral("1"));
        choose(s.field<QComboBox>("activation"), QStringLiteral("linear"));
        QCOMPARE(s.stack()->count(), 9);
        s.checkOneSelection(8);

        const QStringList shapes = {
            QStringLiteral("(None, 2001, 4)"), QStringLiteral("(None, 1999, 16)"),
            QStringLiteral("(None, 999, 16)"), QStringLiteral("(None, 990, 32)"),
            QStringLiteral("(None, 495, 32)"), QStringLiteral("(None, 476, 64)"),
            QStringLiteral("(None, 238, 64)"), QStringLiteral("(None, 15232)"),
            QStringLiteral("(None, 1)")};
        const QStringList params = {
            QStringLiteral("0"),     QStringLiteral("208"), QStringLiteral("0"),
            QStringLiteral("5,152"), QStringLiteral("0"),   QStringLiteral("41,024"),
            QStringLiteral("0"),     QStringLiteral("0"),   QStringLiteral("15,233")};
        for (int r = 0; r < 9; ++r) {
            QCOMPARE(s.shape(r), shapes[r]);
            QCOMPARE(s.params(r), params[r]);
        }
        QVERIFY2(s.totals().startsWith(QStringLiteral("Total params: 61,617")),
                 qPrintable(s.totals()));
        QVERIFY2(s.problem().contains(QStringLiteral("fits the data")), qPrintable(s.problem()));
        QCOMPARE(s.stack()->item(1)->text(),
                 QStringLiteral("conv1d (Conv1D)  filters 16, kernel_size 3, relu"));

        // Two outputs where the data has one: flagged, and explained.
        typeInto(s.field("units"), QStringLiteral("2"));
        QVERIFY2(s.problem().contains(QStringLiteral("gives (2,) but the targets are (1,)")),
                 qPrintable(s.problem()));
        s.undo();
        QVERIFY(s.problem().contains(QStringLiteral("fits the data")));
        // Too short an input for the convolutions: the layer that cannot be built is marked.
        clickRow(s.stack(), 0);
        typeInto(s.field("shape"), QStringLiteral("60, 4"));
        QVERIFY(s.problem().contains(QStringLiteral("conv1d_2")));
        QVERIFY(s.summary()->item(5, 0)->background().color() != QColor());
        s.undo();
        QVERIFY(s.totals().startsWith(QStringLiteral("Total params: 61,617")));
    }

    void buttonsStayUnderThePointerWhateverTheFormShows()
    {
        Project p = tutorialData();
        p.model = templates::tutorialCnn(2001);
        Screen s(p);
        QVERIFY(s.ready());
        auto where = [&] {
            QTest::qWait(50); // the new fields show and the layout settles
            QList<QPoint> at;
            for (const char* name : {"up", "down", "duplicate", "delete"})
                at << s.button(name)->mapTo(&s.window, QPoint());
            return at;
        };
        const QList<QPoint> before = where();
        clickRow(s.stack(), 0); // Input: two fields
        QCOMPARE(where(), before);
        clickRow(s.stack(), 1); // Conv1D: nine
        QCOMPARE(where(), before);
        clickRow(s.stack(), 7); // Flatten
        QCOMPARE(where(), before);
        clickRow(s.stack(), 8); // Dense
        QCOMPARE(where(), before);
    }

    void stackSummaryAndFormSelectTheSameLayer()
    {
        Project p = tutorialData();
        p.model = templates::tutorialCnn(2001);
        Screen s(p);
        QVERIFY(s.ready());
        clickRow(s.stack(), 3);
        s.checkOneSelection(3);
        // A click in the summary selects there too.
        clickCell(s.summary(), 5);
        s.checkOneSelection(5);

        // Duplicate: the copy, below, is selected everywhere.
        click(s.button("duplicate"));
        QCOMPARE(s.stack()->count(), 10);
        s.checkOneSelection(6);
        QCOMPARE(s.summary()->item(6, 0)->text(), QStringLiteral("conv1d_3 (Conv1D)"));
        QCOMPARE(s.params(6), QStringLiteral("81,984")); // 20 * 64 * 64 + 64
        // Undo: the copy goes, and the selection is the same everywhere.
        s.undo();
        QCOMPARE(s.stack()->count(), 9);
        s.checkOneSelection(6);

        // Up and Down move the layer and the selection with it.
        clickRow(s.stack(), 2);
        click(s.button("down"));
        QCOMPARE(s.summary()->item(3, 0)->text(), QStringLiteral("max_pooling1d (MaxPooling1D)"));
        s.checkOneSelection(3);
        click(s.button("up"));
        s.checkOneSelection(2);
        QCOMPARE(s.params(3), QStringLiteral("5,152"));

        // Delete (the button, then the key on the list).
        clickRow(s.stack(), 7);
        click(s.button("delete"));
        QCOMPARE(s.stack()->count(), 8);
        s.checkOneSelection(7);
        QVERIFY(!s.problem().contains(QStringLiteral("fits the data"))); // Dense on 3 axes
        s.undo(); // the layer selected after the delete stays selected
        s.checkOneSelection(8);
        QCOMPARE(s.summary()->item(7, 0)->text(), QStringLiteral("flatten (Flatten)"));
        clickRow(s.stack(), 6);
        QTest::keyClick(s.stack(), Qt::Key_Delete);
        QCOMPARE(s.stack()->count(), 8);
        QCOMPARE(s.summary()->item(6, 0)->text(), QStringLiteral("flatten (Flatten)"));
        s.checkOneSelection(6);
        QCOMPARE(s.shape(6), QStringLiteral("(None, 30464)")); // 476 * 64
        s.undo();
        QCOMPARE(s.stack()->count(), 9);
        s.checkOneSelection(7);
        QVERIFY(s.totals().startsWith(QStringLiteral("Total params: 61,617")));

        // Enter on the palette adds below the selected layer, and selects the new one.
        clickRow(s.stack(), 1);
        s.addFromPalette(QStringLiteral("Dropout"));
        QCOMPARE(s.stack()->count(), 10);
        QCOMPARE(s.summary()->item(2, 0)->text(), QStringLiteral("dropout (Dropout)"));
        s.checkOneSelection(2);
    }

    void startFromTemplateAsksAndCanBeUndone()
    {
        Project p = tutorialData();
        p.model = templates::tutorialCnn(2001);
        Screen s(p);
        QVERIFY(s.ready());
        choose(s.find<QComboBox>(QStringLiteral("templates")),
               QString::fromLatin1(templates::all().back().title));
        QCOMPARE(templates::all().back().id, std::string("classification_and_regression"));

        // Escape keeps the model.
        QString question;
        answerNextMessageBox(Qt::Key_Escape, &question);
        click(s.button("applyTemplate"));
        QVERIFY2(question.contains(QStringLiteral("9 layers")), qPrintable(question));
        QCOMPARE(s.stack()->count(), 9);
        QCOMPARE(s.doc.project().compile.loss.size(), std::size_t(1));

        // Enter replaces it; the branches show.
        answerNextMessageBox(Qt::Key_Return);
        click(s.button("applyTemplate"));
        QVERIFY(s.stack()->count() != 9);
        const QString last = s.stack()->item(s.stack()->count() - 1)->text();
        QVERIFY2(last.contains(QStringLiteral("<- flatten")), qPrintable(last));
        QCOMPARE(s.doc.project().compile.loss.size(), std::size_t(2));
        QCOMPARE(s.find<QComboBox>(QStringLiteral("loss_1"))->currentText(), QStringLiteral("mae"));

        // Ctrl+Z brings the tutorial network back, in one step.
        s.undo();
        QCOMPARE(s.stack()->count(), 9);
        QVERIFY(s.totals().startsWith(QStringLiteral("Total params: 61,617")));
        QCOMPARE(s.doc.project().compile.loss.size(), std::size_t(1));

        // An empty model is replaced without a question.
        Screen empty(tutorialData());
        QVERIFY(empty.ready());
        choose(empty.find<QComboBox>(QStringLiteral("templates")),
               QString::fromLatin1(templates::all().front().title));
        click(empty.button("applyTemplate"));
        QCOMPARE(empty.stack()->count(), 9);
        QVERIFY(empty.totals().startsWith(QStringLiteral("Total params: 61,617")));
    }

    /// The wizard leaves output_shape natural, so a regression on one bigWig gives (1, 1)
    /// labels while the template's Dense(1) gives (1,): one click sets output_shape as the
    /// tutorial does, and Ctrl+Z takes it back.
    void aLabelMismatchIsFixedInOneClick()
    {
        Project p = tutorialData();
        std::get<DatasetSpec>(p.dataset).output_shape.clear();
        Screen s(p);
        QVERIFY(s.ready());
        QString regression;
        for (const auto& t : templates::all())
            if (t.id == std::string("cnn_regression"))
                regression = QString::fromLatin1(t.title);
        choose(s.find<QComboBox>(QStringLiteral("templates")), regression);
        click(s.button("applyTemplate"));
        QTRY_COMPARE(s.stack()->count(), 9);
        QVERIFY2(s.problem().contains(QStringLiteral("output_shape (64, 1) makes them match")),
                 qPrintable(s.problem()));
        QPushButton* fit = s.button("fitLabels");
        QVERIFY(fit->isVisible());
        QCOMPARE(fit->text(), QStringLiteral("Set output_shape to (64, 1)"));

        click(fit);
        QVERIFY2(s.problem().contains(QStringLiteral("fits the data")), qPrintable(s.problem()));
        QVERIFY(!fit->isVisible());
        QCOMPARE(std::get<DatasetSpec>(s.doc.project().dataset).output_shape,
                 (std::vector<std::int64_t>{64, 1}));

        s.undo();
        QVERIFY(std::get<DatasetSpec>(s.doc.project().dataset).output_shape.empty());
        QVERIFY(fit->isVisible());
        QVERIFY(s.problem().contains(QStringLiteral("Does not fit the data")));
    }

    /// The compile settings' loss box lived on the same path as the layer fields.
    void choosingALossKeepsTheBox()
    {
        Project p = tutorialData();
        p.model = templates::tutorialCnn(2001);
        Screen s(p);
        QVERIFY(s.ready());
        QPointer<QComboBox> loss = s.find<QComboBox>(QStringLiteral("loss_0"));
        choose(loss, QStringLiteral("poisson"));
        QVERIFY(loss);
        QCOMPARE(s.doc.project().compile.loss, std::vector<std::string>{"poisson"});
        turnWheel(loss, 1);
        QVERIFY(loss);
        QCOMPARE(loss->currentText(), QStringLiteral("categorical_crossentropy"));
        clickCheckBox(s.find<QCheckBox>(QStringLiteral("metric_correlate")));
        QVERIFY(s.find<QCheckBox>(QStringLiteral("metric_correlate"))->isChecked());
        QCOMPARE(s.doc.project().compile.metrics.back(), std::string("correlate"));
    }

    /// The tutorial's classifiers compile with metrics=['AUC'] (and every metric kdna computes):
    /// the form offers each, labelled with its Keras name, and a click adds it.
    void everyMetricCanBeTicked()
    {
        Project p = tutorialData();
        p.model = templates::tutorialCnn(2001);
        p.compile.metrics.clear();
        Screen s(p);
        QVERIFY(s.ready());
        for (const char* name : {"accuracy", "mae", "mse", "AUC", "correlate"}) {
            QCheckBox* box = s.find<QCheckBox>(QStringLiteral("metric_") + QLatin1String(name));
            QVERIFY2(box, name);
            QCOMPARE(box->text(), QLatin1String(name));
            QVERIFY(!box->isChecked());
        }
        clickCheckBox(s.find<QCheckBox>(QStringLiteral("metric_AUC")));
        QVERIFY(s.find<QCheckBox>(QStringLiteral("metric_AUC"))->isChecked());
        QCOMPARE(s.doc.project().compile.metrics, std::vector<std::string>{"AUC"});
    }
};

QTEST_MAIN(TestModelBuilder)
#include "test_model_builder.moc"
