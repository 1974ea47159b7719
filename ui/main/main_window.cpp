#include "ui/main/main_window.h"

#include "core/project/demo_data.h"
#include "core/util/describe.h"
#include "core/util/paths.h"
#include "ui/bridge/project_document.h"
#include "ui/bridge/qt_convert.h"
#include "ui/data/data_step.h"
#include "ui/main/preferences_dialog.h"
#include "ui/main/start_page.h"
#include "ui/model/model_builder.h"
#include "ui/tracks/tracks_step.h"
#include "ui/train/training_dashboard.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPainter>
#include <QScreen>
#include <QScrollArea>
#include <QSettings>
#include <QStackedWidget>
#include <QStatusBar>
#include <QStyle>
#include <QToolBar>
#include <QUndoStack>

// Resources compiled into a static library must be registered by hand, at global scope.
static void initStudioResources()
{
    Q_INIT_RESOURCE(studio);
}

namespace kdna::ui {
namespace {

/// The platform's keys for `key`, and `everywhere` first: desktops without a key theme have
/// none for Save As or Preferences.
QList<QKeySequence> platformKeysAnd(QKeySequence::StandardKey key, const QKeySequence& everywhere)
{
    QList<QKeySequence> keys = QKeySequence::keyBindings(key);
    if (!keys.contains(everywhere))
        keys.prepend(everywhere);
    return keys;
}

constexpr int kMaxRecent = 8;

QIcon themed(const char* name, QStyle::StandardPixmap fallback)
{
    // Follow the desktop's icon theme when it has one.
    return QIcon::fromTheme(QString::fromLatin1(name),
                            QApplication::style()->standardIcon(fallback));
}

/// A step icon whose selected state is drawn in the highlight's text colour: the coloured
/// drawing loses its blue strokes on a blue selection. Plain pixmaps at 1x and 2x (the SVG
/// engine would ignore an added pixmap of another size).
QIcon stepIcon(const QString& path, const QSize& size, const QColor& selectedColor)
{
    const QIcon drawing(path);
    QIcon icon;
    for (const int scale : {1, 2}) {
        const QPixmap normal = drawing.pixmap(size * scale);
        QPixmap selected = normal;
        QPainter painter(&selected);
        painter.setCompositionMode(QPainter::CompositionMode_SourceIn);
        painter.fillRect(selected.rect(), selectedColor);
        painter.end();
        icon.addPixmap(normal, QIcon::Normal);
        icon.addPixmap(selected, QIcon::Selected);
    }
    return icon;
}

/// A step in a scroll area: a step that needs more room than the window has scrolls instead
/// of forcing the window's minimum size (the window works down to 1024 x 700).
QScrollArea* scrollable(QWidget* step)
{
    auto* area = new QScrollArea;
    area->setFrameShape(QFrame::NoFrame);
    area->setWidgetResizable(true);
    area->setWidget(step);
    return area;
}

constexpr int kStatusPathWidth = 420; ///< the data folder in the status bar, elided beyond

bool isProjectFile(const QString& path)
{
    return path.endsWith(QStringLiteral(".kdna.json")) || path.endsWith(QStringLiteral(".json"));
}

} // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent)
    , m_doc(new ProjectDocument(this))
{
    initStudioResources();
    PreferencesDialog::applySaved(); // before any project's tracks are opened
    setWindowIcon(QIcon(QStringLiteral(":/kdna/kdna.svg")));
    setAcceptDrops(true);

    m_root = new QStackedWidget;
    m_start = new StartPage;
    m_root->addWidget(m_start);

    auto* project = new QWidget;
    auto* layout = new QHBoxLayout(project);
    layout->setContentsMargins(0, 0, 0, 0);
    m_steps = new QListWidget;
    m_steps->setObjectName(QStringLiteral("steps"));
    m_steps->setFixedWidth(150);
    m_steps->setIconSize(QSize(28, 28));
    m_steps->setSpacing(3);
    // The steps' icons are drawn for kdna, in tones that read on light and dark palettes alike.
    const struct {
        const char* title;
        const char* icon;
    } steps[] = {{QT_TR_NOOP("1  Data"), ":/kdna/step-data.svg"},
                 {QT_TR_NOOP("2  Model"), ":/kdna/step-model.svg"},
                 {QT_TR_NOOP("3  Train"), ":/kdna/step-train.svg"},
                 {QT_TR_NOOP("4  Tracks"), ":/kdna/step-tracks.svg"}};
    for (const auto& s : steps)
        m_steps->addItem(
            new QListWidgetItem(stepIcon(QString::fromLatin1(s.icon), m_steps->iconSize(),
                                         m_steps->palette().color(QPalette::HighlightedText)),
                                tr(s.title)));
    layout->addWidget(m_steps);

    m_pages = new QStackedWidget;
    m_data = new DataStep(m_doc);
    m_model = new ModelBuilder(m_doc);
    m_pages->addWidget(scrollable(m_data));
    m_pages->addWidget(scrollable(m_model));
    buildRunSteps();
    layout->addWidget(m_pages, 1);
    m_root->addWidget(project);
    setCentralWidget(m_root);

    connect(m_steps, &QListWidget::currentRowChanged, m_pages, &QStackedWidget::setCurrentIndex);
    m_steps->setCurrentRow(0);

    m_statusData = new QLabel;
    m_statusData->setMaximumWidth(kStatusPathWidth);
    statusBar()->addPermanentWidget(m_statusData);

    createActions();
    connect(m_doc, &ProjectDocument::modifiedChanged, this, &MainWindow::updateTitle);
    connect(m_doc, &ProjectDocument::pathChanged, this, &MainWindow::updateTitle);
    connect(m_doc, &ProjectDocument::reloaded, this, &MainWindow::updateTitle);
    // Another project: the steps holding a run (history, charts, tracks, a loaded model) are
    // built afresh for it, so nothing of the previous one is left on them.
    connect(m_doc, &ProjectDocument::aboutToReset, this, &MainWindow::dropRunSteps);
    connect(m_doc, &ProjectDocument::reloaded, this, &MainWindow::buildRunSteps);
    connect(m_start, &StartPage::openRequested, this, &MainWindow::open);
    connect(m_start, &StartPage::recentRequested, this, &MainWindow::openProject);
    connect(m_start, &StartPage::demoRequested, this, &MainWindow::openDemo);
    connect(m_start, &StartPage::templateRequested, this, &MainWindow::newFromTemplate);
    connect(m_start, &StartPage::newRequested, this, &MainWindow::newProject);

    readSettings();
    updateTitle();
}

MainWindow::~MainWindow() = default;

void MainWindow::dropRunSteps()
{
    // The dashboard's destructor stops a running training and waits for it.
    delete m_pages->widget(TracksStepIndex);
    delete m_pages->widget(TrainStepIndex);
    m_train = nullptr;
    m_tracks = nullptr;
}

void MainWindow::buildRunSteps()
{
    if (m_train && m_tracks)
        return;
    const int shown = m_steps ? m_steps->currentRow() : 0;
    m_train = new TrainingDashboard(m_doc);
    m_tracks = new TracksStep(m_doc);
    m_pages->insertWidget(TrainStepIndex, scrollable(m_train));
    m_pages->insertWidget(TracksStepIndex, scrollable(m_tracks));
    m_pages->setCurrentIndex(std::max(0, shown));
    connect(m_train, &TrainingDashboard::showPredictionRequested, this,
            [this](const QString& archive) {
                // The chromosome it was just evaluated on, not the genome's first (trained on).
                const auto& test = m_doc->project().test_chr;
                m_tracks->showPrediction(archive, test.empty() ? QString() : qs(test.front()));
                showStep(TracksStepIndex);
            });
    // A retrained model (same file) is reloaded by the Tracks step.
    connect(m_train, &TrainingDashboard::trainingFinished, this, [this] {
        if (QFileInfo::exists(m_doc->modelArchivePath()))
            m_tracks->showModel(m_doc->modelArchivePath());
    });
}

void MainWindow::createActions()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    auto* newAction = file->addAction(themed("document-new", QStyle::SP_FileIcon),
                                      tr("&New project"), this, &MainWindow::newProject);
    newAction->setShortcut(QKeySequence::New);
    auto* openAction = file->addAction(themed("document-open", QStyle::SP_DialogOpenButton),
                                       tr("&Open..."), this, &MainWindow::open);
    openAction->setShortcut(QKeySequence::Open);
    m_recentMenu = file->addMenu(tr("Open &recent"));
    file->addAction(tr("Open the &demo project"), this, &MainWindow::openDemo);
    file->addSeparator();
    auto* saveAction = file->addAction(themed("document-save", QStyle::SP_DialogSaveButton),
                                       tr("&Save"), this, &MainWindow::save);
    saveAction->setShortcut(QKeySequence::Save);
    auto* saveAsAction = file->addAction(themed("document-save-as", QStyle::SP_DialogSaveButton),
                                         tr("Save &as..."), this, &MainWindow::saveAs);
    saveAsAction->setShortcuts(
        platformKeysAnd(QKeySequence::SaveAs, QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S)));
    file->addAction(tr("Data &folder..."), this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(
            this, tr("Folder that ${data} stands for"), m_doc->dataDir());
        if (!dir.isEmpty())
            m_doc->setDataDir(dir);
    });
    file->addSeparator();
    auto* quit = file->addAction(themed("application-exit", QStyle::SP_DialogCloseButton),
                                 tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    m_undo = m_doc->undoStack()->createUndoAction(this, tr("&Undo"));
    m_undo->setShortcut(QKeySequence::Undo);
    m_undo->setIcon(themed("edit-undo", QStyle::SP_ArrowBack));
    m_redo = m_doc->undoStack()->createRedoAction(this, tr("&Redo"));
    m_redo->setShortcut(QKeySequence::Redo);
    m_redo->setIcon(themed("edit-redo", QStyle::SP_ArrowForward));
    edit->addAction(m_undo);
    edit->addAction(m_redo);
    edit->addSeparator();
    auto* preferences = edit->addAction(tr("Pre&ferences..."), this, [this] {
        PreferencesDialog dialog(this);
        dialog.exec();
    });
    preferences->setShortcuts(
        platformKeysAnd(QKeySequence::Preferences, QKeySequence(Qt::CTRL | Qt::Key_Comma)));

    QMenu* view = menuBar()->addMenu(tr("&View"));
    const char* names[] = {QT_TR_NOOP("&Data"), QT_TR_NOOP("&Model"), QT_TR_NOOP("&Train"),
                           QT_TR_NOOP("Trac&ks")};
    for (int i = 0; i < 4; ++i) {
        auto* a =
            view->addAction(tr(names[i]), this, [this, i] { showStep(static_cast<Step>(i)); });
        a->setShortcut(QKeySequence(Qt::CTRL | static_cast<Qt::Key>(Qt::Key_1 + i)));
    }

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About kdna-studio"), this, [this] {
        QMessageBox::about(
            this, tr("About kdna-studio"),
            tr("<b>kdna-studio %1</b><p>Deep learning on genomes: keras_dna's generators and model "
               "wrapper, native (Qt %2, LibTorch, htslib, libBigWig).</p>"
               "<p>Every project here runs headless with <tt>kdna train PROJECT</tt>.</p>")
                .arg(QStringLiteral(KDNA_VERSION), QString::fromLatin1(qVersion())));
    });

    auto* toolbar = addToolBar(tr("File"));
    toolbar->setObjectName(QStringLiteral("fileToolbar"));
    toolbar->addAction(newAction);
    toolbar->addAction(openAction);
    toolbar->addAction(saveAction);
    toolbar->addSeparator();
    toolbar->addAction(m_undo);
    toolbar->addAction(m_redo);
}

