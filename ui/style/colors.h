#pragma once

#include <cstddef>

#include <QColor>
#include <QString>

class QPalette;

/// The colours of kdna-studio, in one place. Neutral and signal colours (error, success, a
/// selection) come from the palette, so a screen reads on a light or a dark desktop; the
/// categorical colours (chart series, bases, default tracks) sit mid-way in lightness and read
/// on either. Exported figures use the light ones (a default QPalette's light look).
namespace kdna::ui::colors {

/// Whether `palette` is a dark desktop's: its base (where text is written) is darker than grey.
[[nodiscard]] bool isDark(const QPalette& palette);

/// The red of an error sentence, legible on the palette's base and window colours.
[[nodiscard]] QColor error(const QPalette& palette);
/// The same on a dark (true) or light (false) background: custom painting's theme takes it.
[[nodiscard]] QColor error(bool dark);
/// The green of a "this is fine" sentence.
[[nodiscard]] QColor success(const QPalette& palette);
/// A stretch being selected, drawn over data: the palette's highlight (Qt's default one for
/// a default-constructed palette).
[[nodiscard]] QColor selection(const QPalette& palette);

/// `text` (plain, escaped here) as rich text in the error colour, for a QLabel.
[[nodiscard]] QString errorHtml(const QString& text, const QPalette& palette);
/// `html` (already rich text) in the error colour.
[[nodiscard]] QString errorRichText(const QString& html, const QPalette& palette);
/// `html` (already rich text) in the success colour.
[[nodiscard]] QString successRichText(const QString& html, const QPalette& palette);
/// A style sheet that writes a label's text in the error colour.
[[nodiscard]] QString errorStyleSheet(const QPalette& palette);

/// The `index`th colour of a categorical series (chart lines, model branches, signal tracks):
/// blue, orange, green, purple, ochre, teal, then round again.
[[nodiscard]] QColor series(std::size_t index);
/// The `index`th experiment (signal track) colour: blues, greens and purples, no orange, which
/// is the predictions'.
[[nodiscard]] QColor signal(std::size_t index);
/// A prediction's default colour: orange, apart from the experiments' blues.
[[nodiscard]] QColor prediction();
/// A feature track's default colour.
[[nodiscard]] QColor feature();
/// The sequence lane's colour when its bases are too narrow to tell apart.
[[nodiscard]] QColor sequence();
/// A base's colour, as IGV draws them (A green, C blue, G orange, T red; others grey).
[[nodiscard]] QColor base(char base);

/// A signed value on a diverging scale, `t` in [-1, 1] (clamped): blue for negative, red for
/// positive, through `neutral` at zero (the lane's background, so a zero cell vanishes).
/// Heatmaps and variant effects draw with it.
[[nodiscard]] QColor diverging(double t, const QColor& neutral = QColor(0xf4, 0xf4, 0xf4));
/// An attribution's summed score where bases are too narrow for letters: positive and
/// negative bars.
[[nodiscard]] QColor attributionPositive();
[[nodiscard]] QColor attributionNegative();

} // namespace kdna::ui::colors
