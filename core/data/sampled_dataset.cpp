#include "core/data/sampled_dataset.h"

#include "core/util/error.h"

namespace kdna {
namespace {
// (2i + 1) n / 2c needs 128 bits: a human genome's windows times a sample's index overflow 64.
__extension__ using Wide = unsigned __int128;
} // namespace

SampledDataset::SampledDataset(std::shared_ptr<const Dataset> base, std::int64_t count)
    : m_base(std::move(base))
    , m_count(count)
{
    if (count < 1 || count > m_base->size())
        throw Error("internal: a sample of " + std::to_string(count) + " examples of " +
                    std::to_string(m_base->size()));
}

std::int64_t SampledDataset::source(std::int64_t index) const
{
    const auto n = static_cast<Wide>(m_base->size());
    const auto i = static_cast<Wide>(index);
    const auto c = static_cast<Wide>(m_count);
    return static_cast<std::int64_t>((2 * i + 1) * n / (2 * c));
}

} // namespace kdna
