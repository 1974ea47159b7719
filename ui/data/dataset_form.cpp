#include "ui/data/dataset_form.h"

#include "core/data/dataset_keywords.h"
#include "ui/bridge/qt_convert.h"
#include "ui/style/colors.h"

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

const KeywordInfo& info(const char* keyword)
{
    const KeywordInfo* k = findKeyword(keyword);
    Q_ASSERT_X(k, "DatasetForm", keyword); // a field for a keyword the catalog lacks
    return *k;
}

/// A word as the form shows it: keras_dna's None for null.
QString wordText(const char* word)
{
    return word ? QString::fromLatin1(word) : QStringLiteral("None");
}

/// The property a field made for one keyword carries, so that `DatasetForm::row` adds the
/// keyword's row without its name spelled twice.
constexpr const char* kKeywordProperty = "kdnaKeyword";

template<typename W>
W* madeFor(const char* keyword, W* field)
{
    field->setProperty(kKeywordProperty, QByteArray(keyword));
    return field;
}

/// The catalog's words of a mode, in its enum's order (a ChoiceList's after "None").
QComboBox* choices(const char* keyword)
{
    const KeywordInfo& k = info(keyword);
    auto* c = madeFor(keyword, new QComboBox);
    if (k.type == KeywordType::ChoiceList)
        c->addItem(wordText(nullptr));
    for (const char* w : k.words)
        c->addItem(wordText(w));
    return c;
}

/// An axis or count: None (when the keyword allows it), then the catalog's range.
QComboBox* numberChoices(const char* keyword)
{
    const KeywordInfo& k = info(keyword);
    auto* c = madeFor(keyword, new QComboBox);
    if (k.type == KeywordType::IntegerOrWord)
        c->addItem(wordText(k.words.front()));
    for (auto v = k.minimum; v <= k.maximum; ++v)
        c->addItem(QString::number(v));
    return c;
}

/// A number field with the catalog's range and unit; `value` until the spec says otherwise.
QSpinBox* spin(const char* keyword, int value, int below = 0)
{
    const KeywordInfo& k = info(keyword);
    auto* s = madeFor(keyword, new QSpinBox);
    s->setRange(static_cast<int>(k.minimum) - below, static_cast<int>(k.maximum));
    s->setValue(value);
    s->setSuffix(QString::fromLatin1(k.unit));
    s->setGroupSeparatorShown(true);
    return s;
}

/// A number that also takes the keyword's one word (None, 'maxlen'), shown one below the range.
QSpinBox* spinOrWord(const char* keyword)
{
    const KeywordInfo& k = info(keyword);
    auto* s = spin(keyword, static_cast<int>(k.minimum) - 1, 1);
    s->setSpecialValueText(wordText(k.words.front()));
    return s;
}

QCheckBox* check(const char* keyword)
{
    return madeFor(keyword, new QCheckBox(QString::fromLatin1(info(keyword).label)));
}

/// A text field (a shape, or a number that also takes a word) showing `placeholder` empty.
QLineEdit* line(const char* keyword, const QString& text, const QString& placeholder = {})
{
    auto* e = madeFor(keyword, new QLineEdit(text));
    e->setPlaceholderText(placeholder);
    return e;
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

/// A mode's combo index: its enum's position among the catalog's words.
template<typename E>
int indexOf(const Mode<E>& m)
{
    return m.known() ? static_cast<int>(m.value()) : -1;
}

template<typename E>
Mode<E> modeAt(const QComboBox* c)
{
    return Mode<E>(static_cast<E>(std::max(0, c->currentIndex())));
}

/// A normalisation's combo index (0: None).
int normalisationIndex(const std::vector<NormalizationMode>& modes, std::size_t i)
{
    return modes.size() > i && modes[i].known() ? static_cast<int>(modes[i].value()) + 1 : 0;
}

void addNormalisation(std::vector<NormalizationMode>& modes, const QComboBox* c)
{
    if (c->currentIndex() > 0)
        modes.emplace_back(static_cast<Normalisation>(c->currentIndex() - 1));
}

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
    auto group = [this, layout](const QString& title) {
        auto* box = new QGroupBox(title);
        layout->addWidget(box);
        m_groups.push_back(box);
        return new QFormLayout(box);
    };
    buildCommon(group(tr("Windows and batches")));
    buildTargets(group(tr("Targets (bigWig)")));
    buildLabels(group(tr("Labels (BED / GFF)")));
    buildSecondary(group(tr("Secondary track")));
    buildShapes(group(tr("Shapes")));
    layout->addStretch();

    for (const auto& [keyword, field] : m_fields)
        watch(keyword, field);
    updateEnabled();
}

