#include "core/util/shape.h"

#include <functional>
#include <numeric>

namespace kdna {

std::int64_t elementCount(const Shape& shape)
{
    return std::accumulate(shape.begin(), shape.end(), std::int64_t{1}, std::multiplies<>());
}

} // namespace kdna
