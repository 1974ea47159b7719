#pragma once

#include "ui/tracks/feature_index.h"
#include "ui/tracks/track.h"
#include "ui/tracks/view_frame.h"
#include "ui/style/colors.h"

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
/// "[0 - 12.5]" in the lane's top-left corner, as IGV shows a data range.
void drawScaleLabel(QPainter& p, const Theme& theme, const QRectF& lane, const SignalScale& scale);

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

} // namespace kdna::ui::paint
