#pragma once

#include <QMainWindow>

class QAction;
class QLabel;
class QListWidget;
class QMenu;
class QStackedWidget;

namespace kdna::ui {

class DataStep;
class ModelBuilder;
class ProjectDocument;
class StartPage;
class TrainingDashboard;
class TracksStep;

/// kdna-studio's window: a project walked through as steps (Data, Model, Train, Tracks), with
/// the usual file actions, recent projects, undo/redo, drag and drop, and state kept between
/// sessions (QSettings).
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    enum Step { DataStepIndex = 0, ModelStepIndex, TrainStepIndex, TracksStepIndex };

    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    /// Opens a project file; shows the error and returns false when it cannot be read.
    bool openProject(const QString& path);
    /// Writes kdna's demo data (offline) and opens its project.
    bool openDemo();
    /// A new project from a tutorial template, pointing at a data folder.
    bool newFromTemplate(const QString& exampleFile, const QString& dataDir);
    void showStep(Step step);
    [[nodiscard]] Step currentStep() const;

    [[nodiscard]] ProjectDocument* document() const { return m_doc; }
    [[nodiscard]] DataStep* dataStep() const { return m_data; }
    [[nodiscard]] ModelBuilder* modelBuilder() const { return m_model; }
    [[nodiscard]] TrainingDashboard* dashboard() const { return m_train; }
    [[nodiscard]] TracksStep* tracksStep() const { return m_tracks; }
    [[nodiscard]] bool isStartPageShown() const;

protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void createActions();
    void newProject();
    void open();
    bool save();
    bool saveAs();
    /// Asks what to do with unsaved changes; false when the user cancels.
    bool maybeSave();
    void addRecent(const QString& path);
    void updateRecentMenu();
    void updateTitle();
    void readSettings();
    void writeSettings();
    void showProjectPages();
    void dropRunSteps();
    void buildRunSteps();

    ProjectDocument* m_doc;
    QListWidget* m_steps = nullptr;
    QStackedWidget* m_pages = nullptr;
    QStackedWidget* m_root = nullptr;
    StartPage* m_start = nullptr;
    DataStep* m_data = nullptr;
    ModelBuilder* m_model = nullptr;
    TrainingDashboard* m_train = nullptr;
    TracksStep* m_tracks = nullptr;
    QMenu* m_recentMenu = nullptr;
    QAction* m_undo = nullptr;
    QAction* m_redo = nullptr;
    QLabel* m_statusData = nullptr;
};

} // namespace kdna::ui
