#pragma once

// What a person does with the mouse and keyboard, for the GUI suites: answer a file dialog by
// typing a path, choose from a combo box's popup, type over a field, tick a table's check box.
// Each returns false (a test then fails) when the screen did not let the action happen; the
// void ones (click, typeInto, choose) fail the test themselves.

#include <functional>

#include <QAbstractButton>
#include <QAbstractItemView>
#include <QAbstractSpinBox>
#include <QApplication>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QLineEdit>
#include <QMessageBox>
#include <QTableWidget>
#include <QTest>
#include <QTimer>

namespace kdna::test {

/// Waits (processing events) until `ready`, at most `ms`.
inline bool waitFor(const std::function<bool()>& ready, int ms = 20000)
{
    return QTest::qWaitFor(ready, ms);
}

/// The modal dialog of type T on screen now, or null.
template<typename T>
T* activeDialog()
{
    return qobject_cast<T*>(QApplication::activeModalWidget());
}

/// Arranges for the next modal dialog of type T to be handled by `act` (it opens from inside a
/// click, whose event loop then runs). `act` returns false when it could not do its part.
template<typename T>
void whenDialogOpens(std::function<void(T*)> act, int ms = 20000)
{
    auto* timer = new QTimer;
    timer->setInterval(50);
    auto waited = std::make_shared<int>(0);
    QObject::connect(timer, &QTimer::timeout, [timer, act, waited, ms] {
        *waited += timer->interval();
        T* dialog = activeDialog<T>();
        if (!dialog || !dialog->isVisible()) {
            if (*waited > ms)
                timer->deleteLater();
            return;
        }
        timer->stop();
        timer->deleteLater();
        act(dialog);
    });
    timer->start();
}

/// Types `path` into a (non-native) file dialog's name field and presses Enter, as a person
/// who knows where the file is does.
inline void typeIntoFileDialog(QFileDialog* dialog, const QString& path)
{
    auto* name = dialog->findChild<QLineEdit*>(QStringLiteral("fileNameEdit"));
    if (!name) {
        dialog->reject();
        return;
    }
    // The dialog settles (its folder is read in the background) before a person types; the
    // path completer's list, when it opens, takes an Enter: close it first.
    QTest::qWait(300);
    for (int attempt = 0; attempt < 20 && dialog->isVisible(); ++attempt) {
        if (QWidget* popup = QApplication::activePopupWidget()) {
            QTest::keyClick(popup, Qt::Key_Escape);
        } else if (name->text() != path) {
            name->setFocus();
            QTest::keyClick(name, Qt::Key_A, Qt::ControlModifier);
            QTest::keyClicks(name, path);
        } else {
            QTest::keyClick(name, Qt::Key_Return);
        }
        QTest::qWait(100);
    }
    if (dialog->isVisible()) {
        qWarning("file dialog still open: name field '%s', directory %s", qPrintable(name->text()),
                 qPrintable(dialog->directory().absolutePath()));
        dialog->reject(); // fail the test, not hang it
    }
}

/// The next file dialog is answered with `path`; `directory` receives the folder it opened in.
inline void answerFileDialog(const QString& path, QString* directory = nullptr)
{
    whenDialogOpens<QFileDialog>([path, directory](QFileDialog* d) {
        if (directory)
            *directory = d->directory().absolutePath();
        typeIntoFileDialog(d, path);
    });
}

/// Clicks `button` once it is enabled; false when it never is.
inline bool clickWhenEnabled(QAbstractButton* button, int ms = 30000)
{
    if (!button || !waitFor([button] { return button->isEnabled() && button->isVisible(); }, ms))
        return false;
    QTest::mouseClick(button, Qt::LeftButton);
    return true;
}

/// Opens the combo box's popup with a click, moves to `text` with the arrow keys, Enter.
inline bool chooseInCombo(QComboBox* box, const QString& text)
{
    if (!box || box->findText(text) < 0)
        return false;
    QTest::mouseClick(box, Qt::LeftButton);
    QAbstractItemView* view = box->view();
    if (!waitFor([view] { return view->isVisible(); }, 3000))
        return false;
    QTest::keyClick(view, Qt::Key_Home);
    for (int i = 0; i < box->count() && view->currentIndex().data().toString() != text; ++i)
        QTest::keyClick(view, Qt::Key_Down);
    QTest::keyClick(view, Qt::Key_Return);
    waitFor([view] { return !view->isVisible(); }, 3000);
    return box->currentText() == text;
}

/// Clicks into a line edit or spin box, selects what is there and types `text` over it.
inline void typeOver(QWidget* field, const QString& text)
{
    QTest::mouseClick(field, Qt::LeftButton); // lands in a spin box's text
    QTest::keyClick(field, Qt::Key_A, Qt::ControlModifier);
    QTest::keyClicks(field, text);
}

/// The text a person reads in `table`'s cell (empty when the cell has no item).
inline QString cellText(const QTableWidget* table, int row, int column)
{
    const auto* item = table->item(row, column);
    return item ? item->text() : QString();
}

/// Ticks or unticks the check box in `table`'s cell by keyboard: a click on the row's first
/// cell, the arrow keys to the column, Space.
inline bool toggleCell(QTableWidget* table, int row, int column)
{
    QTableWidgetItem* first = table->item(row, 0);
    QTableWidgetItem* target = table->item(row, column);
    if (!first || !target)
        return false;
    table->scrollToItem(first);
    const Qt::CheckState before = target->checkState();
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, table->visualItemRect(first).center());
    for (int c = 0; c < column; ++c)
        QTest::keyClick(table, Qt::Key_Right);
    QTest::keyClick(table, Qt::Key_Space);
    return target->checkState() != before;
}

