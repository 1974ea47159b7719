#include "bridge/project_document.h"
#include "data/data_step.h"
#include "data/shape_previewer.h"
#include "main/main_window.h"
#include "model/model_builder.h"
#include "support/fixtures.h"

#include <QApplication>
#include <QImage>
#include <QListWidget>
#include <QSettings>
#include <QTest>
#include <QTimer>

using namespace kdna;
using namespace kdna::ui;

class TestMainWindow : public QObject {
    Q_OBJECT

    test::ScratchDir m_dir;

private Q_SLOTS:
    void initTestCase()
    {
        qputenv("XDG_CACHE_HOME", QByteArray::fromStdString(m_dir.file("cache").string()));
        qputenv("XDG_CONFIG_HOME", QByteArray::fromStdString(m_dir.file("config").string()));
        QCoreApplication::setOrganizationName(QStringLiteral("kdna-test"));
        QCoreApplication::setApplicationName(QStringLiteral("kdna-studio-test"));
    }

    void startsOnTheStartPageAndOpensTheDemo()
    {
        MainWindow w;
        w.show();
        QVERIFY(w.isStartPageShown());
        QVERIFY(w.openDemo());
        QVERIFY(!w.isStartPageShown());
        QCOMPARE(w.currentStep(), MainWindow::DataStepIndex);
        QVERIFY(w.windowTitle().startsWith(QStringLiteral("demo.kdna.json")));
        QCOMPARE(w.document()->project().model.layers.size(), std::size_t(9));
        QTRY_VERIFY_WITH_TIMEOUT(
            w.dataStep()->previewer()->countsText().contains(QStringLiteral("examples")), 20000);
        QCOMPARE(w.dataStep()->previewer()->inputShapeText(), QStringLiteral("(501, 4)"));
        // Keyboard: Ctrl+2 goes to the Model step.
        QTest::keyClick(&w, Qt::Key_2, Qt::ControlModifier);
        QCOMPARE(w.currentStep(), MainWindow::ModelStepIndex);
        QVERIFY(w.modelBuilder()->summary().ok());
        // An edit marks the window modified; undo (Ctrl+Z) clears it.
        w.modelBuilder()->setArgument(8, QStringLiteral("units"), 1);
        w.modelBuilder()->setArgument(1, QStringLiteral("filters"), 8);
        QVERIFY(w.isWindowModified());
        QTest::keyClick(&w, Qt::Key_Z, Qt::ControlModifier);
        QVERIFY(!w.isWindowModified());
        // The project and recent list persist.
        QVERIFY(QSettings()
                    .value(QStringLiteral("recentProjects"))
                    .toStringList()
                    .constFirst()
                    .endsWith(QStringLiteral("demo.kdna.json")));
    }

    void selectedStepIconsTakeTheHighlightTextColour()
    {
        MainWindow w;
        auto* steps = w.findChild<QListWidget*>(QStringLiteral("steps"));
        QVERIFY(steps);
        QCOMPARE(steps->count(), 4);
        const QColor text = steps->palette().color(QPalette::HighlightedText);
        for (int i = 0; i < steps->count(); ++i) {
            const QIcon icon = steps->item(i)->icon();
            const QImage normal = icon.pixmap(steps->iconSize(), QIcon::Normal).toImage();
            const QImage selected = icon.pixmap(steps->iconSize(), QIcon::Selected).toImage();
            QCOMPARE(selected.size(), normal.size());
            int drawn = 0;
            for (int y = 0; y < selected.height(); ++y)
                for (int x = 0; x < selected.width(); ++x) {
                    const QColor c = selected.pixelColor(x, y);
                    if (c.alpha() < 255)
                        continue; // edges blend with transparency
                    ++drawn;
                    QCOMPARE(c.rgb(), text.rgb());
                }
            QVERIFY2(drawn > 20,
                     qPrintable(QStringLiteral("step %1: %2 pixels").arg(i).arg(drawn)));
        }
    }

    void badProjectFileIsAnErrorNotACrash()
    {
        test::writeText(m_dir.file("broken.kdna.json"), "{\"dataset\": {\"window\": \"wide\"}");
        MainWindow w;
        QTimer::singleShot(300, [] {
            for (QWidget* top : QApplication::topLevelWidgets())
                if (top->inherits("QMessageBox"))
                    top->close();
        });
        QVERIFY(!w.openProject(QString::fromStdString(m_dir.file("broken.kdna.json").string())));
        QVERIFY(w.isStartPageShown());
    }
};

QTEST_MAIN(TestMainWindow)
#include "test_main_window.moc"
