#include "ui/data/tracks_page.h"

#include "core/tracks/file_kind.h"
#include "core/util/chrom_names.h"
#include "core/util/text.h"
#include "ui/bridge/background_task.h"
#include "ui/bridge/qt_convert.h"
#include "ui/data/genome_page.h"
#include "ui/data/wizard_cells.h"
#include "ui/style/colors.h"

#include <set>

#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace kdna::ui {

QString TracksPage::targetRole()
{
    return tr("target");
}

QString TracksPage::secondaryInputRole()
{
    return tr("secondary input");
}

QString TracksPage::secondaryTargetRole()
{
    return tr("secondary target");
}

TracksPage::TracksPage(GenomePage* genome, QWidget* parent)
    : QWizardPage(parent)
    , m_genome(genome)
{
    setTitle(tr("Tracks"));
    setSubTitle(tr(
        "bigWig tracks to predict (regression) or BED, narrowPeak and GFF annotations to classify; "
        "other bigWigs can be secondary inputs or targets."));
    auto* layout = new QVBoxLayout(this);
    m_table = new QTableWidget(0, 5);
    m_table->setObjectName(QStringLiteral("tracks"));
    m_table->setHorizontalHeaderLabels(
        {tr("File"), tr("Type"), tr("Role"), tr("Chromosomes"), tr("Contents")});
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->verticalHeader()->hide();
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setWordWrap(true);
    layout->addWidget(m_table, 2);
    auto* buttons = new QHBoxLayout;
    auto* add = new QPushButton(tr("Add files..."));
    add->setObjectName(QStringLiteral("addTracks"));
    auto* remove = new QPushButton(tr("Remove"));
    remove->setObjectName(QStringLiteral("removeTrack"));
    buttons->addWidget(add);
    buttons->addWidget(remove);
    buttons->addStretch();
    layout->addLayout(buttons);
    m_typesLabel = new QLabel;
    m_typesLabel->setToolTip(QStringLiteral("<b>annotation_list</b>"));
    layout->addWidget(m_typesLabel);
    m_types = new QListWidget;
    m_types->setObjectName(QStringLiteral("annotation_list"));
    m_types->setMaximumHeight(110);
    layout->addWidget(m_types);
    m_bedName = new QLineEdit;
    m_bedName->setObjectName(QStringLiteral("annotation_name"));
    m_bedName->setToolTip(QStringLiteral("<b>annotation_list</b><br>") +
                          tr("A BED holds one kind of annotation: name it (e.g. 'binding site')"));
    layout->addWidget(m_bedName);
    m_types->hide();
    m_bedName->hide();

    connect(add, &QPushButton::clicked, this, [this] {
        const QStringList files = QFileDialog::getOpenFileNames(
            this, tr("Add tracks"), QFileInfo(m_genome->fasta()).absolutePath(),
            tr("Tracks (*.bw *.bigWig *.bigwig *.bed *.bed.gz *.narrowPeak *.narrowPeak.gz *.gff "
               "*.gff3 *.gtf *.gff.gz *.gff3.gz);;All files (*)"));
        addFiles(files);
    });
    connect(remove, &QPushButton::clicked, this, [this] {
        const int row = m_table->currentRow();
        if (row < 0)
            return;
        m_tracks.erase(m_tracks.begin() + row);
        m_table->removeRow(row);
        showAnnotations();
        Q_EMIT completeChanged();
    });
    connect(m_table, &QTableWidget::currentCellChanged, this, &TracksPage::showAnnotations);
    connect(m_types, &QListWidget::itemChanged, this, [this] {
        const int row = m_table->currentRow();
        if (row < 0)
            return;
        QStringList chosen;
        for (int i = 0; i < m_types->count(); ++i)
            if (m_types->item(i)->checkState() == Qt::Checked)
                chosen << m_types->item(i)->data(Qt::UserRole).toString();
        m_tracks[static_cast<std::size_t>(row)].annotations = chosen;
        Q_EMIT completeChanged();
    });
    connect(m_bedName, &QLineEdit::textEdited, this, [this](const QString& text) {
        const int row = m_table->currentRow();
        if (row >= 0)
            m_tracks[static_cast<std::size_t>(row)].annotations =
                text.trimmed().isEmpty() ? QStringList() : QStringList{text.trimmed()};
        Q_EMIT completeChanged();
    });
}

