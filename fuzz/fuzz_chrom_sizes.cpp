// A chrom.sizes file (name, tab, length per line).
#include "fuzz_input.h"
#include "core/tracks/chrom_sizes.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace kdna;
    const auto path =
        fuzz::writeScratch("genome.chrom.sizes", {reinterpret_cast<const char*>(data), size});
    fuzz::expectOnlyKdnaErrors([&] { (void)readChromSizes(path); });
    return 0;
}
