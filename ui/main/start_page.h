#pragma once

#include <QWidget>

class QListWidget;

namespace kdna::ui {

/// What kdna-studio shows without a project: open one, start from the tutorial's regression
/// or classification (pointing at a data folder), try the built-in demo (offline), or pick a
/// recent project.
class StartPage : public QWidget {
    Q_OBJECT
public:
    explicit StartPage(QWidget* parent = nullptr);
    void setRecent(const QStringList& paths);
    /// The folder holding the example projects (installed, or in the source tree).
    [[nodiscard]] static QString examplesDir();

Q_SIGNALS:
    void openRequested();
    void newRequested();
    void demoRequested();
    void recentRequested(const QString& path);
    void templateRequested(const QString& exampleFile, const QString& dataDir);

private:
    void chooseTemplate(const QString& file);
    QListWidget* m_recent = nullptr;
};

} // namespace kdna::ui
