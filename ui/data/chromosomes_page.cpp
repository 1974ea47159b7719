#include "ui/data/chromosomes_page.h"

#include "core/util/text.h"
#include "ui/bridge/qt_convert.h"
#include "ui/data/genome_page.h"
#include "ui/data/wizard_cells.h"

#include <cstdint>
#include <set>

#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>

namespace kdna::ui {

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
        showChromosome(m_table, i, c);
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
    const QString train = counts[0] == 1 ? tr("1 chromosome") : tr("%1 chromosomes").arg(counts[0]);
    m_totals->setText(tr("Train: %1, %2 bp   Validation: %3, %4 bp   Test: %5, %6 bp")
                          .arg(train)
                          .arg(count(bases[0]))
                          .arg(counts[1])
                          .arg(count(bases[1]))
                          .arg(counts[2])
                          .arg(count(bases[2])));
    Q_EMIT completeChanged();
}

} // namespace kdna::ui
