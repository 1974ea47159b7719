#pragma once

#include <QWidget>

class QCheckBox;
class QDoubleSpinBox;
class QLineEdit;
class QListWidget;
class QPushButton;
class QSpinBox;

namespace kdna::ui {

class TrackView;
struct TrackStyle;

/// The side panel beside the tracks: the list of tracks in lane order, and the selected
/// track's name, colour, height and value range to edit, move or remove.
class TrackPanel : public QWidget {
    Q_OBJECT
public:
    explicit TrackPanel(TrackView* view, QWidget* parent = nullptr);

    /// The track selected in the list, or -1.
    [[nodiscard]] int selectedTrack() const;
    void selectTrack(int id);

private:
    void refreshList();
    void showSelected();
    void applyEdits();
    void chooseColor();
    void setEditorsEnabled(bool enabled);

    TrackView* m_view;
    QListWidget* m_list = nullptr;
    QLineEdit* m_name = nullptr;
    QPushButton* m_color = nullptr;
    QSpinBox* m_height = nullptr;
    QCheckBox* m_autoscale = nullptr;
    QDoubleSpinBox* m_minimum = nullptr;
    QDoubleSpinBox* m_maximum = nullptr;
    QPushButton* m_up = nullptr;
    QPushButton* m_down = nullptr;
    QPushButton* m_remove = nullptr;
    bool m_filling = false;
};

} // namespace kdna::ui
