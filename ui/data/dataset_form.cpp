#include "ui/data/dataset_form.h"

#include "ui/bridge/qt_convert.h"

#include <cstdint>
#include <initializer_list>

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QVBoxLayout>

namespace kdna::ui {
namespace {

QComboBox* combo(const QStringList& items)
{
    auto* c = new QComboBox;
    c->addItems(items);
    return c;
}

QSpinBox* spin(int min, int max, int value)
{
    auto* s = new QSpinBox;
    s->setRange(min, max);
    s->setValue(value);
    s->setGroupSeparatorShown(true);
    return s;
}

/// Widgets side by side in one form row, without the row's margins doubled.
QWidget* inRow(std::initializer_list<QWidget*> widgets)
{
    auto* row = new QWidget;
    auto* l = new QHBoxLayout(row);
    l->setContentsMargins(0, 0, 0, 0);
    for (QWidget* w : widgets)
        l->addWidget(w);
    return row;
}

const QStringList kNormalisations = {QStringLiteral("None"),     QStringLiteral("max"),
                                     QStringLiteral("perctrim"), QStringLiteral("zscore"),
                                     QStringLiteral("min_max"),  QStringLiteral("logtransform")};

} // namespace

bool parseShape(const QString& text, std::vector<std::int64_t>& out)
{
    out.clear();
    QString t = text.trimmed();
    t.remove(QLatin1Char('('))
        .remove(QLatin1Char(')'))
        .remove(QLatin1Char('['))
        .remove(QLatin1Char(']'));
    if (t.isEmpty() || t.compare(QStringLiteral("None"), Qt::CaseInsensitive) == 0)
        return true;
    for (const auto& part : t.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        bool ok = false;
        const qlonglong v = part.trimmed().toLongLong(&ok);
        if (!ok)
            return false;
        out.push_back(v);
    }
    return true;
}

QString shapeToText(const std::vector<std::int64_t>& shape)
{
    QStringList parts;
    for (auto d : shape)
        parts << QString::number(d);
    return parts.join(QStringLiteral(", "));
}

DatasetForm::DatasetForm(QWidget* parent)
    : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);

    auto* common = new QGroupBox(tr("Windows and batches"));
    auto* cf = new QFormLayout(common);
    m_batch = spin(1, 1 << 16, 64);
    addRow(cf, tr("Batch size"), QStringLiteral("batch_size"), m_batch, tr("Examples per batch"));
    m_window = spin(1, 1 << 24, 2001);
    m_window->setSuffix(tr(" bp"));
    addRow(cf, tr("Window"), QStringLiteral("window"), m_window,
           tr("Input length in bases (bigWig data)"));
    m_tgWindow = spin(1, 1 << 24, 1);
    m_tgWindow->setSuffix(tr(" bp"));
    addRow(cf, tr("Target window"), QStringLiteral("tg_window"), m_tgWindow,
           tr("Bases of the target at the window's centre"));
    m_rc = new QCheckBox(tr("Reverse-complement every window"));
    addRow(cf, tr("Strand"), QStringLiteral("rc"), m_rc,
           tr("Yields reverse-complemented windows, targets reversed"));
    m_seed = spin(0, 1 << 30, 1);
    addRow(cf, tr("Seed"), QStringLiteral("seed"), m_seed, tr("Same seed, same batches"));
    layout->addWidget(common);

    auto* targets = new QGroupBox(tr("Targets (bigWig)"));
    auto* tf = new QFormLayout(targets);
    m_norm1 = combo(kNormalisations);
    m_norm2 = combo(kNormalisations);
    QWidget* norms = inRow({m_norm1, new QLabel(tr("after")), m_norm2});
    addRow(tf, tr("Normalisation"), QStringLiteral("normalization_mode"), norms,
           tr("keras_dna order: the second is applied first ('max' after 'perctrim')"));
    m_weighting = combo({QStringLiteral("None"), QStringLiteral("balanced")});
    addRow(tf, tr("Weighting"), QStringLiteral("weighting_mode"), m_weighting,
           tr("'balanced' weighs rare target values up"));
    m_bins = new QLineEdit(QStringLiteral("auto"));
    addRow(tf, tr("Bins"), QStringLiteral("bins"), m_bins,
           tr("'auto' or a number of histogram bins"));
    layout->addWidget(targets);
    m_targetsGroup = targets;
    m_continuousOnly = {m_window, m_tgWindow, m_norm1, m_norm2};

    auto* sparse = new QGroupBox(tr("Labels (BED / GFF)"));
    auto* sf = new QFormLayout(sparse);
    m_seqLen = spin(1, 1 << 24, 400);
    m_seqLen->setSuffix(tr(" bp"));
    m_maxLen = new QCheckBox(QStringLiteral("MAXLEN"));
    addRow(sf, tr("Sequence length"), QStringLiteral("seq_len"), inRow({m_seqLen, m_maxLen}),
           tr("Window length; MAXLEN is the longest positive"));
    m_negativeRatio = spin(0, 1000, 1);
    m_allNegatives = new QCheckBox(tr("all"));
    addRow(sf, tr("Negatives per positive"), QStringLiteral("negative_ratio"),
           inRow({m_negativeRatio, m_allNegatives}), tr("How many negatives per positive"));
    m_negativeType =
        combo({QStringLiteral("real"), QStringLiteral("random"), QStringLiteral("None")});
    addRow(sf, tr("Negative type"), QStringLiteral("negative_type"), m_negativeType,
           tr("real: genomic windows touching no positive; random: random sequence; None: "
              "positives only"));
    m_augmentation = new QCheckBox(tr("Every window holding the whole positive"));
    addRow(sf, tr("Augmentation"), QStringLiteral("data_augmentation"), m_augmentation,
           tr("data_augmentation"));
    m_seq2seq = new QCheckBox(tr("A label for every base"));
    addRow(sf, tr("Seq2seq"), QStringLiteral("seq2seq"), m_seq2seq,
           tr("Per-base labels instead of one per window"));
    m_definedPositive = combo({QStringLiteral("match_all"), QStringLiteral("match_any")});
    addRow(sf, tr("Positive when"), QStringLiteral("defined_positive"), m_definedPositive,
           tr("match_all: the window holds the feature (or the feature the window); match_any: any "
              "overlap"));
    m_predict = combo({QStringLiteral("all"), QStringLiteral("start"), QStringLiteral("stop")});
    addRow(sf, tr("Centre on"), QStringLiteral("predict"), m_predict,
           tr("all: the whole feature; start/stop: its (strand-aware) first or last base"));
    m_useStrand = new QCheckBox(tr("Reverse-complement '-' features"));
    addRow(sf, tr("Use strand"), QStringLiteral("use_strand"), m_useStrand, tr("use_strand"));
    layout->addWidget(sparse);
    m_sparseGroup = sparse;
    m_sparseOnly = {m_seqLen,       m_maxLen,  m_negativeRatio,   m_allNegatives, m_negativeType,
                    m_augmentation, m_seq2seq, m_definedPositive, m_predict,      m_useStrand};

    auto* secondary = new QGroupBox(tr("Secondary track"));
    auto* secf = new QFormLayout(secondary);
    m_useSecAs = combo({QStringLiteral("inputs"), QStringLiteral("targets")});
    addRow(secf, tr("Used as"), QStringLiteral("use_sec_as"), m_useSecAs,
           tr("A second model input, or a second target"));
    m_secLength = spin(0, 1 << 24, 0);
    m_secLength->setSpecialValueText(QStringLiteral("maxlen"));
    addRow(secf, tr("Length"), QStringLiteral("sec_input_length"), m_secLength,
           tr("Bases at the window's centre"));
    m_secNorm = combo(kNormalisations);
    addRow(secf, tr("Normalisation"), QStringLiteral("sec_normalization_mode"), m_secNorm,
           tr("Of the secondary track"));
    m_secShape = new QLineEdit;
    m_secShape->setPlaceholderText(tr("natural"));
    addRow(secf, tr("Reshape to"), QStringLiteral("sec_input_shape"), m_secShape,
           tr("Batch shape, e.g. 64, 100 (batch first)"));
    layout->addWidget(secondary);
    m_secondaryGroup = secondary;
    m_secondaryOnly = {m_useSecAs, m_secLength, m_secNorm, m_secShape};

    auto* shape = new QGroupBox(tr("Shapes"));
    auto* shf = new QFormLayout(shape);
    m_outputShape = new QLineEdit;
    m_outputShape->setPlaceholderText(tr("natural"));
    addRow(shf, tr("Output shape"), QStringLiteral("output_shape"), m_outputShape,
           tr("Batch shape of the labels, e.g. 64, 1 (batch first)"));
    m_dummyAxis = combo(
        {QStringLiteral("None"), QStringLiteral("0"), QStringLiteral("1"), QStringLiteral("2")});
    addRow(shf, tr("Dummy axis"), QStringLiteral("dummy_axis"), m_dummyAxis,
           tr("Adds an axis of size 1 (2D models)"));
    m_alphabetAxis = combo({QStringLiteral("0"), QStringLiteral("1"), QStringLiteral("2")});
    m_alphabetAxis->setCurrentIndex(1);
    addRow(shf, tr("Alphabet axis"), QStringLiteral("alphabet_axis"), m_alphabetAxis,
           tr("Where the A, C, G, T axis goes"));
    layout->addWidget(shape);
    layout->addStretch();

    for (const auto& [keyword, field] : m_fields)
        watch(keyword, field);
    updateEnabled();
}

