#pragma once

#include "core/data/dataset_spec.h"

#include <cstdint>
#include <utility>
#include <vector>

#include <QRectF>
#include <QStringList>
#include <QWidget>

namespace kdna::ui {

/// Which bases of the input window each label position describes: position i covers
/// [first + i * span, first + (i + 1) * span). Follows ContinuousDataset::fillLabels (the
/// tg_window bases at the centre, or blocks of the window when downsampled) and the sparse
/// datasets (one label for the window, or one per base with seq2seq).
struct LabelLayout {
    std::int64_t first = 0;
    std::int64_t span = 1;
    std::int64_t positions = 1;
};
[[nodiscard]] LabelLayout labelLayout(const DatasetSpec& spec, std::int64_t inputLength);

/// One example as the network sees it: the one-hot window as a heat strip (A, C, G, T rows),
/// a stretch of it at base resolution with letters, and the label under the bases it
/// describes, on a value axis. Shapes are named and written as the shape panel writes them.
class BatchPreview : public QWidget {
    Q_OBJECT
public:
    struct Example {
        QString locus;             ///< 1-based and inclusive, as IGV and the locus box write it
        QString inputShape;        ///< as the shape panel's Input row
        QString labelShape;        ///< as the shape panel's Label row
        std::vector<float> onehot; ///< length x 4 (or 4 x length with alphabetFirst)
        bool alphabetFirst = false;
        std::vector<float> label; ///< positions x channels
        LabelLayout layout;
        bool sparse = false;
        float weight = -1; ///< -1: no weighting
    };

    explicit BatchPreview(QWidget* parent = nullptr);
    void setExample(Example example);
    [[nodiscard]] const Example& example() const { return m_example; }
    [[nodiscard]] QSize sizeHint() const override;
    [[nodiscard]] QSize minimumSizeHint() const override;

    /// The line above the strips: "Input (2001, 4): chrI:1,001-3,001 (+) window".
    [[nodiscard]] QString heading() const;
    /// The line under the bars: "Label (1, 1): 0.53".
    [[nodiscard]] QString caption() const;
    /// Where base `base` of the window is drawn at base resolution; empty when not shown.
    [[nodiscard]] QRectF baseCell(std::int64_t base) const;
    /// The column label position `position`'s bars are drawn in: under the bases it describes.
    [[nodiscard]] QRectF labelColumn(std::int64_t position) const;
    /// The value axis of the bars (bottom, top); the top and bottom labels show these values.
    [[nodiscard]] std::pair<double, double> valueRange() const;
    [[nodiscard]] QStringList axisLabels() const;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    [[nodiscard]] std::int64_t length() const;
    [[nodiscard]] int baseAt(std::int64_t position) const; ///< 0..3, or -1 for N
    [[nodiscard]] double stripWidth() const;
    [[nodiscard]] std::int64_t zoomFirst() const;
    [[nodiscard]] std::int64_t zoomCount() const;
    [[nodiscard]] bool labelInZoom() const;
    [[nodiscard]] QRectF barsArea() const;
    void paintOverview(QPainter& p) const;
    void paintZoom(QPainter& p) const;
    void paintLabel(QPainter& p) const;
    Example m_example;
};

} // namespace kdna::ui
