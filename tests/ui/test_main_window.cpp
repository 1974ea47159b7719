#include "core/data/block_cache.h"
#include "core/data/cache_settings.h"
#include "core/project/demo_data.h"
#include "core/project/project.h"
#include "support/demo_scratch.h"
#include "support/fixtures.h"
#include "ui/bridge/project_document.h"
#include "ui/data/data_step.h"
#include "ui/data/dataset_form.h"
#include "ui/data/shape_previewer.h"
#include "ui/main/main_window.h"
#include "ui/main/preferences_dialog.h"
#include "ui/model/model_builder.h"
#include "ui/tracks/model_session.h"
#include "ui/tracks/track_view.h"
#include "ui/tracks/tracks_step.h"
#include "ui/train/metric_chart.h"
#include "ui/train/training_dashboard.h"
#include "user_actions.h"

#include <fstream>

#include <QApplication>
#include <QComboBox>
#include <QCommandLinkButton>
#include <QDialogButtonBox>
#include <QGraphicsScene>
#include <QGraphicsSimpleTextItem>
#include <QGraphicsTextItem>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSettings>
#include <QTest>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>

#include <nlohmann/json.hpp>

using namespace kdna;
using namespace kdna::ui;
using namespace kdna::test;

namespace {

QPushButton* buttonWithText(QWidget* parent, const QString& text)
{
    for (auto* b : parent->findChildren<QPushButton*>())
        if (b->text() == text && b->isVisible())
            return b;
    return nullptr;
}

/// Shows the window focused, as a window manager focuses a new window (keyboard shortcuts
/// reach only the active window; Xvfb has no window manager to do it).
bool showActive(QWidget& w)
{
    w.show();
    w.activateWindow();
    return QTest::qWaitForWindowActive(&w);
}

/// Clicks the start page's "Try the demo".
bool clickDemo(MainWindow& w)
{
    auto* demo = w.findChild<QCommandLinkButton*>(QStringLiteral("openDemo"));
    if (!demo || !demo->isVisible())
        return false;
    QTest::mouseClick(demo, Qt::LeftButton);
    return !w.isStartPageShown();
}

/// Clicks the step's entry in the window's list of steps.
void clickStep(MainWindow& w, MainWindow::Step step)
{
    auto* steps = w.findChild<QListWidget*>(QStringLiteral("steps"));
    QTest::mouseClick(steps->viewport(), Qt::LeftButton, {},
                      steps->visualItemRect(steps->item(step)).center());
}

/// Opens `path` with the toolbar's Open button, typing it into the file dialog.
void openByToolbar(MainWindow& w, const QString& path)
{
    auto* toolbar = w.findChild<QToolBar*>(QStringLiteral("fileToolbar"));
    for (QAction* a : toolbar->actions())
        if (a->text() == QStringLiteral("&Open...")) {
            answerFileDialog(path);
            QTest::mouseClick(toolbar->widgetForAction(a), Qt::LeftButton);
            return;
        }
}

} // namespace

class TestMainWindow : public QObject {
    Q_OBJECT

    test::ScratchDir m_dir;

    /// A copy of the demo project under another name, trained for a moment when run.
    QString demoCopy(const std::string& name, int steps)
    {
        const auto folder = m_dir.file("demo-data"); // its paths are relative to the data
        Project p = writeDemoProject(writeDemoData(m_dir.file("demo-data")));
        p.name = name;
        p.training.epochs = 1;
        p.training.steps_per_epoch = steps;
        p.training.validation_steps = 1;
        p.training.early_stopping.enabled = false;
        p.test_chr.clear(); // no evaluation afterwards: the test stays short
        p.output = name + ".kdna";
        const auto path = folder / (name + ".kdna.json");
        p.save(path.string());
        return QString::fromStdString(path.string());
    }

private Q_SLOTS:
    void initTestCase()
    {
        test::startGuiSuite(m_dir);
        qputenv("XDG_CONFIG_HOME", QByteArray::fromStdString(m_dir.file("config").string()));
        QCoreApplication::setApplicationName(QStringLiteral("kdna-studio-test"));
        QCoreApplication::setAttribute(Qt::AA_DontUseNativeDialogs);
    }