void DatasetForm::addRow(QFormLayout* form, const QString& label, const QString& keyword,
                         QWidget* field, const QString& help)
{
    auto* box = new QWidget;
    auto* v = new QVBoxLayout(box);
    v->setContentsMargins(0, 0, 0, 0);
    v->setSpacing(1);
    v->addWidget(field);
    auto* error = new QLabel;
    error->setWordWrap(true);
    error->setStyleSheet(QStringLiteral("color: #c0392b;"));
    error->setObjectName(keyword + QStringLiteral("_error"));
    error->hide();
    v->addWidget(error);
    // keras_dna's keyword is the tooltip, so a keras_dna user finds their way.
    const QString tip = QStringLiteral("<b>%1</b><br>%2").arg(keyword, help.toHtmlEscaped());
    field->setToolTip(tip);
    for (auto* child : field->findChildren<QWidget*>())
        child->setToolTip(tip);
    field->setObjectName(keyword);
    auto* l = new QLabel(label);
    l->setToolTip(tip);
    form->addRow(l, box);
    m_fields[keyword] = field;
    m_errors[keyword] = error;
}

QWidget* DatasetForm::control(const QString& keyword) const
{
    const auto it = m_fields.find(keyword);
    return it == m_fields.end() ? nullptr : it->second;
}

