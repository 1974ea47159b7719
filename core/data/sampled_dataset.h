#pragma once

#include "core/data/dataset.h"

#include <cstdint>
#include <memory>

namespace kdna {

/// `count` examples of another dataset spread evenly over its order: Keras' evaluate(steps=N)
/// scores N batches, and taking them from the start would score the first bases of the first
/// chromosome only. Example i is the base's example at the middle of the i-th of `count` equal
/// stretches, so the sample keeps the base's order and holds each example at most once.
class SampledDataset final : public Dataset {
public:
    /// `count` must lie in [1, base->size()].
    SampledDataset(std::shared_ptr<const Dataset> base, std::int64_t count);

    [[nodiscard]] std::int64_t size() const override { return m_count; }
    [[nodiscard]] const DatasetSpec& spec() const override { return m_base->spec(); }
    [[nodiscard]] std::int64_t inputLength() const override { return m_base->inputLength(); }
    float fill(std::int64_t index, const ExampleSlots& out) const override
    {
        return m_base->fill(source(index), out);
    }
    [[nodiscard]] Locus locus(std::int64_t index) const override
    {
        return m_base->locus(source(index));
    }
    [[nodiscard]] DatasetSummary summary() const override { return m_base->summary(); }
    [[nodiscard]] const DataStatistics& statistics() const override { return m_base->statistics(); }
    [[nodiscard]] bool mixesDatasets() const override { return m_base->mixesDatasets(); }

    /// The base's example that example `index` is.
    [[nodiscard]] std::int64_t source(std::int64_t index) const;

private:
    std::shared_ptr<const Dataset> m_base;
    std::int64_t m_count;
};

} // namespace kdna
