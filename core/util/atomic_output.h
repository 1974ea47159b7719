#pragma once

#include "core/util/error.h"

#include <filesystem>
#include <functional>
#include <iosfwd>
#include <string>

namespace kdna {

/// The kind of file being written, so that an output path naming another kind of file (a
/// user's text file where a bigWig goes) is refused instead of replaced.
struct OutputKind {
    /// What the file is, for messages ("a bigWig file"); empty: any file may be replaced.
    std::string name;
    /// True when an existing file is of this kind.
    std::function<bool(const std::filesystem::path&)> matches;
};

/// Writes a file under a temporary name in the target's folder and renames it into place on
/// commit(), so a crash or an error never leaves a half-written file under the real name and
/// never destroys the previous version. Destroying it uncommitted removes the temporary, and
/// so does SIGINT or SIGTERM once removeTemporariesOnSignal() has been called.
class AtomicOutput {
public:
    /// Throws kdna::Error (see requireReplaceable, requireWritableFolder) before anything is
    /// written.
    explicit AtomicOutput(std::filesystem::path target, OutputKind kind = {});
    ~AtomicOutput();
    AtomicOutput(const AtomicOutput&) = delete;
    AtomicOutput& operator=(const AtomicOutput&) = delete;

    /// Throws kdna::Error naming the target when its folder is missing or not writable, so a
    /// long job can find out before it starts rather than when it saves.
    static void requireWritableFolder(const std::filesystem::path& target);
    /// Throws kdna::Error when `target` is a folder, or an existing file that is not of
    /// `kind`: only a file of the kind being written is ever replaced.
    static void requireReplaceable(const std::filesystem::path& target, const OutputKind& kind);
    /// Both checks, for a long job to run before it starts.
    static void requireWritable(const std::filesystem::path& target, const OutputKind& kind);
    /// `wanted` when nothing is there, else the first free `stem-N.ext` beside it: a fallback
    /// save never replaces anything.
    [[nodiscard]] static std::filesystem::path freshName(const std::filesystem::path& wanted);
    /// Installs SIGINT and SIGTERM handlers that unlink every temporary still open, then die
    /// of the signal as before. Call once at start-up (the CLI does).
    static void removeTemporariesOnSignal();

    /// Writes `path` in one step: `fill` writes the content into a stream on the temporary,
    /// which is closed (so a full disk shows up here, not later) and renamed into place.
    static void writeFile(const std::filesystem::path& path,
                          const std::function<void(std::ostream&)>& fill, bool binary = false,
                          const OutputKind& kind = {});

    [[nodiscard]] const std::filesystem::path& tempPath() const { return m_temp; }
    [[nodiscard]] const std::filesystem::path& target() const { return m_target; }
    /// The error to throw when writing the temporary failed, with the system's reason (no
    /// space left on the device, say); call it while errno still holds that reason.
    [[nodiscard]] Error writeFailed() const;
    /// Flushes the temporary to the disk, renames it onto the target and flushes the folder,
    /// so the new file survives a power cut once this returns. Throws kdna::Error on failure
    /// (the target is then untouched).
    void commit();

private:
    std::filesystem::path m_target;
    std::filesystem::path m_temp;
    int m_slot = -1; ///< where the temporary is registered for the signal handler
    bool m_committed = false;
};

} // namespace kdna
