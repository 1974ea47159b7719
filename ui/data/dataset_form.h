#pragma once

#include "core/data/dataset_spec.h"

#include <cstdint>
#include <map>
#include <vector>

#include <QWidget>

class QCheckBox;
class QComboBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace kdna::ui {

/// The keywords of a dataset that the catalog places in the form (core/data/dataset_keywords.h):
/// one field each, labelled, tooltipped (keras_dna's name and the catalog's help) and, for a
/// mode, offering the catalog's words. Only the fields whose keyword applies to the data's
/// kind (bigWig, BED/GFF, with secondary inputs) are shown. Each keyword has a place for the
/// engine's message when its value is invalid.
class DatasetForm : public QWidget {
    Q_OBJECT
public:
    explicit DatasetForm(QWidget* parent = nullptr);

    /// Shows `spec`'s values (files and chromosomes are kept from it on read-back).
    void setSpec(const DatasetSpec& spec);
    /// `spec` with the form's values.
    [[nodiscard]] DatasetSpec spec() const;
    /// Puts each problem next to its keyword's control; clears the others.
    void showProblems(const std::vector<Problem>& problems);
    /// The control for a keyword (tests drive the form through it), or null.
    [[nodiscard]] QWidget* control(const QString& keyword) const;

Q_SIGNALS:
    /// A value changed by the user (at each keystroke while typing), naming its keyword.
    void edited(const QString& keyword);
    /// The user left the field being typed into, or chose in a list: the edit is whole.
    void editFinished();

private:
    void addRow(QFormLayout* form, const char* keyword, QWidget* field);
    /// Adds `field` as the row of the keyword it was made for; returns it.
    template<typename W>
    W* row(QFormLayout* form, W* field);
    void buildCommon(QFormLayout* form);
    void buildTargets(QFormLayout* form);
    void buildLabels(QFormLayout* form);
    void buildSecondary(QFormLayout* form);
    void buildShapes(QFormLayout* form);
    void updateShown();
    void watch(const QString& keyword, QWidget* field);
    void updateEnabled();
    void emitEdited(const QString& keyword);

    DatasetSpec m_base;
    bool m_loading = false;
    std::map<QString, QWidget*> m_fields;
    std::map<QString, QLabel*> m_errors;
    std::map<QString, QFormLayout*> m_rows; ///< the form each keyword's row is in

    QSpinBox* m_batch = nullptr;
    QSpinBox* m_window = nullptr;
    QSpinBox* m_tgWindow = nullptr;
    QComboBox* m_norm1 = nullptr;
    QComboBox* m_norm2 = nullptr;
    QComboBox* m_weighting = nullptr;
    QLineEdit* m_bins = nullptr;
    QCheckBox* m_rc = nullptr;
    QLineEdit* m_outputShape = nullptr;
    QComboBox* m_dummyAxis = nullptr;
    QComboBox* m_alphabetAxis = nullptr;
    QSpinBox* m_seqLen = nullptr;
    QCheckBox* m_maxLen = nullptr;
    QSpinBox* m_negativeRatio = nullptr;
    QCheckBox* m_allNegatives = nullptr;
    QComboBox* m_negativeType = nullptr;
    QCheckBox* m_augmentation = nullptr;
    QCheckBox* m_seq2seq = nullptr;
    QComboBox* m_definedPositive = nullptr;
    QComboBox* m_predict = nullptr;
    QCheckBox* m_useStrand = nullptr;
    QSpinBox* m_secLength = nullptr;
    QLineEdit* m_secShape = nullptr;
    QComboBox* m_secNorm = nullptr;
    QComboBox* m_useSecAs = nullptr;
    QSpinBox* m_seed = nullptr;
    QComboBox* m_downsampling = nullptr;
    QCheckBox* m_overlapping = nullptr;
    QSpinBox* m_annotationTypes = nullptr;
    QSpinBox* m_secAnnotations = nullptr;
    std::vector<QWidget*> m_groups;
};

/// "64, 1" <-> {64, 1}; empty for None. Returns false on text that is not a shape.
bool parseShape(const QString& text, std::vector<std::int64_t>& out);
[[nodiscard]] QString shapeToText(const std::vector<std::int64_t>& shape);

} // namespace kdna::ui
