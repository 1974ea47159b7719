#include "ui/tracks/locus.h"

#include "ui/bridge/qt_convert.h"
#include "core/util/chrom_names.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include <QCoreApplication>
#include <QRegularExpression>

namespace kdna::ui {
namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("kdna::ui::Locus", text);
}

std::optional<std::int64_t> parsePosition(const QString& field)
{
    if (field.isEmpty())
        return std::nullopt;
    QString digits = field;
    digits.remove(QLatin1Char(','));
    bool ok = false;
    const qlonglong v = digits.toLongLong(&ok);
    if (!ok || v < 0)
        return std::nullopt;
    return static_cast<std::int64_t>(v);
}

} // namespace

QString formatLocus(const GenomicRange& range)
{
    return QStringLiteral("%1:%2-%3")
        .arg(qs(range.chrom), count(range.start + 1), count(range.end));
}

std::optional<LocusText> parseLocusText(const QString& text)
{
    // chrom[:first[-last]] with thousands separators; also "chrom first last" pasted from a
    // table. The chromosome part has no spaces or colons.
    static const QRegularExpression pattern(
        QStringLiteral("^\\s*([^\\s:]+)(?:(?::|\\s+)([0-9][0-9,]*)(?:\\s*(?:-|\\x{2013}|\\s)\\s*(["
                       "0-9][0-9,]*))?)?\\s*$"));
    const auto match = pattern.match(text);
    if (!match.hasMatch())
        return std::nullopt;
    LocusText locus;
    locus.chrom = ss(match.captured(1));
    if (match.hasCaptured(2)) {
        locus.first = parsePosition(match.captured(2));
        if (!locus.first)
            return std::nullopt;
    }
    if (match.hasCaptured(3)) {
        locus.last = parsePosition(match.captured(3));
        if (!locus.last)
            return std::nullopt;
    }
    return locus;
}

std::optional<GenomicRange> resolveLocus(const LocusText& locus,
                                         const std::vector<Chromosome>& chromosomes, QString* error,
                                         std::int64_t pointSpan)
{
    auto fail = [error](const QString& message) -> std::optional<GenomicRange> {
        if (error)
            *error = message;
        return std::nullopt;
    };
    const std::vector<std::string> names = namesOf(chromosomes);
    const std::string chrom = chrom_names::match(locus.chrom, names);
    if (chrom.empty())
        return fail(qs(chrom_names::unknownMessage(locus.chrom, "the genome", names)));
    const auto it = std::find_if(chromosomes.begin(), chromosomes.end(),
                                 [&](const Chromosome& c) { return c.name == chrom; });
    const std::int64_t length = it->length;
    GenomicRange range{chrom, 0, length};
    if (locus.first && locus.last) {
        const std::int64_t a = std::min(*locus.first, *locus.last);
        const std::int64_t b = std::max(*locus.first, *locus.last);
        range.start = std::max<std::int64_t>(0, a - 1);
        range.end = std::min(length, b);
    } else if (locus.first) {
        const std::int64_t centre = *locus.first - 1;
        range.start = std::max<std::int64_t>(0, centre - pointSpan / 2);
        range.end = std::min(length, range.start + pointSpan);
        range.start = std::max<std::int64_t>(0, range.end - pointSpan);
    }
    if (range.end <= range.start)
        return fail(
            tr("%1 lies outside %2 (%3 bp)")
                .arg(locus.first ? count(*locus.first) : QString(), qs(chrom), count(length)));
    return range;
}

std::int64_t tickStep(double bpPerPixel, double minPixels)
{
    const double wanted = std::max(1.0, bpPerPixel * minPixels);
    std::int64_t magnitude = 1;
    while (magnitude * 10 <= wanted)
        magnitude *= 10;
    for (const std::int64_t m : {1, 2, 5, 10})
        if (static_cast<double>(m * magnitude) >= wanted)
            return m * magnitude;
    return 10 * magnitude;
}

QString tickLabel(std::int64_t position, std::int64_t step)
{
    if (step >= 1'000'000)
        return tr("%1 Mb").arg(count(position / 1'000'000));
    if (step >= 1'000)
        return tr("%1 kb").arg(count(position / 1'000));
    return count(position);
}

QString spanText(double bases)
{
    const auto trimmed = [](double v) {
        return QString::number(v, 'g', 3);
    };
    if (bases >= 1e6)
        return tr("%1 Mb").arg(trimmed(bases / 1e6));
    if (bases >= 1e3)
        return tr("%1 kb").arg(trimmed(bases / 1e3));
    return tr("%1 bp").arg(std::llround(bases));
}

} // namespace kdna::ui
