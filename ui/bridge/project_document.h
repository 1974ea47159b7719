#pragma once

#include "core/project/project.h"

#include <QObject>
#include <QString>
#include <QUndoStack>

#include <nlohmann/json.hpp>

namespace kdna::ui {

/// The project the studio edits: the same kdna::Project `kdna train` runs, its file, whether it
/// changed since it was saved, and an undo stack for every edit. Screens read project() and
/// change it through the set*() calls, which record undo steps and emit what changed.
class ProjectDocument : public QObject {
    Q_OBJECT
public:
    enum class Section { Dataset, Model, Compile, Training, Evaluation };
    Q_ENUM(Section)

    explicit ProjectDocument(QObject* parent = nullptr);

    [[nodiscard]] const Project& project() const { return m_project; }
    [[nodiscard]] QString path() const { return m_path; }
    [[nodiscard]] QString displayName() const;
    [[nodiscard]] bool isModified() const { return !m_undo.isClean(); }
    [[nodiscard]] QUndoStack* undoStack() { return &m_undo; }

    /// Replaces the whole project (new, opened); clears the undo history.
    void reset(Project project, const QString& path);
    /// Loads a project file; throws kdna::Error.
    void load(const QString& path, const QString& dataDir = {});
    /// Writes the project file (relative paths are kept as they are, except that a model
    /// trained before the project had a file is named where it is); throws kdna::Error.
    void save(const QString& path);

    // Each set*() call is one undo step, except that consecutive calls naming the same `field`
    // (the keystrokes of one typed value) merge into one until finishFieldEdit().
    void setDataset(const AnySpec& spec, const QString& what = tr("Edit dataset"),
                    const QString& field = {});
    void setModel(const ModelSpec& model, const QString& what = tr("Edit model"),
                  const QString& field = {});
    void setCompile(const CompileSettings& compile,
                    const QString& what = tr("Edit compile settings"), const QString& field = {});
    void setTraining(const TrainSettings& training,
                     const QString& what = tr("Edit training settings"), const QString& field = {});
    /// The field being typed into was left: its next edit is a new undo step.
    void finishFieldEdit();
    void setTestChromosomes(const std::vector<std::string>& chromosomes);
    void setName(const QString& name);
    /// The track viewer's session, saved with the project. No undo step and no "modified":
    /// where a view stands is not an edit of the project (IGV keeps its session so too).
    void setViewerSession(std::optional<ViewerSession> session);

    /// The trained model archive this project writes (may not exist yet).
    [[nodiscard]] QString modelArchivePath() const;
    /// The data folder `${data}` stands for.
    [[nodiscard]] QString dataDir() const;
    void setDataDir(const QString& dir);

Q_SIGNALS:
    void changed(kdna::ui::ProjectDocument::Section section);
    /// Another project is about to replace this one (screens drop what belonged to it).
    void aboutToReset();
    void reloaded();
    void pathChanged(const QString& path);
    void modifiedChanged(bool modified);

private:
    /// A model trained while the project had no file stays its model under `path`.
    void keepUntitledModel(const QString& path);
    friend class SectionCommand;
    void apply(Section section, const nlohmann::json& value);
    [[nodiscard]] nlohmann::json sectionJson(Section section) const;
    void edit(Section section, const nlohmann::json& value, const QString& what,
              const QString& field = {});

    Project m_project;
    QString m_path;
    QUndoStack m_undo;
};

} // namespace kdna::ui
