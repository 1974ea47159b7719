#include "ui/data/genome_page.h"

#include "core/genome/genome.h"
#include "core/util/text.h"
#include "ui/bridge/background_task.h"
#include "ui/bridge/qt_convert.h"
#include "ui/data/wizard_cells.h"
#include "ui/style/colors.h"

#include <cstdint>

#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace kdna::ui {

GenomePage::GenomePage(QWidget* parent)
    : QWizardPage(parent)
{
    setTitle(tr("Genome"));
    setSubTitle(
        tr("The FASTA the windows are cut from (plain or bgzip-compressed). kdna indexes it when "
           "needed; this runs in the background."));
    auto* layout = new QVBoxLayout(this);
    auto* row = new QHBoxLayout;
    m_path = new QLineEdit;
    m_path->setPlaceholderText(tr("genome.fa or genome.fa.gz"));
    m_path->setToolTip(QStringLiteral("<b>fasta_file</b>"));
    m_path->setObjectName(QStringLiteral("fasta_file"));
    auto* browse = new QPushButton(tr("Browse..."));
    browse->setObjectName(QStringLiteral("browseFasta"));
    row->addWidget(m_path, 1);
    row->addWidget(browse);
    layout->addLayout(row);
    auto* progressRow = new QHBoxLayout;
    m_progress = new QProgressBar;
    m_progress->setRange(0, 0);
    m_progress->hide();
    m_cancel = new QPushButton(tr("Cancel"));
    m_cancel->hide();
    progressRow->addWidget(m_progress, 1);
    progressRow->addWidget(m_cancel);
    layout->addLayout(progressRow);
    m_status = new QLabel;
    m_status->setObjectName(QStringLiteral("genomeStatus"));
    m_status->setWordWrap(true);
    layout->addWidget(m_status);
    m_table = new QTableWidget(0, 2);
    m_table->setHorizontalHeaderLabels({tr("Chromosome"), tr("Length (bp)")});
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->verticalHeader()->hide();
    layout->addWidget(m_table, 1);

    connect(browse, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getOpenFileName(
            this, tr("Choose the genome"), m_path->text(),
            tr("FASTA (*.fa *.fasta *.fna *.fa.gz *.fasta.gz *.fna.gz);;All files (*)"));
        if (!file.isEmpty())
            setFasta(file);
    });
    // A typed path is read once the typing pauses (or at Enter / Tab): a person who types it
    // then reaches for Next finds it enabled.
    m_typing.setSingleShot(true);
    m_typing.setInterval(500);
    connect(&m_typing, &QTimer::timeout, this, &GenomePage::index);
    connect(m_path, &QLineEdit::textChanged, this, [this] {
        m_typing.start();
        Q_EMIT completeChanged();
    });
    connect(m_path, &QLineEdit::editingFinished, this, &GenomePage::index);
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        if (m_task)
            m_task->cancel();
    });
}

void GenomePage::setFasta(const QString& path)
{
    m_path->setText(path);
    index();
}

QString GenomePage::fasta() const
{
    return m_path->text().trimmed();
}

bool GenomePage::isComplete() const
{
    return !m_chromosomes.empty() && !m_task && m_indexed == fasta();
}

void GenomePage::index()
{
    m_typing.stop();
    const QString path = fasta();
    if (path.isEmpty() || path == m_indexed || path == m_indexing)
        return;
    if (m_task)
        m_task->cancel();
    m_chromosomes.clear();
    m_indexed.clear();
    m_table->setRowCount(0);
    if (!QFileInfo(path).isFile()) {
        m_indexing.clear();
        m_task.clear();
        m_progress->hide();
        m_cancel->hide();
        m_status->setText(tr("No file at %1.").arg(path));
        Q_EMIT completeChanged();
        return;
    }
    m_indexing = path;
    m_progress->show();
    m_cancel->show();
    m_status->setText(tr("Indexing %1...").arg(QFileInfo(path).fileName()));
    auto result = std::make_shared<std::vector<Chromosome>>();
    m_task = BackgroundTask::start(this, tr("Index the genome"), [path, result](TaskContext& ctx) {
        Genome g = Genome::open(ss(path));
        if (!ctx.cancelled())
            *result = g.chromosomes();
    });
    BackgroundTask* task = m_task;
    connect(task, &BackgroundTask::succeeded, this, [this, path, result, task] {
        if (task != m_task)
            return; // superseded by a newer path
        if (task->isCancelled()) {
            m_status->setText(tr("Indexing cancelled."));
            return;
        }
        m_chromosomes = *result;
        m_indexed = path;
        m_table->setRowCount(static_cast<int>(m_chromosomes.size()));
        std::int64_t total = 0;
        for (int i = 0; i < static_cast<int>(m_chromosomes.size()); ++i) {
            const auto& c = m_chromosomes[static_cast<std::size_t>(i)];
            showChromosome(m_table, i, c);
            total += c.length;
        }
        m_status->setText(tr("%1 chromosomes, %2 bp.").arg(m_chromosomes.size()).arg(count(total)));
    });
    connect(task, &BackgroundTask::failed, this, [this, task](const QString& message) {
        if (task != m_task)
            return;
        m_status->setText(colors::errorHtml(message, palette()));
    });
    connect(task, &BackgroundTask::finished, this, [this, task] {
        if (task != m_task)
            return;
        // The task is deleted only later: forget it now, or isComplete() still sees it running
        // when the wizard asks (Next stayed greyed).
        m_task.clear();
        m_indexing.clear();
        m_progress->hide();
        m_cancel->hide();
        Q_EMIT completeChanged();
    });
}

} // namespace kdna::ui
