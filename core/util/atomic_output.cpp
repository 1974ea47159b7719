#include "core/util/atomic_output.h"

#include "core/util/error.h"

#include <array>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <system_error>
#include <unistd.h>

#include <climits>

namespace kdna {

namespace {

std::filesystem::path folderOf(const std::filesystem::path& target)
{
    return target.has_parent_path() ? target.parent_path() : std::filesystem::path(".");
}

std::string systemReason(int error)
{
    return std::error_code(error, std::generic_category()).message();
}

// The temporaries a signal handler must unlink. Plain arrays and lock-free atomics only: the
// handler may read nothing else (async-signal-safety).
struct TemporarySlot {
    std::atomic<bool> taken{false};
    std::atomic<bool> ready{false};
    std::array<char, PATH_MAX> path{};
};
constexpr int kSlots = 64;
std::array<TemporarySlot, kSlots> g_temporaries;

int registerTemporary(const std::filesystem::path& temp)
{
    std::error_code ec;
    const std::string path = std::filesystem::absolute(temp, ec).string();
    if (ec || path.size() >= PATH_MAX)
        return -1;
    for (int i = 0; i < kSlots; ++i) {
        bool expected = false;
        if (g_temporaries[i].taken.compare_exchange_strong(expected, true)) {
            std::memcpy(g_temporaries[i].path.data(), path.c_str(), path.size() + 1);
            g_temporaries[i].ready.store(true, std::memory_order_release);
            return i;
        }
    }
    return -1; // more than kSlots at once: still removed by the destructor, not by a signal
}

void unregisterTemporary(int slot)
{
    if (slot < 0)
        return;
    g_temporaries[slot].ready.store(false, std::memory_order_release);
    g_temporaries[slot].taken.store(false, std::memory_order_release);
}

extern "C" void removeTemporariesAndDie(int signal)
{
    for (auto& slot : g_temporaries)
        if (slot.ready.load(std::memory_order_acquire))
            unlink(slot.path.data());
    std::signal(signal, SIG_DFL);
    std::raise(signal);
}

/// fsync on a file or folder opened read-only; folders on some file systems refuse (EINVAL),
/// which costs nothing but that guarantee.
int syncPath(const std::filesystem::path& path, bool folder)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | (folder ? O_DIRECTORY : 0));
    if (fd < 0)
        return errno;
    int error = 0;
    if (::fsync(fd) != 0 && !(folder && (errno == EINVAL || errno == EROFS)))
        error = errno;
    ::close(fd);
    return error;
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
                                "' is not writable (" + systemReason(errno) + ")");
}

void AtomicOutput::requireReplaceable(const std::filesystem::path& target, const OutputKind& kind)
{
    std::error_code ec;
    const auto status = std::filesystem::status(target, ec);
    if (!std::filesystem::exists(status))
        return;
    if (std::filesystem::is_directory(status))
        throw Error::inFile(target.string(), 0,
                            "is a folder; name the file to write (a file inside it, say)");
    if (!std::filesystem::is_regular_file(status))
        throw Error::inFile(target.string(), 0,
                            "is not a regular file; name a file to write instead");
    if (!kind.name.empty() && kind.matches && !kind.matches(target))
        throw Error::inFile(target.string(), 0,
                            "already exists and is not " + kind.name + "; kdna replaces only " +
                                kind.name + " there, so move it away or choose another name");
}

void AtomicOutput::requireWritable(const std::filesystem::path& target, const OutputKind& kind)
{
    requireReplaceable(target, kind);
    requireWritableFolder(target);
}

std::filesystem::path AtomicOutput::freshName(const std::filesystem::path& wanted)
{
    std::error_code ec;
    if (!std::filesystem::exists(wanted, ec))
        return wanted;
    // "model.kdna" -> "model-1.kdna"; "a.b.bw" keeps its last extension.
    const auto stem = wanted.stem().string();
    const auto ext = wanted.extension().string();
    for (int n = 1;; ++n) {
        auto candidate = folderOf(wanted) / (stem + "-" + std::to_string(n) + ext);
        if (!std::filesystem::exists(candidate, ec))
            return candidate;
    }
}

void AtomicOutput::removeTemporariesOnSignal()
{
    struct sigaction action {};
    action.sa_handler = removeTemporariesAndDie;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESETHAND;
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
}

AtomicOutput::AtomicOutput(std::filesystem::path target, OutputKind kind)
    : m_target(std::move(target))
{
    static std::atomic<unsigned> counter{0};
    requireWritable(m_target, kind);
    const auto folder = folderOf(m_target);
    m_temp = folder / ("." + m_target.filename().string() + ".part-" + std::to_string(getpid()) +
                       "-" + std::to_string(counter++));
    m_slot = registerTemporary(m_temp);
}

AtomicOutput::~AtomicOutput()
{
    if (!m_committed) {
        std::error_code ignored;
        std::filesystem::remove(m_temp, ignored);
    }
    unregisterTemporary(m_slot);
}

Error AtomicOutput::writeFailed() const
{
    return Error::inFile(m_target.string(), 0,
                         "could not be written (" + systemReason(errno) +
                             "); the previous file, if any, is unchanged");
}

void AtomicOutput::writeFile(const std::filesystem::path& path,
                             const std::function<void(std::ostream&)>& fill, bool binary,
                             const OutputKind& kind)
{
    AtomicOutput output(path, kind);
    {
        std::ofstream out(output.tempPath(), binary ? std::ios::binary : std::ios::openmode{});
        if (!out)
            throw output.writeFailed();
        fill(out);
        out.close();
        if (!out)
            throw output.writeFailed();
    }
    output.commit();
}

void AtomicOutput::commit()
{
    if (const int error = syncPath(m_temp, false); error != 0)
        throw Error::inFile(m_target.string(), 0,
                            "could not be written to the disk (" + systemReason(error) +
                                "); the previous file, if any, is unchanged");
    std::error_code ec;
    std::filesystem::rename(m_temp, m_target, ec);
    if (ec)
        throw Error::inFile(m_target.string(), 0,
                            "could not move the finished file into place (" + ec.message() + ")");
    m_committed = true;
    unregisterTemporary(m_slot);
    m_slot = -1;
    // The rename itself lives in the folder: without this a power cut can undo it.
    (void)syncPath(folderOf(m_target), true);
}

} // namespace kdna
