#pragma once

#include <filesystem>

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

    [[nodiscard]] const std::filesystem::path& tempPath() const { return m_temp; }
    [[nodiscard]] const std::filesystem::path& target() const { return m_target; }
    /// Renames the temporary onto the target. Throws kdna::Error when that fails.
    void commit();

private:
    std::filesystem::path m_target;
    std::filesystem::path m_temp;
    bool m_committed = false;
};

} // namespace kdna
