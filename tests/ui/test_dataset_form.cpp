// The keyword form is the catalog's (core/data/dataset_keywords.h): for each kind of data a
// person chooses in the wizard, by the files and roles they pick, every keyword the catalog
// places in the form for that kind has a visible field with the catalog's tooltip and words,
// and no field shows that is not one of those keywords.

#include "core/data/dataset_keywords.h"
#include "core/project/demo_data.h"
#include "support/demo_scratch.h"
#include "support/fixtures.h"
#include "ui/data/data_wizard.h"
#include "ui/data/dataset_form.h"
#include "ui/style/colors.h"
#include "user_actions.h"
#include "wizard_actions.h"

#include <QAbstractButton>
#include <QAbstractSpinBox>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QTableWidget>
#include <QTest>

using namespace kdna;
using namespace kdna::ui;
using namespace kdna::test;

namespace {

/// A control a person sets a value with (a spin box's own line edit is part of the spin box).
bool isInput(const QWidget* w)
{
    if (qobject_cast<const QAbstractSpinBox*>(w) || qobject_cast<const QComboBox*>(w) ||
        qobject_cast<const QAbstractButton*>(w))
        return true;
    if (qobject_cast<const QLineEdit*>(w))
        return !qobject_cast<const QAbstractSpinBox*>(w->parentWidget()) &&
               !qobject_cast<const QComboBox*>(w->parentWidget());
    return false;
}

/// The catalog keyword a control belongs to: its own or an enclosing field's name.
const KeywordInfo* keywordOf(const QWidget* w, const QWidget* form)
{
    for (; w && w != form; w = w->parentWidget())
        if (const KeywordInfo* k = findKeyword(w->objectName().toStdString()))
            return k;
    return nullptr;
}

QString wordText(const char* w)
{
    return w ? QString::fromLatin1(w) : QStringLiteral("None");
}

} // namespace

class TestDatasetForm : public QObject {
    Q_OBJECT

    test::ScratchDir m_dir;
    DemoFiles m_demo;

    static QString path(const std::filesystem::path& p)
    {
        return QString::fromStdString(p.string());
    }

    /// Adds `file` on the tracks page through its Add button and file dialog, as `role`.
    void addTrack(DataWizard& wizard, const QString& file, const QString& role)
    {
        auto* tracks = wizard.findChild<QTableWidget*>(QStringLiteral("tracks"));
        QVERIFY(tracks);
        const int row = tracks->rowCount();
        answerFileDialog(file);
        QTest::mouseClick(wizard.findChild<QPushButton*>(QStringLiteral("addTracks")),
                          Qt::LeftButton);
        QVERIFY(waitFor([&] {
            return tracks->rowCount() > row && tracks->cellWidget(row, 2) != nullptr &&
                   !wizard.tracksPage()->isScanning();
        }));
        auto* roles = qobject_cast<QComboBox*>(tracks->cellWidget(row, 2));
        QVERIFY(roles);
        QVERIFY2(chooseInCombo(roles, role), qPrintable(role));
    }

private Q_SLOTS:
    void initTestCase()
    {
        test::startGuiSuite(m_dir);
        QCoreApplication::setAttribute(Qt::AA_DontUseNativeDialogs);
        m_demo = writeDemoData(m_dir.file("demo"));
    }

    void errorLinesTakeTheThemesErrorColour()
    {
        // On a dark desktop the light theme's red is hard to read: the form's error lines take
        // the colour from ui/style, as every other error sentence does.
        const QPalette before = QApplication::palette();
        QPalette dark = before;
        dark.setColor(QPalette::Base, QColor(0x20, 0x20, 0x20));
        dark.setColor(QPalette::Window, QColor(0x30, 0x30, 0x30));
        QApplication::setPalette(dark);
        const auto restore = qScopeGuard([&] { QApplication::setPalette(before); });
        DatasetForm form;
        const auto errors =
            form.findChildren<QLabel*>(QRegularExpression(QStringLiteral("_error$")));
        QVERIFY(!errors.isEmpty());
        for (const QLabel* e : errors)
            QCOMPARE(e->styleSheet(), colors::errorStyleSheet(form.palette()));
    }

