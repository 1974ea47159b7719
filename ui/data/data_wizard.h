#pragma once

#include "core/project/project.h"
#include "ui/data/chromosomes_page.h"
#include "ui/data/genome_page.h"
#include "ui/data/tracks_page.h"
#include "ui/data/windows_page.h"

#include <QWizard>

namespace kdna::ui {

/// The data wizard: genome, tracks, chromosome splits, windows and labels. Opened on a new
/// project or to edit the current dataset.
class DataWizard : public QWizard {
    Q_OBJECT
public:
    enum PageId { GenomeId, TracksId, ChromosomesId, WindowsId };

    explicit DataWizard(QWidget* parent = nullptr);
    /// Starts from an existing project's dataset.
    void load(const Project& project);
    /// Adds files dropped on the window (FASTA goes to the genome page, the rest to tracks).
    void addDroppedFiles(const QStringList& paths);
    [[nodiscard]] DatasetChoice choice() const { return m_windows->choice(); }

    [[nodiscard]] GenomePage* genomePage() const { return m_genome; }
    [[nodiscard]] TracksPage* tracksPage() const { return m_tracks; }
    [[nodiscard]] ChromosomesPage* chromosomesPage() const { return m_chromosomes; }
    [[nodiscard]] WindowsPage* windowsPage() const { return m_windows; }

private:
    GenomePage* m_genome;
    TracksPage* m_tracks;
    ChromosomesPage* m_chromosomes;
    WindowsPage* m_windows;
};

} // namespace kdna::ui
