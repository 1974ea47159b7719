#include "core/interpret/ism.h"

#include "core/genome/sequence.h"
#include "core/interpret/batches.h"
#include "core/model/model.h"
#include "core/util/error.h"

#include <cstring>

namespace kdna::interpret::detail {

IsmResult naiveIsm(Model& model, const std::uint8_t* codes, std::int64_t length,
                   std::int64_t batchSize)
{
    const std::int64_t L = sequenceLength(model);
    if (length != L)
        throw Error("the window holds " + std::to_string(length) + " bases but the model takes " +
                    std::to_string(L));
    IsmResult r;
    r.length = L;
    r.outputSizes = outputSizes(model);

    // Each mutant is (position, base); the reference window itself is row 0.
    std::vector<std::pair<std::int64_t, int>> mutants;
    for (std::int64_t i = 0; i < L; ++i)
        for (int b = 0; b < sequence::kAlphabetSize; ++b)
            if (codes[i] != b)
                mutants.emplace_back(i, b);
    r.mutants = static_cast<std::int64_t>(mutants.size());

    std::vector<float> reference(static_cast<std::size_t>(L * 4));
    sequence::oneHot(codes, static_cast<std::size_t>(L), reference.data());
    for (const auto v : r.outputSizes) {
        r.reference.emplace_back(static_cast<std::size_t>(v));
        r.delta.emplace_back(static_cast<std::size_t>(L * 4 * v), 0.0f);
    }
    const auto fill = [&](std::int64_t first, std::int64_t count, float* out) {
        for (std::int64_t k = 0; k < count; ++k) {
            float* w = out + k * L * 4;
            std::memcpy(w, reference.data(), sizeof(float) * reference.size());
            if (first + k == 0)
                continue;
            const auto [pos, base] = mutants[static_cast<std::size_t>(first + k - 1)];
            std::fill(w + pos * 4, w + pos * 4 + 4, 0.0f);
            w[pos * 4 + base] = 1.0f;
        }
    };
    const auto take = [&](std::int64_t first, std::int64_t count,
                          const std::vector<torch::Tensor>& outs) {
        for (std::size_t j = 0; j < outs.size(); ++j) {
            const std::int64_t V = r.outputSizes[j];
            const float* y = outs[j].data_ptr<float>();
            for (std::int64_t k = 0; k < count; ++k) {
                const std::int64_t row = first + k;
                if (row == 0) {
                    std::memcpy(r.reference[j].data(), y,
                                sizeof(float) * static_cast<std::size_t>(V));
                    continue;
                }
                const auto [pos, base] = mutants[static_cast<std::size_t>(row - 1)];
                float* d = r.delta[j].data() + (pos * 4 + base) * V;
                for (std::int64_t v = 0; v < V; ++v)
                    d[v] = y[k * V + v] - r.reference[j][static_cast<std::size_t>(v)];
            }
        }
    };
    // Rows in order, so the reference (row 0) is known before any mutant's change.
    forEachBatch(model, r.mutants + 1, batchSize, fill, take);
    return r;
}

} // namespace kdna::interpret::detail