    void startsOnTheStartPageAndOpensTheDemo()
    {
        MainWindow w;
        QVERIFY(showActive(w));
        QVERIFY(w.isStartPageShown());
        QVERIFY(clickDemo(w));
        QCOMPARE(w.currentStep(), MainWindow::DataStepIndex);
        QVERIFY(w.windowTitle().startsWith(QStringLiteral("demo.kdna.json")));
        QCOMPARE(w.document()->project().model.layers.size(), std::size_t(9));
        QVERIFY(waitFor([&] {
            return w.dataStep()->previewer()->countsText().contains(QStringLiteral("examples"));
        }));
        QCOMPARE(w.dataStep()->previewer()->inputShapeText(), QStringLiteral("(501, 4)"));
        // Keyboard: Ctrl+2 goes to the Model step.
        QTest::keyClick(&w, Qt::Key_2, Qt::ControlModifier);
        QCOMPARE(w.currentStep(), MainWindow::ModelStepIndex);
        QVERIFY(w.modelBuilder()->summary().ok());
        // The project and recent list persist.
        QVERIFY(QSettings()
                    .value(QStringLiteral("recentProjects"))
                    .toStringList()
                    .constFirst()
                    .endsWith(QStringLiteral("demo.kdna.json")));
    }

    void typingIsOneUndoStepPerField()
    {
        MainWindow w;
        QVERIFY(showActive(w));
        QVERIFY(clickDemo(w));
        QWidget* window = w.dataStep()->form()->control(QStringLiteral("window"));
        QWidget* tg = w.dataStep()->form()->control(QStringLiteral("tg_window"));
        typeOver(window, QStringLiteral("1001"));
        QTest::keyClick(window, Qt::Key_Tab);
        typeOver(tg, QStringLiteral("11"));
        QCOMPARE(primary(w.document()->project().dataset).window, 1001);
        QCOMPARE(primary(w.document()->project().dataset).tg_window, 11);
        QVERIFY(w.isWindowModified());
        QCOMPARE(w.document()->undoStack()->count(), 2); // not one per keystroke
        // Ctrl+Z outside a text field: the whole typed value goes back, field by field.
        auto* steps = w.findChild<QListWidget*>(QStringLiteral("steps"));
        QTest::mouseClick(steps->viewport(), Qt::LeftButton, {},
                          steps->visualItemRect(steps->item(0)).center());
        QTest::keyClick(steps, Qt::Key_Z, Qt::ControlModifier);
        QCOMPARE(primary(w.document()->project().dataset).tg_window, 1);
        QCOMPARE(primary(w.document()->project().dataset).window, 1001);
        QTest::keyClick(steps, Qt::Key_Z, Qt::ControlModifier);
        QCOMPARE(primary(w.document()->project().dataset).window, 501);
        QVERIFY(!w.isWindowModified());
        auto* windowSpin = qobject_cast<QAbstractSpinBox*>(window);
        QCOMPARE(windowSpin->text(), QStringLiteral("501 bp"));
    }

