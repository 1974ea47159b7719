// The whole task of kdna-studio, walked as a person walks it in the real main window: the start
// page, a new project through the data wizard, the tutorial's CNN built by hand in the model
// builder, a short training stopped once, a prediction in the Tracks step, save, reopen.
// Every action is an input event (clicks, typed keys, combo popups chosen by keys, file dialogs
// typed into); every check is something shown on screen. The tutorial's yeast data is used
// when it is there, kdna's demo data otherwise, so the walk never skips.

#include "core/model/summary.h"
#include "core/model/templates.h"
#include "core/project/demo_data.h"
#include "support/demo_scratch.h"
#include "support/fixtures.h"
#include "ui/bridge/project_document.h"
#include "ui/data/data_step.h"
#include "ui/data/data_wizard.h"
#include "ui/data/dataset_form.h"
#include "ui/data/shape_previewer.h"
#include "ui/main/main_window.h"
#include "ui/model/model_builder.h"
#include "ui/tracks/model_session.h"
#include "ui/tracks/track_view.h"
#include "ui/tracks/tracks_step.h"
#include "ui/train/metric_chart.h"
#include "ui/train/training_dashboard.h"
#include "user_actions.h"
#include "wizard_actions.h"

#include <QCommandLinkButton>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QLocale>
#include <QMenu>
#include <QMenuBar>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QTest>
#include <QToolBar>
#include <QTreeWidget>

using namespace kdna;
using namespace kdna::ui;
using namespace kdna::test;

namespace {

/// The button showing `text` (visible), or null.
template<typename T = QPushButton>
T* buttonWithText(QWidget* parent, const QString& text)
{
    for (T* b : parent->findChildren<T*>())
        if (b->text() == text && b->isVisible())
            return b;
    return nullptr;
}

/// A click at the centre of `widget`, delivered to the child under the point (a spin box's
/// text field), as the window system would.
void clickCentre(QWidget* widget)
{
    QPoint pos = widget->rect().center();
    QWidget* target = widget;
    if (QWidget* child = widget->childAt(pos)) {
        pos = child->mapFrom(widget, pos);
        target = child;
    }
    QTest::mouseClick(target, Qt::LeftButton, Qt::NoModifier, pos);
}

/// Clicks into a field, selects what it holds, types `text`, Enter.
void typeAndEnter(QWidget* field, const QString& text)
{
    clickCentre(field);
    QTest::keyClick(field, Qt::Key_A, Qt::ControlModifier);
    QTest::keyClicks(field, text);
    QTest::keyClick(field, Qt::Key_Return);
}

/// Clicks the step's entry in the window's list of steps.
void clickStep(MainWindow& w, MainWindow::Step step)
{
    auto* steps = w.findChild<QListWidget*>(QStringLiteral("steps"));
    QTest::mouseClick(steps->viewport(), Qt::LeftButton, {},
                      steps->visualItemRect(steps->item(step)).center());
}

/// Clicks the layer's entry in the model builder's palette (a layer, not a group).
bool clickPaletteEntry(QTreeWidget* palette, const QString& type)
{
    QTreeWidgetItem* entry = nullptr;
    for (QTreeWidgetItem* item : palette->findItems(type, Qt::MatchExactly | Qt::MatchRecursive))
        if (item->childCount() == 0)
            entry = item;
    if (!entry)
        return false;
    palette->scrollToItem(entry);
    QTest::mouseClick(palette->viewport(), Qt::LeftButton, Qt::NoModifier,
                      palette->visualItemRect(entry).center());
    return palette->currentItem() == entry;
}

/// Opens the menu bar's `menu` with a click and clicks its `item`.
bool chooseFromMenu(MainWindow& w, const QString& menu, const QString& item)
{
    QMenuBar* bar = w.menuBar();
    QAction* top = nullptr;
    for (QAction* a : bar->actions())
        if (a->text() == menu)
            top = a;
    if (!top || !top->menu())
        return false;
    QTest::mouseClick(bar, Qt::LeftButton, {}, bar->actionGeometry(top).center());
    QMenu* popup = top->menu();
    if (!waitFor([popup] { return popup->isVisible(); }, 3000))
        return false;
    for (QAction* a : popup->actions())
        if (a->text() == item && a->isEnabled()) {
            QTest::mouseClick(popup, Qt::LeftButton, {}, popup->actionGeometry(a).center());
            return true;
        }
    return false;
}

/// `n` as the summary writes it (Keras' thousands separators).
QString grouped(std::int64_t n)
{
    return QLocale(QLocale::English).toString(static_cast<qlonglong>(n));
}

/// The paths of the tracks shown from files (a prediction held in memory has none).
QStringList fileTracks(const TrackView* view)
{
    QStringList paths;
    for (const int id : view->trackIds())
        if (const Track* t = view->track(id); t && !t->path.isEmpty())
            paths << QFileInfo(t->path).absoluteFilePath();
    return paths;
}

} // namespace

