#include "core/util/opening_progress.h"

#include <utility>

namespace kdna {
namespace {

OpeningProgress& current()
{
    thread_local OpeningProgress progress;
    return progress;
}

} // namespace

OpeningProgressScope::OpeningProgressScope(OpeningProgress progress)
    : m_outer(std::exchange(current(), std::move(progress)))
{}

OpeningProgressScope::~OpeningProgressScope()
{
    current() = std::move(m_outer);
}

void reportOpening(const std::string& what, std::int64_t done, std::int64_t total, const char* unit)
{
    if (const OpeningProgress& progress = current())
        progress(what, done, total, unit);
}

} // namespace kdna
