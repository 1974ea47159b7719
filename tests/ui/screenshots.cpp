// Walks kdna-studio through its steps and saves a screenshot of each (QWidget::grab), for the
// README and for looking at the screens as a user does. Run it under a real X server:
//   xvfb-run -s "-screen 0 1600x1000x24" build/tests/ui/kdna_ui_screenshots OUT_DIR DATA_DIR
// With KDNA_SCREENSHOT_DARK=1 it paints with a dark palette, as a dark desktop gives one.
#include "ui/bridge/project_document.h"
#include "ui/data/data_step.h"
#include "ui/data/data_wizard.h"
#include "ui/data/shape_previewer.h"
#include "ui/main/main_window.h"
#include "core/model/model.h"
#include "ui/model/model_builder.h"
#include "core/project/project.h"
#include "ui/tracks/tracks_step.h"
#include "ui/train/training_dashboard.h"

#include <algorithm>
#include <functional>
#include <iostream>

#include <QAbstractButton>
#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QPalette>
#include <QSettings>
#include <QStyleFactory>
#include <QTableWidget>
#include <QTimer>

namespace {

/// Runs the event loop for `ms` without spinning: processEvents() returns at once when no
/// event is queued, and a loop around it took a core from the training it was waiting for.
void settle(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

bool waitFor(const std::function<bool()>& condition, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    while (!condition()) {
        if (t.elapsed() > timeoutMs)
            return false;
        settle(50);
    }
    return true;
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

/// The palette a dark desktop theme hands Qt applications, roughly (Breeze Dark's greys).
void useDarkPalette()
{
    QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    QPalette p;
    const QColor window(0x2a, 0x2e, 0x32);
    const QColor base(0x1b, 0x1e, 0x20);
    const QColor text(0xfc, 0xfc, 0xfc);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, window);
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, QColor(0x31, 0x36, 0x3b));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::Highlight, QColor(0x3d, 0xae, 0xe9));
    p.setColor(QPalette::HighlightedText, text);
    p.setColor(QPalette::ToolTipBase, window);
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, QColor(0xa0, 0xa0, 0xa0));
    p.setColor(QPalette::Link, QColor(0x1d, 0x99, 0xf3));
    p.setColor(QPalette::Disabled, QPalette::Text, QColor(0x80, 0x80, 0x80));
    p.setColor(QPalette::Disabled, QPalette::WindowText, QColor(0x80, 0x80, 0x80));
    p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0x80, 0x80, 0x80));
    QApplication::setPalette(p);
}

} // namespace

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("kdna-screenshots"));
    if (qEnvironmentVariableIntValue("KDNA_SCREENSHOT_DARK") == 1)
        useDarkPalette();
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
    wizard.button(QWizard::NextButton)->click(); // enabled once the page is complete
    wizard.tracksPage()->addFiles({data + QStringLiteral("/nucleosome_coverage_danpos.bw")},
                                  QObject::tr("secondary input"));
    waitFor([&] { return !wizard.tracksPage()->isScanning(); }, 60000);
    save(&wizard, out, QStringLiteral("04_wizard_tracks"));
    wizard.button(QWizard::NextButton)->click(); // enabled once the page is complete
    save(&wizard, out, QStringLiteral("05_wizard_chromosomes"));
    wizard.button(QWizard::NextButton)->click(); // enabled once the page is complete
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
    // Midway through the second epoch, or at the end of a one-epoch run.
    const int liveAfter = std::min(epochs * steps, steps + steps / 2);
    waitFor([&] { return w.dashboard()->batchesSeen() >= liveAfter; }, 600000);
    save(&w, out, QStringLiteral("08_training_live"));
    waitFor(
        [&] {
            return !w.dashboard()->isTraining() && w.dashboard()->evaluationTable()->rowCount() > 0;
        },
        900000);
    save(&w, out, QStringLiteral("09_training_done"));

    w.tracksStep()->showModel(w.document()->modelArchivePath());
    w.showStep(MainWindow::TracksStepIndex);
    // Genes and nucleosome calls under the signal, as a user would add them.
    w.tracksStep()->addTrack(data + QStringLiteral("/sacCer3_genes.gff3"));
    w.tracksStep()->addTrack(data + QStringLiteral("/nucleosomes_danpos.bed"));
    settle(1500);
    w.tracksStep()->navigate(QStringLiteral("chrIX:100,000-104,000"));
    settle(1500);
    // Predict the visible region; the prediction lands over the experiment.
    waitFor([&] { return w.tracksStep()->predictHere(); }, 30000);
    settle(4000);
    save(&w, out, QStringLiteral("10_tracks"));
    return 0;
}
