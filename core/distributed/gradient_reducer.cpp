#include "core/distributed/gradient_reducer.h"

#include <algorithm>

#include <torch/torch.h>

namespace kdna::dist {

GradientReducer::GradientReducer(ProcessGroup& group, std::vector<at::Tensor> parameters,
                                 std::int64_t bucketBytes)
    : m_group(group)
    , m_parameters(std::move(parameters))
{
    layOut(bucketBytes);
    startStep(false);
    for (std::size_t i = 0; i < m_parameters.size(); ++i)
        if (m_parameters[i].requires_grad()) // a frozen one counts as zeros
            m_hooks.emplace_back(i, m_parameters[i].register_hook(
                                        [this, i](const at::Tensor& g) { gradientReady(i, g); }));
}

GradientReducer::~GradientReducer()
{
    // The hooks hold `this`: a backward pass after the training must not reach them.
    for (const auto& [parameter, hook] : m_hooks)
        m_parameters[parameter].remove_hook(hook);
}

void GradientReducer::layOut(std::int64_t bucketBytes)
{
    const std::int64_t capacity = std::max<std::int64_t>(1, bucketBytes / 4); // float32 values
    m_slots.resize(m_parameters.size());
    std::int64_t filled = 0;
    for (std::size_t k = m_parameters.size(); k-- > 0;) {
        const std::int64_t n = m_parameters[k].numel();
        if (m_buckets.empty() || (filled > 0 && filled + n > capacity)) {
            m_buckets.emplace_back();
            filled = 0;
        }
        m_slots[k] = {m_buckets.size() - 1, filled};
        m_buckets.back().parameters.push_back(k);
        filled += n;
    }
    const auto options =
        torch::TensorOptions()
            .dtype(torch::kFloat)
            // The buckets live where the gradients do (Gloo copies CUDA ones through the host).
            .device(m_parameters.empty() ? torch::kCPU : m_parameters.front().device());
    if (m_buckets.empty())
        m_buckets.emplace_back(); // a model without parameters still sends the stop flag
    for (std::size_t b = 0; b < m_buckets.size(); ++b) {
        std::int64_t values = b + 1 == m_buckets.size() ? 1 : 0;
        for (const std::size_t k : m_buckets[b].parameters)
            values += m_parameters[k].numel();
        m_buckets[b].flat = torch::zeros({values}, options);
    }
}

at::Tensor GradientReducer::slice(std::size_t parameter) const
{
    const Slot& s = m_slots[parameter];
    return m_buckets[s.bucket].flat.narrow(0, s.offset, m_parameters[parameter].numel());
}

void GradientReducer::prepare(bool stop)
{
    const std::lock_guard lock(m_mutex);
    startStep(stop);
    m_armed = true;
}

void GradientReducer::startStep(bool stop)
{
    m_filled.assign(m_parameters.size(), false);
    for (auto& b : m_buckets)
        b.waiting = b.parameters.size();
    m_buckets.back().flat[-1].fill_(stop ? 1.0F : 0.0F);
    m_nextToSend = 0;
    m_sentDuringBackward = 0;
    m_sendFailure = nullptr;
}

void GradientReducer::gradientReady(std::size_t parameter, const at::Tensor& gradient)
{
    const std::lock_guard lock(m_mutex);
    if (m_armed && !m_filled[parameter])
        fill(parameter, &gradient, true);
}

void GradientReducer::fill(std::size_t parameter, const at::Tensor* gradient, bool duringBackward)
{
    torch::NoGradGuard noGrad;
    if (gradient)
        slice(parameter).copy_(gradient->reshape({-1}));
    else
        slice(parameter).zero_();
    m_filled[parameter] = true;
    --m_buckets[m_slots[parameter].bucket].waiting;
    sendReady(duringBackward);
}

void GradientReducer::sendReady(bool duringBackward)
{
    while (m_nextToSend < m_buckets.size() && m_buckets[m_nextToSend].waiting == 0) {
        Bucket& b = m_buckets[m_nextToSend++];
        try {
            b.sum = m_group.startSum(b.flat);
        } catch (...) {
            // Thrown through autograd's engine it would lose the sentence finish() says.
            if (!m_sendFailure)
                m_sendFailure = std::current_exception();
        }
        if (duringBackward)
            ++m_sentDuringBackward;
    }
}

bool GradientReducer::finish(const std::string& when)
{
    {
        const std::lock_guard lock(m_mutex);
        for (std::size_t k = 0; k < m_parameters.size(); ++k)
            if (!m_filled[k])
                fill(k, nullptr, false);
        sendReady(false); // a model without parameters: the stop flag alone
        m_armed = false;
        if (m_sendFailure)
            std::rethrow_exception(m_sendFailure);
    }
    const std::string what = "the gradient all-reduce of " + when;
    for (auto& b : m_buckets)
        b.sum.wait(what);
    torch::NoGradGuard noGrad;
    const bool anyStop = m_buckets.back().flat[-1].item<float>() > 0.5F;
    const double ranks = m_group.size();
    for (std::size_t k = 0; k < m_parameters.size(); ++k) {
        at::Tensor& p = m_parameters[k];
        const auto mean = slice(k).div(ranks).view(p.sizes()).to(p.scalar_type());
        if (p.grad().defined())
            p.mutable_grad().copy_(mean);
        else
            p.mutable_grad() = mean;
    }
    return anyStop;
}

std::size_t GradientReducer::sentDuringBackward() const
{
    const std::lock_guard lock(m_mutex);
    return m_sentDuringBackward;
}

} // namespace kdna::dist
