#include "core/model/autocast.h"

#include <ATen/autocast_mode.h>
#include <torch/version.h>

namespace kdna {
namespace {

// LibTorch 2.4 replaced the per-backend autocast setters by ones taking the device type;
// Debian 12 ships 1.13 and CUDA users bring a current one, so both are spelled here.
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
void setBf16Autocast(bool cuda, bool on)
{
    const at::DeviceType type = cuda ? at::kCUDA : at::kCPU;
    if (on)
        at::autocast::set_autocast_dtype(type, at::kBFloat16);
    at::autocast::set_autocast_enabled(type, on);
}
#else
void setBf16Autocast(bool cuda, bool on)
{
    if (cuda) {
        if (on)
            at::autocast::set_autocast_gpu_dtype(at::kBFloat16);
        at::autocast::set_enabled(on);
    } else {
        if (on)
            at::autocast::set_autocast_cpu_dtype(at::kBFloat16);
        at::autocast::set_cpu_enabled(on);
    }
}
#endif

} // namespace

AutocastScope::AutocastScope(bool enabled, bool cuda)
    : m_enabled(enabled)
    , m_cuda(cuda)
{
    if (!m_enabled)
        return;
    setBf16Autocast(m_cuda, true);
    at::autocast::increment_nesting();
}

AutocastScope::~AutocastScope()
{
    if (!m_enabled)
        return;
    if (at::autocast::decrement_nesting() == 0)
        at::autocast::clear_cache();
    setBf16Autocast(m_cuda, false);
}

} // namespace kdna
