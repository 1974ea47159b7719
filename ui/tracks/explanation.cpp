#include "ui/tracks/explanation.h"

#include <algorithm>
#include <cmath>

#include <QCoreApplication>

namespace kdna::ui {

QString methodLabel(ExplainMethod method)
{
    switch (method) {
    case ExplainMethod::InputTimesGradient:
        return QCoreApplication::translate("kdna::ui::Explanation", "input \u00d7 gradient");
    case ExplainMethod::Saliency:
        return QCoreApplication::translate("kdna::ui::Explanation", "saliency");
    case ExplainMethod::IntegratedGradients:
        return QCoreApplication::translate("kdna::ui::Explanation", "integrated gradients");
    case ExplainMethod::Ism:
        return QCoreApplication::translate("kdna::ui::Explanation", "ISM");
    }
    return {};
}

float VariantMarks::largestEffect() const
{
    float m = 0;
    for (const VariantMark& v : marks)
        if (std::isfinite(v.effect()))
            m = std::max(m, std::abs(v.effect()));
    return m;
}

bool isVariantFile(const QString& path)
{
    const QString p = path.toLower();
    return p.endsWith(QStringLiteral(".vcf")) || p.endsWith(QStringLiteral(".vcf.gz")) ||
           p.endsWith(QStringLiteral(".bcf"));
}

} // namespace kdna::ui
