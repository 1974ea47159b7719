#pragma once

#include "ui/tracks/locus.h"

#include <optional>
#include <vector>

namespace kdna::ui {

/// The loci a user visited, for back and forward as in a web browser: visiting a new locus
/// after going back drops the loci ahead.
class NavigationHistory {
public:
    /// Records `range` as the current locus; a repeat of the current one is ignored.
    void visit(const GenomicRange& range);
    [[nodiscard]] bool canGoBack() const { return m_index > 0; }
    [[nodiscard]] bool canGoForward() const
    {
        return m_index + 1 < static_cast<int>(m_entries.size());
    }
    /// The locus before (after) the current one, which becomes current; nullopt at the end.
    std::optional<GenomicRange> back();
    std::optional<GenomicRange> forward();
    [[nodiscard]] std::optional<GenomicRange> current() const;
    void clear();

private:
    static constexpr std::size_t kLimit = 200;
    std::vector<GenomicRange> m_entries;
    int m_index = -1;
};

} // namespace kdna::ui
