#include "ui/data/shape_previewer.h"

#include "core/data/generator.h"
#include "core/data/shapes.h"
#include "ui/bridge/background_task.h"
#include "ui/bridge/qt_convert.h"
#include "ui/data/batch_preview.h"
#include "ui/style/colors.h"
#include "ui/tracks/locus.h"

#include <cstdint>
#include <memory>

#include <QApplication>
#include <QFormLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace kdna::ui {
namespace {

QLabel* valueLabel()
{
    auto* l = new QLabel;
    l->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont f = l->font();
    f.setFamily(QStringLiteral("monospace"));
    f.setStyleHint(QFont::Monospace);
    l->setFont(f);
    return l;
}

QString withBatch(std::int64_t batch, const Shape& s)
{
    Shape b = s;
    b.insert(b.begin(), batch);
    return shapeText(b);
}

struct Counts {
    QString text;
    QString error;
};

} // namespace

ShapePreviewer::ShapePreviewer(QWidget* parent)
    : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);
    auto* title = new QLabel(tr("<b>Shape preview</b>"));
    layout->addWidget(title);
    auto* form = new QFormLayout;
    m_input = valueLabel();
    m_label = valueLabel();
    m_secondary = valueLabel();
    m_batch = valueLabel();
    m_batch->setWordWrap(true);
    auto addRow = [&](const QString& text, const QString& keyword, QLabel* value) {
        auto* l = new QLabel(text);
        l->setToolTip(keyword);
        value->setToolTip(keyword);
        form->addRow(l, value);
    };
    addRow(tr("Input"), QStringLiteral("predict_input_shape"), m_input);
    addRow(tr("Label"), QStringLiteral("predict_label_shape"), m_label);
    addRow(tr("Secondary"), QStringLiteral("predict_sec_input_shape"), m_secondary);
    addRow(tr("A batch"), tr("what the generator yields"), m_batch);
    layout->addLayout(form);
    m_counts = new QLabel;
    m_counts->setWordWrap(true);
    m_counts->setTextFormat(Qt::RichText);
    layout->addWidget(m_counts);
    m_status = new QLabel;
    m_status->setWordWrap(true);
    layout->addWidget(m_status);
    m_previewButton = new QPushButton(tr("Preview a batch"));
    m_previewButton->setObjectName(QStringLiteral("previewBatch"));
    // In the wizard, Enter means Next or Finish, never "draw again".
    m_previewButton->setAutoDefault(false);
    m_previewButton->setToolTip(
        tr("Draw the first example of the first batch from the real files"));
    layout->addWidget(m_previewButton);
    m_preview = new BatchPreview;
    m_preview->hide();
    layout->addWidget(m_preview);
    layout->addStretch();
    connect(m_previewButton, &QPushButton::clicked, this, [this] {
        m_batchWanted = true;
        previewBatch();
    });

    m_debounce.setSingleShot(true);
    m_debounce.setInterval(400);
    connect(&m_debounce, &QTimer::timeout, this, &ShapePreviewer::startCounting);
    // A batch on show is drawn again with the new settings.
    connect(&m_debounce, &QTimer::timeout, this, [this] {
        if (m_batchWanted && !m_hasProblems)
            previewBatch();
    });
    setMinimumWidth(280);
}

QString ShapePreviewer::inputShapeText() const
{
    return m_input->text();
}
QString ShapePreviewer::labelShapeText() const
{
    return m_label->text();
}
QString ShapePreviewer::secondaryShapeText() const
{
    return m_secondary->text();
}
QString ShapePreviewer::countsText() const
{
    return m_counts->text();
}

void ShapePreviewer::setSpec(const DatasetSpec& spec, const std::vector<std::string>& validation,
                             const std::vector<std::string>& test)
{
    m_spec = spec;
    m_validation = validation;
    m_test = test;
    refreshShapes();
    m_debounce.start();
}

