#pragma once

// In-silico mutagenesis, the naive way: every single-base substitution of a window run
// through the whole model, in batches. Torch-free.

#include <cstdint>
#include <vector>

namespace kdna {
class Model;
}

namespace kdna::interpret {

struct IsmResult {
    std::int64_t length = 0;
    std::vector<std::int64_t> outputSizes;     ///< values per window of each output (V_j)
    std::vector<std::vector<float>> reference; ///< per output: its V_j values for the window
    /// Per output: L x 4 x V_j changes (mutant - reference) for base b at position i, at
    /// [(i * 4 + b) * V_j + v]; zero at the window's own base.
    std::vector<std::vector<float>> delta;
    std::int64_t mutants = 0; ///< substitutions run (3 per A/C/G/T base, 4 per N)
};

/// ISM of one window of `length` base codes (sequence::code: 0..3, 4 for N), which must be
/// the model's input length. An N position is mutated to each of the four bases.
[[nodiscard]] IsmResult ism(Model& model, const std::uint8_t* codes, std::int64_t length,
                            std::int64_t batchSize = 256);

} // namespace kdna::interpret
