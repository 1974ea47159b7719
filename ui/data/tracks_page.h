#pragma once

#include "core/project/inspect.h"

#include <vector>

#include <QStringList>
#include <QWizardPage>

class QLabel;
class QLineEdit;
class QListWidget;
class QTableWidget;

namespace kdna::ui {

class GenomePage;

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

    /// The roles a track can play, as its role column names them.
    [[nodiscard]] static QString targetRole();
    [[nodiscard]] static QString secondaryInputRole();
    [[nodiscard]] static QString secondaryTargetRole();

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

} // namespace kdna::ui