class TestWalkthrough : public QObject {
    Q_OBJECT

    test::ScratchDir m_dir;

    WalkData walkData() { return test::walkData(m_dir.file("demo")); }

    /// Start page's New project, then every page of the wizard, to Finish.
    void newProjectThroughTheWizard(MainWindow& w, const WalkData& d)
    {
        auto* create = buttonWithText<QCommandLinkButton>(&w, QStringLiteral("New project..."));
        QVERIFY(create);
        QTest::mouseClick(create, Qt::LeftButton);
        QPointer<DataWizard> wizard; // deleted when it closes
        QVERIFY(waitFor([&] {
            wizard = w.findChild<DataWizard*>();
            return wizard && wizard->isVisible();
        }));
        QVERIFY(!w.isStartPageShown());
        QCOMPARE(wizard->currentId(), int(DataWizard::GenomeId));
        QAbstractButton* next = wizard->button(QWizard::NextButton);
        QVERIFY(!next->isEnabled());

        // Genome: the FASTA typed into the field.
        typeOver(wizard->findChild<QLineEdit*>(QStringLiteral("fasta_file")), d.fasta);
        QVERIFY2(clickWhenEnabled(next, 60000),
                 qPrintable(wizard->findChild<QLabel*>(QStringLiteral("genomeStatus"))->text()));
        QCOMPARE(wizard->currentId(), int(DataWizard::TracksId));

        // Tracks: the bigWig through Add tracks' file dialog, its role chosen as target.
        auto* tracks = wizard->findChild<QTableWidget*>(QStringLiteral("tracks"));
        QVERIFY(tracks);
        answerFileDialog(d.target);
        QTest::mouseClick(wizard->findChild<QPushButton*>(QStringLiteral("addTracks")),
                          Qt::LeftButton);
        QVERIFY2(waitFor([&] { return cellText(tracks, 0, 1) == QStringLiteral("bigWig"); }),
                 qPrintable(cellText(tracks, 0, 0) + QLatin1Char(' ') + cellText(tracks, 0, 1)));
        QCOMPARE(tracks->item(0, 0)->toolTip(), d.target);
        auto* role = qobject_cast<QComboBox*>(tracks->cellWidget(0, 2));
        QVERIFY(role);
        QVERIFY(chooseInCombo(role, QStringLiteral("target")));
        QVERIFY2(!cellText(tracks, 0, 3).contains(QStringLiteral("not in the genome")),
                 qPrintable(cellText(tracks, 0, 3)));
        QVERIFY(clickWhenEnabled(next));
        QCOMPARE(wizard->currentId(), int(DataWizard::ChromosomesId));

        // Chromosomes: train, validation and test ticked by keyboard.
        auto* splits = wizard->findChild<QTableWidget*>(QStringLiteral("splits"));
        QVERIFY(splits);
        chooseSplits(splits, d);
        if (QTest::currentTestFailed())
            return;
        if (d.yeast) {
            auto* totals = wizard->findChild<QLabel*>(QStringLiteral("splitTotals"));
            QVERIFY2(totals->text().contains(QStringLiteral("Train: 6 chromosomes, 3,738,990 bp")),
                     qPrintable(totals->text()));
        }
        QVERIFY(clickWhenEnabled(next));
        QCOMPARE(wizard->currentId(), int(DataWizard::WindowsId));

        // Windows: the window and the tutorial's output_shape typed in.
        DatasetForm* form = wizard->windowsPage()->form();
        typeOver(form->control(QStringLiteral("window")), QString::number(d.window));
        typeOver(qobject_cast<QLineEdit*>(form->control(QStringLiteral("output_shape"))),
                 QStringLiteral("64, 1"));
        ShapePreviewer* preview = wizard->windowsPage()->previewer();
        QCOMPARE(preview->inputShapeText(), QStringLiteral("(%1, 4)").arg(d.window));
        QCOMPARE(preview->labelShapeText(), QStringLiteral("(1,)"));
        QVERIFY(clickWhenEnabled(wizard->button(QWizard::FinishButton)));
        QVERIFY(waitFor([&] { return !wizard || !wizard->isVisible(); }, 5000));

        // The Data step shows what was chosen.
        QCOMPARE(w.currentStep(), MainWindow::DataStepIndex);
        auto* summary = w.dataStep()->findChild<QLabel*>(QStringLiteral("dataSummary"));
        QVERIFY(summary);
        for (const auto& chrom : {d.train.front(), d.validation.front(), d.test.front()})
            QVERIFY2(summary->text().contains(QString::fromStdString(chrom)),
                     qPrintable(summary->text()));
        QCOMPARE(w.dataStep()->previewer()->inputShapeText(),
                 QStringLiteral("(%1, 4)").arg(d.window));
    }