void ShapePreviewer::refreshShapes()
{
    const auto problems = shapeProblems(m_spec);
    m_hasProblems = !problems.empty();
    Q_EMIT problemsChanged(problems);
    const QString invalid = colors::errorHtml(tr("invalid"), palette());
    if (!problems.empty()) {
        QStringList lines;
        for (const auto& p : problems)
            lines << QStringLiteral("<b>%1</b>: %2")
                         .arg(qs(p.keyword), qs(p.message).toHtmlEscaped());
        m_input->setText(invalid);
        m_label->setText(invalid);
        m_secondary->setText(QString());
        m_batch->setText(QString());
        m_status->setText(colors::errorRichText(lines.join(QStringLiteral("<br>")), palette()));
        m_previewButton->setEnabled(false);
        m_preview->hide(); // drawn with settings no longer there
        return;
    }
    const bool maxlen = m_spec.isSparse() && m_spec.seq_len == 0;
    if (maxlen) {
        // The length is the data's longest positive: shown once the files are read.
        m_input->setText(tr("(MAXLEN, 4) - reading the data"));
        m_label->setText(m_spec.seq2seq ? tr("(MAXLEN, ...)")
                                        : shapeText(predictLabelShape(m_spec, 1)));
        m_secondary->setText(m_spec.sec_inputs.empty() ? QStringLiteral("None")
                                                       : tr("(from MAXLEN)"));
        m_batch->clear();
    } else {
        const Shape input = predictInputShape(m_spec);
        const Shape label = predictLabelShape(m_spec);
        const Shape secondary = predictSecInputShape(m_spec);
        m_input->setText(shapeText(input));
        m_label->setText(shapeText(label));
        m_secondary->setText(secondary.empty()
                                 ? QStringLiteral("None")
                                 : shapeText(secondary) +
                                       tr(" as %1").arg(qs(m_spec.use_sec_as.text())));
        QStringList batch;
        batch << tr("inputs %1").arg(withBatch(m_spec.batch_size, input));
        if (!secondary.empty() && m_spec.use_sec_as == SecondaryUse::Inputs)
            batch << tr("+ %1").arg(withBatch(m_spec.batch_size, secondary));
        batch << tr("targets %1").arg(withBatch(m_spec.batch_size, label));
        if (!secondary.empty() && m_spec.use_sec_as == SecondaryUse::Targets)
            batch << tr("+ %1").arg(withBatch(m_spec.batch_size, secondary));
        if (!(m_spec.weighting_mode == Weighting::None))
            batch << tr("weights (%1,)").arg(m_spec.batch_size);
        m_batch->setText(batch.join(QStringLiteral(", ")));
    }
    m_status->clear();
    m_previewButton->setEnabled(true);
}

void ShapePreviewer::startCounting()
{
    if (m_hasProblems || m_spec.fasta_file.empty() || m_spec.annotation_files.empty())
        return;
    if (m_task)
        m_task->cancel(); // the newest request wins
    const int generation = ++m_generation;
    auto result = std::make_shared<Counts>();
    auto length = std::make_shared<std::int64_t>(0);
    const DatasetSpec spec = m_spec;
    const auto splits = std::vector<std::pair<QString, std::vector<std::string>>>{
        {tr("train"), spec.incl_chromosomes},
        {tr("validation"), m_validation},
        {tr("test"), m_test}};
    // The first split is the training data: it fits the statistics the others reuse.
    m_status->setText(tr("Reading the files to count examples..."));
    m_task = BackgroundTask::start(
        this, tr("Counting examples"), [spec, splits, result, length](TaskContext& ctx) {
            QStringList rows;
            DataStatistics trainStats;
            for (std::size_t split = 0; split < splits.size(); ++split) {
                const auto& [name, chroms] = splits[split];
                const bool training = split == 0;
                if (ctx.cancelled())
                    return;
                if (chroms.empty() && !training)
                    continue;
                DatasetSpec s = spec;
                s.incl_chromosomes = chroms;
                const auto data = openDataset(s, training ? nullptr : &trainStats);
                if (training) {
                    trainStats = data->statistics();
                    *length = data->inputLength();
                }
                const DatasetSummary sum = data->summary();
                QString row =
                    QStringLiteral("<b>%1</b>: %2 examples").arg(name, count(sum.examples));
                if (spec.isSparse())
                    row += QStringLiteral(" (%1 positive, %2 negative)")
                               .arg(count(sum.positives), count(sum.negatives));
                row += QStringLiteral(" on %1 chromosome(s)").arg(sum.chromosomes.size());
                rows << row;
                if (training) {
                    if (!sum.normalization.empty())
                        rows << QObject::tr("normalisation: %1")
                                    .arg(qs(sum.normalization).toHtmlEscaped());
                    if (spec.isSparse())
                        rows << QObject::tr("positives' lengths: %1 to %2 bp, most often %3 bp")
                                    .arg(sum.minLength)
                                    .arg(sum.maxLength)
                                    .arg(sum.mostCommonLength);
                    for (const auto& n : sum.notes)
                        rows << QObject::tr("note: %1").arg(qs(n).toHtmlEscaped());
                }
            }
            result->text = rows.join(QStringLiteral("<br>"));
        });
    connect(m_task, &BackgroundTask::succeeded, this, [this, generation, result, length] {
        if (generation != m_generation)
            return;
        m_counts->setText(result->text);
        m_status->clear();
        if (m_spec.isSparse() && m_spec.seq_len == 0 && *length > 0) {
            m_input->setText(shapeText(predictInputShape(m_spec, *length)) +
                             tr(" (MAXLEN = %1)").arg(*length));
            m_label->setText(shapeText(predictLabelShape(m_spec, *length)));
            const Shape sec = predictSecInputShape(m_spec, *length);
            m_secondary->setText(sec.empty() ? QStringLiteral("None") : shapeText(sec));
        }
        Q_EMIT countsReady();
    });
    connect(m_task, &BackgroundTask::failed, this, [this, generation](const QString& message) {
        if (generation != m_generation)
            return;
        m_counts->clear();
        m_status->setText(colors::errorHtml(message, palette()));
        Q_EMIT countsReady();
    });
}

