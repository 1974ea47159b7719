#pragma once

#include <memory>
#include <string>

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

} // namespace kdna::cli