    /// The tutorial's CNN from an empty stack, each argument typed or chosen by keys.
    void buildTheCnnByHand(MainWindow& w, const WalkData& d)
    {
        clickStep(w, MainWindow::ModelStepIndex);
        QCOMPARE(w.currentStep(), MainWindow::ModelStepIndex);
        ModelBuilder* builder = w.modelBuilder();
        auto* palette = builder->findChild<QTreeWidget*>(QStringLiteral("palette"));
        auto* stack = builder->findChild<QListWidget*>(QStringLiteral("stack"));
        auto* table = builder->findChild<QTableWidget*>(QStringLiteral("summary"));
        QVERIFY(palette && stack && table);
        QCOMPARE(stack->count(), 0);
        auto field = [builder](const char* name) {
            QWidget* f = builder->findChild<QWidget*>(QString::fromLatin1(name));
            // New fields show once the event loop has run, as they do for a person.
            waitFor([f] { return f && f->isVisible() && f->isEnabled(); }, 3000);
            return f;
        };
        auto add = [&](const QString& type) {
            QVERIFY2(clickPaletteEntry(palette, type), qPrintable(type));
            QTest::keyClick(palette, Qt::Key_Return); // Enter adds the palette's selection
        };

        add(QStringLiteral("Input"));
        QCOMPARE(stack->count(), 1);
        typeAndEnter(field("name"), QStringLiteral("dna"));
        typeAndEnter(field("shape"), QStringLiteral("%1, 4").arg(d.window));
        const std::pair<int, int> convolutions[] = {{16, 3}, {32, 10}, {64, 20}};
        for (const auto& [filters, kernel] : convolutions) {
            add(QStringLiteral("Conv1D"));
            typeAndEnter(field("filters"), QString::number(filters));
            typeAndEnter(field("kernel_size"), QString::number(kernel));
            QVERIFY(chooseInCombo(qobject_cast<QComboBox*>(field("activation")),
                                  QStringLiteral("relu")));
            add(QStringLiteral("MaxPooling1D"));
            typeAndEnter(field("pool_size"), QStringLiteral("2"));
        }
        add(QStringLiteral("Flatten"));
        // The Dense layer through the "Add below selection" button.
        QVERIFY(clickPaletteEntry(palette, QStringLiteral("Dense")));
        QVERIFY(clickWhenEnabled(builder->findChild<QPushButton*>(QStringLiteral("addLayer"))));
        typeAndEnter(field("units"), QStringLiteral("1"));
        QVERIFY(
            chooseInCombo(qobject_cast<QComboBox*>(field("activation")), QStringLiteral("linear")));
        QCOMPARE(stack->count(), 9);
        QCOMPARE(stack->currentRow(), 8);

        // The summary a person reads: per layer and in total, as kdna's summary computes it for
        // the tutorial's network at this window (and, on the tutorial's data, Keras' figures).
        const ModelSummary expected = summarize(templates::tutorialCnn(d.window, 1, "linear"));
        QCOMPARE(table->rowCount(), 9);
        QCOMPARE(expected.layers.size(), std::size_t(9));
        for (int r = 0; r < 9; ++r)
            QCOMPARE(cellText(table, r, 2), grouped(expected.layers[std::size_t(r)].params));
        if (d.yeast) {
            QCOMPARE(cellText(table, 1, 2), QStringLiteral("208"));
            QCOMPARE(cellText(table, 3, 2), QStringLiteral("5,152"));
            QCOMPARE(cellText(table, 5, 2), QStringLiteral("41,024"));
            QCOMPARE(cellText(table, 8, 2), QStringLiteral("15,233"));
            QCOMPARE(expected.totalParams, std::int64_t(61617));
        }
        const QString totals = builder->findChild<QLabel*>(QStringLiteral("totals"))->text();
        QVERIFY2(totals.startsWith(
                     QStringLiteral("Total params: %1").arg(grouped(expected.totalParams))),
                 qPrintable(totals));
        QCOMPARE(cellText(table, 0, 0), QStringLiteral("dna (Input)"));
        QCOMPARE(stack->item(1)->text(),
                 QStringLiteral("conv1d (Conv1D)  filters 16, kernel_size 3, relu"));
        QVERIFY2(builder->problemText().contains(QStringLiteral("fits the data")),
                 qPrintable(builder->problemText()));
    }

