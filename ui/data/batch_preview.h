#pragma once

#include "data/shapes.h"
#include "util/text.h"

#include <cstdint>
#include <vector>

#include <QWidget>

namespace kdna::ui {

/// One example as the network sees it: the one-hot window as a heat strip (A, C, G, T rows),
/// its centre at base resolution with letters, and the target under it.
class BatchPreview : public QWidget {
    Q_OBJECT
public:
    struct Example {
        QString locus;
        std::vector<float> onehot; ///< length x 4 (or 4 x length with alphabetFirst)
        bool alphabetFirst = false;
        std::vector<float> label;
        Shape labelShape;
        bool sparse = false;
        float weight = -1; ///< -1: no weighting
    };

    explicit BatchPreview(QWidget* parent = nullptr);
    void setExample(Example example);
    [[nodiscard]] const Example& example() const { return m_example; }
    [[nodiscard]] QSize sizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    [[nodiscard]] int baseAt(std::int64_t position) const; ///< 0..3, or -1 for N
    Example m_example;
};

} // namespace kdna::ui
