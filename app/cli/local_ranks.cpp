#include "app/cli/local_ranks.h"

#include "app/cli/cli_common.h"
#include "core/distributed/group_config.h"
#include "core/distributed/process_group.h"
#include "core/util/error.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <netinet/in.h>
#include <spawn.h>
#include <string>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace kdna::cli {
namespace {

/// This process's own arguments, as the kernel keeps them.
std::vector<std::string> ownArguments()
{
    std::ifstream in("/proc/self/cmdline", std::ios::binary);
    const std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::vector<std::string> out;
    std::size_t start = 0;
    for (std::size_t i = 0; i < all.size(); ++i)
        if (all[i] == '\0') {
            out.push_back(all.substr(start, i - start));
            start = i + 1;
        }
    return out;
}

/// The arguments less `--nproc N` / `--nproc=N`: each child is one rank.
std::vector<std::string> rankArguments()
{
    std::vector<std::string> out;
    const auto args = ownArguments();
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--nproc") {
            ++i;
            continue;
        }
        if (args[i].rfind("--nproc=", 0) == 0)
            continue;
        out.push_back(args[i]);
    }
    return out;
}

/// A port the kernel says is free now (rank 0's TCP store binds it a moment later).
int freePort()
{
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        if (fd >= 0)
            close(fd);
        throw Error(std::string("--nproc: no free local port for the ranks to meet on (") +
                    std::strerror(errno) + ")");
    }
    const int port = ntohs(addr.sin_port);
    close(fd);
    return port;
}

std::vector<std::string> rankEnvironment(int rank, int nproc, int port)
{
    std::vector<std::string> env;
    for (char** e = environ; *e; ++e) {
        const std::string entry(*e);
        const std::string name = entry.substr(0, entry.find('='));
        if (name != "RANK" && name != "WORLD_SIZE" && name != "LOCAL_RANK" &&
            name != "MASTER_ADDR" && name != "MASTER_PORT")
            env.push_back(entry);
    }
    env.push_back("RANK=" + std::to_string(rank));
    env.push_back("LOCAL_RANK=" + std::to_string(rank));
    env.push_back("WORLD_SIZE=" + std::to_string(nproc));
    env.push_back("MASTER_ADDR=127.0.0.1");
    env.push_back("MASTER_PORT=" + std::to_string(port));
    return env;
}

std::vector<char*> pointers(std::vector<std::string>& strings)
{
    std::vector<char*> out;
    for (auto& s : strings)
        out.push_back(s.data());
    out.push_back(nullptr);
    return out;
}

} // namespace

std::unique_ptr<dist::ProcessGroup> joinGroup(std::string& device)
{
    const dist::GroupConfig config = dist::configFromEnvironment();
    if (!config.distributed())
        return nullptr;
    if (device == "cuda")
        device = "cuda:" + std::to_string(config.localRank);
    return std::make_unique<dist::ProcessGroup>(config);
}

void addNprocOption(CLI::App& cmd, int& nproc, const std::string& share)
{
    cmd.add_option("--nproc", nproc,
                   "Run as N ranks on this machine, each " + share +
                       " (torchrun's --nproc_per_node); see the README for torchrun and srun")
        ->check(atLeast(1));
}

bool launchedLocalRanks(int nproc)
{
    if (nproc == 0)
        return false;
    runLocalRanks(nproc);
    return true;
}

CommandRank::CommandRank(std::string& device)
    : m_group(joinGroup(device))
{}

CommandRank::~CommandRank() = default;

bool CommandRank::reports() const
{
    return !m_group || m_group->rank() == 0;
}

std::string shardedNote(const dist::ProcessGroup* group)
{
    return group ? ", sharded over " + std::to_string(group->size()) + " ranks (" +
                       group->config().source + ")"
                 : std::string();
}

std::string CommandRank::note() const
{
    return shardedNote(m_group.get());
}

void runLocalRanks(int nproc)
{
    if (dist::configFromEnvironment().distributed())
        throw Error("--nproc starts its own ranks and cannot run inside a group that "
                    "WORLD_SIZE or SLURM_NTASKS already sets up");
    auto args = rankArguments();
    const int port = freePort();
    std::vector<pid_t> children;
    for (int rank = 0; rank < nproc; ++rank) {
        auto env = rankEnvironment(rank, nproc, port);
        auto argv = pointers(args);
        auto envp = pointers(env);
        pid_t pid = 0;
        if (const int err =
                posix_spawn(&pid, "/proc/self/exe", nullptr, nullptr, argv.data(), envp.data());
            err != 0)
            throw Error("--nproc: could not start rank " + std::to_string(rank) + " (" +
                        std::strerror(err) + ")");
        children.push_back(pid);
    }
    // Each rank gives up on a lost peer after its collective timeout, so waiting for all
    // of them ends. They are reaped as they end: the first to fail is the one to name (a
    // killed rank, not the peer it took down).
    std::string failed;
    for (std::size_t left = children.size(); left > 0; --left) {
        int status = 0;
        const pid_t pid = waitpid(-1, &status, 0);
        const auto it = std::find(children.begin(), children.end(), pid);
        if (pid < 0 || it == children.end())
            break;
        const auto rank = std::to_string(it - children.begin());
        if (!failed.empty() || (WIFEXITED(status) && WEXITSTATUS(status) == 0))
            continue;
        failed = "rank " + rank + " of " + std::to_string(nproc) +
                 (WIFEXITED(status) ? " ended with status " + std::to_string(WEXITSTATUS(status))
                                    : " was killed by signal " + std::to_string(WTERMSIG(status)));
    }
    if (!failed.empty())
        throw Error("--nproc: " + failed);
}

} // namespace kdna::cli
