#pragma once

#include <filesystem>
#include <string>

namespace kdna::paths {

/// The per-user cache folder ($XDG_CACHE_HOME/kdna, else ~/.cache/kdna), created on demand;
/// falls back to a folder under the system temp dir when the home is not writable.
[[nodiscard]] std::filesystem::path userCacheDir();

/// `p` as given when absolute, else relative to `base` (a folder).
[[nodiscard]] std::filesystem::path resolve(const std::filesystem::path& base,
                                            const std::string& p);

/// True when a file can be created in `folder`.
[[nodiscard]] bool isWritableDir(const std::filesystem::path& folder);

} // namespace kdna::paths