template<typename W>
W* DatasetForm::row(QFormLayout* form, W* field)
{
    addRow(form, field->property(kKeywordProperty).toByteArray().constData(), field);
    return field;
}

void DatasetForm::buildCommon(QFormLayout* form)
{
    m_batch = row(form, spin("batch_size", 64));
    m_window = row(form, spin("window", 2001));
    m_tgWindow = row(form, spin("tg_window", 1));
    m_rc = row(form, check("rc"));
    m_seed = row(form, spin("seed", 1));
}

void DatasetForm::buildTargets(QFormLayout* form)
{
    m_norm1 = choices("normalization_mode");
    m_norm2 = choices("normalization_mode");
    addRow(form, "normalization_mode", inRow({m_norm1, new QLabel(tr("after")), m_norm2}));
    m_weighting = row(form, choices("weighting_mode"));
    m_bins = row(form, line("bins", QString::fromLatin1(info("bins").words.front())));
    m_downsampling = row(form, choices("downsampling"));
    m_overlapping = row(form, check("overlapping"));
    m_annotationTypes = row(form, spinOrWord("nb_annotation_type"));
}

void DatasetForm::buildLabels(QFormLayout* form)
{
    m_seqLen = spin("seq_len", 400);
    m_maxLen = new QCheckBox(QString::fromLatin1(info("seq_len").words.front()));
    addRow(form, "seq_len", inRow({m_seqLen, m_maxLen}));
    m_negativeRatio = spin("negative_ratio", 1);
    m_allNegatives = new QCheckBox(QString::fromLatin1(info("negative_ratio").words.front()));
    addRow(form, "negative_ratio", inRow({m_negativeRatio, m_allNegatives}));
    m_negativeType = row(form, choices("negative_type"));
    m_augmentation = row(form, check("data_augmentation"));
    m_seq2seq = row(form, check("seq2seq"));
    m_definedPositive = row(form, choices("defined_positive"));
    m_predict = row(form, choices("predict"));
    m_useStrand = row(form, check("use_strand"));
}

void DatasetForm::buildSecondary(QFormLayout* form)
{
    m_useSecAs = row(form, choices("use_sec_as"));
    m_secLength = row(form, spinOrWord("sec_input_length"));
    m_secNorm = row(form, choices("sec_normalization_mode"));
    m_secShape = row(form, line("sec_input_shape", {}, tr("natural")));
    m_secAnnotations = row(form, spinOrWord("sec_nb_annotation"));
}

void DatasetForm::buildShapes(QFormLayout* form)
{
    m_outputShape = row(form, line("output_shape", {}, tr("natural")));
    m_dummyAxis = row(form, numberChoices("dummy_axis"));
    m_alphabetAxis = row(form, numberChoices("alphabet_axis"));
    m_alphabetAxis->setCurrentIndex(1);
}

