#pragma once

#include <string>
#include <vector>

#include <QWizardPage>

class QLabel;
class QTableWidget;

namespace kdna::ui {

class GenomePage;

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

} // namespace kdna::ui