/// A click where a person clicks: delivered to the child widget under the point, as the
/// window system would (a spin box's text field, a list's viewport).
inline void clickAt(QWidget* widget, QPoint pos)
{
    QWidget* target = widget;
    if (QWidget* child = widget->childAt(pos)) {
        pos = child->mapFrom(widget, pos);
        target = child;
    }
    QTest::mouseClick(target, Qt::LeftButton, Qt::NoModifier, pos);
}

inline void click(QWidget* widget)
{
    // New fields show once the event loop has run, as they do for a person.
    QTRY_VERIFY2(widget->isVisible() && widget->isEnabled(), qPrintable(widget->objectName()));
    clickAt(widget, widget->rect().center());
}

/// Click into a field, select what it holds, type, Enter.
inline void typeInto(QWidget* field, const QString& text)
{
    click(field);
    QTest::keyClick(field, Qt::Key_A, Qt::ControlModifier);
    QTest::keyClicks(field, text);
    QTest::keyClick(field, Qt::Key_Return);
}

/// Opens the drop-down with the mouse, walks to `text` with the arrow keys, Enter.
inline void choose(QComboBox* combo, const QString& text)
{
    const int target = combo->findText(text);
    QVERIFY2(target >= 0, qPrintable(text));
    click(combo);
    QTRY_VERIFY(combo->view()->isVisible());
    QAbstractItemView* popup = combo->view();
    const int steps = target - popup->currentIndex().row();
    for (int i = 0; i < std::abs(steps); ++i)
        QTest::keyClick(popup, steps > 0 ? Qt::Key_Down : Qt::Key_Up);
    QTest::keyClick(popup, Qt::Key_Return);
    QTRY_VERIFY(!combo->view()->isVisible());
    QCOMPARE(combo->currentText(), text);
}

/// Answers the next message box with `key` once it shows.
inline void answerNextMessageBox(Qt::Key key, QString* text = nullptr)
{
    auto* poll = new QTimer;
    poll->setInterval(20);
    QObject::connect(poll, &QTimer::timeout, [poll, key, text] {
        auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
        if (!box || !box->isVisible())
            return;
        if (text)
            *text = box->text();
        QTest::keyClick(box, key);
        poll->deleteLater();
    });
    poll->start();
}

} // namespace kdna::test
