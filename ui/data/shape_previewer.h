#pragma once

#include "core/data/dataset_spec.h"

#include <QPointer>
#include <QTimer>
#include <QWidget>

class QLabel;
class QPushButton;

namespace kdna::ui {

class BackgroundTask;
class BatchPreview;

/// The shape previewer: keras_dna's predict_input_shape / predict_label_shape /
/// predict_sec_input_shape for the spec being edited, the batch shapes the generator will
/// yield, and, read from the files in the background (the newest request wins), the example
/// counts per split and positives/negatives. Invalid settings show the engine's message
/// instead of a shape, and problemsChanged() tells the form which fields are at fault.
class ShapePreviewer : public QWidget {
    Q_OBJECT
public:
    explicit ShapePreviewer(QWidget* parent = nullptr);

    /// The spec (training chromosomes in incl_chromosomes) and the other splits.
    void setSpec(const DatasetSpec& spec, const std::vector<std::string>& validation = {},
                 const std::vector<std::string>& test = {});

    /// Hides the drawn example (another project's), and forgets one being drawn.
    void clearBatch();

    [[nodiscard]] QString inputShapeText() const;
    [[nodiscard]] QString labelShapeText() const;
    [[nodiscard]] QString secondaryShapeText() const;
    [[nodiscard]] QString countsText() const;
    [[nodiscard]] bool hasProblems() const { return m_hasProblems; }
    /// True while the files are being read for counts.
    [[nodiscard]] bool isCounting() const { return !m_task.isNull(); }

Q_SIGNALS:
    void problemsChanged(const std::vector<kdna::Problem>& problems);
    void countsReady();

private:
    void refreshShapes();
    void startCounting();
    void previewBatch();

    DatasetSpec m_spec;
    std::vector<std::string> m_validation, m_test;
    bool m_hasProblems = false;
    QLabel* m_input = nullptr;
    QLabel* m_label = nullptr;
    QLabel* m_secondary = nullptr;
    QLabel* m_batch = nullptr;
    QLabel* m_counts = nullptr;
    QLabel* m_status = nullptr;
    QPushButton* m_previewButton = nullptr;
    BatchPreview* m_preview = nullptr;
    QTimer m_debounce;
    QPointer<BackgroundTask> m_task;
    int m_generation = 0;
    int m_previewGeneration = 0;
    /// Where the focus went when the focused button was disabled to draw; it comes back to the
    /// button when the drawing ends, unless the user has put it elsewhere meanwhile.
    QPointer<QWidget> m_focusMovedTo;
    bool m_batchWanted = false; ///< a batch was asked for: redrawn as the settings change
};

} // namespace kdna::ui