void MainWindow::showStep(Step step)
{
    showProjectPages();
    m_steps->setCurrentRow(step);
}

MainWindow::Step MainWindow::currentStep() const
{
    return static_cast<Step>(m_steps->currentRow());
}

bool MainWindow::isStartPageShown() const
{
    return m_root->currentWidget() == m_start;
}

void MainWindow::showProjectPages()
{
    m_root->setCurrentIndex(1);
}

void MainWindow::newProject()
{
    if (!maybeSave())
        return;
    Project p;
    p.name = ss(tr("New project"));
    m_doc->reset(p, {});
    showStep(DataStepIndex);
    m_data->openWizard();
}

void MainWindow::open()
{
    if (!maybeSave())
        return;
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open a project"), QSettings().value(QStringLiteral("lastFolder")).toString(),
        tr("kdna projects (*.kdna.json *.json)"));
    if (!path.isEmpty())
        openProject(path);
}

bool MainWindow::openProject(const QString& path)
{
    try {
        m_doc->load(path, QSettings().value(QStringLiteral("dataFolder")).toString());
    } catch (const std::exception& e) {
        QMessageBox::warning(this, tr("Cannot open the project"),
                             QString::fromStdString(describe(e)));
        return false;
    }
    addRecent(QFileInfo(path).absoluteFilePath());
    QSettings().setValue(QStringLiteral("lastFolder"), QFileInfo(path).absolutePath());
    showStep(DataStepIndex);
    statusBar()->showMessage(tr("Opened %1").arg(QFileInfo(path).fileName()), 4000);
    return true;
}

