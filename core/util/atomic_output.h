#pragma once

#include "error.h"

#include <filesystem>
#include <functional>
#include <iosfwd>

namespace kdna {

/// Writes a file under a temporary name in the target's folder and renames it into place on
/// commit(), so a crash or an error never leaves a half-written file under the real name and
/// never destroys the previous version. Destroying it uncommitted removes the temporary.
class AtomicOutput {
public:
    explicit AtomicOutput(std::filesystem::path target);
    ~AtomicOutput();
    AtomicOutput(const AtomicOutput&) = delete;
    AtomicOutput& operator=(const AtomicOutput&) = delete;

    /// Throws kdna::Error naming the target when its folder is missing or not writable, so a
    /// long job can find out before it starts rather than when it saves.
    static void requireWritableFolder(const std::filesystem::path& target);
    /// Writes `path` in one step: `fill` writes the content into a stream on the temporary,
    /// which is closed (so a full disk shows up here, not later) and renamed into place.
    static void writeFile(const std::filesystem::path& path,
                          const std::function<void(std::ostream&)>& fill, bool binary = false);

    [[nodiscard]] const std::filesystem::path& tempPath() const { return m_temp; }
    [[nodiscard]] const std::filesystem::path& target() const { return m_target; }
    /// The error to throw when writing the temporary failed, with the system's reason (no
    /// space left on the device, say); call it while errno still holds that reason.
    [[nodiscard]] Error writeFailed() const;
    /// Renames the temporary onto the target. Throws kdna::Error when that fails.
    void commit();

private:
    std::filesystem::path m_target;
    std::filesystem::path m_temp;
    bool m_committed = false;
};

} // namespace kdna