void TracksPage::initializePage()
{
    for (auto& t : m_tracks)
        compareWithGenome(t);
    for (int row = 0; row < static_cast<int>(m_tracks.size()); ++row)
        refreshRow(row);
}

void TracksPage::compareWithGenome(Track& t) const
{
    t.mismatch.clear();
    if (!t.scanned || m_genome->chromosomes().empty())
        return;
    const auto cmp =
        chrom_names::compare(namesOf(m_genome->chromosomes()), namesOf(t.report.chromosomes));
    if (cmp.shared.empty())
        t.mismatch = tr("no chromosome name in common with the genome") +
                     (cmp.fix.empty() ? QString() : QStringLiteral(": ") + qs(cmp.fix));
    else if (!cmp.onlySecond.empty())
        t.mismatch = tr("%1 name(s) not in the genome: %2")
                         .arg(cmp.onlySecond.size())
                         .arg(qs(text::quotedList(cmp.onlySecond, 4)));
}

void TracksPage::addFiles(const QStringList& paths, const QString& role)
{
    for (const QString& path : paths) {
        const int row = static_cast<int>(m_tracks.size());
        Track t;
        t.path = path;
        t.role = role;
        m_tracks.push_back(t);
        m_table->insertRow(row);
        refreshRow(row);
        ++m_scanning;
        auto report = std::make_shared<FileReport>();
        auto* task = BackgroundTask::start(
            this, tr("Read %1").arg(QFileInfo(path).fileName()),
            [path, report](TaskContext&) { *report = inspectFile(ss(path)); });
        auto find = [this, path]() -> Track* {
            for (auto& tr : m_tracks)
                if (tr.path == path && !tr.scanned)
                    return &tr;
            return nullptr;
        };
        connect(task, &BackgroundTask::succeeded, this, [this, find, report] {
            if (Track* tr = find()) {
                tr->report = *report;
                tr->scanned = true;
                if (tr->role.isEmpty())
                    tr->role = targetRole();
                if (tr->annotations.isEmpty() && isFeatureKind(tr->report.kind)) {
                    if (tr->report.kind == FileKind::Gff) {
                        if (tr->report.featuresPerType.count("gene"))
                            tr->annotations = {QStringLiteral("gene")};
                    } else {
                        tr->annotations = {QFileInfo(tr->path).baseName().contains(
                                               QStringLiteral("nucleosome"), Qt::CaseInsensitive)
                                               ? QStringLiteral("nucleosome")
                                               : QStringLiteral("binding site")};
                    }
                }
                compareWithGenome(*tr);
            }
        });
        connect(task, &BackgroundTask::failed, this, [find](const QString& message) {
            if (Track* tr = find()) {
                tr->error = message;
                tr->scanned = true;
            }
        });
        connect(task, &BackgroundTask::finished, this, [this] {
            --m_scanning;
            for (int r = 0; r < static_cast<int>(m_tracks.size()); ++r)
                refreshRow(r);
            showAnnotations();
            Q_EMIT completeChanged();
            if (m_scanning == 0)
                Q_EMIT scanned();
        });
    }
    Q_EMIT completeChanged();
}

