#include "ui/main/main_window.h"
#include "core/model/model.h"
#include "ui/train/training_dashboard.h"
#include "core/util/memory.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QSettings>

int main(int argc, char** argv)
{
    kdna::tuneAllocatorForTensors(); // before any thread starts
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("kdna"));
    QApplication::setApplicationName(QStringLiteral("kdna-studio"));
    QApplication::setApplicationVersion(QStringLiteral(KDNA_VERSION));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/kdna/kdna.svg")));
    QApplication::setDesktopFileName(QStringLiteral("org.kdna.Studio"));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("kdna-studio: train deep networks on a genome"));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("project"),
                                 QStringLiteral("A project file (*.kdna.json) to open"));
    const QCommandLineOption demo(QStringLiteral("demo"),
                                  QStringLiteral("Open the built-in demo project (offline)"));
    const QCommandLineOption data(QStringLiteral("data"),
                                  QStringLiteral("The folder ${data} stands for in project paths"),
                                  QStringLiteral("dir"));
    parser.addOption(demo);
    parser.addOption(data);
    parser.process(app);

    kdna::setTorchThreads(0); // every core: the Debian LibTorch starts with one
    if (parser.isSet(data))
        QSettings().setValue(QStringLiteral("dataFolder"), parser.value(data));

    kdna::ui::MainWindow window;
    window.show();
    if (parser.isSet(demo) && window.openDemo()) {
        window.showStep(kdna::ui::MainWindow::TrainStepIndex);
        window.dashboard()->start();
    } else if (!parser.positionalArguments().isEmpty())
        window.openProject(parser.positionalArguments().constFirst());
    return QApplication::exec();
}
