#pragma once

#include <QDialog>

class QComboBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QPushButton;

namespace kdna::ui {

/// Edit > Preferences: what the studio keeps that belongs to no project: the memory for cached
/// genome and track blocks and how the track caches on disk keep values (the CLI's --memory and
/// --cache-precision, core/data/cache_settings.h). Kept in QSettings, put in force on OK and at
/// every start.
class PreferencesDialog : public QDialog {
    Q_OBJECT
public:
    explicit PreferencesDialog(QWidget* parent = nullptr);

    /// Puts the saved preferences in force (the studio's start). A saved value that is not
    /// one (a settings file edited by hand) is left out: the default stays.
    static void applySaved();

    void accept() override;

private:
    /// The memory field's problem under it, and OK enabled only without one.
    void check();

    QFormLayout* m_form = nullptr;
    QLineEdit* m_memory;
    QComboBox* m_precision;
    QLabel* m_problem;
    QPushButton* m_ok;
};

} // namespace kdna::ui