    /// Edit > Preferences (Ctrl+,): a memory budget typed and a cache precision chosen are in
    /// force on OK and again at the next start; a size that is none keeps OK disabled and says
    /// why; a saved value edited into nonsense leaves the default at the start.
    void preferencesSetTheCachesMemoryAndPrecision()
    {
        const store::CacheSettings before = store::CacheSettings::current();
        MainWindow w;
        QVERIFY(showActive(w));
        QString shown, problem;
        bool okWhileBad = true, okWhenGood = false, chosen = false, problemWhole = false;
        whenDialogOpens<PreferencesDialog>([&](PreferencesDialog* d) {
            auto* memory = d->findChild<QLineEdit*>(QStringLiteral("memory"));
            auto* precision = d->findChild<QComboBox*>(QStringLiteral("cachePrecision"));
            auto* buttons = d->findChild<QDialogButtonBox*>();
            QPushButton* ok = buttons->button(QDialogButtonBox::Ok);
            shown = memory->text();
            typeOver(memory, QStringLiteral("lots"));
            okWhileBad = ok->isEnabled();
            auto* said = d->findChild<QLabel*>(QStringLiteral("memoryProblem"));
            problem = said->text();
            // The sentence reads whole: its label as tall as its lines.
            problemWhole =
                said->isVisible() &&
                waitFor([said] { return said->height() >= said->heightForWidth(said->width()); },
                        2000);
            typeOver(memory, QStringLiteral("512M"));
            okWhenGood = ok->isEnabled();
            chosen = chooseInCombo(precision, precision->itemText(1));
            QTest::mouseClick(okWhenGood ? static_cast<QWidget*>(ok)
                                         : buttons->button(QDialogButtonBox::Cancel),
                              Qt::LeftButton);
        });
        QTest::keyClick(&w, Qt::Key_Comma, Qt::ControlModifier);
        QCOMPARE(shown, QString::fromStdString(before.memory));
        QVERIFY(!okWhileBad);
        QCOMPARE(problem,
                 QStringLiteral("The memory must be a size such as 4G, 512M or 1.5G, not 'lots'."));
        QVERIFY(problemWhole);
        QVERIFY(okWhenGood && chosen);
        QCOMPARE(store::memoryBudget(), std::int64_t{512} << 20);
        QVERIFY(store::defaultStreamOptions().precision == store::CachePrecision::BFloat16);

        // The next start puts them in force again.
        before.apply();
        {
            const MainWindow again;
        }
        QCOMPARE(store::memoryBudget(), std::int64_t{512} << 20);
        QVERIFY(store::defaultStreamOptions().precision == store::CachePrecision::BFloat16);

        // A memory edited into nonsense is left out; the precision saved beside it still holds.
        before.apply();
        QSettings().setValue(QStringLiteral("cache/memory"), QStringLiteral("12 apples"));
        {
            const MainWindow again;
        }
        QCOMPARE(QString::fromStdString(store::CacheSettings::current().memory),
                 QString::fromStdString(before.memory));
        QVERIFY(store::defaultStreamOptions().precision == store::CachePrecision::BFloat16);
        QSettings().remove(QStringLiteral("cache"));
        before.apply();
    }

    void saveAsStartsBesideTheProject()
    {
        MainWindow w;
        QVERIFY(showActive(w));
        QVERIFY(clickDemo(w));
        const QString folder = QFileInfo(w.document()->path()).absolutePath();
        // Somewhere else was the last folder used: Save As still starts beside the project.
        QSettings().setValue(QStringLiteral("lastFolder"), QDir::rootPath());
        QString opened;
        answerFileDialog(QStringLiteral("copy.kdna.json"), &opened);
        QTest::keyClick(&w, Qt::Key_S, Qt::ControlModifier | Qt::ShiftModifier);
        QVERIFY(waitFor([&] { return !opened.isEmpty(); }, 5000));
        QCOMPARE(opened, folder);
        QVERIFY(waitFor(
            [&] { return QFileInfo::exists(folder + QStringLiteral("/copy.kdna.json")); }, 5000));
        QVERIFY(w.windowTitle().startsWith(QStringLiteral("copy.kdna.json")));
    }

