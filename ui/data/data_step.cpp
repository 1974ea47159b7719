#include "ui/data/data_step.h"

#include "ui/bridge/project_document.h"
#include "ui/bridge/qt_convert.h"
#include "ui/data/data_wizard.h"
#include "ui/data/dataset_form.h"
#include "ui/data/shape_previewer.h"
#include "core/util/text.h"

#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>

namespace kdna::ui {
namespace {

QString fileList(const std::vector<std::string>& files)
{
    QStringList names;
    for (const auto& f : files)
        names << QFileInfo(qs(f)).fileName().toHtmlEscaped();
    return names.join(QStringLiteral(", "));
}

QString chromosomeList(const std::vector<std::string>& chroms)
{
    return chroms.empty() ? QObject::tr("all") : qs(text::join(chroms, ", ")).toHtmlEscaped();
}

} // namespace

DataStep::DataStep(ProjectDocument* document, QWidget* parent)
    : QWidget(parent)
    , m_doc(document)
{
    auto* layout = new QHBoxLayout(this);
    auto* left = new QVBoxLayout;
    auto* header = new QHBoxLayout;
    m_summary = new QLabel;
    m_summary->setObjectName(QStringLiteral("dataSummary"));
    m_summary->setWordWrap(true);
    m_summary->setTextFormat(Qt::RichText);
    header->addWidget(m_summary, 1);
    m_wizardButton = new QPushButton;
    m_wizardButton->setToolTip(tr("Choose the genome, tracks and chromosome splits"));
    m_wizardButton->setObjectName(QStringLiteral("openWizard"));
    header->addWidget(m_wizardButton, 0, Qt::AlignTop);
    left->addLayout(header);
    auto* scroll = new QScrollArea;
    m_form = new DatasetForm;
    scroll->setWidget(m_form);
    scroll->setWidgetResizable(true);
    left->addWidget(scroll, 1);
    layout->addLayout(left, 3);
    m_preview = new ShapePreviewer;
    layout->addWidget(m_preview, 2);

    connect(m_wizardButton, &QPushButton::clicked, this, [this] { openWizard(); });
    connect(m_form, &DatasetForm::edited, this, &DataStep::formEdited);
    connect(m_form, &DatasetForm::editFinished, m_doc, &ProjectDocument::finishFieldEdit);
    connect(m_preview, &ShapePreviewer::problemsChanged, m_form, &DatasetForm::showProblems);
    connect(m_doc, &ProjectDocument::aboutToReset, m_preview, &ShapePreviewer::clearBatch);
    connect(m_doc, &ProjectDocument::reloaded, this, &DataStep::refresh);
    connect(m_doc, &ProjectDocument::changed, this, [this](ProjectDocument::Section s) {
        if (s == ProjectDocument::Section::Dataset || s == ProjectDocument::Section::Training ||
            s == ProjectDocument::Section::Evaluation)
            refresh();
    });
    refresh();
}

void DataStep::refresh()
{
    if (m_applying)
        return;
    const Project& p = m_doc->project();
    const DatasetSpec& spec = primary(p.dataset);
    const bool multi = std::holds_alternative<MultiSpec>(p.dataset);
    QString html;
    if (spec.fasta_file.empty()) {
        html = tr("<b>No data yet.</b> Open the data wizard to choose a genome and tracks, or drop "
                  "files on the window.");
    } else {
        html = tr("<b>Genome</b> %1<br><b>%2</b> %3")
                   .arg(QFileInfo(qs(spec.fasta_file)).fileName().toHtmlEscaped(),
                        spec.isSparse() ? tr("Annotations") : tr("Targets"),
                        fileList(spec.annotation_files));
        if (spec.isSparse())
            html += tr(" - learning %1")
                        .arg(qs(text::quotedList(spec.annotation_list)).toHtmlEscaped());
        if (!spec.sec_inputs.empty())
            html += tr("<br><b>Secondary %1</b> %2")
                        .arg(qs(spec.use_sec_as.text()), fileList(spec.sec_inputs));
        html +=
            tr("<br><b>Train</b> %1 &nbsp; <b>Validation</b> %2 &nbsp; <b>Test</b> %3")
                .arg(chromosomeList(spec.incl_chromosomes),
                     p.training.validation_chr.empty() ? tr("none")
                                                       : chromosomeList(p.training.validation_chr),
                     p.test_chr.empty() ? tr("none") : chromosomeList(p.test_chr));
        if (multi)
            html += tr(
                "<br><i>A MultiGenerator project: its datasets are edited in the project file; the "
                "keywords below are the first dataset's.</i>");
    }
    m_summary->setText(html);
    m_wizardButton->setText(spec.fasta_file.empty() ? tr("Choose the data...")
                                                    : tr("Edit in wizard..."));
    m_form->setSpec(spec);
    m_form->setEnabled(!spec.fasta_file.empty() && !multi);
    m_preview->setSpec(spec, p.training.validation_chr, p.test_chr);
}

void DataStep::formEdited(const QString& keyword)
{
    const DatasetSpec spec = m_form->spec();
    const Project& p = m_doc->project();
    m_preview->setSpec(spec, p.training.validation_chr, p.test_chr);
    if (std::holds_alternative<MultiSpec>(p.dataset))
        return;
    m_applying = true;
    // Keystrokes in one field merge into one undo step (the document ends it when the field
    // is left).
    m_doc->setDataset(spec, tr("Edit %1").arg(keyword), keyword);
    m_applying = false;
}

void DataStep::openWizard(const QStringList& files)
{
    if (m_wizard) {
        m_wizard->addDroppedFiles(files);
        m_wizard->raise();
        return;
    }
    // Window-modal but not a nested event loop: the rest of the application keeps running.
    m_wizard = new DataWizard(this);
    m_wizard->setAttribute(Qt::WA_DeleteOnClose);
    m_wizard->load(m_doc->project());
    if (!files.isEmpty())
        m_wizard->addDroppedFiles(files);
    connect(m_wizard, &QDialog::accepted, this,
            [this, wizard = m_wizard.data()] { apply(wizard->choice()); });
    m_wizard->open();
}

void DataStep::apply(const DatasetChoice& choice)
{
    m_doc->undoStack()->beginMacro(tr("Data wizard"));
    m_doc->setDataset(choice.spec, tr("Data wizard"));
    TrainSettings training = m_doc->project().training;
    training.validation_chr = choice.validation;
    m_doc->setTraining(training, tr("Choose validation chromosomes"));
    m_doc->setTestChromosomes(choice.test);
    m_doc->undoStack()->endMacro();
}

} // namespace kdna::ui
