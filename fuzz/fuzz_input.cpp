#include "fuzz_input.h"

#include <fstream>
#include <unistd.h>

namespace kdna::fuzz {

std::filesystem::path scratchFolder()
{
    static const std::filesystem::path folder = [] {
        const std::filesystem::path shm = "/dev/shm";
        const auto root =
            std::filesystem::is_directory(shm) ? shm : std::filesystem::temp_directory_path();
        auto f = root / ("kdna-fuzz-" + std::to_string(::getpid()));
        std::filesystem::create_directories(f);
        return f;
    }();
    return folder;
}

std::filesystem::path writeScratch(const std::string& name, std::string_view bytes)
{
    const auto path = scratchFolder() / name;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return path;
}

std::pair<std::string_view, std::string_view> splitAtNul(std::string_view input)
{
    const auto nul = input.find('\0');
    if (nul == std::string_view::npos)
        return {input, {}};
    return {input.substr(0, nul), input.substr(nul + 1)};
}

} // namespace kdna::fuzz
