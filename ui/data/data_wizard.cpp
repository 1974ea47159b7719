#include "ui/data/data_wizard.h"

#include "core/tracks/file_kind.h"
#include "ui/bridge/qt_convert.h"

namespace kdna::ui {

DataWizard::DataWizard(QWidget* parent)
    : QWizard(parent)
{
    setWindowTitle(tr("Data wizard"));
    setWizardStyle(QWizard::ModernStyle);
    setOption(QWizard::NoBackButtonOnStartPage);
    m_genome = new GenomePage;
    m_tracks = new TracksPage(m_genome);
    m_chromosomes = new ChromosomesPage(m_genome);
    m_windows = new WindowsPage(m_genome, m_tracks, m_chromosomes);
    setPage(GenomeId, m_genome);
    setPage(TracksId, m_tracks);
    setPage(ChromosomesId, m_chromosomes);
    setPage(WindowsId, m_windows);
    resize(980, 680);
}

void DataWizard::load(const Project& project)
{
    const DatasetSpec& spec = primary(project.dataset);
    m_windows->setBaseSpec(spec);
    if (!spec.fasta_file.empty())
        m_genome->setFasta(qs(spec.resolve(spec.fasta_file).string()));
    QStringList targets, secondary;
    for (const auto& f : spec.annotation_files)
        targets << qs(spec.resolve(f).string());
    for (const auto& f : spec.sec_inputs)
        secondary << qs(spec.resolve(f).string());
    m_tracks->addFiles(targets, TracksPage::targetRole());
    m_tracks->addFiles(secondary, spec.use_sec_as == SecondaryUse::Targets
                                      ? TracksPage::secondaryTargetRole()
                                      : TracksPage::secondaryInputRole());
    for (int row = 0; row < static_cast<int>(spec.annotation_files.size()); ++row)
        m_tracks->setAnnotations(row, qsList(spec.annotation_list));
    auto applySplits = [this, spec, project] {
        m_chromosomes->setSplits(spec.incl_chromosomes, project.training.validation_chr,
                                 project.test_chr);
    };
    if (m_genome->isComplete())
        applySplits();
    else
        connect(m_genome, &GenomePage::completeChanged, this, [this, applySplits] {
            if (m_genome->isComplete() &&
                m_chromosomes->chromosomes(ChromosomesPage::Train).empty())
                applySplits();
        });
}

void DataWizard::addDroppedFiles(const QStringList& paths)
{
    QStringList tracks;
    for (const auto& p : paths) {
        if (detectFileKind(ss(p)) == FileKind::Fasta)
            m_genome->setFasta(p);
        else
            tracks << p;
    }
    m_tracks->addFiles(tracks);
}

} // namespace kdna::ui
