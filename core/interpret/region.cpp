#include "core/interpret/region.h"

#include "core/genome/genome.h"
#include "core/genome/sequence.h"
#include "core/util/error.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

namespace kdna::interpret {

float perBaseScore(const float* a, Method method)
{
    if (method == Method::Saliency)
        return std::max({std::abs(a[0]), std::abs(a[1]), std::abs(a[2]), std::abs(a[3])});
    return a[0] + a[1] + a[2] + a[3];
}

std::vector<float> targetChanges(const IsmResult& r, const Target& t)
{
    const std::int64_t V = r.outputSizes[t.output];
    const auto& d = r.delta[t.output];
    std::vector<float> out(static_cast<std::size_t>(r.length) * 4, 0.0F);
    for (std::size_t k = 0; k < out.size(); ++k) {
        double sum = 0;
        for (std::int64_t v = 0; v < V; ++v)
            if (t.value < 0 || v == t.value)
                sum += d[k * static_cast<std::size_t>(V) + static_cast<std::size_t>(v)];
        out[k] = static_cast<float>(sum);
    }
    return out;
}

float ismBaseScore(const float* changes, std::uint8_t code)
{
    double sum = 0;
    int n = 0;
    for (int b = 0; b < 4; ++b)
        if (code != b) {
            sum += changes[b];
            ++n;
        }
    return static_cast<float>(-sum / n);
}

std::vector<std::int64_t> tileStarts(std::int64_t start, std::int64_t end, std::int64_t length,
                                     std::int64_t chromLength)
{
    if (chromLength < length)
        throw Error("the chromosome is " + std::to_string(chromLength) +
                    " bp, shorter than the model's " + std::to_string(length) + " bp input");
    std::vector<std::int64_t> out;
    for (std::int64_t s = start; s < end; s += length)
        out.push_back(std::clamp<std::int64_t>(s, 0, chromLength - length));
    return out;
}

RegionScores explainRegion(Model& model, const Genome& genome, const RegionRequest& q)
{
    genome.checkInterval(q.chrom, q.start, q.end);
    const std::int64_t L = sequenceLength(model);
    checkTarget(model, q.attribution.target);
    const auto starts = tileStarts(q.start, q.end, L, genome.length(q.chrom));
    const auto n = static_cast<std::size_t>(q.end - q.start);
    RegionScores r;
    r.length = L;
    r.windows = static_cast<std::int64_t>(starts.size());
    r.perBase.assign(n, std::numeric_limits<float>::quiet_NaN());
    if (q.ism)
        r.ism.assign(n * 4, 0.0F);
    r.codes.resize(n);
    genome.fetchCodes(q.chrom, q.start, q.end, r.codes.data());

    std::vector<std::uint8_t> codes(static_cast<std::size_t>(L));
    std::vector<float> window(static_cast<std::size_t>(L * 4));
    // Planned once: the fast way's plans and weights serve every window.
    std::optional<Mutagenesis> mutagenesis;
    if (q.ism)
        mutagenesis.emplace(model, IsmWay::Fastest, q.batchSize);
    for (std::size_t w = 0; w < starts.size(); ++w) {
        genome.fetchCodes(q.chrom, starts[w], starts[w] + L, codes.data());
        std::vector<float> changes;
        std::vector<float> attr;
        if (q.ism) {
            changes = targetChanges(mutagenesis->run(codes.data(), L), q.attribution.target);
        } else {
            sequence::oneHot(codes.data(), codes.size(), window.data());
            AttributionOptions o = q.attribution;
            o.batchSize = q.batchSize;
            attr = attribute(model, window, o);
        }
        for (std::int64_t i = 0; i < L; ++i) {
            const std::int64_t p = starts[w] + i - q.start;
            if (p < 0 || p >= q.end - q.start ||
                !std::isnan(r.perBase[static_cast<std::size_t>(p)]))
                continue;
            const auto pi = static_cast<std::size_t>(p);
            const auto ii = static_cast<std::size_t>(i);
            if (q.ism) {
                std::copy_n(changes.data() + ii * 4, 4, r.ism.data() + pi * 4);
                r.perBase[pi] = ismBaseScore(changes.data() + ii * 4, codes[ii]);
            } else {
                r.perBase[pi] = perBaseScore(attr.data() + ii * 4, q.attribution.method);
            }
        }
        if (q.progress && !q.progress(static_cast<std::int64_t>(w) + 1, r.windows))
            throw Error("stopped");
    }
    return r;
}

} // namespace kdna::interpret
