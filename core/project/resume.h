#pragma once

#include "core/project/archive.h"
#include "core/train/trainer.h"

#include <filesystem>
#include <optional>
#include <string>

namespace kdna {

/// The files `kdna train --resume` keeps beside the model archive it writes: after every
/// epoch, the model as an archive (weights, history, settings) and, named by the epochs done,
/// the optimiser's state and the kept best weights. The state files are written before the
/// archive that names them, each atomically, so a run killed at any point leaves a complete,
/// consistent set (the previous epoch's at worst).
struct ResumeFiles {
    std::filesystem::path archive; ///< `<model>.resume.kdna`

    [[nodiscard]] std::filesystem::path optimizerState(std::size_t epochs) const;
    [[nodiscard]] std::filesystem::path bestWeights(std::size_t epochs) const;
};
[[nodiscard]] ResumeFiles resumeFilesOf(const std::filesystem::path& modelArchive);

/// What a resumed run starts from.
struct ResumedState {
    ModelArchive archive;
    std::string optimizerState;
    std::string bestWeights; ///< empty: no weights were kept yet
};

/// Writes the state after an epoch; `archive` holds the model's weights and history then.
void saveResumeState(const ResumeFiles& files, const ModelArchive& archive,
                     const ResumePoint& point);
/// The saved state, or none when no run left one. Throws kdna::Error naming the file when
/// one is damaged (an archive is checked as any model archive; the state's tensors against
/// the model's).
[[nodiscard]] std::optional<ResumedState> loadResumeState(const ResumeFiles& files);
/// Removes the files of a run that finished.
void removeResumeState(const ResumeFiles& files);

} // namespace kdna
