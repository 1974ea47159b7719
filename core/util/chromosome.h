#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace kdna {

/// A named sequence and its length in bases, as a FASTA index, a bigWig header or a
/// chrom.sizes file lists it.
struct Chromosome {
    std::string name;
    std::int64_t length = 0;

    friend bool operator==(const Chromosome&, const Chromosome&) = default;
};

[[nodiscard]] inline std::vector<std::string> namesOf(const std::vector<Chromosome>& chroms)
{
    std::vector<std::string> out;
    out.reserve(chroms.size());
    for (const auto& c : chroms)
        out.push_back(c.name);
    return out;
}

} // namespace kdna