bool MainWindow::openDemo()
{
    if (!maybeSave())
        return false;
    try {
        const auto folder = paths::userCacheDir() / "demo";
        writeDemoProject(writeDemoData(folder));
        return openProject(qs((folder / "demo.kdna.json").string()));
    } catch (const std::exception& e) {
        QMessageBox::warning(this, tr("Cannot open the demo"), QString::fromStdString(describe(e)));
        return false;
    }
}

bool MainWindow::newFromTemplate(const QString& exampleFile, const QString& dataDir)
{
    if (!maybeSave())
        return false;
    try {
        Project p = Project::load(ss(exampleFile), ss(dataDir));
        p.base_dir.clear();
        p.data_dir = ss(dataDir);
        QSettings().setValue(QStringLiteral("dataFolder"), dataDir);
        m_doc->reset(p, {});
    } catch (const std::exception& e) {
        QMessageBox::warning(this, tr("Cannot use the template"),
                             QString::fromStdString(describe(e)));
        return false;
    }
    showStep(DataStepIndex);
    return true;
}

bool MainWindow::save()
{
    if (m_doc->path().isEmpty())
        return saveAs();
    try {
        m_doc->save(m_doc->path());
    } catch (const std::exception& e) {
        QMessageBox::warning(this, tr("Cannot save"), QString::fromStdString(describe(e)));
        return false;
    }
    statusBar()->showMessage(tr("Saved %1").arg(QFileInfo(m_doc->path()).fileName()), 3000);
    return true;
}