    void openingAnotherProjectResetsEveryStep()
    {
        const QString first = demoCopy("first", 3);
        const QString second = demoCopy("second", 3);
        MainWindow w;
        QVERIFY(showActive(w));
        openByToolbar(w, first);
        QVERIFY(waitFor([&] { return !w.isStartPageShown(); }, 5000));
        QVERIFY(w.windowTitle().startsWith(QStringLiteral("first.kdna.json")));

        // Train for a moment: history, axes and figures fill.
        clickStep(w, MainWindow::TrainStepIndex);
        auto* start = w.dashboard()->findChild<QPushButton*>(QStringLiteral("start"));
        QVERIFY(start);
        QVERIFY2(clickWhenEnabled(start, 5000),
                 qPrintable(QStringLiteral("enabled %1 visible %2 step %3")
                                .arg(start->isEnabled())
                                .arg(start->isVisible())
                                .arg(w.currentStep())));
        QVERIFY2(waitFor(
                     [&] {
                         return w.dashboard()->epochChart()->pointCount(QStringLiteral("loss")) >
                                    0 &&
                                !w.dashboard()->isTraining();
                     },
                     30000),
                 qPrintable(w.dashboard()->statusText() + QStringLiteral(" batches %1 training %2")
                                                              .arg(w.dashboard()->batchesSeen())
                                                              .arg(w.dashboard()->isTraining())));
        QVERIFY(w.dashboard()->batchChart()->pointCount(QStringLiteral("batch loss")) > 0);
        // Tracks: one added by hand.
        clickStep(w, MainWindow::TracksStepIndex);
        TracksStep* tracks = w.tracksStep();
        const std::size_t projectTracks = tracks->view()->trackIds().size();
        const QString genes =
            QString::fromStdString(m_dir.file("demo-data/demo_genes.gff3").string());
        answerFileDialog(genes);
        QTest::mouseClick(buttonWithText(tracks, QStringLiteral("Add tracks...")), Qt::LeftButton);
        QVERIFY(waitFor([&] { return tracks->view()->findTrack(genes) >= 0; }, 5000));
        QVERIFY(tracks->view()->trackIds().size() > projectTracks);

        // Another project: nothing of the first is left on any step.
        openByToolbar(w, second);
        QVERIFY(waitFor(
            [&] { return w.windowTitle().startsWith(QStringLiteral("second.kdna.json")); }, 5000));
        TrainingDashboard* train = w.dashboard();
        for (MetricChart* chart : {train->batchChart(), train->epochChart(), train->metricChart()})
            for (const QString& name :
                 {QStringLiteral("batch loss"), QStringLiteral("loss"), QStringLiteral("val_loss")})
                QCOMPARE(chart->pointCount(name), 0);
        QVERIFY(train->statusText().isEmpty());
        QCOMPARE(train->evaluationTable()->rowCount(), 0);
        // Only the new project's own tracks: not the one added by hand, no prediction.
        QCOMPARE(w.tracksStep()->view()->trackIds().size(),
                 primary(w.document()->project().dataset).annotation_files.size());
        QCOMPARE(w.tracksStep()->view()->findTrack(genes), -1);
        QVERIFY(w.tracksStep()->model()->archivePath().isEmpty());
        QCOMPARE(w.currentStep(), MainWindow::DataStepIndex);
    }

    void fitsIn1024x700()
    {
        MainWindow w;
        QVERIFY(showActive(w));
        QVERIFY(clickDemo(w));
        for (int step = 0; step < 4; ++step) {
            QTest::keyClick(&w, static_cast<Qt::Key>(Qt::Key_1 + step), Qt::ControlModifier);
            const QSize min = w.minimumSizeHint().expandedTo(w.minimumSize());
            QVERIFY2(min.width() <= 1024 && min.height() <= 700,
                     qPrintable(QStringLiteral("step %1 needs %2 x %3")
                                    .arg(step + 1)
                                    .arg(min.width())
                                    .arg(min.height())));
        }
        QTest::keyClick(&w, Qt::Key_1, Qt::ControlModifier);
        w.resize(1024, 700);
        QVERIFY(waitFor([&] { return w.size() == QSize(1024, 700); }, 3000));
        QCOMPARE(w.currentStep(), MainWindow::DataStepIndex);
        QVERIFY(w.dataStep()->isVisible());
        // The Data step's form is whole in its width (it scrolls vertically only).
        QVERIFY(w.dataStep()->form()->width() >= w.dataStep()->form()->minimumSizeHint().width());
    }

