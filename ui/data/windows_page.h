#pragma once

#include "core/data/dataset_spec.h"

#include <string>
#include <vector>

#include <QWizardPage>

namespace kdna::ui {

class ChromosomesPage;
class DatasetForm;
class GenomePage;
class ShapePreviewer;
class TracksPage;

/// What the wizard produces: the training spec (training chromosomes in incl_chromosomes) and
/// the validation and test chromosomes.
struct DatasetChoice {
    DatasetSpec spec;
    std::vector<std::string> validation;
    std::vector<std::string> test;
};

/// Windows and labels: the keyword form beside the live shape previewer.
class WindowsPage : public QWizardPage {
    Q_OBJECT
public:
    WindowsPage(GenomePage* genome, TracksPage* tracks, ChromosomesPage* chromosomes,
                QWidget* parent = nullptr);
    void initializePage() override;
    void setBaseSpec(const DatasetSpec& spec) { m_base = spec; }
    [[nodiscard]] DatasetChoice choice() const;
    [[nodiscard]] DatasetForm* form() const { return m_form; }
    [[nodiscard]] ShapePreviewer* previewer() const { return m_preview; }
    [[nodiscard]] bool isComplete() const override;

private:
    void refresh();
    [[nodiscard]] DatasetSpec specFromPages() const;
    GenomePage* m_genome;
    TracksPage* m_tracks;
    ChromosomesPage* m_chromosomes;
    DatasetForm* m_form = nullptr;
    ShapePreviewer* m_preview = nullptr;
    DatasetSpec m_base;
};

} // namespace kdna::ui
