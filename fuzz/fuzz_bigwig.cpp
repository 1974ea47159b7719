// A bigWig file: opened, and a little of every chromosome read as values and as a summary.
#include "fuzz_input.h"
#include "core/tracks/bigwig.h"

#include <algorithm>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace kdna;
    const auto path = fuzz::writeScratch("track.bw", {reinterpret_cast<const char*>(data), size});
    fuzz::expectOnlyKdnaErrors([&] {
        const auto reader = BigWigReader::open(path);
        (void)reader.zoomReductions();
        for (const auto& chrom : reader.chromosomes()) {
            const auto end = std::min<std::int64_t>(chrom.length, 4096);
            (void)reader.values(chrom.name, 0, end);
            (void)reader.summary(chrom.name, 0, end, 16, SummaryStat::Mean);
        }
    });
    return 0;
}
