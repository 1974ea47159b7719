#pragma once

namespace kdna::cli {

/// `--nproc N`: runs this same command line (without --nproc) as N child processes, ranks
/// 0..N-1 of one group on this machine, the torchrun way (RANK, WORLD_SIZE, LOCAL_RANK,
/// MASTER_ADDR=127.0.0.1, MASTER_PORT a free port). Waits for all of them; throws naming the
/// first rank that failed (each rank has said why on stderr).
void runLocalRanks(int nproc);

} // namespace kdna::cli
