#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <QString>
#include <QStringList>

/// Conversions between the engine's std::string world and Qt's QString world.
namespace kdna::ui {

[[nodiscard]] inline QString qs(const std::string& s)
{
    return QString::fromStdString(s);
}
[[nodiscard]] inline std::string ss(const QString& s)
{
    return s.toStdString();
}
[[nodiscard]] QStringList qsList(const std::vector<std::string>& v);
[[nodiscard]] std::vector<std::string> ssList(const QStringList& l);
/// "(2001, 4)".
[[nodiscard]] QString shapeText(const std::vector<std::int64_t>& shape);
/// 1234567 -> "1,234,567".
[[nodiscard]] QString count(std::int64_t n);

} // namespace kdna::ui
