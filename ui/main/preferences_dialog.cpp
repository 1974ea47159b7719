#include "ui/main/preferences_dialog.h"

#include "core/data/cache_settings.h"
#include "core/util/error.h"
#include "ui/style/colors.h"

#include <algorithm>

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QVBoxLayout>

namespace kdna::ui {
namespace {

const QString kMemoryKey = QStringLiteral("cache/memory");
const QString kPrecisionKey = QStringLiteral("cache/precision");

} // namespace

PreferencesDialog::PreferencesDialog(QWidget* parent)
    : QDialog(parent)
    , m_memory(new QLineEdit)
    , m_precision(new QComboBox)
    , m_problem(new QLabel)
{
    setWindowTitle(tr("Preferences"));
    const store::CacheSettings now = store::CacheSettings::current();

    m_memory->setObjectName(QStringLiteral("memory"));
    m_memory->setText(QString::fromStdString(now.memory));
    m_memory->setToolTip(
        tr("How much memory the blocks of genome and tracks read from disk may take, e.g. 4G or "
           "512M (at least %1). A human genome trains in a few gigabytes; the default is 1G.")
            .arg(QString::fromStdString(store::formatMemorySize(store::kMinMemoryBudget))));
    m_precision->setObjectName(QStringLiteral("cachePrecision"));
    const auto addPrecision = [this](store::CachePrecision precision, const QString& what) {
        const QString name = QString::fromStdString(store::precisionName(precision));
        m_precision->addItem(QStringLiteral("%1 (%2)").arg(name, what), name);
    };
    addPrecision(store::CachePrecision::Float32, tr("exact, 4 bytes a base a track"));
    addPrecision(store::CachePrecision::BFloat16,
                 tr("2 bytes, each value within 2^-9 of the bigWig's"));
    m_precision->setCurrentIndex(
        std::max(0, m_precision->findData(QString::fromStdString(now.precision))));
    m_problem->setObjectName(QStringLiteral("memoryProblem"));
    m_problem->setWordWrap(true);
    m_problem->setStyleSheet(colors::errorStyleSheet(palette()));

    m_form = new QFormLayout;
    m_form->addRow(tr("&Memory for cached blocks:"), m_memory);
    m_form->addRow(QString(), m_problem);
    m_form->addRow(tr("Track caches on &disk:"), m_precision);
    auto* note = new QLabel(tr("Applies to the tracks opened from now on. Statistics are "
                               "computed from the bigWig's values either way."));
    note->setWordWrap(true);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    m_ok = buttons->button(QDialogButtonBox::Ok);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_memory, &QLineEdit::textChanged, this, &PreferencesDialog::check);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(m_form);
    layout->addWidget(note);
    layout->addWidget(buttons);
    check();
}

void PreferencesDialog::check()
{
    const std::string problem = store::memorySizeProblem(m_memory->text().trimmed().toStdString());
    m_problem->setText(problem.empty() ? QString()
                                       : tr("The memory %1.").arg(QString::fromStdString(problem)));
    if (const bool show = !problem.empty(); m_problem->isHidden() == show) {
        m_form->setRowVisible(m_problem, show); // the row's spacing goes with it
        adjustSize(); // room for the sentence's lines, or none: never a squeezed label
    }
    m_ok->setEnabled(problem.empty());
}

void PreferencesDialog::accept()
{
    const store::CacheSettings chosen{m_memory->text().trimmed().toStdString(),
                                      m_precision->currentData().toString().toStdString()};
    chosen.apply(); // check() let only a valid size through
    QSettings settings;
    settings.setValue(kMemoryKey, QString::fromStdString(chosen.memory));
    settings.setValue(kPrecisionKey, QString::fromStdString(chosen.precision));
    QDialog::accept();
}

void PreferencesDialog::applySaved()
{
    const QSettings settings;
    // Each on its own: a bad memory value must not keep a good precision out.
    for (const store::CacheSettings& one :
         {store::CacheSettings{settings.value(kMemoryKey).toString().toStdString(), {}},
          store::CacheSettings{{}, settings.value(kPrecisionKey).toString().toStdString()}}) {
        try {
            one.apply();
        } catch (const Error&) {
            // Hand-edited or from another version: the default stays.
        }
    }
}

} // namespace kdna::ui
