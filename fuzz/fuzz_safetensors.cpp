// The weights of a model archive (the safetensors layout), read against the tensors the
// tutorial's CNN implies, as loading a `.kdna` does before anything is allocated. Once the
// bytes pass, every view must lie inside the input: reading each one is what the loader does.
#include "fuzz_input.h"
#include "core/model/model_tensors.h"
#include "core/model/safetensors.h"
#include "core/model/templates.h"

#include <cstdlib>
#include <fstream>
#include <numeric>

namespace {
const std::vector<kdna::safetensors::TensorInfo>& expected()
{
    static const auto tensors = kdna::modelTensors(kdna::templates::tutorialCnn(201));
    return tensors;
}
} // namespace

// A valid file to start from cannot be written by hand: with KDNA_FUZZ_WRITE_SEED=PATH the
// harness writes one (zero weights of the right shapes) and exits (fuzz/run.sh does this).
extern "C" int LLVMFuzzerInitialize(int*, char***)
{
    const char* seedPath = std::getenv("KDNA_FUZZ_WRITE_SEED");
    if (!seedPath)
        return 0;
    std::vector<std::string> storage;
    std::vector<kdna::safetensors::TensorBytes> tensors;
    storage.reserve(expected().size());
    for (const auto& info : expected()) {
        const auto elements = std::accumulate(info.shape.begin(), info.shape.end(), std::int64_t{1},
                                              std::multiplies<>());
        storage.emplace_back(static_cast<std::size_t>(elements) * byteSize(info.dtype), '\0');
        tensors.push_back({info, storage.back()});
    }
    std::ofstream(seedPath, std::ios::binary) << kdna::safetensors::write(tensors);
    std::exit(0);
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace kdna;
    const std::string_view file(reinterpret_cast<const char*>(data), size);
    kdna::fuzz::expectOnlyKdnaErrors([&] {
        const auto tensors = safetensors::read(file, expected());
        for (const auto& t : tensors)
            (void)std::accumulate(t.bytes.begin(), t.bytes.end(), 0U);
    });
    return 0;
}
