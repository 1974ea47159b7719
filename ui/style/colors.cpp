#include "ui/style/colors.h"

#include <algorithm>
#include <array>
#include <cmath>

#include <QPalette>

namespace kdna::ui::colors {
namespace {

// Each pair: the colour on a light desktop, then on a dark one (lighter, so it keeps its
// contrast against a dark base).
struct Pair {
    QColor light;
    QColor dark;
};
const Pair kError{QColor(0xc0, 0x39, 0x2b), QColor(0xff, 0x6b, 0x6b)};
const Pair kSuccess{QColor(0x2e, 0x7d, 0x32), QColor(0x81, 0xc7, 0x84)};

QColor pick(const Pair& pair, const QPalette& palette)
{
    return isDark(palette) ? pair.dark : pair.light;
}

QString inColor(const QString& html, const QColor& color)
{
    return QStringLiteral("<span style='color:%1'>%2</span>").arg(color.name(), html);
}

} // namespace

bool isDark(const QPalette& palette)
{
    return palette.color(QPalette::Base).lightnessF() < 0.5;
}

QColor error(const QPalette& palette)
{
    return pick(kError, palette);
}

QColor error(bool dark)
{
    return dark ? kError.dark : kError.light;
}

QColor success(const QPalette& palette)
{
    return pick(kSuccess, palette);
}

QColor selection(const QPalette& palette)
{
    return palette.color(QPalette::Highlight);
}

QString errorHtml(const QString& text, const QPalette& palette)
{
    return errorRichText(text.toHtmlEscaped(), palette);
}

QString errorRichText(const QString& html, const QPalette& palette)
{
    return inColor(html, error(palette));
}

QString successRichText(const QString& html, const QPalette& palette)
{
    return inColor(html, success(palette));
}

QString errorStyleSheet(const QPalette& palette)
{
    return QStringLiteral("color: %1;").arg(error(palette).name());
}

QColor series(std::size_t index)
{
    static const std::array<QColor, 6> kSeries = {
        QColor(0x1f, 0x6f, 0xd1), QColor(0xd9, 0x54, 0x1c), QColor(0x2e, 0xa0, 0x43),
        QColor(0x8e, 0x44, 0xad), QColor(0xb7, 0x95, 0x0b), QColor(0x00, 0x8b, 0x8b)};
    return kSeries[index % kSeries.size()];
}

QColor signal(std::size_t index)
{
    static const std::array<QColor, 5> kSignals = {
        QColor(0x2a, 0x7a, 0xc0), QColor(0x2a, 0x8c, 0x55), QColor(0x7b, 0x4f, 0xa8),
        QColor(0xa0, 0x7a, 0x10), QColor(0xb0, 0x30, 0x40)};
    return kSignals[index % kSignals.size()];
}

QColor prediction()
{
    return {0xe0, 0x6a, 0x10};
}

QColor feature()
{
    return {0x33, 0x66, 0xb8};
}

QColor sequence()
{
    return {0x70, 0x70, 0x70};
}

QColor base(char base)
{
    switch (base) {
    case 'A':
        return {0x1f, 0x9e, 0x3a};
    case 'C':
        return {0x1f, 0x5f, 0xd0};
    case 'G':
        return {0xd9, 0x82, 0x10};
    case 'T':
        return {0xd0, 0x25, 0x25};
    default:
        return {0x9a, 0x9a, 0x9a};
    }
}

QColor attributionPositive()
{
    return {0xc0, 0x39, 0x2b};
}

QColor attributionNegative()
{
    return {0x2b, 0x5c, 0xb8};
}

QColor diverging(double t, const QColor& neutral)
{
    const double u = std::clamp(std::isfinite(t) ? t : 0.0, -1.0, 1.0);
    const QColor end = u < 0 ? attributionNegative() : attributionPositive();
    const double a = std::abs(u);
    const auto mix = [a](int from, int to) {
        return static_cast<int>(std::lround(from + (to - from) * a));
    };
    return {mix(neutral.red(), end.red()), mix(neutral.green(), end.green()),
            mix(neutral.blue(), end.blue())};
}

} // namespace kdna::ui::colors
