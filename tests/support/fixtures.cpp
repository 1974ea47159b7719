#include "fixtures.h"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <sys/resource.h>

#include <QTest>

namespace kdna::test {

ScratchDir::ScratchDir()
{
    QVERIFY2(m_dir.isValid(), "could not create a temporary folder");
}

std::filesystem::path ScratchDir::path() const
{
    return m_dir.path().toStdString();
}

std::filesystem::path ScratchDir::file(const std::string& name) const
{
    return path() / name;
}

void writeText(const std::filesystem::path& path, const std::string& content)
{
    std::ofstream out(path, std::ios::binary);
    out << content;
}

std::string readText(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void writeFasta(const std::filesystem::path& path,
                const std::vector<std::pair<std::string, std::string>>& records, int line)
{
    std::ofstream out(path);
    for (const auto& [name, bases] : records) {
        out << '>' << name << '\n';
        for (std::size_t i = 0; i < bases.size(); i += static_cast<std::size_t>(line))
            out << bases.substr(i, static_cast<std::size_t>(line)) << '\n';
    }
}

std::string randomBases(std::size_t n, unsigned seed)
{
    std::mt19937 rng(seed);
    std::string s(n, 'A');
    for (auto& c : s)
        c = "ACGT"[rng() % 4];
    return s;
}

std::int64_t statusBytes(const std::string& field)
{
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind(field + ":", 0) == 0)
            return std::stoll(line.substr(field.size() + 1)) * 1024;
    return -1;
}

void resetPeak()
{
    std::ofstream("/proc/self/clear_refs") << "5";
}

std::optional<std::filesystem::path> yeastData()
{
    std::vector<std::filesystem::path> candidates;
    if (const char* env = std::getenv("KDNA_TEST_DATA"); env && *env) {
        // Where the user points is where the data is, or none is: a folder without it runs
        // the suites as a clean checkout does (the walkthrough on the demo data).
        candidates.emplace_back(std::filesystem::path(env) / "sacCer3");
        candidates.emplace_back(env);
    } else {
        candidates.emplace_back(std::filesystem::path(KDNA_SOURCE_DIR) / ".." / "shared" / "data" /
                                "sacCer3");
        candidates.emplace_back("../shared/data/sacCer3");
    }
    for (const auto& c : candidates)
        if (std::filesystem::exists(c / "sacCer3.fa"))
            return std::filesystem::weakly_canonical(c);
    return std::nullopt;
}

int run(const std::string& commandLine, std::string* output)
{
    FILE* pipe = popen(commandLine.c_str(), "r");
    if (!pipe)
        return -1;
    std::string out;
    char buf[4096];
    while (const std::size_t n = fread(buf, 1, sizeof buf, pipe))
        out.append(buf, n);
    const int status = pclose(pipe);
    if (output)
        *output = out;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::filesystem::path sourceFile(const std::string& relative)
{
    return std::filesystem::path(KDNA_SOURCE_DIR) / relative;
}

std::filesystem::path builtTool(const std::string& relative)
{
    return std::filesystem::path(KDNA_BINARY_DIR) / relative;
}

std::string pythonWithPyBigWig()
{
    // Debian's interpreter first: a python3 earlier on PATH (pyenv, venv) may lack the module.
    for (const char* candidate : {"/usr/bin/python3", "python3"})
        if (run(std::string(candidate) + " -c 'import pyBigWig' 2>/dev/null") == 0)
            return candidate;
    return {};
}

FileSizeLimit::FileSizeLimit(std::uint64_t bytes)
{
    rlimit limit{};
    getrlimit(RLIMIT_FSIZE, &limit);
    m_saved = limit.rlim_cur;
    m_handler = std::signal(SIGXFSZ, SIG_IGN);
    limit.rlim_cur = bytes;
    setrlimit(RLIMIT_FSIZE, &limit);
}

FileSizeLimit::~FileSizeLimit()
{
    rlimit limit{};
    getrlimit(RLIMIT_FSIZE, &limit);
    limit.rlim_cur = m_saved;
    setrlimit(RLIMIT_FSIZE, &limit);
    std::signal(SIGXFSZ, m_handler);
}

} // namespace kdna::test
