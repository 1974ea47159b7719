#pragma once

#include <filesystem>
#include <functional>
#include <string>

#include <nlohmann/json.hpp> // the template below reads stored values

namespace kdna::store {

/// A statistic of a track (a normalisation, balanced weights' histogram) over given
/// chromosomes, fitted once and kept in the user's cache folder beside the track caches, so
/// a second run over the same data skips the passes over every base.
///
/// `what` says what was fitted and how (the kind, the modes, the chromosomes with their
/// lengths, the bins): with the file's stamp (paths::fileStamp) it is the key, stored in the
/// entry and compared in full on reading, so a changed file or another choice misses. An
/// entry that cannot be read, is over 1 MB, is not the key's or that `read` refuses is fitted
/// again and replaced; a cache folder that cannot be written only costs the next run the
/// passes. `fit` computes the statistic; T is stored by its toJson() and read back by
/// T::fromJson, which throws for a value that is not one.
template<typename T>
T cachedStatistic(const std::filesystem::path& track, const std::string& what,
                  const std::function<T()>& fit);

/// The untyped step under cachedStatistic: the stored value for the key, or null.
[[nodiscard]] nlohmann::json findStatistic(const std::string& key);
/// Stores `value` under the key, atomically; a failure to write is not an error.
void keepStatistic(const std::string& key, const nlohmann::json& value);
/// The key of `what` on `track`.
[[nodiscard]] std::string statisticKey(const std::filesystem::path& track, const std::string& what);

template<typename T>
T cachedStatistic(const std::filesystem::path& track, const std::string& what,
                  const std::function<T()>& fit)
{
    const std::string key = statisticKey(track, what);
    if (const nlohmann::json stored = findStatistic(key); !stored.is_null()) {
        try {
            return T::fromJson(stored);
        } catch (const std::exception&) {
            // not a statistic after all: fitted again below and replaced
        }
    }
    T fitted = fit();
    keepStatistic(key, fitted.toJson());
    return fitted;
}

} // namespace kdna::store
