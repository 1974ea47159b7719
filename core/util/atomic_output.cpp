#include "atomic_output.h"

#include "error.h"

#include <atomic>
#include <cerrno>
#include <fstream>
#include <system_error>
#include <unistd.h>

namespace kdna {

namespace {

std::filesystem::path folderOf(const std::filesystem::path& target)
{
    return target.has_parent_path() ? target.parent_path() : std::filesystem::path(".");
}

} // namespace

void AtomicOutput::requireWritableFolder(const std::filesystem::path& target)
{
    const auto folder = folderOf(target);
    if (!std::filesystem::is_directory(folder))
        throw Error::inFile(target.string(), 0,
                            "cannot write here: folder '" + folder.string() + "' does not exist");
    if (access(folder.c_str(), W_OK | X_OK) != 0)
        throw Error::inFile(target.string(), 0,
                            "cannot write here: folder '" + folder.string() +
                                "' is not writable (" +
                                std::error_code(errno, std::generic_category()).message() + ")");
}

AtomicOutput::AtomicOutput(std::filesystem::path target)
    : m_target(std::move(target))
{
    static std::atomic<unsigned> counter{0};
    requireWritableFolder(m_target);
    const auto folder = folderOf(m_target);
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

Error AtomicOutput::writeFailed() const
{
    return Error::inFile(m_target.string(), 0,
                         "could not be written (" +
                             std::error_code(errno, std::generic_category()).message() + ")");
}

void AtomicOutput::writeFile(const std::filesystem::path& path,
                             const std::function<void(std::ostream&)>& fill, bool binary)
{
    AtomicOutput output(path);
    {
        std::ofstream out(output.tempPath(), binary ? std::ios::binary : std::ios::openmode{});
        fill(out);
        out.close();
        if (!out)
            throw output.writeFailed();
    }
    output.commit();
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
