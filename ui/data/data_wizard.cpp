#include "ui/data/data_wizard.h"

#include "ui/bridge/background_task.h"
#include "ui/bridge/qt_convert.h"
#include "ui/data/dataset_form.h"
#include "core/genome/genome.h"
#include "ui/data/shape_previewer.h"
#include "core/tracks/file_kind.h"
#include "core/util/chrom_names.h"
#include "core/util/text.h"

#include <cstdint>
#include <set>

#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

namespace kdna::ui {
namespace {

const QString kTarget = QObject::tr("target");
const QString kSecondaryInput = QObject::tr("secondary input");
const QString kSecondaryTarget = QObject::tr("secondary target");

QTableWidgetItem* readOnly(const QString& text)
{
    auto* item = new QTableWidgetItem(text);
    item->setFlags(item->flags() & ~Qt::ItemIsEditable);
    return item;
}

bool isFeature(const FileReport& r)
{
    return isFeatureKind(r.kind);
}

} // namespace

// ---------------------------------------------------------------------------------------------
// Genome

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
            m_table->setItem(i, 0, readOnly(qs(c.name)));
            auto* len = readOnly(count(c.length));
            len->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            m_table->setItem(i, 1, len);
            total += c.length;
        }
        m_status->setText(tr("%1 chromosomes, %2 bp.").arg(m_chromosomes.size()).arg(count(total)));
    });
    connect(task, &BackgroundTask::failed, this, [this, task](const QString& message) {
        if (task != m_task)
            return;
        m_status->setText(
            QStringLiteral("<span style='color:#c0392b'>%1</span>").arg(message.toHtmlEscaped()));
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

// ---------------------------------------------------------------------------------------------
// Tracks

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
                    tr->role = kTarget;
                if (tr->annotations.isEmpty() && isFeature(tr->report)) {
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
        e->setForeground(QColor(0xc0, 0x39, 0x2b));
        m_table->setItem(row, 4, e);
        return;
    }
    m_table->setItem(row, 1, readOnly(QString::fromLatin1(kindName(t.report.kind))));
    auto* role = qobject_cast<QComboBox*>(m_table->cellWidget(row, 2));
    if (!role) {
        role = new QComboBox;
        role->addItem(kTarget);
        if (t.report.kind == FileKind::BigWig) {
            role->addItem(kSecondaryInput);
            role->addItem(kSecondaryTarget);
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
        chromItem->setForeground(QColor(0xc0, 0x39, 0x2b));
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
    } else if (isFeature(t.report)) {
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
    if (!t.scanned || !isFeature(t.report))
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
        if (t.role == kTarget) {
            ++targets;
            kinds.insert(isFeature(t.report));
            if (isFeature(t.report) && t.annotations.isEmpty())
                return false;
        }
    }
    return targets > 0 && kinds.size() == 1;
}

// ---------------------------------------------------------------------------------------------
// Chromosomes

ChromosomesPage::ChromosomesPage(GenomePage* genome, QWidget* parent)
    : QWizardPage(parent)
    , m_genome(genome)
{
    setTitle(tr("Chromosomes"));
    setSubTitle(tr(
        "Which chromosomes train the model, which validate it after each epoch, and which test it "
        "at the end (incl_chromosomes, validation_chr, test chromosomes)."));
    auto* layout = new QVBoxLayout(this);
    m_table = new QTableWidget(0, 5);
    m_table->setObjectName(QStringLiteral("splits"));
    m_table->setHorizontalHeaderLabels(
        {tr("Chromosome"), tr("Length (bp)"), tr("Train"), tr("Validation"), tr("Test")});
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_table->verticalHeader()->hide();
    layout->addWidget(m_table, 1);
    m_totals = new QLabel;
    m_totals->setObjectName(QStringLiteral("splitTotals"));
    m_totals->setWordWrap(true);
    layout->addWidget(m_totals);
    connect(m_table, &QTableWidget::itemChanged, this, [this](QTableWidgetItem* item) {
        if (m_updating || item->column() < Train)
            return;
        m_updating = true;
        m_userSet = true;
        // One split per chromosome: checking one unchecks the others.
        if (item->checkState() == Qt::Checked)
            for (int c = Train; c <= Test; ++c)
                if (c != item->column())
                    m_table->item(item->row(), c)->setCheckState(Qt::Unchecked);
        m_updating = false;
        updateTotals();
    });
}

void ChromosomesPage::initializePage()
{
    const auto& chroms = m_genome->chromosomes();
    const bool sameGenome = m_table->rowCount() == static_cast<int>(chroms.size());
    if (sameGenome && m_userSet)
        return;
    std::vector<std::string> train, validation, test;
    if (!sameGenome || !m_userSet) {
        // The tutorial's split when the yeast names are there, else about 70/15/15 by size.
        std::set<std::string> names;
        for (const auto& c : chroms)
            names.insert(c.name);
        const std::vector<std::string> tutorialTrain = {"chrI",  "chrII", "chrIII",
                                                        "chrIV", "chrV",  "chrVI"};
        const std::vector<std::string> tutorialVal = {"chrVII", "chrVIII"};
        bool tutorial = true;
        for (const auto& n : tutorialTrain)
            tutorial &= names.count(n) > 0;
        std::int64_t total = 0, running = 0;
        for (const auto& c : chroms)
            total += c.length;
        for (const auto& c : chroms) {
            if (tutorial) {
                if (std::find(tutorialTrain.begin(), tutorialTrain.end(), c.name) !=
                    tutorialTrain.end())
                    train.push_back(c.name);
                else if (std::find(tutorialVal.begin(), tutorialVal.end(), c.name) !=
                         tutorialVal.end())
                    validation.push_back(c.name);
                else
                    test.push_back(c.name);
                continue;
            }
            const double before = static_cast<double>(running) /
                                  static_cast<double>(std::max<std::int64_t>(1, total));
            (before < 0.7 ? train : before < 0.85 ? validation : test).push_back(c.name);
            running += c.length;
        }
        if (train.empty() && !chroms.empty())
            train.push_back(chroms.front().name);
    }
    setSplits(train, validation, test);
    m_userSet = false;
}

void ChromosomesPage::setSplits(const std::vector<std::string>& train,
                                const std::vector<std::string>& validation,
                                const std::vector<std::string>& test)
{
    m_updating = true;
    const auto& chroms = m_genome->chromosomes();
    m_table->setRowCount(static_cast<int>(chroms.size()));
    auto has = [](const std::vector<std::string>& v, const std::string& n) {
        return std::find(v.begin(), v.end(), n) != v.end();
    };
    for (int i = 0; i < static_cast<int>(chroms.size()); ++i) {
        const auto& c = chroms[static_cast<std::size_t>(i)];
        m_table->setItem(i, 0, readOnly(qs(c.name)));
        auto* len = readOnly(count(c.length));
        len->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        m_table->setItem(i, 1, len);
        const bool inSplit[3] = {has(train, c.name), has(validation, c.name), has(test, c.name)};
        for (int k = 0; k < 3; ++k) {
            auto* item = new QTableWidgetItem;
            item->setFlags(Qt::ItemIsUserCheckable | Qt::ItemIsEnabled);
            item->setCheckState(inSplit[k] ? Qt::Checked : Qt::Unchecked);
            m_table->setItem(i, Train + k, item);
        }
    }
    m_updating = false;
    m_userSet = true;
    updateTotals();
}

void ChromosomesPage::setSplit(const QString& chromosome, Split split)
{
    for (int r = 0; r < m_table->rowCount(); ++r)
        if (m_table->item(r, 0)->text() == chromosome)
            m_table->item(r, split)->setCheckState(Qt::Checked);
}

std::vector<std::string> ChromosomesPage::chromosomes(Split split) const
{
    std::vector<std::string> out;
    for (int r = 0; r < m_table->rowCount(); ++r)
        if (m_table->item(r, split) && m_table->item(r, split)->checkState() == Qt::Checked)
            out.push_back(ss(m_table->item(r, 0)->text()));
    return out;
}

bool ChromosomesPage::isComplete() const
{
    return !chromosomes(Train).empty();
}

QString ChromosomesPage::totalsText() const
{
    return m_totals->text();
}

void ChromosomesPage::updateTotals()
{
    std::int64_t bases[3] = {0, 0, 0};
    int counts[3] = {0, 0, 0};
    const auto& chroms = m_genome->chromosomes();
    for (int r = 0; r < m_table->rowCount() && r < static_cast<int>(chroms.size()); ++r)
        for (int k = 0; k < 3; ++k)
            if (m_table->item(r, Train + k)->checkState() == Qt::Checked) {
                bases[k] += chroms[static_cast<std::size_t>(r)].length;
                ++counts[k];
            }
    m_totals->setText(tr("Train: %1 chromosomes, %2 bp   Validation: %3, %4 bp   Test: %5, %6 bp")
                          .arg(counts[0])
                          .arg(count(bases[0]))
                          .arg(counts[1])
                          .arg(count(bases[1]))
                          .arg(counts[2])
                          .arg(count(bases[2])));
    Q_EMIT completeChanged();
}

// ---------------------------------------------------------------------------------------------
// Windows and labels

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
        if (t.role == kTarget) {
            s.annotation_files.push_back(ss(t.path));
            for (const auto& a : t.annotations)
                if (std::find(s.annotation_list.begin(), s.annotation_list.end(), ss(a)) ==
                    s.annotation_list.end())
                    s.annotation_list.push_back(ss(a));
        } else {
            s.sec_inputs.push_back(ss(t.path));
            s.use_sec_as =
                t.role == kSecondaryTarget ? SecondaryUse::Targets : SecondaryUse::Inputs;
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

// ---------------------------------------------------------------------------------------------

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
    m_tracks->addFiles(targets, QObject::tr("target"));
    m_tracks->addFiles(secondary, spec.use_sec_as == SecondaryUse::Targets ? kSecondaryTarget
                                                                           : kSecondaryInput);
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
