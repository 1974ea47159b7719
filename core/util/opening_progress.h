#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace kdna {

/// Told how far a long phase of reading data has come: indexing a FASTA, the statistics'
/// passes over a track, writing a track's cache file. `what` names the phase and its file,
/// `done` of `total` in `unit` ("bp"; "bytes" of the file where the bases are not known yet).
using OpeningProgress = std::function<void(const std::string& what, std::int64_t done,
                                           std::int64_t total, const char* unit)>;

/// Sends the phases that run on this thread to `progress` while it lives (an inner scope
/// replaces an outer one until it ends). Data is read on the thread that opens it, so a
/// training's opening reports to its own scope and a preview opened elsewhere to none.
class OpeningProgressScope {
public:
    explicit OpeningProgressScope(OpeningProgress progress);
    ~OpeningProgressScope();
    OpeningProgressScope(const OpeningProgressScope&) = delete;
    OpeningProgressScope& operator=(const OpeningProgressScope&) = delete;

private:
    OpeningProgress m_outer;
};

/// Tells this thread's scope, when there is one, that `done` of `total` `unit` of `what` are
/// read.
void reportOpening(const std::string& what, std::int64_t done, std::int64_t total,
                   const char* unit = "bp");

} // namespace kdna
