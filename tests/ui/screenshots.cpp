// Walks kdna-studio through its steps and saves a screenshot of each (QWidget::grab), for the
// README and for looking at the screens as a user does. Run it under a real X server:
//   xvfb-run -s "-screen 0 1600x1000x24" build/tests/ui/kdna_ui_screenshots OUT_DIR DATA_DIR
#include "bridge/project_document.h"
#include "data/data_step.h"
#include "data/data_wizard.h"
#include "data/shape_previewer.h"
#include "main/main_window.h"
#include "model/model.h"
#include "model/model_builder.h"
#include "project/project.h"
#include "tracks/tracks_step.h"
#include "train/training_dashboard.h"

#include <functional>
#include <iostream>

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QSettings>
#include <QTableWidget>
#include <QTimer>

namespace {

bool waitFor(const std::function<bool()>& condition, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    while (!condition()) {
        if (t.elapsed() > timeoutMs)
            return false;
        QApplication::processEvents(QEventLoop::AllEvents, 50);
    }
    return true;
}

void settle(int ms)
{
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < ms)
        QApplication::processEvents(QEventLoop::AllEvents, 20);
}

void save(QWidget* w, const QString& dir, const QString& name)
{
    settle(300);
    const QString path = dir + QLatin1Char('/') + name + QStringLiteral(".png");
    if (!w->grab().save(path))
        std::cerr << "could not save " << path.toStdString() << '\n';
    else
        std::cout << "saved " << path.toStdString() << '\n';
}

} // namespace

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("kdna-screenshots"));
    if (argc < 3) {
        std::cerr << "usage: kdna_ui_screenshots OUT_DIR DATA_DIR [EPOCHS STEPS]\n";
        return 2;
    }
    const QString out = QString::fromLocal8Bit(argv[1]);
    const QString data = QDir(QString::fromLocal8Bit(argv[2])).absolutePath();
    const int epochs = argc > 3 ? QString::fromLocal8Bit(argv[3]).toInt() : 3;
    const int steps = argc > 4 ? QString::fromLocal8Bit(argv[4]).toInt() : 60;
    QDir().mkpath(out);
    QSettings().setValue(QStringLiteral("dataFolder"), data); // what ${data} in the project means
    kdna::setTorchThreads(0);

    using namespace kdna::ui;
    MainWindow w;
    w.resize(1500, 920);
    w.show();
    save(&w, out, QStringLiteral("01_start"));

    // The tutorial's regression project, with a short training budget, written to a scratch copy.
    const QString example =
        QStringLiteral(KDNA_SOURCE_DIR "/resources/examples/nucleosome_regression.kdna.json");
    kdna::Project p = kdna::Project::load(example.toStdString(), data.toStdString());
    p.training.epochs = epochs;
    p.training.steps_per_epoch = steps;
    p.training.validation_steps = 20;
    p.training.early_stopping.enabled = false;
    const QString projectPath = out + QStringLiteral("/tutorial.kdna.json");
    p.save(projectPath.toStdString());
    if (!w.openProject(projectPath))
        return 1;
    waitFor(
        [&] {
            return w.dataStep()->previewer()->countsText().contains(QStringLiteral("examples"));
        },
        60000);
    save(&w, out, QStringLiteral("02_data_step"));

    // The data wizard's pages.
    DataWizard wizard(&w);
    wizard.load(w.document()->project());
    wizard.show();
    waitFor([&] { return wizard.genomePage()->isComplete(); }, 60000);
    save(&wizard, out, QStringLiteral("03_wizard_genome"));
    wizard.next();
    wizard.tracksPage()->addFiles({data + QStringLiteral("/nucleosome_coverage_danpos.bw")},
                                  QObject::tr("secondary input"));
    waitFor([&] { return !wizard.tracksPage()->isScanning(); }, 60000);
    save(&wizard, out, QStringLiteral("04_wizard_tracks"));
    wizard.next();
    save(&wizard, out, QStringLiteral("05_wizard_chromosomes"));
    wizard.next();
    waitFor(
        [&] {
            return wizard.windowsPage()->previewer()->countsText().contains(
                QStringLiteral("examples"));
        },
        60000);
    save(&wizard, out, QStringLiteral("06_wizard_windows"));
    wizard.close();

    w.showStep(MainWindow::ModelStepIndex);
    w.modelBuilder()->selectLayer(5);
    save(&w, out, QStringLiteral("07_model_builder"));

    w.showStep(MainWindow::TrainStepIndex);
    w.dashboard()->start();
    waitFor([&] { return w.dashboard()->batchesSeen() >= steps + steps / 2; }, 600000);
    save(&w, out, QStringLiteral("08_training_live"));
    waitFor(
        [&] {
            return !w.dashboard()->isTraining() && w.dashboard()->evaluationTable()->rowCount() > 0;
        },
        900000);
    save(&w, out, QStringLiteral("09_training_done"));

    w.tracksStep()->showModel(w.document()->modelArchivePath());
    w.showStep(MainWindow::TracksStepIndex);
    settle(1500);
    w.tracksStep()->navigate(QStringLiteral("chrIX:100,000-104,000"));
    settle(1500);
    // Predict the visible region; the prediction lands over the experiment.
    waitFor([&] { return w.tracksStep()->predictHere(); }, 30000);
    settle(4000);
    save(&w, out, QStringLiteral("10_tracks"));
    return 0;
}
