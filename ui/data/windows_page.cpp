#include "ui/data/windows_page.h"

#include "ui/bridge/qt_convert.h"
#include "ui/data/chromosomes_page.h"
#include "ui/data/dataset_form.h"
#include "ui/data/genome_page.h"
#include "ui/data/shape_previewer.h"
#include "ui/data/tracks_page.h"

#include <QHBoxLayout>
#include <QScrollArea>

namespace kdna::ui {

WindowsPage::WindowsPage(GenomePage* genome, TracksPage* tracks, ChromosomesPage* chromosomes,
                         QWidget* parent)
    : QWizardPage(parent)
    , m_genome(genome)
    , m_tracks(tracks)
    , m_chromosomes(chromosomes)
{
    setTitle(tr("Windows and labels"));
    setSubTitle(
        tr("keras_dna's keywords (hover a field for its name). The preview on the right shows the "
           "shapes the model will receive."));
    auto* layout = new QHBoxLayout(this);
    auto* scroll = new QScrollArea;
    m_form = new DatasetForm;
    scroll->setWidget(m_form);
    scroll->setWidgetResizable(true);
    layout->addWidget(scroll, 3);
    m_preview = new ShapePreviewer;
    layout->addWidget(m_preview, 2);
    connect(m_form, &DatasetForm::edited, this, &WindowsPage::refresh);
    connect(m_preview, &ShapePreviewer::problemsChanged, m_form, &DatasetForm::showProblems);
    connect(m_preview, &ShapePreviewer::problemsChanged, this, &WindowsPage::completeChanged);
}

DatasetSpec WindowsPage::specFromPages() const
{
    DatasetSpec s = m_base;
    s.fasta_file = ss(m_genome->fasta());
    s.annotation_files.clear();
    s.sec_inputs.clear();
    s.annotation_list.clear();
    for (const auto& t : m_tracks->tracks()) {
        if (t.role == TracksPage::targetRole()) {
            s.annotation_files.push_back(ss(t.path));
            for (const auto& a : t.annotations)
                if (std::find(s.annotation_list.begin(), s.annotation_list.end(), ss(a)) ==
                    s.annotation_list.end())
                    s.annotation_list.push_back(ss(a));
        } else {
            s.sec_inputs.push_back(ss(t.path));
            s.use_sec_as = t.role == TracksPage::secondaryTargetRole() ? SecondaryUse::Targets
                                                                       : SecondaryUse::Inputs;
        }
    }
    s.incl_chromosomes = m_chromosomes->chromosomes(ChromosomesPage::Train);
    s.excl_chromosomes.clear();
    if (s.isSparse()) {
        s.window = 0;
        s.normalization_mode.clear();
    } else if (s.window <= 0) {
        s.window = 2001;
    }
    return s;
}

void WindowsPage::initializePage()
{
    m_form->setSpec(specFromPages());
    refresh();
}

void WindowsPage::refresh()
{
    m_preview->setSpec(m_form->spec(), m_chromosomes->chromosomes(ChromosomesPage::Validation),
                       m_chromosomes->chromosomes(ChromosomesPage::Test));
}

bool WindowsPage::isComplete() const
{
    return !m_preview->hasProblems();
}

DatasetChoice WindowsPage::choice() const
{
    DatasetChoice c;
    DatasetSpec fromPages = specFromPages();
    c.spec = m_form->spec();
    // Files and chromosomes come from the earlier pages, the keywords from the form.
    c.spec.fasta_file = fromPages.fasta_file;
    c.spec.annotation_files = fromPages.annotation_files;
    c.spec.annotation_list = fromPages.annotation_list;
    c.spec.sec_inputs = fromPages.sec_inputs;
    c.spec.use_sec_as = fromPages.sec_inputs.empty() ? c.spec.use_sec_as : fromPages.use_sec_as;
    c.spec.incl_chromosomes = fromPages.incl_chromosomes;
    c.validation = m_chromosomes->chromosomes(ChromosomesPage::Validation);
    c.test = m_chromosomes->chromosomes(ChromosomesPage::Test);
    return c;
}

} // namespace kdna::ui