    /// Train step: 2 epochs of 10 steps typed in, Start, Stop once during the second epoch.
    void trainAndStopOnce(MainWindow& w, const WalkData& d)
    {
        clickStep(w, MainWindow::TrainStepIndex);
        QCOMPARE(w.currentStep(), MainWindow::TrainStepIndex);
        TrainingDashboard* train = w.dashboard();
        auto* epochs = train->findChild<QSpinBox*>(QStringLiteral("epochs"));
        auto* steps = train->findChild<QSpinBox*>(QStringLiteral("steps_per_epoch"));
        auto* validation = train->findChild<QSpinBox*>(QStringLiteral("validation_steps"));
        QVERIFY(epochs && steps && validation);
        typeAndEnter(epochs, QStringLiteral("2"));
        typeAndEnter(steps, QStringLiteral("10"));
        typeAndEnter(validation, QStringLiteral("2")); // "one pass" would read every window
        QCOMPARE(epochs->text(), QStringLiteral("2"));
        QCOMPARE(steps->text(), QStringLiteral("10"));
        QCOMPARE(validation->text(), QStringLiteral("2"));

        auto* start = train->findChild<QPushButton*>(QStringLiteral("start"));
        auto* stop = train->findChild<QPushButton*>(QStringLiteral("stop"));
        QVERIFY(start && stop);
        QVERIFY(!stop->isEnabled());
        QVERIFY(clickWhenEnabled(start, 5000));
        QVERIFY(stop->isEnabled());
        QVERIFY(!start->isEnabled());
        // The first epoch ends (its loss is drawn); Stop during the second.
        QVERIFY2(waitFor(
                     [&] {
                         return train->epochChart()->pointCount(QStringLiteral("loss")) > 0 ||
                                !train->isTraining();
                     },
                     300000),
                 qPrintable(train->statusText()));
        QVERIFY2(train->isTraining(), qPrintable(train->statusText()));
        QTest::mouseClick(stop, Qt::LeftButton);

        auto* label = train->findChild<QLabel*>(QStringLiteral("epochLabel"));
        auto* progress = train->findChild<QProgressBar*>(QStringLiteral("progress"));
        QVERIFY(label && progress);
        QVERIFY2(waitFor([&] { return label->text().contains(QStringLiteral("stopped")); }, 120000),
                 qPrintable(label->text()));
        QVERIFY2(progress->text().startsWith(QStringLiteral("Stopped")),
                 qPrintable(progress->text()));
        // The kept weights are evaluated on the test chromosome, as after a full run.
        const QString on = QString::fromStdString(d.test.front());
        QVERIFY2(waitFor(
                     [&] {
                         return train->statusText().contains(QStringLiteral("Evaluated on ") +
                                                             on) &&
                                !train->isTraining();
                     },
                     d.yeast ? 3600000 : 600000),
                 qPrintable(train->statusText()));
        const QTableWidget* evaluation = train->evaluationTable();
        QStringList shown;
        for (int r = 0; r < evaluation->rowCount(); ++r)
            shown << cellText(evaluation, r, 0);
        QVERIFY2(shown.contains(QStringLiteral("loss")), qPrintable(shown.join(u',')));
        QVERIFY2(shown.contains(QStringLiteral("correlate_0_0")), qPrintable(shown.join(u',')));
        QVERIFY(start->isEnabled());
        QVERIFY(!stop->isEnabled());
    }

