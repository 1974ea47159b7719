#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

namespace kdna::dist {

/// The gradient bucket size when none is asked for (`kdna train --bucket-cap`): DDP's first
/// bucket. Its 25 MB for the others suits NCCL on GPUs; over Gloo on this 2-core machine 256k,
/// 1M and one bucket for all trained alike (bench/distributed.sh), and a tutorial-sized model
/// (60,000 parameters) goes in one piece.
inline constexpr std::int64_t kDefaultBucketBytes = std::int64_t{1} << 20;

/// Where a rank stands in its training group and how it meets the others: read the torchrun
/// way (RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT) or Slurm's (SLURM_PROCID,
/// SLURM_NTASKS, SLURM_LOCALID, the first host of SLURM_NODELIST), or one process alone.
struct GroupConfig {
    int rank = 0;
    int worldSize = 1;
    int localRank = 0;
    std::string masterAddr = "127.0.0.1";
    int masterPort = 29500;
    /// Meet through this file (c10d's FileStore) instead of a TCP store on the master: tests,
    /// and ranks on one machine.
    std::string storeFile;
    /// Every collective and the rendezvous give up after this long.
    std::chrono::milliseconds timeout{std::chrono::minutes(5)};
    /// "torchrun", "slurm" or "single": which variables it was read from.
    std::string source = "single";

    [[nodiscard]] bool distributed() const { return worldSize > 1; }
};

using EnvLookup = std::function<const char*(const char*)>;

/// The group from the environment; one clear sentence naming the variable for a bad value.
/// KDNA_DIST_TIMEOUT (seconds) sets the collective timeout.
[[nodiscard]] GroupConfig configFromEnvironment(const EnvLookup& env);
[[nodiscard]] GroupConfig configFromEnvironment();

/// The first host of a Slurm node list: "node[03-05,9],gpu1" → "node03".
[[nodiscard]] std::string firstSlurmHost(const std::string& nodeList);

} // namespace kdna::dist
