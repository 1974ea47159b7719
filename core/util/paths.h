#pragma once

#include <filesystem>
#include <string>

namespace kdna::paths {

/// The per-user cache folder ($XDG_CACHE_HOME/kdna, else ~/.cache/kdna), created on demand;
/// falls back to a folder under the system temp dir when the home is not writable.
[[nodiscard]] std::filesystem::path userCacheDir();

/// `p` with `${data}` replaced by `dataDir`, then as given when absolute, else relative to
/// `base` (a folder). Throws when `p` uses `${data}` and no data folder is set.
[[nodiscard]] std::filesystem::path resolve(const std::filesystem::path& base, const std::string& p,
                                            const std::filesystem::path& dataDir = {});

/// The data folder a user set: $KDNA_DATA, else empty.
[[nodiscard]] std::filesystem::path dataDirFromEnvironment();

/// What says a file is the one a cache was made from: its canonical path, size and
/// modification time, one per line. Throws kdna::Error naming the file when it cannot be read.
[[nodiscard]] std::string fileStamp(const std::filesystem::path& file);

/// A file name for a cache entry keyed by `key`: 16 hex digits of its hash (the entry itself
/// keeps the key, so a collision reads as a miss).
[[nodiscard]] std::string cacheName(const std::string& key);

/// `word` (a chromosome, a track's name: a word of the user's files) as a part of one file
/// name: a '/' as '_', so it never makes a path, and cut to `maxBytes` (a name has 255 at
/// most). The rest stays as written, spaces included.
[[nodiscard]] std::string fileNamePart(const std::string& word, std::size_t maxBytes = 200);

/// True when a file can be created in `folder`.
[[nodiscard]] bool isWritableDir(const std::filesystem::path& folder);

} // namespace kdna::paths
