#pragma once

#include <algorithm>
#include <cstdint>
#include <string>

namespace kdna::ui {

/// The genome a view shows and where on screen: bases [start, end) of `chrom` across the
/// `width` pixels of the data area that begins at x = `left`. Fractional bases keep zoom and
/// pan smooth.
struct ViewFrame {
    std::string chrom;
    std::int64_t chromLength = 0;
    double start = 0;
    double end = 0;
    double left = 0;
    double width = 1;

    [[nodiscard]] double bpPerPixel() const { return (end - start) / std::max(width, 1.0); }
    [[nodiscard]] double xAt(double pos) const { return left + (pos - start) / bpPerPixel(); }
    [[nodiscard]] double posAt(double x) const { return start + (x - left) * bpPerPixel(); }
    [[nodiscard]] int pixels() const { return std::max(1, static_cast<int>(width)); }
    [[nodiscard]] bool isValid() const { return !chrom.empty() && end > start && width >= 1; }
};

} // namespace kdna::ui