    void everyStepFitsItsPageAt1024x700()
    {
        // Not just the window: each step itself fits the page beside the step list, menu,
        // tool and status bars, so nothing scrolls sideways (the Data and Model steps may
        // scroll vertically; Train and Tracks are whole).
        MainWindow w;
        QVERIFY(showActive(w));
        QVERIFY(clickDemo(w));
        w.resize(1024, 700);
        QVERIFY(waitFor([&] { return w.size() == QSize(1024, 700); }, 3000));
        const QList<QWidget*> steps{w.dataStep(), w.modelBuilder(), w.dashboard(), w.tracksStep()};
        for (int step = 0; step < 4; ++step) {
            QTest::keyClick(&w, static_cast<Qt::Key>(Qt::Key_1 + step), Qt::ControlModifier);
            QWidget* page = steps[step];
            QVERIFY(waitFor([&] { return page->isVisible(); }, 3000));
            QTest::qWait(100); // the page lays out
            auto* area = qobject_cast<QScrollArea*>(page->parentWidget()->parentWidget());
            QVERIFY(area);
            const QSize need = page->minimumSizeHint().expandedTo(page->minimumSize());
            const QString what = QStringLiteral("step %1 needs %2 x %3 in a page of %4 x %5 "
                                                "(its widget is %6 wide)")
                                     .arg(step + 1)
                                     .arg(need.width())
                                     .arg(need.height())
                                     .arg(area->width())
                                     .arg(area->height())
                                     .arg(page->width());
            QVERIFY2(need.width() <= area->width(), qPrintable(what));
            QVERIFY2(!area->horizontalScrollBar()->isVisible(), qPrintable(what));
            if (step >= 2)
                QVERIFY2(need.height() <= area->height(), qPrintable(what));
        }
    }

    void chartLabelsAreWholeAt1024x700()
    {
        MainWindow w;
        QVERIFY(showActive(w));
        QVERIFY(clickDemo(w));
        w.resize(1024, 700);
        QVERIFY(waitFor([&] { return w.size() == QSize(1024, 700); }, 3000));
        QTest::keyClick(&w, Qt::Key_3, Qt::ControlModifier);
        const auto charts = w.dashboard()->findChildren<MetricChart*>();
        QCOMPARE(charts.size(), 3);
        QTest::qWait(300); // the charts lay out their axes after the resize
        for (MetricChart* chart : charts) {
            QVERIFY(chart->isVisible());
            // The curves get the room, not the (mostly empty) evaluation table.
            QVERIFY2(chart->height() >= 200, qPrintable(QStringLiteral("%1 is %2 px tall")
                                                            .arg(chart->objectName())
                                                            .arg(chart->height())));
            QStringList texts;
            for (QGraphicsItem* item : chart->scene()->items()) {
                QString text;
                if (auto* t = dynamic_cast<QGraphicsTextItem*>(item))
                    text = t->toPlainText();
                else if (auto* st = dynamic_cast<QGraphicsSimpleTextItem*>(item))
                    text = st->text();
                if (!item->isVisible() || text.isEmpty())
                    continue;
                texts << text;
                QVERIFY2(!text.contains(QChar(0x2026)) && !text.contains(QStringLiteral("...")),
                         qPrintable(chart->objectName() + QStringLiteral(": \"") + text +
                                    QStringLiteral("\" is cut at %1 x %2")
                                        .arg(chart->width())
                                        .arg(chart->height())));
            }
            if (chart->objectName() != QStringLiteral("metricChart")) // no metric yet
                QVERIFY2(texts.size() >= 4, qPrintable(texts.join(QLatin1Char('|'))));
        }
    }

