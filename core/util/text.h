#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

/// Small string helpers shared by the parsers and the report printers.
namespace kdna::text {

[[nodiscard]] std::string_view trim(std::string_view s);
[[nodiscard]] std::vector<std::string_view> split(std::string_view s, char sep);
[[nodiscard]] std::string join(const std::vector<std::string>& parts, std::string_view sep);
[[nodiscard]] bool startsWith(std::string_view s, std::string_view prefix);
[[nodiscard]] bool endsWith(std::string_view s, std::string_view suffix);
[[nodiscard]] std::string toLower(std::string_view s);

/// Parses a whole field as a non-negative integer; false when the field holds anything else.
[[nodiscard]] bool parseInt(std::string_view field, std::int64_t& out);
/// Parses a whole field as a floating-point number; false when it holds anything else.
[[nodiscard]] bool parseDouble(std::string_view field, double& out);

/// 1234567 -> "1,234,567".
[[nodiscard]] std::string withThousands(std::int64_t n);
/// A fixed-precision number without trailing zeros: 0.5, 12, 3.1416.
[[nodiscard]] std::string number(double v, int precision = 4);
/// A byte count for people: "1.5 GiB".
[[nodiscard]] std::string bytes(double n);
/// "(2001, 1, 4)" as Python prints a tuple (a one-element tuple keeps its comma).
[[nodiscard]] std::string tuple(const std::vector<std::int64_t>& dims);

/// Quoted, comma-separated list of names, the first `limit` of them then "and N more".
[[nodiscard]] std::string quotedList(const std::vector<std::string>& names, std::size_t limit = 8);

} // namespace kdna::text