void TracksPage::refreshRow(int row)
{
    const Track& t = m_tracks[static_cast<std::size_t>(row)];
    m_table->setItem(row, 0, readOnly(QFileInfo(t.path).fileName()));
    m_table->item(row, 0)->setToolTip(t.path);
    if (!t.scanned) {
        m_table->setItem(row, 1, readOnly(tr("reading...")));
        return;
    }
    if (!t.error.isEmpty()) {
        m_table->setItem(row, 1, readOnly(tr("error")));
        auto* e = readOnly(t.error);
        e->setForeground(colors::error(palette()));
        m_table->setItem(row, 4, e);
        return;
    }
    m_table->setItem(row, 1, readOnly(QString::fromLatin1(kindName(t.report.kind))));
    auto* role = qobject_cast<QComboBox*>(m_table->cellWidget(row, 2));
    if (!role) {
        role = new QComboBox;
        role->addItem(targetRole());
        if (t.report.kind == FileKind::BigWig) {
            role->addItem(secondaryInputRole());
            role->addItem(secondaryTargetRole());
        }
        role->setToolTip(
            tr("<b>annotation_files</b> (target) or <b>sec_inputs</b> with <b>use_sec_as</b>"));
        connect(role, &QComboBox::currentTextChanged, this, [this, role](const QString& text) {
            for (int r = 0; r < m_table->rowCount(); ++r)
                if (m_table->cellWidget(r, 2) == role)
                    setRole(r, text);
        });
        m_table->setCellWidget(row, 2, role);
    }
    {
        const QSignalBlocker block(role);
        role->setCurrentText(t.role);
    }
    QString chroms = tr("%1 chromosomes").arg(t.report.chromosomes.size());
    auto* chromItem = readOnly(chroms);
    if (!t.mismatch.isEmpty()) {
        chromItem->setText(chroms + QStringLiteral(" - ") + t.mismatch);
        chromItem->setForeground(colors::error(palette()));
        chromItem->setToolTip(t.mismatch);
    }
    m_table->setItem(row, 3, chromItem);
    QString contents;
    if (t.report.kind == FileKind::BigWig) {
        contents = tr("%1 bases covered, values %2 to %3 (mean %4)")
                       .arg(count(t.report.coveredBases))
                       .arg(t.report.min, 0, 'g', 4)
                       .arg(t.report.max, 0, 'g', 4)
                       .arg(t.report.mean, 0, 'g', 4);
    } else if (isFeatureKind(t.report.kind)) {
        QStringList types;
        for (const auto& [type, n] : t.report.featuresPerType)
            types << QStringLiteral("%1 %2").arg(qs(type), count(n));
        contents = t.report.kind == FileKind::Gff ? types.join(QStringLiteral(", "))
                                                  : tr("%1 intervals, %2 to %3 bp")
                                                        .arg(count(t.report.featureCount))
                                                        .arg(t.report.minLength)
                                                        .arg(t.report.maxLength);
    }
    m_table->setItem(row, 4, readOnly(contents));
    m_table->resizeColumnsToContents();
    m_table->resizeRowToContents(row);
}

void TracksPage::setRole(int row, const QString& role)
{
    m_tracks[static_cast<std::size_t>(row)].role = role;
    Q_EMIT completeChanged();
}

void TracksPage::setAnnotations(int row, const QStringList& annotations)
{
    m_tracks[static_cast<std::size_t>(row)].annotations = annotations;
    if (m_table->currentRow() == row)
        showAnnotations();
    Q_EMIT completeChanged();
}

void TracksPage::showAnnotations()
{
    const int row = m_table->currentRow();
    m_types->hide();
    m_bedName->hide();
    m_typesLabel->clear();
    if (row < 0 || row >= static_cast<int>(m_tracks.size()))
        return;
    const Track& t = m_tracks[static_cast<std::size_t>(row)];
    if (!t.scanned || !isFeatureKind(t.report.kind))
        return;
    if (t.report.kind == FileKind::Gff) {
        m_typesLabel->setText(tr("Feature types of %1 to learn (annotation_list):")
                                  .arg(QFileInfo(t.path).fileName()));
        const QSignalBlocker block(m_types);
        m_types->clear();
        for (const auto& [type, n] : t.report.featuresPerType) {
            auto* item = new QListWidgetItem(QStringLiteral("%1 (%2)").arg(qs(type), count(n)));
            item->setData(Qt::UserRole, qs(type));
            item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
            item->setCheckState(t.annotations.contains(qs(type)) ? Qt::Checked : Qt::Unchecked);
            m_types->addItem(item);
        }
        m_types->show();
    } else {
        m_typesLabel->setText(
            tr("A BED holds one kind of annotation; its name (annotation_list):"));
        m_bedName->setText(t.annotations.value(0));
        m_bedName->show();
    }
}

bool TracksPage::isComplete() const
{
    if (m_scanning > 0)
        return false;
    int targets = 0;
    std::set<bool> kinds;
    for (const auto& t : m_tracks) {
        if (!t.error.isEmpty())
            return false;
        if (t.role == targetRole()) {
            ++targets;
            kinds.insert(isFeatureKind(t.report.kind));
            if (isFeatureKind(t.report.kind) && t.annotations.isEmpty())
                return false;
        }
    }
    return targets > 0 && kinds.size() == 1;
}

} // namespace kdna::ui
