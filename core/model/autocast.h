#pragma once

namespace kdna {

/// bfloat16 autocast on the current thread while alive, on the CPU or on a CUDA device;
/// weights stay fp32. Does nothing when `enabled` is false. Every bf16 path (training,
/// scoring, prediction) goes through this one scope so the CPU and GPU agree on the dtype.
class AutocastScope {
public:
    AutocastScope(bool enabled, bool cuda);
    ~AutocastScope();
    AutocastScope(const AutocastScope&) = delete;
    AutocastScope& operator=(const AutocastScope&) = delete;

private:
    bool m_enabled;
    bool m_cuda;
};

} // namespace kdna
