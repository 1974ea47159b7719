// BED, narrowPeak and GFF3 text: the first byte picks the file's extension (kdna reads each by
// its content and name, as users name them), the rest is the file.
#include "fuzz_input.h"
#include "core/tracks/features.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace kdna;
    if (size == 0)
        return 0;
    static const char* const extensions[] = {".bed", ".narrowPeak", ".gff3", ".gtf"};
    const std::string name = std::string("features") + extensions[data[0] % 4];
    const auto path = fuzz::writeScratch(name, {reinterpret_cast<const char*>(data) + 1, size - 1});
    fuzz::expectOnlyKdnaErrors([&] {
        const auto set = readFeatures(path);
        (void)set.countByChromosome();
        (void)set.countByType();
        for (const auto& f : set.features)
            (void)set.chromName(f);
    });
    return 0;
}
