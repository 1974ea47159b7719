#pragma once

// In-silico mutagenesis: the change of every output for every single-base substitution of a
// window. Torch-free.
//
// Two ways, one result. The fast way (fastISM's idea, Nair et al. 2022) serves a model whose
// every output has a whole-sequence plan (a chain of valid convolutions, poolings,
// activations, batch normalisations, then Flatten + Dense): the reference activations of
// each layer are computed once per window, and each mutant recomputes only the slice of each
// layer its base reaches, the Dense head adding W · (changed slice - reference slice). The
// naive way runs every mutant through the whole model; it serves every other model.

#include <cstdint>
#include <memory>
#include <string>
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
    bool fast = false;        ///< computed by slices (false: whole passes)
};

enum class IsmWay {
    Fastest, ///< slices when the model allows, else whole passes
    Naive    ///< whole passes always (the reference the fast way is tested against)
};

/// ISM for many windows of one model: what the fast way needs (plans, weights in the shapes
/// it uses) is prepared once.
class Mutagenesis {
public:
    explicit Mutagenesis(Model& model, IsmWay way = IsmWay::Fastest, std::int64_t batchSize = 256);
    ~Mutagenesis();
    Mutagenesis(const Mutagenesis&) = delete;
    Mutagenesis& operator=(const Mutagenesis&) = delete;

    /// Whether mutants run by slices.
    [[nodiscard]] bool fast() const;
    /// Why they do not (one sentence), empty when they do or when the naive way was asked for.
    [[nodiscard]] const std::string& fallbackReason() const;

    /// ISM of one window of `length` base codes (sequence::code: 0..3, 4 for N), which must be
    /// the model's input length. An N position is mutated to each of the four bases.
    [[nodiscard]] IsmResult run(const std::uint8_t* codes, std::int64_t length) const;

    /// One substitution in each of `windows` windows of the model's length (`codes`, window
    /// after window): window w with base `bases[w]` (0..3) at `positions[w]`. Per output,
    /// W x V_j values on the windows as they are and W x V_j with their substitutions. The
    /// windows' reference maps are computed together and each substitution from its slices
    /// (as ISM's mutants), so a variant costs one window's pass, not two. Only on the fast
    /// way (throws kdna::Error otherwise).
    struct Substituted {
        std::vector<std::vector<float>> reference;
        std::vector<std::vector<float>> substituted;
    };
    [[nodiscard]] Substituted substitute(const std::uint8_t* codes, std::int64_t windows,
                                         const std::int64_t* positions,
                                         const std::uint8_t* bases) const;

    struct Impl;

private:
    Model& m_model;
    std::int64_t m_batch;
    std::string m_reason;
    std::unique_ptr<Impl> d; ///< null on the naive way
};

/// ISM of one window (see Mutagenesis::run); `batchSize` is the model rows per whole pass.
[[nodiscard]] IsmResult ism(Model& model, const std::uint8_t* codes, std::int64_t length,
                            std::int64_t batchSize = 256, IsmWay way = IsmWay::Fastest);

} // namespace kdna::interpret
