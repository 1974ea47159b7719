#include "ui/bridge/qt_convert.h"

#include "core/util/text.h"

#include <cstdint>

namespace kdna::ui {

QStringList qsList(const std::vector<std::string>& v)
{
    QStringList out;
    for (const auto& s : v)
        out << qs(s);
    return out;
}

std::vector<std::string> ssList(const QStringList& l)
{
    std::vector<std::string> out;
    for (const auto& s : l)
        out.push_back(ss(s));
    return out;
}

QString shapeText(const std::vector<std::int64_t>& shape)
{
    return qs(text::tuple(shape));
}

QString count(std::int64_t n)
{
    return qs(text::withThousands(n));
}

} // namespace kdna::ui
