#pragma once

// Per-base importance over a stretch of a chromosome: the model's windows tiled over it, each
// explained by a gradient method or ISM, the scores put back per base. What `kdna explain` and
// the track viewer's "Explain here" show. Torch-free.

#include "core/interpret/attribution.h"
#include "core/interpret/ism.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace kdna {
class Genome;
}

namespace kdna::interpret {

/// The window starts that tile [start, end): one every `length` bases, each moved inside the
/// chromosome. Throws kdna::Error when the chromosome is shorter than a window.
[[nodiscard]] std::vector<std::int64_t> tileStarts(std::int64_t start, std::int64_t end,
                                                   std::int64_t length, std::int64_t chromLength);

/// Per base from its four channel attributions: their sum (input x gradient, integrated
/// gradients), or for saliency the largest |gradient| (Simonyan et al.'s map).
[[nodiscard]] float perBaseScore(const float* channels, Method method);
/// One window's ISM as the target's change per (base, substitution): L x 4 values, the
/// target's values summed (all of them when t.value < 0).
[[nodiscard]] std::vector<float> targetChanges(const IsmResult& result, const Target& t);
/// ISM per base: minus the mean change over the base's substitutions (high where mutating the
/// base lowers the prediction); an N has four.
[[nodiscard]] float ismBaseScore(const float* changes, std::uint8_t code);

struct RegionRequest {
    std::string chrom; ///< as the genome names it
    std::int64_t start = 0;
    std::int64_t end = 0;
    bool ism = false; ///< ISM instead of the gradient method of `attribution`
    AttributionOptions attribution;
    std::int64_t batchSize = 256;
    /// Called after each window with (windows done, windows); returning false stops the work
    /// (kdna::Error "stopped").
    std::function<bool(std::int64_t, std::int64_t)> progress;
};

struct RegionScores {
    /// Per base of [start, end): the summed attribution of its four channels (input x
    /// gradient, integrated gradients), the largest |gradient| over them (saliency), or minus
    /// the mean change of the target over its substitutions (ISM).
    std::vector<float> perBase;
    /// ISM only: per base, 4 changes of the target (mutant - reference) for A, C, G, T, zero at
    /// the reference's own base.
    std::vector<float> ism;
    std::vector<std::uint8_t> codes; ///< the reference bases (sequence::code)
    std::int64_t windows = 0;
    std::int64_t length = 0; ///< the model's window
};

/// Explains [start, end) of `chrom`. A base covered by two windows (the last one moved back
/// inside) keeps the first's score.
[[nodiscard]] RegionScores explainRegion(Model& model, const Genome& genome,
                                         const RegionRequest& request);

} // namespace kdna::interpret