bool MainWindow::saveAs()
{
    // Beside the current project when it has a file, else in the last folder used.
    const QString start = m_doc->path().isEmpty()
                              ? QSettings().value(QStringLiteral("lastFolder")).toString() +
                                    QStringLiteral("/project.kdna.json")
                              : QFileInfo(m_doc->path()).absoluteFilePath();
    QString path = QFileDialog::getSaveFileName(this, tr("Save the project"), start,
                                                tr("kdna projects (*.kdna.json)"));
    if (path.isEmpty())
        return false;
    if (!path.endsWith(QStringLiteral(".json")))
        path += QStringLiteral(".kdna.json");
    try {
        m_doc->save(path);
    } catch (const std::exception& e) {
        QMessageBox::warning(this, tr("Cannot save"), QString::fromStdString(describe(e)));
        return false;
    }
    addRecent(path);
    return true;
}

bool MainWindow::maybeSave()
{
    if (!m_doc->isModified())
        return true;
    const auto answer = QMessageBox::warning(
        this, tr("Unsaved changes"),
        tr("%1 has changes that are not saved. Save them?").arg(m_doc->displayName()),
        QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel);
    if (answer == QMessageBox::Save)
        return save();
    return answer == QMessageBox::Discard;
}

void MainWindow::addRecent(const QString& path)
{
    QSettings settings;
    QStringList recent = settings.value(QStringLiteral("recentProjects")).toStringList();
    recent.removeAll(path);
    recent.prepend(path);
    while (recent.size() > kMaxRecent)
        recent.removeLast();
    settings.setValue(QStringLiteral("recentProjects"), recent);
    updateRecentMenu();
}

void MainWindow::updateRecentMenu()
{
    m_recentMenu->clear();
    const QStringList recent = QSettings().value(QStringLiteral("recentProjects")).toStringList();
    for (const QString& path : recent)
        m_recentMenu
            ->addAction(QFileInfo(path).fileName(), this,
                        [this, path] {
                            if (maybeSave())
                                openProject(path);
                        })
            ->setToolTip(path);
    m_recentMenu->setEnabled(!recent.isEmpty());
    m_start->setRecent(recent);
}

void MainWindow::updateTitle()
{
    setWindowTitle(QStringLiteral("%1[*] - kdna-studio").arg(m_doc->displayName()));
    setWindowModified(m_doc->isModified());
    const QString data =
        m_doc->dataDir().isEmpty() ? QString() : tr("data: %1").arg(m_doc->dataDir());
    m_statusData->setText(
        m_statusData->fontMetrics().elidedText(data, Qt::ElideMiddle, kStatusPathWidth));
    m_statusData->setToolTip(data);
}

void MainWindow::readSettings()
{
    QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("windowState")).toByteArray());
    if (!settings.contains(QStringLiteral("geometry"))) {
        // 1280 x 820, or the screen's room where it is smaller (a 1280 x 720 laptop).
        QSize size(1280, 820);
        if (const QScreen* s = screen())
            size = size.boundedTo(s->availableGeometry().size());
        resize(size);
    }
    updateRecentMenu();
}

void MainWindow::writeSettings()
{
    QSettings settings;
    settings.setValue(QStringLiteral("geometry"), saveGeometry());
    settings.setValue(QStringLiteral("windowState"), saveState());
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    if (!maybeSave()) {
        event->ignore();
        return;
    }
    m_train->stopAndWait();
    writeSettings();
    event->accept();
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event)
{
    if (event->mimeData()->hasUrls())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event)
{
    QStringList data;
    for (const QUrl& url : event->mimeData()->urls()) {
        const QString path = url.toLocalFile();
        if (path.isEmpty())
            continue;
        if (isProjectFile(path)) {
            if (maybeSave())
                openProject(path);
            return;
        }
        data << path;
    }
    if (data.isEmpty())
        return;
    // Genome and track files: into the data wizard (a model archive opens in the Tracks step).
    QStringList rest;
    for (const QString& p : data) {
        if (p.endsWith(QStringLiteral(".kdna"))) {
            m_tracks->showModel(p);
            showStep(TracksStepIndex);
        } else {
            rest << p;
        }
    }
    if (rest.isEmpty())
        return;
    showStep(DataStepIndex);
    m_data->openWizard(rest);
}

} // namespace kdna::ui
