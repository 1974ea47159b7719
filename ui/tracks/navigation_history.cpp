#include "ui/tracks/navigation_history.h"

namespace kdna::ui {

void NavigationHistory::visit(const GenomicRange& range)
{
    if (current() == range)
        return;
    m_entries.resize(static_cast<std::size_t>(m_index + 1));
    m_entries.push_back(range);
    if (m_entries.size() > kLimit)
        m_entries.erase(m_entries.begin());
    m_index = static_cast<int>(m_entries.size()) - 1;
}

std::optional<GenomicRange> NavigationHistory::back()
{
    if (!canGoBack())
        return std::nullopt;
    return m_entries[static_cast<std::size_t>(--m_index)];
}

std::optional<GenomicRange> NavigationHistory::forward()
{
    if (!canGoForward())
        return std::nullopt;
    return m_entries[static_cast<std::size_t>(++m_index)];
}

std::optional<GenomicRange> NavigationHistory::current() const
{
    if (m_index < 0)
        return std::nullopt;
    return m_entries[static_cast<std::size_t>(m_index)];
}

void NavigationHistory::clear()
{
    m_entries.clear();
    m_index = -1;
}

} // namespace kdna::ui
