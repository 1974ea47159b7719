#pragma once

#include <QPointer>
#include <QWidget>

class QLabel;
class QPushButton;

namespace kdna::ui {

class DataWizard;
class DatasetForm;
class ProjectDocument;
struct DatasetChoice;
class ShapePreviewer;

/// The Data step: what the dataset reads (genome, tracks, chromosome splits), its keywords to
/// adjust in place, and the shape previewer always beside them. The data wizard opens from
/// here to pick files and splits.
class DataStep : public QWidget {
    Q_OBJECT
public:
    explicit DataStep(ProjectDocument* document, QWidget* parent = nullptr);

    /// Opens the wizard on the current dataset (with `files` added, e.g. dropped ones); its
    /// Finish changes the project as one undo step.
    void openWizard(const QStringList& files = {});
    [[nodiscard]] DatasetForm* form() const { return m_form; }
    [[nodiscard]] ShapePreviewer* previewer() const { return m_preview; }

private:
    void refresh();
    void formEdited(const QString& keyword);
    void apply(const DatasetChoice& choice);

    ProjectDocument* m_doc;
    QLabel* m_summary = nullptr;
    QPushButton* m_wizardButton = nullptr;
    QPointer<DataWizard> m_wizard;
    DatasetForm* m_form = nullptr;
    ShapePreviewer* m_preview = nullptr;
    bool m_applying = false;
};

} // namespace kdna::ui
