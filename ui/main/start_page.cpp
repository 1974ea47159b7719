#include "ui/main/start_page.h"

#include "ui/style/colors.h"

#include <QCommandLinkButton>
#include <QCoreApplication>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QVBoxLayout>

namespace kdna::ui {
namespace {

QCommandLinkButton* bigButton(const QString& title, const QString& detail)
{
    auto* b = new QCommandLinkButton(title, detail);
    b->setMinimumWidth(300);
    return b;
}

bool isTutorialData(const QString& folder)
{
    return QFileInfo::exists(folder + QStringLiteral("/sacCer3.fa"));
}

/// Asks for the tutorial's data folder, explaining in full what it holds and where it comes
/// from (a folder dialog's title is cut short), and says so in place when a folder is not it.
class TutorialDataDialog : public QDialog {
public:
    explicit TutorialDataDialog(const QString& initial, QWidget* parent)
        : QDialog(parent)
    {
        setWindowTitle(tr("Tutorial data"));
        auto* layout = new QVBoxLayout(this);
        auto* text = new QLabel(
            tr("The tutorial trains on S. cerevisiae: choose the folder that holds sacCer3.fa and "
               "the nucleosome tracks (nucleosome_occupancy.bw, nucleosomes_danpos.bed, ...). "
               "<tt>packaging/fetch-tutorial-data.sh DIR</tt> downloads them into DIR."));
        text->setObjectName(QStringLiteral("explanation"));
        text->setWordWrap(true);
        text->setTextFormat(Qt::RichText);
        layout->addWidget(text);
        auto* row = new QHBoxLayout;
        m_folder = new QLineEdit(initial);
        m_folder->setObjectName(QStringLiteral("dataFolder"));
        m_folder->setPlaceholderText(tr("the folder with sacCer3.fa"));
        auto* browse = new QPushButton(tr("Browse..."));
        row->addWidget(m_folder, 1);
        row->addWidget(browse);
        layout->addLayout(row);
        m_problem = new QLabel;
        m_problem->setObjectName(QStringLiteral("problem"));
        m_problem->setWordWrap(true);
        m_problem->setStyleSheet(colors::errorStyleSheet(palette()));
        m_problem->hide();
        layout->addWidget(m_problem);
        auto* buttons = new QDialogButtonBox(QDialogButtonBox::Cancel);
        auto* use = buttons->addButton(tr("Use this folder"), QDialogButtonBox::AcceptRole);
        use->setObjectName(QStringLiteral("useFolder"));
        use->setDefault(true);
        layout->addWidget(buttons);
        setMinimumWidth(520);

        connect(browse, &QPushButton::clicked, this, [this] {
            const QString dir = QFileDialog::getExistingDirectory(this, tr("Tutorial data folder"),
                                                                  m_folder->text());
            if (!dir.isEmpty())
                m_folder->setText(dir);
        });
        connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
        connect(buttons, &QDialogButtonBox::accepted, this, [this] {
            if (isTutorialData(folder())) {
                accept();
                return;
            }
            m_problem->setText(tr("%1 has no sacCer3.fa. Download the tutorial's data with "
                                  "packaging/fetch-tutorial-data.sh DIR, then choose DIR.")
                                   .arg(folder()));
            m_problem->show();
        });
    }
    [[nodiscard]] QString folder() const { return m_folder->text().trimmed(); }

private:
    QLineEdit* m_folder = nullptr;
    QLabel* m_problem = nullptr;
};

} // namespace

QString StartPage::examplesDir()
{
    const QStringList candidates = {QCoreApplication::applicationDirPath() +
                                        QStringLiteral("/../share/kdna/examples"),
                                    QStringLiteral(KDNA_SOURCE_DIR "/resources/examples")};
    for (const QString& c : candidates)
        if (QFileInfo::exists(c + QStringLiteral("/nucleosome_regression.kdna.json")))
            return QDir(c).absolutePath();
    return {};
}

StartPage::StartPage(QWidget* parent)
    : QWidget(parent)
{
    // A centred column of at most 900 px, whatever the window's size.
    auto* centring = new QHBoxLayout(this);
    auto* column = new QWidget;
    column->setMaximumWidth(900);
    centring->addStretch(1);
    centring->addWidget(column, 4);
    centring->addStretch(1);
    auto* outer = new QVBoxLayout(column);
    outer->addStretch(1);
    auto* title = new QLabel(
        tr("<h1>kdna-studio</h1><p>Train deep networks on a genome: pick a FASTA and tracks, "
           "stack layers, watch the losses, and browse the predicted track over the "
           "measured one.</p>"));
    title->setWordWrap(true);
    title->setAlignment(Qt::AlignCenter);
    outer->addWidget(title);
    auto* grid = new QGridLayout;
    auto* open = bigButton(tr("Open a project..."),
                           tr("A *.kdna.json file (the same files `kdna train` runs)"));
    auto* create = bigButton(tr("New project..."),
                             tr("The data wizard: genome, tracks, chromosomes, windows"));
    auto* regression = bigButton(
        tr("Tutorial: nucleosome regression"),
        tr("keras_dna's CNN on 2001 bp windows of S. cerevisiae (choose the data folder)"));
    auto* classification =
        bigButton(tr("Tutorial: nucleosome classification"),
                  tr("Nucleosome or linker from the DANPOS calls (choose the data folder)"));
    auto* demo = bigButton(tr("Try the demo"),
                           tr("A small synthetic genome kdna writes itself; works offline"));
    open->setObjectName(QStringLiteral("openProject"));
    demo->setObjectName(QStringLiteral("openDemo"));
    grid->addWidget(open, 0, 0);
    grid->addWidget(create, 0, 1);
    grid->addWidget(regression, 1, 0);
    grid->addWidget(classification, 1, 1);
    grid->addWidget(demo, 2, 0);
    outer->addLayout(grid);
    outer->addWidget(new QLabel(tr("<b>Recent projects</b>")));
    m_recent = new QListWidget;
    m_recent->setMaximumHeight(150);
    outer->addWidget(m_recent);
    outer->addStretch(2);

    connect(open, &QPushButton::clicked, this, &StartPage::openRequested);
    connect(create, &QPushButton::clicked, this, &StartPage::newRequested);
    connect(demo, &QPushButton::clicked, this, &StartPage::demoRequested);
    connect(regression, &QPushButton::clicked, this,
            [this] { chooseTemplate(QStringLiteral("nucleosome_regression.kdna.json")); });
    connect(classification, &QPushButton::clicked, this,
            [this] { chooseTemplate(QStringLiteral("nucleosome_classification.kdna.json")); });
    connect(m_recent, &QListWidget::itemActivated, this, [this](QListWidgetItem* item) {
        Q_EMIT recentRequested(item->data(Qt::UserRole).toString());
    });
}

void StartPage::setRecent(const QStringList& paths)
{
    m_recent->clear();
    for (const QString& p : paths) {
        auto* item = new QListWidgetItem(
            QStringLiteral("%1   (%2)").arg(QFileInfo(p).fileName(), QFileInfo(p).absolutePath()));
        item->setData(Qt::UserRole, p);
        m_recent->addItem(item);
    }
}

void StartPage::chooseTemplate(const QString& file)
{
    const QString examples = examplesDir();
    if (examples.isEmpty()) {
        QMessageBox::warning(this, tr("No examples"),
                             tr("The example projects were not found next to kdna-studio."));
        return;
    }
    TutorialDataDialog dialog(QSettings().value(QStringLiteral("dataFolder")).toString(), this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    const QString data = dialog.folder();
    Q_EMIT templateRequested(examples + QLatin1Char('/') + file, data);
}

} // namespace kdna::ui
