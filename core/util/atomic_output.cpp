#include "atomic_output.h"

#include "error.h"

#include <atomic>
#include <system_error>
#include <unistd.h>

namespace kdna {

AtomicOutput::AtomicOutput(std::filesystem::path target)
    : m_target(std::move(target))
{
    static std::atomic<unsigned> counter{0};
    const auto folder = m_target.has_parent_path() ? m_target.parent_path() : ".";
    if (!std::filesystem::is_directory(folder))
        throw Error::inFile(m_target.string(), 0,
                            "cannot write here: folder '" + folder.string() + "' does not exist");
    m_temp = folder / ("." + m_target.filename().string() + ".part-" + std::to_string(getpid()) +
                       "-" + std::to_string(counter++));
}

AtomicOutput::~AtomicOutput()
{
    if (!m_committed) {
        std::error_code ignored;
        std::filesystem::remove(m_temp, ignored);
    }
}

void AtomicOutput::commit()
{
    std::error_code ec;
    std::filesystem::rename(m_temp, m_target, ec);
    if (ec)
        throw Error::inFile(m_target.string(), 0,
                            "could not move the finished file into place (" + ec.message() + ")");
    m_committed = true;
}

} // namespace kdna
