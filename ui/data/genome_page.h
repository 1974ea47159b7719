#pragma once

#include "core/util/chromosome.h"

#include <vector>

#include <QPointer>
#include <QTimer>
#include <QWizardPage>

class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QTableWidget;

namespace kdna::ui {

class BackgroundTask;

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

} // namespace kdna::ui