    /// Train step's "Show the prediction in the Tracks step": the Tracks step opens on the test
    /// chromosome the model was just evaluated on (not the genome's first, a training one) and
    /// predicts it beside the experiment.
    void showThePrediction(MainWindow& w, const WalkData& d)
    {
        auto* show = w.dashboard()->findChild<QPushButton*>(QStringLiteral("showTracks"));
        QVERIFY(show);
        TracksStep* tracks = w.tracksStep();
        const std::size_t before = tracks->view()->trackIds().size();
        QVERIFY(clickWhenEnabled(show, 30000));
        QCOMPARE(w.currentStep(), MainWindow::TracksStepIndex);
        auto* locus = tracks->findChild<QLineEdit*>(QStringLiteral("locus"));
        QVERIFY(locus);
        const QString test = QString::fromStdString(d.test.front());
        QVERIFY2(waitFor(
                     [&] {
                         return tracks->message().startsWith(QStringLiteral("Predicted ") + test +
                                                             u':');
                     },
                     120000),
                 qPrintable(tracks->message()));
        QVERIFY2(locus->text().startsWith(test + u':'), qPrintable(locus->text()));
        QVERIFY(tracks->view()->findTrack(d.target) >= 0); // the experiment it is shown beside
        QCOMPARE(tracks->view()->trackIds().size(), before + 1); // and the prediction's lane
    }

    /// Tracks step: the locus typed, Enter, Predict here.
    void predictHere(MainWindow& w, const WalkData& d)
    {
        clickStep(w, MainWindow::TracksStepIndex);
        QCOMPARE(w.currentStep(), MainWindow::TracksStepIndex);
        TracksStep* tracks = w.tracksStep();
        auto* locus = tracks->findChild<QLineEdit*>(QStringLiteral("locus"));
        auto* predict = tracks->findChild<QPushButton*>(QStringLiteral("predictHere"));
        QVERIFY(locus && predict);
        // The project's genome and target are open, and the trained model is loaded.
        QVERIFY2(waitFor([&] { return tracks->view()->findTrack(d.target) >= 0; }, 30000),
                 qPrintable(fileTracks(tracks->view()).join(u',')));
        QVERIFY2(waitFor([&] { return tracks->model()->isReady(); }, 60000),
                 qPrintable(tracks->message()));
        typeAndEnter(locus, d.locus);
        QVERIFY2(waitFor([&] { return locus->text() == d.locus; }, 10000),
                 qPrintable(locus->text() + QStringLiteral(" / ") + tracks->message()));
        const std::size_t before = tracks->view()->trackIds().size();
        QVERIFY2(clickWhenEnabled(predict, 30000), qPrintable(tracks->message()));
        QVERIFY2(waitFor(
                     [&] {
                         return tracks->message().startsWith(QStringLiteral("Predicted ") +
                                                             d.locus);
                     },
                     120000),
                 qPrintable(tracks->message()));
        // The prediction's lane is filled anew, not doubled.
        QCOMPARE(tracks->view()->trackIds().size(), before);
        QCOMPARE(locus->text(), d.locus);
    }

private Q_SLOTS:
    void initTestCase()
    {
        test::startGuiSuite(m_dir);
        qputenv("XDG_CONFIG_HOME", QByteArray::fromStdString(m_dir.file("config").string()));
        QCoreApplication::setApplicationName(QStringLiteral("kdna-studio-walkthrough"));
        // Qt's own file dialogs, whose name field a test types into, on every platform.
        QCoreApplication::setAttribute(Qt::AA_DontUseNativeDialogs);
        // A project not yet saved trains into the working folder: the scratch folder.
        const QString work = QString::fromStdString(m_dir.file("work").string());
        QVERIFY(QDir().mkpath(work) && QDir::setCurrent(work));
        // Saved elsewhere: the model trained before the project had a file must stay its model.
        QVERIFY(QDir().mkpath(QString::fromStdString(m_dir.file("projects").string())));
    }

