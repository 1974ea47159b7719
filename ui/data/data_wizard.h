#pragma once

#include "core/project/inspect.h"
#include "core/project/project.h"

#include <map>

#include <QPointer>
#include <QTimer>
#include <QWizard>
#include <QWizardPage>

class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QProgressBar;
class QPushButton;
class QTableWidget;

namespace kdna::ui {

class BackgroundTask;
class DatasetForm;
class ShapePreviewer;

/// What the wizard produces: the training spec (training chromosomes in incl_chromosomes) and
/// the validation and test chromosomes.
struct DatasetChoice {
    DatasetSpec spec;
    std::vector<std::string> validation;
    std::vector<std::string> test;
};

/// Genome: pick a FASTA; it is indexed off the GUI thread, then its chromosomes are listed.
class GenomePage : public QWizardPage {
    Q_OBJECT
public:
    explicit GenomePage(QWidget* parent = nullptr);
    void setFasta(const QString& path);
    [[nodiscard]] QString fasta() const;
    [[nodiscard]] const std::vector<Chromosome>& chromosomes() const { return m_chromosomes; }
    [[nodiscard]] bool isComplete() const override;
    [[nodiscard]] bool isIndexing() const { return !m_task.isNull(); }

private:
    void index();
    QLineEdit* m_path = nullptr;
    QProgressBar* m_progress = nullptr;
    QPushButton* m_cancel = nullptr;
    QLabel* m_status = nullptr;
    QTableWidget* m_table = nullptr;
    std::vector<Chromosome> m_chromosomes;
    QString m_indexed;  ///< the path m_chromosomes were read from
    QString m_indexing; ///< the path being read now
    QPointer<BackgroundTask> m_task;
    QTimer m_typing;
};

/// Tracks: the bigWig, BED, narrowPeak and GFF files, each with its detected type, how its
/// chromosome names match the genome's, its value range or feature counts, its role, and for
/// BED/GFF the annotation types to learn.
class TracksPage : public QWizardPage {
    Q_OBJECT
public:
    explicit TracksPage(GenomePage* genome, QWidget* parent = nullptr);

    struct Track {
        QString path;
        FileReport report;
        bool scanned = false;
        QString error;
        QString role; ///< "target", "secondary input", "secondary target"
        QStringList annotations;
        QString mismatch; ///< why its chromosome names do not fit the genome
    };

    void addFiles(const QStringList& paths, const QString& role = {});
    void setAnnotations(int row, const QStringList& annotations);
    void setRole(int row, const QString& role);
    [[nodiscard]] const std::vector<Track>& tracks() const { return m_tracks; }
    [[nodiscard]] bool isComplete() const override;
    [[nodiscard]] bool isScanning() const { return m_scanning > 0; }
    void initializePage() override;

Q_SIGNALS:
    void scanned();

private:
    void refreshRow(int row);
    void showAnnotations();
    void compareWithGenome(Track& t) const;

    GenomePage* m_genome;
    QTableWidget* m_table = nullptr;
    QListWidget* m_types = nullptr;
    QLineEdit* m_bedName = nullptr;
    QLabel* m_typesLabel = nullptr;
    std::vector<Track> m_tracks;
    int m_scanning = 0;
};

/// Chromosomes: train / validation / test by checkbox, with the bases in each split.
class ChromosomesPage : public QWizardPage {
    Q_OBJECT
public:
    explicit ChromosomesPage(GenomePage* genome, QWidget* parent = nullptr);
    enum Split { Train = 2, Validation = 3, Test = 4 }; ///< table columns

    void initializePage() override;
    void setSplits(const std::vector<std::string>& train,
                   const std::vector<std::string>& validation,
                   const std::vector<std::string>& test);
    void setSplit(const QString& chromosome, Split split);
    [[nodiscard]] std::vector<std::string> chromosomes(Split split) const;
    [[nodiscard]] bool isComplete() const override;
    [[nodiscard]] QString totalsText() const;

private:
    void updateTotals();
    GenomePage* m_genome;
    QTableWidget* m_table = nullptr;
    QLabel* m_totals = nullptr;
    bool m_updating = false;
    bool m_userSet = false;
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
