// A FASTA, and after a NUL byte the .fai that claims to index it (newer than the FASTA, so it
// is the index kdna would trust). Every chromosome the genome reports is fetched.
#include "fuzz_input.h"
#include "core/genome/genome.h"

#include <algorithm>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace kdna;
    const auto [fasta, fai] = fuzz::splitAtNul({reinterpret_cast<const char*>(data), size});
    std::filesystem::remove(fuzz::scratchFolder() / "genome.fa.fai");
    const auto path = fuzz::writeScratch("genome.fa", fasta);
    if (!fai.empty())
        fuzz::writeScratch("genome.fa.fai", fai);
    fuzz::expectOnlyKdnaErrors([&] {
        const auto genome = Genome::open(path);
        for (const auto& chrom : genome.chromosomes()) {
            (void)genome.fetch(chrom.name, 0, std::min<std::int64_t>(chrom.length, 64));
            (void)genome.fetch(chrom.name, std::max<std::int64_t>(0, chrom.length - 8),
                               chrom.length + 8);
            (void)genome.loadCodes(chrom.name);
        }
    });
    return 0;
}
