#include "project_document.h"

#include "qt_convert.h"
#include "util/error.h"

#include <QDir>
#include <QFileInfo>
#include <QUndoCommand>

namespace kdna::ui {

/// One undoable edit: the section's JSON before and after.
class SectionCommand final : public QUndoCommand {
public:
    SectionCommand(ProjectDocument* doc, ProjectDocument::Section section, nlohmann::json before,
                   nlohmann::json after, const QString& text)
        : QUndoCommand(text)
        , m_doc(doc)
        , m_section(section)
        , m_before(std::move(before))
        , m_after(std::move(after))
    {}
    void undo() override { m_doc->apply(m_section, m_before); }
    void redo() override { m_doc->apply(m_section, m_after); }

private:
    ProjectDocument* m_doc;
    ProjectDocument::Section m_section;
    nlohmann::json m_before;
    nlohmann::json m_after;
};

ProjectDocument::ProjectDocument(QObject* parent)
    : QObject(parent)
{
    connect(&m_undo, &QUndoStack::cleanChanged, this,
            [this](bool clean) { Q_EMIT modifiedChanged(!clean); });
}

QString ProjectDocument::displayName() const
{
    if (!m_path.isEmpty())
        return QFileInfo(m_path).fileName();
    return qs(m_project.name);
}

void ProjectDocument::reset(Project project, const QString& path)
{
    m_project = std::move(project);
    m_path = path;
    if (!path.isEmpty())
        m_project.base_dir = ss(QFileInfo(path).absolutePath());
    m_project.applyFolders();
    m_undo.clear();
    Q_EMIT reloaded();
    Q_EMIT pathChanged(m_path);
    Q_EMIT modifiedChanged(false);
}

void ProjectDocument::load(const QString& path, const QString& dataDir)
{
    const QString data = dataDir.isEmpty() ? qs(m_project.data_dir.string()) : dataDir;
    Project p = Project::load(ss(path), ss(data));
    reset(std::move(p), QFileInfo(path).absoluteFilePath());
}

void ProjectDocument::save(const QString& path)
{
    m_project.save(ss(path));
    if (path != m_path) {
        m_path = QFileInfo(path).absoluteFilePath();
        m_project.base_dir = ss(QFileInfo(path).absolutePath());
        m_project.applyFolders();
        Q_EMIT pathChanged(m_path);
    }
    m_undo.setClean();
}

void ProjectDocument::setViewerSession(std::optional<ViewerSession> session)
{
    m_project.viewer = std::move(session);
}

nlohmann::json ProjectDocument::sectionJson(Section section) const
{
    switch (section) {
    case Section::Dataset: {
        nlohmann::json j = {{"dataset", toJson(m_project.dataset)}};
        if (m_project.validation_dataset)
            j["validation_dataset"] = toJson(*m_project.validation_dataset);
        return j;
    }
    case Section::Model:
        return m_project.model.toJson();
    case Section::Compile:
        return m_project.compile.toJson();
    case Section::Training:
        return m_project.training.toJson();
    case Section::Evaluation:
        return {{"test_chr", m_project.test_chr},
                {"name", m_project.name},
                {"output", m_project.output}};
    }
    return {};
}

void ProjectDocument::apply(Section section, const nlohmann::json& value)
{
    std::vector<Problem> problems;
    switch (section) {
    case Section::Dataset:
        m_project.dataset = anySpecFromJson(value.at("dataset"), problems);
        if (value.contains("validation_dataset"))
            m_project.validation_dataset =
                anySpecFromJson(value.at("validation_dataset"), problems);
        else
            m_project.validation_dataset.reset();
        m_project.applyFolders();
        break;
    case Section::Model:
        m_project.model = ModelSpec::fromJson(value, problems);
        break;
    case Section::Compile:
        m_project.compile = CompileSettings::fromJson(value, problems);
        break;
    case Section::Training:
        m_project.training = TrainSettings::fromJson(value, problems);
        break;
    case Section::Evaluation:
        m_project.test_chr = value.at("test_chr").get<std::vector<std::string>>();
        m_project.name = value.at("name").get<std::string>();
        m_project.output = value.at("output").get<std::string>();
        break;
    }
    Q_EMIT changed(section);
}

void ProjectDocument::edit(Section section, const nlohmann::json& value, const QString& what)
{
    const nlohmann::json before = sectionJson(section);
    if (before == value)
        return;
    m_undo.push(new SectionCommand(this, section, before, value, what));
}

void ProjectDocument::setDataset(const AnySpec& spec, const QString& what)
{
    nlohmann::json j = sectionJson(Section::Dataset);
    j["dataset"] = toJson(spec);
    edit(Section::Dataset, j, what);
}

void ProjectDocument::setModel(const ModelSpec& model, const QString& what)
{
    edit(Section::Model, model.toJson(), what);
}

void ProjectDocument::setCompile(const CompileSettings& compile, const QString& what)
{
    edit(Section::Compile, compile.toJson(), what);
}

void ProjectDocument::setTraining(const TrainSettings& training, const QString& what)
{
    edit(Section::Training, training.toJson(), what);
}

void ProjectDocument::setTestChromosomes(const std::vector<std::string>& chromosomes)
{
    nlohmann::json j = sectionJson(Section::Evaluation);
    j["test_chr"] = chromosomes;
    edit(Section::Evaluation, j, tr("Choose test chromosomes"));
}

void ProjectDocument::setName(const QString& name)
{
    nlohmann::json j = sectionJson(Section::Evaluation);
    j["name"] = ss(name);
    edit(Section::Evaluation, j, tr("Rename project"));
}

QString ProjectDocument::modelArchivePath() const
{
    return qs(m_project.resolve(m_project.output).string());
}

QString ProjectDocument::dataDir() const
{
    return qs(m_project.data_dir.string());
}

void ProjectDocument::setDataDir(const QString& dir)
{
    m_project.data_dir = ss(dir);
    m_project.applyFolders();
    Q_EMIT changed(Section::Dataset);
}

} // namespace kdna::ui