    void everyKeywordOfTheKindHasItsField_data()
    {
        QTest::addColumn<bool>("sparse");
        QTest::addColumn<bool>("secondary");
        QTest::newRow("bigWig targets") << false << false;
        QTest::newRow("BED annotations") << true << false;
        QTest::newRow("bigWig targets and a secondary input") << false << true;
        QTest::newRow("BED annotations and a secondary input") << true << true;
    }

    void everyKeywordOfTheKindHasItsField()
    {
        QFETCH(bool, sparse);
        QFETCH(bool, secondary);
        DataWizard wizard;
        wizard.show();
        QVERIFY(QTest::qWaitForWindowExposed(&wizard));

        // The kind is chosen as a person chooses it: by the files added and their roles.
        typeOver(wizard.findChild<QLineEdit*>(QStringLiteral("fasta_file")), path(m_demo.fasta));
        QVERIFY(clickWhenEnabled(wizard.button(QWizard::NextButton)));
        addTrack(wizard, path(sparse ? m_demo.peaks : m_demo.signal), QStringLiteral("target"));
        if (secondary)
            addTrack(wizard, path(m_demo.signal), QStringLiteral("secondary input"));
        if (QTest::currentTestFailed())
            return;
        QVERIFY(clickWhenEnabled(wizard.button(QWizard::NextButton)));
        test::WalkData d;
        d.train = {"chr1", "chr2"};
        d.validation = {"chr3"};
        d.test = {"chr4"};
        test::chooseSplits(wizard.findChild<QTableWidget*>(QStringLiteral("splits")), d);
        if (QTest::currentTestFailed())
            return;
        QVERIFY(clickWhenEnabled(wizard.button(QWizard::NextButton)));
        QCOMPARE(wizard.currentId(), int(DataWizard::WindowsId));

        DatasetForm* form = wizard.windowsPage()->form();
        const DataKind kind = sparse ? DataKind::Sparse : DataKind::Continuous;
        QVERIFY(wizard.choice().spec.kind() == kind);
        int shown = 0;
        for (const auto& k : datasetKeywordCatalog()) {
            const QString name = QString::fromLatin1(k.name);
            auto* field = form->findChild<QWidget*>(name);
            if (k.place != KeywordPlace::Form) {
                QVERIFY2(!field, k.name); // set on the other pages, or fixed
                continue;
            }
            QVERIFY2(field, k.name);
            if (!keywordApplies(k, kind, secondary)) {
                QVERIFY2(!field->isVisible(), k.name);
                continue;
            }
            ++shown;
            QVERIFY2(field->isVisible(), k.name);
            const QString tip = field->toolTip();
            QVERIFY2(tip.contains(QStringLiteral("<b>") + name + QStringLiteral("</b>")) &&
                         tip.contains(QString::fromUtf8(k.help).toHtmlEscaped()),
                     qPrintable(name + QStringLiteral(": ") + tip));
            // A mode offers the catalog's words, in its order.
            if (k.type == KeywordType::Choice || k.type == KeywordType::ChoiceList) {
                QStringList words;
                if (k.type == KeywordType::ChoiceList)
                    words << wordText(nullptr);
                for (const char* w : k.words)
                    words << wordText(w);
                const auto boxes = qobject_cast<QComboBox*>(field)
                                       ? QList<QComboBox*>{qobject_cast<QComboBox*>(field)}
                                       : field->findChildren<QComboBox*>();
                QVERIFY2(!boxes.isEmpty(), k.name);
                for (const QComboBox* box : boxes) {
                    QStringList offered;
                    for (int i = 0; i < box->count(); ++i)
                        offered << box->itemText(i);
                    QCOMPARE(offered, words);
                }
            }
        }
        QVERIFY(shown > 0);

        // No control on screen without a keyword of this kind behind it.
        for (QWidget* w : form->findChildren<QWidget*>()) {
            if (!isInput(w) || !w->isVisible())
                continue;
            const KeywordInfo* k = keywordOf(w, form);
            QVERIFY2(k, qPrintable(QString::fromLatin1(w->metaObject()->className()) +
                                   QStringLiteral(" ") + w->objectName() +
                                   QStringLiteral(" has no keyword")));
            QVERIFY2(k->place == KeywordPlace::Form && keywordApplies(*k, kind, secondary),
                     k->name);
        }
        wizard.reject();
    }
};

QTEST_MAIN(TestDatasetForm)
#include "test_dataset_form.moc"
