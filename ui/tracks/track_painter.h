#pragma once

#include "ui/style/colors.h"
#include "ui/tracks/explanation.h"
#include "ui/tracks/feature_index.h"
#include "ui/tracks/track.h"
#include "ui/tracks/view_frame.h"

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include <QColor>
#include <QRectF>
#include <QString>

class QPainter;
class QPalette;

/// The drawing of the track viewer, shared by the widget, image export and the benchmark.
/// Each function draws into a rectangle of the data area (or the ruler) of one frame.
namespace kdna::ui::paint {

inline constexpr int kFeatureRowHeight = 24;

/// The neutral colours of the viewer: background, text, rules. On screen they come from the
/// widget's palette, so the viewer follows a light or dark desktop; the defaults are the light
/// look that exported figures use. Track colours stay the user's either way.
struct Theme {
    /// A see-through wash over a stretch of the view (dragged out on the ruler, say).
    [[nodiscard]] QColor wash(int alpha) const
    {
        QColor c = selection;
        c.setAlpha(alpha);
        return c;
    }

    QColor background{0xff, 0xff, 0xff};
    QColor gutter{0xf4, 0xf4, 0xf4};
    QColor ink{0x30, 0x30, 0x30};
    QColor faint{0x80, 0x80, 0x80};
    QColor rule{0xe2, 0xe2, 0xe2};
    QColor overview{0xec, 0xec, 0xec};
    QColor error = colors::error(false);
    QColor selection{0x30, 0x70, 0xd0};
    bool dark = false;

    [[nodiscard]] static Theme fromPalette(const QPalette& palette);
};

/// The value range a signal lane maps onto its height.
struct SignalScale {
    double minimum = 0;
    double maximum = 1;
};
/// A range holding every finite value of `samples` and zero.
void widen(SignalScale& scale, const SignalSamples& samples);
/// An autoscale range: zero to the largest value, with a little headroom only when empty.
[[nodiscard]] SignalScale autoscale(std::span<const SignalSamples* const> samples);

enum class SignalStyle { Filled, Translucent, Line };

/// The ruler: the chromosome overview with the visible stretch boxed, then ticks and labels.
/// `selection` is a stretch being dragged out to zoom into.
void drawRuler(QPainter& p, const Theme& theme, const ViewFrame& frame, const QRectF& area,
               std::optional<std::pair<double, double>> selection);
/// Height of the overview strip at the top of the ruler, where a click recentres the view.
[[nodiscard]] QRectF overviewStrip(const ViewFrame& frame, const QRectF& ruler);

void drawSignal(QPainter& p, const ViewFrame& frame, const QRectF& lane,
                const SignalSamples& samples, const SignalScale& scale, const QColor& color,
                SignalStyle style);
/// Which corner of a card its point gives.
enum class CardCorner { TopLeft, TopRight };
/// `text` in `ink`, centred on a card of the background (a little see-through) as wide as the
/// text plus a margin and `height` tall, placed by its `corner` at `at`: a label that stays
/// readable over the data it sits on. Returns the card's rectangle.
QRectF drawCardText(QPainter& p, const Theme& theme, const QPointF& at, CardCorner corner,
                    double height, const QString& text, const QColor& ink);

/// "[0 - 12.5]" in the lane's top-left corner, as IGV shows a data range (top-right with
/// `right`, where a heatmap's row letters leave room).
void drawScaleLabel(QPainter& p, const Theme& theme, const QRectF& lane, const SignalScale& scale,
                    bool right = false);

/// Features as boxes with strand chevrons and names under them where they do not collide;
/// rows past `visibleRows` fold into the last one.
void drawFeatures(QPainter& p, const Theme& theme, const ViewFrame& frame, const QRectF& lane,
                  std::span<const PlacedFeature> features, int visibleRows, const QColor& color);

/// Bases as coloured bars, with letters once a base is wide enough to hold one.
void drawSequence(QPainter& p, const Theme& theme, const ViewFrame& frame, const QRectF& lane,
                  std::int64_t first, std::string_view bases);

/// A grey sentence centred in a lane (no data here, zoom in to see..., an error).
void drawNote(QPainter& p, const Theme& theme, const QRectF& lane, const QString& text,
              bool error = false);

// ---- "Explain here" and variants (track_painter_explain.cpp) ----------------------------------

/// Letters of a logo need this many pixels a base; narrower, the lane draws bars of the score.
inline constexpr double kLogoMinPixels = 3;

/// The largest |score| (or |ISM change|) of the explanation's bases in view; 0 when none.
[[nodiscard]] double largestInView(const ViewFrame& frame, const Explanation& e, bool ism);

/// An attribution as a sequence logo: each base's letter (its colour from ui/style) as tall as
/// its score, above the mid-lane axis when positive and below it when negative; `maxAbs`
/// fills half the lane. Where bases are narrower than kLogoMinPixels, one bar a pixel of the
/// mean score of its bases, up or down from the axis.
void drawLogo(QPainter& p, const Theme& theme, const ViewFrame& frame, const QRectF& lane,
              const Explanation& e, double maxAbs);

/// ISM as a heatmap: rows A, C, G, T top to bottom, one cell a base (a pixel's mean when bases
/// are narrower), coloured on the diverging scale by the output's change over `maxAbs`.
void drawHeatmap(QPainter& p, const Theme& theme, const ViewFrame& frame, const QRectF& lane,
                 const Explanation& e, double maxAbs);
/// The heatmap's row of a base (A 0, C 1, G 2, T 3) at height `y` of `lane`, or -1.
[[nodiscard]] int heatmapRow(const QRectF& lane, double y);

/// Variants as lollipops: a stick at each variant as tall as |alt - ref| over `maxAbs`, its
/// head coloured on the diverging scale. `marks` are those of the view's chromosome.
void drawLollipops(QPainter& p, const Theme& theme, const ViewFrame& frame, const QRectF& lane,
                   std::span<const VariantMark* const> marks, double maxAbs);
/// The mark whose stick is nearest to `x` within a few pixels, or -1 (the hover's variant).
[[nodiscard]] int lollipopAt(const ViewFrame& frame, std::span<const VariantMark* const> marks,
                             double x);

} // namespace kdna::ui::paint
