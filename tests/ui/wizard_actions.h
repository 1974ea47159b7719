#pragma once
// What a person does on the data wizard's pages, shared by the wizard's tests and the
// end-to-end walkthrough.

#include "data/data_wizard.h"
#include "user_actions.h"

#include <algorithm>
#include <string>
#include <vector>

namespace kdna::test {

/// On the chromosomes page, ticks each chromosome's split by keyboard (none for the
/// chromosomes in no list).
inline void chooseSplits(QTableWidget* table, const std::vector<std::string>& train,
                         const std::vector<std::string>& validation,
                         const std::vector<std::string>& test)
{
    using ui::ChromosomesPage;
    auto in = [](const std::vector<std::string>& v, const QString& name) {
        return std::find(v.begin(), v.end(), name.toStdString()) != v.end();
    };
    for (int row = 0; row < table->rowCount(); ++row) {
        const QString name = cellText(table, row, 0);
        const int wanted = in(train, name)        ? ChromosomesPage::Train
                           : in(validation, name) ? ChromosomesPage::Validation
                           : in(test, name)       ? ChromosomesPage::Test
                                                  : -1;
        for (int column = ChromosomesPage::Train; column <= ChromosomesPage::Test; ++column) {
            const bool checked = table->item(row, column)->checkState() == Qt::Checked;
            if (checked != (column == wanted))
                QVERIFY2(toggleCell(table, row, column), qPrintable(name));
        }
    }
}

} // namespace kdna::test