void DatasetForm::addRow(QFormLayout* form, const char* name, QWidget* field)
{
    const KeywordInfo& k = info(name);
    const QString keyword = QString::fromLatin1(k.name);
    auto* box = new QWidget;
    auto* v = new QVBoxLayout(box);
    v->setContentsMargins(0, 0, 0, 0);
    v->setSpacing(1);
    v->addWidget(field);
    auto* error = new QLabel;
    error->setWordWrap(true);
    error->setStyleSheet(colors::errorStyleSheet(palette()));
    error->setObjectName(keyword + QStringLiteral("_error"));
    error->hide();
    v->addWidget(error);
    // keras_dna's keyword is the tooltip, so a keras_dna user finds their way.
    const QString tip =
        QStringLiteral("<b>%1</b><br>%2").arg(keyword, QString::fromUtf8(k.help).toHtmlEscaped());
    field->setToolTip(tip);
    for (auto* child : field->findChildren<QWidget*>())
        child->setToolTip(tip);
    field->setObjectName(keyword);
    // A check box carries the catalog's label itself.
    const bool checkBox = qobject_cast<QCheckBox*>(field) != nullptr;
    auto* l = new QLabel(checkBox ? QString() : QString::fromLatin1(k.label));
    l->setToolTip(tip);
    form->addRow(l, box);
    m_fields[keyword] = field;
    m_errors[keyword] = error;
    m_rows[keyword] = form;
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

void DatasetForm::updateShown()
{
    // Only what applies to this data is shown (the catalog's kinds): bigWig targets or BED/GFF
    // labels, and the secondary track's settings when there is one.
    const DataKind kind = m_base.kind();
    const bool secondary = !m_base.sec_inputs.empty();
    std::map<QFormLayout*, bool> anyShown;
    for (const auto& [keyword, field] : m_fields) {
        const bool shown = keywordApplies(info(keyword.toLatin1().constData()), kind, secondary);
        QFormLayout* form = m_rows.at(keyword);
        form->setRowVisible(field->parentWidget(), shown);
        anyShown[form] = anyShown[form] || shown;
    }
    for (QWidget* group : m_groups)
        group->setVisible(anyShown[qobject_cast<QFormLayout*>(group->layout())]);
}

void DatasetForm::updateEnabled()
{
    updateShown();
    // Within a row: a number with its word ticked, negatives without a type, bins without
    // weights and a second normalisation without a first have nothing to set.
    const auto negatives = static_cast<NegativeType>(m_negativeType->currentIndex());
    m_seqLen->setEnabled(!m_maxLen->isChecked());
    m_negativeRatio->setEnabled(!m_allNegatives->isChecked() && negatives != NegativeType::None);
    m_allNegatives->setEnabled(negatives == NegativeType::Real);
    m_bins->setEnabled(static_cast<Weighting>(m_weighting->currentIndex()) != Weighting::None);
    m_norm2->setEnabled(m_norm1->currentIndex() != 0);
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
    m_norm1->setCurrentIndex(normalisationIndex(s.normalization_mode, 0));
    m_norm2->setCurrentIndex(normalisationIndex(s.normalization_mode, 1));
    m_weighting->setCurrentIndex(indexOf(s.weighting_mode));
    m_bins->setText(s.bins == 0 ? QString::fromLatin1(info("bins").words.front())
                                : QString::number(s.bins));
    m_downsampling->setCurrentIndex(indexOf(s.downsampling));
    m_overlapping->setChecked(s.overlapping);
    m_annotationTypes->setValue(s.nb_annotation_type);
    m_maxLen->setChecked(s.seq_len == 0);
    if (s.seq_len > 0)
        m_seqLen->setValue(static_cast<int>(s.seq_len));
    m_allNegatives->setChecked(s.negative_ratio < 0);
    if (s.negative_ratio >= 0)
        m_negativeRatio->setValue(static_cast<int>(s.negative_ratio));
    m_negativeType->setCurrentIndex(indexOf(s.negative_type));
    m_augmentation->setChecked(s.data_augmentation);
    m_seq2seq->setChecked(s.seq2seq);
    m_definedPositive->setCurrentIndex(indexOf(s.defined_positive));
    m_predict->setCurrentIndex(indexOf(s.predict));
    m_useStrand->setChecked(s.use_strand);
    m_useSecAs->setCurrentIndex(indexOf(s.use_sec_as));
    m_secLength->setValue(static_cast<int>(s.sec_input_length));
    m_secNorm->setCurrentIndex(normalisationIndex(s.sec_normalization_mode, 0));
    m_secShape->setText(shapeToText(s.sec_input_shape));
    m_secAnnotations->setValue(s.sec_nb_annotation);
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
    s.weighting_mode = modeAt<Weighting>(m_weighting);
    bool ok = false;
    const int bins = m_bins->text().toInt(&ok);
    s.bins =
        ok ? bins
           : (m_bins->text().trimmed() == QString::fromLatin1(info("bins").words.front()) ? 0 : -1);
    if (!s.isSparse()) {
        s.window = m_window->value();
        s.tg_window = m_tgWindow->value();
        s.normalization_mode.clear();
        addNormalisation(s.normalization_mode, m_norm1);
        if (m_norm1->currentIndex() > 0)
            addNormalisation(s.normalization_mode, m_norm2);
        s.downsampling = modeAt<Downsampling>(m_downsampling);
        s.overlapping = m_overlapping->isChecked();
        s.nb_annotation_type = m_annotationTypes->value();
    } else {
        s.seq_len = m_maxLen->isChecked() ? 0 : m_seqLen->value();
        s.negative_type = modeAt<NegativeType>(m_negativeType);
        s.negative_ratio = m_allNegatives->isChecked() && s.negative_type == NegativeType::Real
                               ? -1
                               : m_negativeRatio->value();
        s.data_augmentation = m_augmentation->isChecked();
        s.seq2seq = m_seq2seq->isChecked();
        s.defined_positive = modeAt<DefinedPositive>(m_definedPositive);
        s.predict = modeAt<PredictPoint>(m_predict);
        s.use_strand = m_useStrand->isChecked();
    }
    if (!s.sec_inputs.empty()) {
        s.use_sec_as = modeAt<SecondaryUse>(m_useSecAs);
        s.sec_input_length = m_secLength->value();
        s.sec_normalization_mode.clear();
        addNormalisation(s.sec_normalization_mode, m_secNorm);
        s.sec_nb_annotation = m_secAnnotations->value();
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
