#include "app/cli/run_options.h"

#include "core/model/model.h"

namespace kdna::cli {

void RunOptions::add(CLI::App& cmd)
{
    cmd.add_option("--device", device, "cpu, cuda or cuda:N")->capture_default_str();
    cmd.add_option("--threads", threads, "torch threads (0: every core)")->check(atLeast(0));
    addDataOption(cmd, data);
    addMemoryOption(cmd, memory);
}

LoadedModel RunOptions::load(const std::string& archive) const
{
    setTorchThreads(threads);
    memory.apply();
    return loadModel(archive, data.folder(), device);
}

} // namespace kdna::cli