    void tutorialFolderPromptIsReadable()
    {
        MainWindow w;
        QVERIFY(showActive(w));
        const auto yeast = test::yeastData();
        const QString folder = yeast ? QString::fromStdString(yeast->string())
                                     : QString::fromStdString(m_dir.path().string());
        bool readable = false;
        QString explanation, error;
        whenDialogOpens<QDialog>([&](QDialog* d) {
            auto* text = d->findChild<QLabel*>(QStringLiteral("explanation"));
            if (text) {
                explanation = text->text();
                readable = text->wordWrap() && text->isVisible() && text->width() <= d->width() &&
                           text->height() >= text->heightForWidth(text->width()) &&
                           d->fontMetrics().horizontalAdvance(d->windowTitle()) < d->width() / 2;
            }
            auto* path = d->findChild<QLineEdit*>(QStringLiteral("dataFolder"));
            typeOver(path, folder);
            auto* ok = d->findChild<QPushButton*>(QStringLiteral("useFolder"));
            QTest::mouseClick(ok, Qt::LeftButton);
            if (d->isVisible()) { // not the tutorial's data: said in the dialog
                if (auto* problem = d->findChild<QLabel*>(QStringLiteral("problem")))
                    error = problem->text();
                d->reject();
            }
        });
        auto* regression = buttonWithText(&w, QStringLiteral("Tutorial: nucleosome regression"));
        if (!regression)
            for (auto* b : w.findChildren<QCommandLinkButton*>())
                if (b->text() == QStringLiteral("Tutorial: nucleosome regression"))
                    regression = b;
        QVERIFY(regression);
        QTest::mouseClick(regression, Qt::LeftButton);
        QVERIFY(waitFor([&] { return !explanation.isEmpty(); }, 5000));
        QVERIFY2(readable, qPrintable(explanation));
        QVERIFY2(explanation.contains(QStringLiteral("fetch-tutorial-data.sh")),
                 qPrintable(explanation));
        if (yeast) {
            QVERIFY(waitFor([&] { return !w.isStartPageShown(); }, 5000));
            QCOMPARE(primary(w.document()->project().dataset).window, 2001);
        } else {
            QVERIFY2(error.contains(QStringLiteral("sacCer3.fa")), qPrintable(error));
            QVERIFY(w.isStartPageShown());
        }
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

    /// A project that names its files through ${data} opens with the folder KDNA_DATA gives,
    /// as kdna train does and as the error sentence says, when no data folder is chosen.
    void dataFolderFromTheEnvironmentOpensAProject()
    {
        const DemoFiles files = test::demoInScratch(m_dir);
        (void)writeDemoProject(files); // demo.kdna.json beside the files, which it names
        std::ifstream written(files.fasta.parent_path() / "demo.kdna.json");
        nlohmann::json j = nlohmann::json::parse(written);
        j["dataset"]["fasta_file"] = "${data}/" + files.fasta.filename().string();
        j["dataset"]["annotation_files"] = {"${data}/" + files.signal.filename().string()};
        std::filesystem::create_directories(m_dir.file("elsewhere"));
        const auto project = m_dir.file("elsewhere") / "env.kdna.json";
        test::writeText(project, j.dump());
        QSettings().remove(QStringLiteral("dataFolder"));
        // Left set: unsetting it while the Data step's previews read the environment on their
        // threads would race them.
        qputenv("KDNA_DATA", QByteArray::fromStdString(files.fasta.parent_path().string()));
        MainWindow w;
        QVERIFY(showActive(w));
        // A warning, if one comes, is read and closed; the watch ends with this test (a pending
        // whenDialogOpens would answer the next test's box).
        QString message;
        QTimer boxWatch;
        boxWatch.setInterval(50);
        connect(&boxWatch, &QTimer::timeout, &w, [&message] {
            if (auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget())) {
                message = box->text();
                QTest::keyClick(box, Qt::Key_Return);
            }
        });
        boxWatch.start();
        whenDialogOpens<QFileDialog>([&](QFileDialog* d) {
            test::typeIntoFileDialog(d, QString::fromStdString(project.string()));
        });
        QTest::mouseClick(w.findChild<QCommandLinkButton*>(QStringLiteral("openProject")),
                          Qt::LeftButton);
        QVERIFY(waitFor([&] { return !w.isStartPageShown() || !message.isEmpty(); }, 5000));
        QVERIFY2(message.isEmpty(), qPrintable(message));
        QVERIFY(!w.isStartPageShown());
    }

    void badProjectFileIsAnErrorNotACrash()
    {
        test::writeText(m_dir.file("broken.kdna.json"), "{\"dataset\": {\"window\": \"wide\"}");
        MainWindow w;
        QVERIFY(showActive(w));
        QString message;
        // The file dialog first, then the warning, closed with Enter.
        whenDialogOpens<QFileDialog>([&](QFileDialog* d) {
            whenDialogOpens<QMessageBox>([&](QMessageBox* box) {
                message = box->text();
                QTest::keyClick(box, Qt::Key_Return);
            });
            test::typeIntoFileDialog(
                d, QString::fromStdString(m_dir.file("broken.kdna.json").string()));
        });
        QTest::mouseClick(w.findChild<QCommandLinkButton*>(QStringLiteral("openProject")),
                          Qt::LeftButton);
        QVERIFY(waitFor([&] { return !message.isEmpty(); }, 5000));
        QVERIFY2(message.contains(QStringLiteral("window")), qPrintable(message));
        QVERIFY(w.isStartPageShown());
    }
};

QTEST_MAIN(TestMainWindow)
#include "test_main_window.moc"