    void walksTheWholeTask()
    {
        const WalkData d = walkData();
        MainWindow w;
        w.resize(1280, 900);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.isStartPageShown());

        newProjectThroughTheWizard(w, d);
        if (QTest::currentTestFailed())
            return;
        buildTheCnnByHand(w, d);
        if (QTest::currentTestFailed())
            return;
        trainAndStopOnce(w, d);
        if (QTest::currentTestFailed())
            return;
        showThePrediction(w, d);
        if (QTest::currentTestFailed())
            return;
        predictHere(w, d);
        if (QTest::currentTestFailed())
            return;
        const QStringList shownTracks = fileTracks(w.tracksStep()->view());
        const QString trainedModel =
            QFileInfo(w.tracksStep()->model()->archivePath()).absoluteFilePath();
        QVERIFY(QFileInfo(trainedModel).isFile());

        // File > Save, from the menu bar by mouse: a new project asks where, typed into the
        // dialog. (Not Ctrl+S: offscreen, and xcb without a window manager, leave the last
        // combo box's hidden popup as the focus window, which window shortcuts go to; a click
        // a person makes on the window gives it the focus back, QTest's does not.)
        const QString saved =
            QString::fromStdString(m_dir.file("projects/walkthrough.kdna.json").string());
        QString opened;
        answerFileDialog(saved, &opened);
        QVERIFY(chooseFromMenu(w, QStringLiteral("&File"), QStringLiteral("&Save")));
        QVERIFY2(waitFor([&] { return QFileInfo::exists(saved); }, 10000),
                 qPrintable(w.windowTitle() + QStringLiteral(" / dialog opened in ") + opened));
        QVERIFY2(w.windowTitle().startsWith(QStringLiteral("walkthrough.kdna.json")),
                 qPrintable(w.windowTitle()));
        QVERIFY(!w.isWindowModified());

        // Reopen it with the toolbar's Open, typed into the file dialog.
        auto* toolbar = w.findChild<QToolBar*>(QStringLiteral("fileToolbar"));
        QAction* open = nullptr;
        for (QAction* a : toolbar->actions())
            if (a->text() == QStringLiteral("&Open..."))
                open = a;
        QVERIFY(open);
        const QPointer<TracksStep> before = w.tracksStep(); // another project: built afresh
        answerFileDialog(saved);
        QTest::mouseClick(toolbar->widgetForAction(open), Qt::LeftButton);
        QVERIFY(waitFor([&] { return !before && w.tracksStep(); }, 10000));
        QCOMPARE(w.currentStep(), MainWindow::DataStepIndex);

        // The tracks and the locus are back.
        clickStep(w, MainWindow::TracksStepIndex);
        TracksStep* tracks = w.tracksStep();
        auto* locus = tracks->findChild<QLineEdit*>(QStringLiteral("locus"));
        QVERIFY2(waitFor([&] { return locus->text() == d.locus; }, 30000),
                 qPrintable(locus->text() + QStringLiteral(" / ") + tracks->message()));
        QVERIFY2(waitFor([&] { return fileTracks(tracks->view()) == shownTracks; }, 30000),
                 qPrintable(fileTracks(tracks->view()).join(u',') + QStringLiteral(" vs ") +
                            shownTracks.join(u',')));
        QVERIFY(tracks->view()->findTrack(d.target) >= 0);
        // The trained model comes back too: the Train step's history and the Tracks step's model.
        QVERIFY2(waitFor([&] { return tracks->model()->isReady(); }, 30000),
                 qPrintable(w.document()->modelArchivePath() + QStringLiteral(" / ") +
                            tracks->message()));
        QCOMPARE(QFileInfo(tracks->model()->archivePath()).absoluteFilePath(), trainedModel);
        // And what was built and chosen: the model and the data.
        QCOMPARE(w.modelBuilder()->stack()->count(), 9);
        QCOMPARE(w.dataStep()->previewer()->inputShapeText(),
                 QStringLiteral("(%1, 4)").arg(d.window));
    }
};

QTEST_MAIN(TestWalkthrough)
#include "test_walkthrough.moc"
