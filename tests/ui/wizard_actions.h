#pragma once
// What a person does on the data wizard's pages, shared by the wizard's tests and the
// end-to-end walkthrough.

#include "ui/data/data_wizard.h"
#include "core/project/demo_data.h"
#include "support/fixtures.h"
#include "user_actions.h"

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

namespace kdna::test {

/// The data a walk through the wizard picks: the tutorial's yeast data when it is there, else
/// kdna's demo data written into `demoFolder` (so the walk never skips).
struct WalkData {
    QString fasta;
    QString target;
    std::vector<std::string> train, validation, test;
    int window = 0;
    QString locus; ///< in the test chromosome, as typed into the locus box
    bool yeast = false;
};

inline WalkData walkData(const std::filesystem::path& demoFolder)
{
    WalkData d;
    if (const auto yeast = yeastData()) {
        d.fasta = QString::fromStdString((*yeast / "sacCer3.fa").string());
        d.target = QString::fromStdString((*yeast / "nucleosome_occupancy.bw").string());
        d.train = {"chrI", "chrII", "chrIII", "chrIV", "chrV", "chrVI"};
        d.validation = {"chrVII", "chrVIII"};
        d.test = {"chrIX"};
        d.window = 2001;
        d.locus = QStringLiteral("chrIX:100,000-104,000");
        d.yeast = true;
        return d;
    }
    qInfo("yeast data not found: walking with kdna's demo data");
    const DemoFiles demo = writeDemoData(demoFolder);
    d.fasta = QString::fromStdString(demo.fasta.string());
    d.target = QString::fromStdString(demo.signal.string());
    d.train = {"chr1", "chr2"};
    d.validation = {"chr3"};
    d.test = {"chr4"};
    d.window = 501;
    d.locus = QStringLiteral("chr4:20,000-24,000");
    return d;
}

/// On the chromosomes page, ticks each chromosome's split by keyboard (none for the
/// chromosomes in no list).
inline void chooseSplits(QTableWidget* table, const WalkData& d)
{
    using ui::ChromosomesPage;
    auto in = [](const std::vector<std::string>& v, const QString& name) {
        return std::find(v.begin(), v.end(), name.toStdString()) != v.end();
    };
    for (int row = 0; row < table->rowCount(); ++row) {
        const QString name = cellText(table, row, 0);
        const int wanted = in(d.train, name)        ? ChromosomesPage::Train
                           : in(d.validation, name) ? ChromosomesPage::Validation
                           : in(d.test, name)       ? ChromosomesPage::Test
                                                    : -1;
        for (int column = ChromosomesPage::Train; column <= ChromosomesPage::Test; ++column) {
            const bool checked = table->item(row, column)->checkState() == Qt::Checked;
            if (checked != (column == wanted))
                QVERIFY2(toggleCell(table, row, column), qPrintable(name));
        }
    }
}

} // namespace kdna::test