void DatasetForm::watch(const QString& keyword, QWidget* field)
{
    QList<QWidget*> controls = field->findChildren<QWidget*>();
    controls.prepend(field);
    auto changed = [this, keyword] {
        emitEdited(keyword);
    };
    // A choice is a whole edit; typing ends when the field is left or Enter is pressed.
    auto chosen = [this, keyword] {
        emitEdited(keyword);
        if (!m_loading)
            Q_EMIT editFinished();
    };
    auto finished = [this] {
        if (!m_loading)
            Q_EMIT editFinished();
    };
    for (QWidget* w : controls) {
        if (auto* spin = qobject_cast<QSpinBox*>(w)) {
            connect(spin, &QSpinBox::valueChanged, this, changed);
            connect(spin, &QSpinBox::editingFinished, this, finished);
        } else if (auto* box = qobject_cast<QComboBox*>(w)) {
            connect(box, &QComboBox::currentIndexChanged, this, chosen);
        } else if (auto* check = qobject_cast<QCheckBox*>(w)) {
            connect(check, &QCheckBox::toggled, this, chosen);
        } else if (auto* edit = qobject_cast<QLineEdit*>(w);
                   edit && !qobject_cast<QAbstractSpinBox*>(edit->parentWidget())) {
            connect(edit, &QLineEdit::textEdited, this, changed);
            connect(edit, &QLineEdit::editingFinished, this, finished);
        }
    }
}

void DatasetForm::emitEdited(const QString& keyword)
{
    updateEnabled();
    if (!m_loading)
        Q_EMIT edited(keyword);
}

void DatasetForm::updateEnabled()
{
    const bool sparse = m_base.isSparse();
    // Only what applies to this data is shown: bigWig targets or BED/GFF labels, and the
    // secondary track's settings when there is one.
    m_targetsGroup->setVisible(!sparse || !m_base.sec_inputs.empty());
    m_sparseGroup->setVisible(sparse);
    m_secondaryGroup->setVisible(!m_base.sec_inputs.empty());
    for (auto* w : m_continuousOnly)
        w->setEnabled(!sparse);
    for (auto* w : m_sparseOnly)
        w->setEnabled(sparse);
    const bool secondary = !m_base.sec_inputs.empty();
    for (auto* w : m_secondaryOnly)
        w->setEnabled(secondary);
    m_seqLen->setEnabled(sparse && !m_maxLen->isChecked());
    m_negativeRatio->setEnabled(sparse && !m_allNegatives->isChecked() &&
                                m_negativeType->currentText() != QStringLiteral("None"));
    m_allNegatives->setEnabled(sparse && m_negativeType->currentText() == QStringLiteral("real"));
    m_bins->setEnabled(m_weighting->currentIndex() != 0);
    m_norm2->setEnabled(!sparse && m_norm1->currentIndex() != 0);
    m_useStrand->setEnabled(sparse);
}

