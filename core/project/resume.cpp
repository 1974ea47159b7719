#include "core/project/resume.h"

#include "core/util/atomic_output.h"
#include "core/util/error.h"

#include <fstream>
#include <sstream>

namespace kdna {
namespace {

std::filesystem::path beside(const std::filesystem::path& archive, const std::string& suffix)
{
    return archive.parent_path() / (archive.stem().string() + suffix);
}

void writeBytes(const std::filesystem::path& path, const std::string& bytes)
{
    AtomicOutput::writeFile(
        path,
        [&](std::ostream& out) {
            out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        },
        /*binary=*/true);
}

std::string readBytes(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error::inFile(path.string(), 0,
                            "is missing: the resume files are incomplete; delete the other "
                            "resume files beside it to start the training over");
    std::ostringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

/// The state files of every epoch count but `keep` (older ones a later save superseded), or
/// all of them.
void removeStateFilesBut(const ResumeFiles& files, std::optional<std::size_t> keep)
{
    const auto folder = files.archive.parent_path().empty() ? std::filesystem::path(".")
                                                            : files.archive.parent_path();
    const std::string prefix = files.archive.stem().string() + ".";
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(folder, ec)) {
        const std::string name = entry.path().filename().string();
        if (name.rfind(prefix, 0) != 0 || name == files.archive.filename().string())
            continue;
        const bool state =
            name.ends_with(".optimizer.safetensors") || name.ends_with(".best.safetensors");
        if (state && (!keep || (name != files.optimizerState(*keep).filename().string() &&
                                name != files.bestWeights(*keep).filename().string())))
            std::filesystem::remove(entry.path(), ec);
    }
}

} // namespace

ResumeFiles resumeFilesOf(const std::filesystem::path& modelArchive)
{
    return {beside(modelArchive, ".resume.kdna")};
}

std::filesystem::path ResumeFiles::optimizerState(std::size_t epochs) const
{
    return beside(archive, "." + std::to_string(epochs) + ".optimizer.safetensors");
}

std::filesystem::path ResumeFiles::bestWeights(std::size_t epochs) const
{
    return beside(archive, "." + std::to_string(epochs) + ".best.safetensors");
}

void saveResumeState(const ResumeFiles& files, const ModelArchive& archive,
                     const ResumePoint& point)
{
    const std::size_t epochs = point.history.epochs.size();
    writeBytes(files.optimizerState(epochs), point.optimizerState);
    if (!point.bestWeights.empty())
        writeBytes(files.bestWeights(epochs), point.bestWeights);
    archive.save(files.archive);
    removeStateFilesBut(files, epochs);
}

std::optional<ResumedState> loadResumeState(const ResumeFiles& files)
{
    if (!std::filesystem::exists(files.archive))
        return std::nullopt;
    ResumedState s;
    s.archive = ModelArchive::load(files.archive);
    const std::size_t epochs = s.archive.history.epochs.size();
    s.optimizerState = readBytes(files.optimizerState(epochs));
    if (std::filesystem::exists(files.bestWeights(epochs))) {
        s.bestWeights = readBytes(files.bestWeights(epochs));
        // Checked as the archive's own weights are: against the model spec, before use.
        s.archive.checkWeights(s.bestWeights, files.bestWeights(epochs));
    }
    return s;
}

void removeResumeState(const ResumeFiles& files)
{
    std::error_code ec;
    std::filesystem::remove(files.archive, ec);
    removeStateFilesBut(files, std::nullopt);
}

} // namespace kdna
