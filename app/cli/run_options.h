#pragma once

#include "app/cli/cli_common.h"
#include "core/project/model_tasks.h"

#include <string>

namespace kdna::cli {

/// How a saved model runs, for every command that loads one: --device, --threads, --data and
/// --memory.
struct RunOptions {
    std::string device = "cpu";
    int threads = 0;
    DataOption data;
    store::CacheSettings memory;

    void add(CLI::App& cmd);
    /// The archive loaded on the chosen device, with the chosen torch threads.
    [[nodiscard]] LoadedModel load(const std::string& archive) const;
};

} // namespace kdna::cli