void ShapePreviewer::clearBatch()
{
    ++m_previewGeneration;
    m_batchWanted = false;
    m_preview->hide();
    m_preview->setExample({});
    m_previewButton->setEnabled(!m_hasProblems);
}

void ShapePreviewer::previewBatch()
{
    auto example = std::make_shared<BatchPreview::Example>();
    const DatasetSpec spec = m_spec;
    const int generation = ++m_previewGeneration; // the newest drawing wins
    const bool hadFocus = m_previewButton->hasFocus();
    m_previewButton->setEnabled(false); // Qt moves the focus on, to the wizard's '< Back'
    if (hadFocus)
        m_focusMovedTo = QApplication::focusWidget();
    m_status->setText(tr("Drawing an example..."));
    auto* task = BackgroundTask::start(this, tr("Preview a batch"), [spec, example](TaskContext&) {
        DatasetSpec s = spec;
        s.output_shape.clear(); // the natural layout: positions x channels
        const auto generator = openGenerator(s);
        const Batch b = generator->batch(0);
        const auto index = generator->exampleIndices(0).front();
        const Locus l = generator->dataset().locus(index);
        const std::int64_t length = generator->dataset().inputLength();
        example->locus = formatLocus({l.chrom, l.start, l.end}) +
                         (l.reverse ? QStringLiteral(" (-) ") : QStringLiteral(" (+) ")) +
                         qs(l.kind);
        // Named and written as the shape panel writes them (output_shape applied).
        example->inputShape = shapeText(predictInputShape(spec, length));
        example->labelShape = shapeText(predictLabelShape(spec, length));
        example->alphabetFirst = alphabetBeforeSequence(s);
        example->onehot.assign(b.inputs[0].values.begin(), b.inputs[0].values.begin() + length * 4);
        const std::int64_t labelSize = elementCount(generator->labelShape());
        example->label.assign(b.targets[0].values.begin(), b.targets[0].values.begin() + labelSize);
        example->layout = labelLayout(s, length);
        example->sparse = s.isSparse();
        if (!b.weights.empty())
            example->weight = b.weights.values.front();
    });
    connect(task, &BackgroundTask::succeeded, this, [this, example, generation] {
        if (generation != m_previewGeneration)
            return;
        m_preview->setExample(*example);
        m_preview->show();
        m_status->clear();
    });
    connect(task, &BackgroundTask::failed, this, [this, generation](const QString& message) {
        if (generation != m_previewGeneration)
            return;
        m_status->setText(colors::errorHtml(message, palette()));
    });
    connect(task, &BackgroundTask::finished, this, [this, generation] {
        if (generation != m_previewGeneration)
            return;
        m_previewButton->setEnabled(!m_hasProblems);
        if (m_focusMovedTo && m_previewButton->isEnabled() &&
            QApplication::focusWidget() == m_focusMovedTo)
            m_previewButton->setFocus(Qt::OtherFocusReason);
        m_focusMovedTo = nullptr;
    });
}

} // namespace kdna::ui