void DatasetForm::setSpec(const DatasetSpec& s)
{
    m_loading = true;
    m_base = s;
    m_batch->setValue(static_cast<int>(s.batch_size));
    m_window->setValue(static_cast<int>(std::max<std::int64_t>(1, s.window)));
    m_tgWindow->setValue(static_cast<int>(s.tg_window));
    m_rc->setChecked(s.rc);
    m_seed->setValue(static_cast<int>(s.seed));
    m_norm1->setCurrentIndex(
        s.normalization_mode.empty()
            ? 0
            : static_cast<int>(kNormalisations.indexOf(qs(s.normalization_mode[0]))));
    m_norm2->setCurrentIndex(
        s.normalization_mode.size() < 2
            ? 0
            : static_cast<int>(kNormalisations.indexOf(qs(s.normalization_mode[1]))));
    m_weighting->setCurrentIndex(s.weighting_mode == "balanced" ? 1 : 0);
    m_bins->setText(s.bins == 0 ? QStringLiteral("auto") : QString::number(s.bins));
    m_maxLen->setChecked(s.seq_len == 0);
    if (s.seq_len > 0)
        m_seqLen->setValue(static_cast<int>(s.seq_len));
    m_allNegatives->setChecked(s.negative_ratio < 0);
    if (s.negative_ratio >= 0)
        m_negativeRatio->setValue(static_cast<int>(s.negative_ratio));
    m_negativeType->setCurrentText(s.negative_type.empty() ? QStringLiteral("None")
                                                           : qs(s.negative_type));
    m_augmentation->setChecked(s.data_augmentation);
    m_seq2seq->setChecked(s.seq2seq);
    m_definedPositive->setCurrentText(qs(s.defined_positive));
    m_predict->setCurrentText(qs(s.predict));
    m_useStrand->setChecked(s.use_strand);
    m_useSecAs->setCurrentText(qs(s.use_sec_as));
    m_secLength->setValue(static_cast<int>(s.sec_input_length));
    m_secNorm->setCurrentIndex(
        s.sec_normalization_mode.empty()
            ? 0
            : static_cast<int>(kNormalisations.indexOf(qs(s.sec_normalization_mode[0]))));
    m_secShape->setText(shapeToText(s.sec_input_shape));
    m_outputShape->setText(shapeToText(s.output_shape));
    m_dummyAxis->setCurrentIndex(s.dummy_axis + 1);
    m_alphabetAxis->setCurrentIndex(s.alphabet_axis);
    m_loading = false;
    updateEnabled();
}

DatasetSpec DatasetForm::spec() const
{
    DatasetSpec s = m_base;
    s.batch_size = m_batch->value();
    s.seed = static_cast<std::uint64_t>(m_seed->value());
    s.rc = m_rc->isChecked();
    s.weighting_mode = m_weighting->currentIndex() == 1 ? "balanced" : "";
    bool ok = false;
    const int bins = m_bins->text().toInt(&ok);
    s.bins = ok ? bins : (m_bins->text().trimmed() == QStringLiteral("auto") ? 0 : -1);
    if (!s.isSparse()) {
        s.window = m_window->value();
        s.tg_window = m_tgWindow->value();
        s.normalization_mode.clear();
        if (m_norm1->currentIndex() > 0)
            s.normalization_mode.push_back(ss(m_norm1->currentText()));
        if (m_norm1->currentIndex() > 0 && m_norm2->currentIndex() > 0)
            s.normalization_mode.push_back(ss(m_norm2->currentText()));
    } else {
        s.seq_len = m_maxLen->isChecked() ? 0 : m_seqLen->value();
        s.negative_type = m_negativeType->currentText() == QStringLiteral("None")
                              ? ""
                              : ss(m_negativeType->currentText());
        s.negative_ratio = m_allNegatives->isChecked() && s.negative_type == "real"
                               ? -1
                               : m_negativeRatio->value();
        s.data_augmentation = m_augmentation->isChecked();
        s.seq2seq = m_seq2seq->isChecked();
        s.defined_positive = ss(m_definedPositive->currentText());
        s.predict = ss(m_predict->currentText());
        s.use_strand = m_useStrand->isChecked();
    }
    if (!s.sec_inputs.empty()) {
        s.use_sec_as = ss(m_useSecAs->currentText());
        s.sec_input_length = m_secLength->value();
        s.sec_normalization_mode.clear();
        if (m_secNorm->currentIndex() > 0)
            s.sec_normalization_mode.push_back(ss(m_secNorm->currentText()));
        if (!parseShape(m_secShape->text(), s.sec_input_shape))
            s.sec_input_shape = {0};
    }
    if (!parseShape(m_outputShape->text(), s.output_shape))
        s.output_shape = {0}; // invalid: validation names output_shape
    s.dummy_axis = m_dummyAxis->currentIndex() - 1;
    s.alphabet_axis = m_alphabetAxis->currentIndex();
    return s;
}

void DatasetForm::showProblems(const std::vector<Problem>& problems)
{
    for (auto& [keyword, label] : m_errors) {
        QStringList messages;
        for (const auto& p : problems)
            if (qs(p.keyword) == keyword)
                messages << qs(p.message);
        label->setText(messages.join(QLatin1Char('\n')));
        label->setVisible(!messages.isEmpty());
    }
}

} // namespace kdna::ui
