#include "core/train/optimizer_state.h"

#include "core/model/model.h"
#include "core/model/safetensors.h"
#include "core/model/torch_model.h"
#include "core/util/error.h"

#include <cstring>
#include <functional>

#include <torch/torch.h>

namespace kdna {
namespace {

namespace st = safetensors;

/// One tensor an optimiser keeps per parameter: its name, and how to read and write it in the
/// parameter's state (created when the optimiser has not stepped that parameter yet).
struct Slot {
    const char* name;
    bool count; ///< the step count (I64, one value) rather than a tensor shaped like the parameter
    std::function<torch::Tensor(torch::optim::OptimizerParamState&)> get;
    std::function<void(torch::optim::OptimizerParamState&, const torch::Tensor&)> set;
};

template<typename State>
State& as(torch::optim::OptimizerParamState& s)
{
    return static_cast<State&>(s);
}

/// The slots makeOptimizer's optimisers use with kdna's options (no amsgrad, no centred
/// RMSprop, no RMSprop momentum), and a fresh state to fill.
struct Layout {
    std::vector<Slot> slots;
    std::function<std::unique_ptr<torch::optim::OptimizerParamState>()> fresh;
};

Layout layoutOf(const CompileSettings& compile)
{
    using torch::optim::AdamParamState;
    using torch::optim::RMSpropParamState;
    using torch::optim::SGDParamState;
    using P = torch::optim::OptimizerParamState;
    if (compile.optimizer == "sgd") {
        Layout l{{}, [] {
                     return std::make_unique<SGDParamState>();
                 }};
        // LibTorch's SGD keeps no state without momentum.
        if (compile.momentum != 0)
            l.slots.push_back({"momentum_buffer", false,
                               [](P& s) { return as<SGDParamState>(s).momentum_buffer(); },
                               [](P& s, const torch::Tensor& t) {
                                   as<SGDParamState>(s).momentum_buffer(t);
                               }});
        return l;
    }
    if (compile.optimizer == "rmsprop")
        return {
            {{"step", true, [](P& s) { return torch::tensor({as<RMSpropParamState>(s).step()}); },
              [](P& s, const torch::Tensor& t) {
                  as<RMSpropParamState>(s).step(t.item<std::int64_t>());
              }},
             {"square_avg", false, [](P& s) { return as<RMSpropParamState>(s).square_avg(); },
              [](P& s, const torch::Tensor& t) {
                  as<RMSpropParamState>(s).square_avg(t);
              }}},
            [] {
                return std::make_unique<RMSpropParamState>();
            }};
    return {{{"step", true, [](P& s) { return torch::tensor({as<AdamParamState>(s).step()}); },
              [](P& s, const torch::Tensor& t) {
                  as<AdamParamState>(s).step(t.item<std::int64_t>());
              }},
             {"exp_avg", false, [](P& s) { return as<AdamParamState>(s).exp_avg(); },
              [](P& s, const torch::Tensor& t) {
                  as<AdamParamState>(s).exp_avg(t);
              }},
             {"exp_avg_sq", false, [](P& s) { return as<AdamParamState>(s).exp_avg_sq(); },
              [](P& s, const torch::Tensor& t) {
                  as<AdamParamState>(s).exp_avg_sq(t);
              }}},
            [] {
                return std::make_unique<AdamParamState>();
            }};
}

/// LibTorch keys an optimiser's state by the parameter's TensorImpl address, as text.
std::string stateKey(const torch::Tensor& parameter)
{
    return c10::guts::to_string(parameter.unsafeGetTensorImpl());
}

Shape shapeOf(const torch::Tensor& t)
{
    return Shape(t.sizes().begin(), t.sizes().end());
}

/// What the blob must hold, in order: each slot of each parameter.
std::vector<st::TensorInfo>
expectedTensors(const Layout& layout, const torch::OrderedDict<std::string, torch::Tensor>& params)
{
    std::vector<st::TensorInfo> out;
    for (const auto& p : params)
        for (const Slot& slot : layout.slots)
            out.push_back({p.key() + "." + slot.name,
                           slot.count ? st::DType::I64 : st::DType::F32,
                           slot.count ? Shape{1} : shapeOf(p.value()),
                           {}});
    return out;
}

} // namespace

std::string optimizerStateBlob(const torch::optim::Optimizer& optimizer,
                               const CompileSettings& compile, const Model& model)
{
    torch::NoGradGuard noGrad;
    const Layout layout = layoutOf(compile);
    const auto params = model.impl().module->named_parameters();
    const auto& states = optimizer.state();
    std::vector<torch::Tensor> held; // keeps the CPU copies alive while they are written
    std::vector<st::TensorBytes> tensors;
    const auto infos = expectedTensors(layout, params);
    std::size_t i = 0;
    for (const auto& p : params) {
        const auto it = states.find(stateKey(p.value()));
        // A parameter the optimiser has not stepped yet has no state: zeros and step 0 are what
        // the optimiser would start it from.
        const std::unique_ptr<torch::optim::OptimizerParamState> fresh = layout.fresh();
        for (const Slot& slot : layout.slots) {
            torch::Tensor t;
            if (it != states.end())
                t = slot.get(*it->second);
            if (!t.defined())
                t = slot.count ? torch::zeros({1}, torch::kLong) : torch::zeros_like(p.value());
            t = t.detach().to(torch::kCPU).contiguous();
            held.push_back(t);
            tensors.push_back(
                {infos[i++], std::string_view(static_cast<const char*>(t.data_ptr()), t.nbytes())});
        }
    }
    return st::write(tensors);
}

void loadOptimizerState(torch::optim::Optimizer& optimizer, const CompileSettings& compile,
                        const Model& model, const std::string& blob)
{
    torch::NoGradGuard noGrad;
    const Layout layout = layoutOf(compile);
    const auto params = model.impl().module->named_parameters();
    std::vector<st::TensorBytes> saved;
    try {
        saved = st::read(blob, expectedTensors(layout, params));
    } catch (const Error& e) {
        throw Error("the saved optimiser state does not fit this model and optimiser (" +
                    compile.optimizer + "): " + e.what());
    }
    if (layout.slots.empty())
        return;
    auto& states = optimizer.state();
    std::size_t i = 0;
    for (const auto& p : params) {
        auto state = layout.fresh();
        for (const Slot& slot : layout.slots) {
            const st::TensorBytes& b = saved[i++];
            // The shape was checked against the parameter's: the copy is the parameter's size.
            torch::Tensor t = slot.count ? torch::zeros({1}, torch::kLong)
                                         : torch::zeros(p.value().sizes(), torch::kFloat);
            std::memcpy(t.data_ptr(), b.bytes.data(), b.bytes.size());
            slot.set(*state, slot.count ? t : t.to(p.value().device()));
        }
        states[stateKey(p.value())] = std::move(state);
    }
}

} // namespace kdna
