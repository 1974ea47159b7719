#include "ui/bridge/project_document.h"

#include "core/util/error.h"
#include "core/util/paths.h"
#include "ui/bridge/qt_convert.h"

#include <filesystem>

#include <QDir>
#include <QFileInfo>
#include <QUndoCommand>

namespace kdna::ui {

/// One undoable edit: the section's JSON before and after. Edits of one field (the keystrokes
/// of a typed value) merge into one until the field edit is finished.
class SectionCommand final : public QUndoCommand {
public:
    static constexpr int kFieldEdit = 1;

    SectionCommand(ProjectDocument* doc, ProjectDocument::Section section, nlohmann::json before,
                   nlohmann::json after, const QString& text, QString field)
        : QUndoCommand(text)
        , m_doc(doc)
        , m_section(section)
        , m_before(std::move(before))
        , m_after(std::move(after))
        , m_field(std::move(field))
    {}
    void undo() override { m_doc->apply(m_section, m_before); }
    void redo() override { m_doc->apply(m_section, m_after); }
    [[nodiscard]] int id() const override { return m_field.isEmpty() ? -1 : kFieldEdit; }
    bool mergeWith(const QUndoCommand* other) override
    {
        const auto* next = dynamic_cast<const SectionCommand*>(other);
        if (m_finished || !next || next->m_section != m_section || next->m_field != m_field)
            return false;
        m_after = next->m_after;
        setObsolete(m_after == m_before); // typed back to where it was: no step at all
        return true;
    }
    void finish() { m_finished = true; }

private:
    ProjectDocument* m_doc;
    ProjectDocument::Section m_section;
    nlohmann::json m_before;
    nlohmann::json m_after;
    QString m_field;
    bool m_finished = false;
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
    Q_EMIT aboutToReset();
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
    // The folder chosen in the studio, else the document's, else KDNA_DATA as kdna train
    // reads it (the error for a missing ${data} folder names that variable).
    QString data = dataDir.isEmpty() ? qs(m_project.data_dir.string()) : dataDir;
    if (data.isEmpty())
        data = qs(paths::dataDirFromEnvironment().string());
    Project p = Project::load(ss(path), ss(data));
    reset(std::move(p), QFileInfo(path).absoluteFilePath());
}

void ProjectDocument::save(const QString& path)
{
    keepUntitledModel(path);
    m_project.save(ss(path));
    if (path != m_path) {
        m_path = QFileInfo(path).absoluteFilePath();
        m_project.base_dir = ss(QFileInfo(path).absolutePath());
        m_project.applyFolders();
        Q_EMIT pathChanged(m_path);
    }
    m_undo.setClean();
}

void ProjectDocument::keepUntitledModel(const QString& path)
{
    // A project without a file trains into the working folder; once it has a file, its output
    // would be read beside that file instead, and the trained model would be lost to it.
    if (!m_path.isEmpty() || m_project.output.empty())
        return;
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path trained = fs::absolute(m_project.resolve(m_project.output), ec);
    const fs::path beside = fs::path(ss(QFileInfo(path).absolutePath())) / m_project.output;
    if (!ec && fs::is_regular_file(trained, ec) && !fs::exists(beside, ec) &&
        fs::weakly_canonical(trained, ec) != fs::weakly_canonical(beside, ec))
        m_project.output = trained.string();
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

void ProjectDocument::edit(Section section, const nlohmann::json& value, const QString& what,
                           const QString& field)
{
    const nlohmann::json before = sectionJson(section);
    if (before == value)
        return;
    if (field.isEmpty())
        finishFieldEdit();
    m_undo.push(new SectionCommand(this, section, before, value, what, field));
}

void ProjectDocument::finishFieldEdit()
{
    if (m_undo.index() == 0)
        return;
    // QUndoStack hands out its commands as const; this one is ours to mark.
    if (auto* last = dynamic_cast<const SectionCommand*>(m_undo.command(m_undo.index() - 1)))
        const_cast<SectionCommand*>(last)->finish();
}

void ProjectDocument::setDataset(const AnySpec& spec, const QString& what, const QString& field)
{
    nlohmann::json j = sectionJson(Section::Dataset);
    j["dataset"] = toJson(spec);
    edit(Section::Dataset, j, what, field);
}

void ProjectDocument::setModel(const ModelSpec& model, const QString& what, const QString& field)
{
    edit(Section::Model, model.toJson(), what, field);
}

void ProjectDocument::setCompile(const CompileSettings& compile, const QString& what,
                                 const QString& field)
{
    edit(Section::Compile, compile.toJson(), what, field);
}

void ProjectDocument::setTraining(const TrainSettings& training, const QString& what,
                                  const QString& field)
{
    edit(Section::Training, training.toJson(), what, field);
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
