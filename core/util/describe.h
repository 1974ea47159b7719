#pragma once

#include <exception>
#include <string>

namespace kdna {

/// The one sentence a front end shows for an exception: kdna::Error's message (followed by
/// "(in FILE, line N)" from its fields when the message does not name its file); for
/// LibTorch's c10::Error its message without the C++ backtrace LibTorch appends; for any other
/// library's exception its first line (the rest is a dump for developers). The CLI and every
/// GUI catch point go through it, so both doors word a failure alike.
///
/// Declared without LibTorch; implemented in kdna_describe, which links it.
[[nodiscard]] std::string describe(const std::exception& e);

} // namespace kdna
