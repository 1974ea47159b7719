#include "core/util/paths.h"

#include "core/util/error.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>

namespace kdna::paths {

std::string cacheName(const std::string& key)
{
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016zx", std::hash<std::string>()(key));
    return hex;
}

std::string fileNamePart(const std::string& word, std::size_t maxBytes)
{
    std::string part = word.substr(0, maxBytes);
    std::replace(part.begin(), part.end(), '/', '_');
    return part;
}

std::string fileStamp(const std::filesystem::path& file)
{
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0)
        throw Error::inFile(file.string(), 0, std::strerror(errno));
    return std::filesystem::weakly_canonical(file).string() + "\n" + std::to_string(st.st_size) +
           "\n" + std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec);
}

std::filesystem::path userCacheDir()
{
    std::filesystem::path dir;
    if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg)
        dir = std::filesystem::path(xdg) / "kdna";
    else if (const char* home = std::getenv("HOME"); home && *home)
        dir = std::filesystem::path(home) / ".cache" / "kdna";
    std::error_code ec;
    if (!dir.empty()) {
        std::filesystem::create_directories(dir, ec);
        if (!ec && isWritableDir(dir))
            return dir;
    }
    dir = std::filesystem::temp_directory_path() / ("kdna-cache-" + std::to_string(getuid()));
    std::filesystem::create_directories(dir, ec);
    return dir;
}

std::filesystem::path resolve(const std::filesystem::path& base, const std::string& p,
                              const std::filesystem::path& dataDir)
{
    std::string expanded = p;
    static const std::string variable = "${data}";
    if (const auto at = expanded.find(variable); at != std::string::npos) {
        if (dataDir.empty())
            throw Error("'" + p +
                        "' uses ${data}: give the data folder with --data DIR or the KDNA_DATA "
                        "environment variable");
        expanded.replace(at, variable.size(), dataDir.string());
    }
    const std::filesystem::path path(expanded);
    if (path.is_absolute() || base.empty())
        return path;
    return (base / path).lexically_normal();
}

std::filesystem::path dataDirFromEnvironment()
{
    const char* env = std::getenv("KDNA_DATA");
    return env && *env ? std::filesystem::path(env) : std::filesystem::path();
}

bool isWritableDir(const std::filesystem::path& folder)
{
    return access(folder.c_str(), W_OK | X_OK) == 0;
}

} // namespace kdna::paths
