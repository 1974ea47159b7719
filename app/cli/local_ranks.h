#pragma once

#include <memory>
#include <string>

namespace CLI {
class App;
}

namespace kdna::dist {
class ProcessGroup;
}

namespace kdna::cli {

/// This process's rank of a group when torchrun, srun or --nproc says so (a `device` of
/// "cuda" becomes this rank's GPU, cuda:LOCAL_RANK); null alone.
[[nodiscard]] std::unique_ptr<dist::ProcessGroup> joinGroup(std::string& device);

/// `--nproc N`: runs this same command line (without --nproc) as N child processes, ranks
/// 0..N-1 of one group on this machine, the torchrun way (RANK, WORLD_SIZE, LOCAL_RANK,
/// MASTER_ADDR=127.0.0.1, MASTER_PORT a free port). Waits for all of them; throws naming the
/// first rank that failed (each rank has said why on stderr).
void runLocalRanks(int nproc);

/// --nproc N on `cmd`: the command as N ranks of one group on this machine, each `share`.
void addNprocOption(CLI::App& cmd, int& nproc, const std::string& share);
/// With `nproc` > 0, runs the command's local ranks (runLocalRanks) and returns true: this
/// process has done its part.
[[nodiscard]] bool launchedLocalRanks(int nproc);

/// ", sharded over 2 ranks (torchrun)" for a group, nothing alone: how a command's figures say
/// they came from several ranks.
[[nodiscard]] std::string shardedNote(const dist::ProcessGroup* group);

/// This process's part in a command: its rank of a group (torchrun, srun or --nproc) or
/// alone. Rank 0 alone reports and writes.
class CommandRank {
public:
    /// Joins the group the environment names, if any (see joinGroup for `device`).
    explicit CommandRank(std::string& device);
    ~CommandRank();
    CommandRank(const CommandRank&) = delete;
    CommandRank& operator=(const CommandRank&) = delete;

    [[nodiscard]] dist::ProcessGroup* group() const { return m_group.get(); }
    [[nodiscard]] bool reports() const;
    /// ", sharded over 2 ranks (torchrun)" in a group, else nothing.
    [[nodiscard]] std::string note() const;

private:
    std::unique_ptr<dist::ProcessGroup> m_group;
};

} // namespace kdna::cli
