#include "core/model/model.h"

#include "core/model/model_tensors.h"
#include "core/model/safetensors.h"
#include "core/model/torch_model.h"
#include "core/util/atomic_output.h"
#include "core/util/error.h"

#include <cstdint>
#include <cstring>
#include <map>
#include <string_view>
#include <thread>

namespace kdna {

Model::Model(ModelSpec spec, std::uint64_t seed)
    : d(std::make_unique<Impl>())
{
    spec.normalize();
    (void)modelTensors(spec); // sizes within kdna's limits before anything is allocated
    d->spec = std::move(spec);
    d->summary = summarize(d->spec);
    if (!d->summary.ok())
        throw Error::atKeyword("model", d->summary.error);
    // Seeding and the draws it seeds in one step: another thread seeding in between (a
    // second model, a training's epoch) would change these weights.
    const std::lock_guard lock(seedMutex());
    torch::manual_seed(seed);
    d->module = nn::GraphModule(d->spec);
    nn::initializeLikeKeras(*d->module);
}

std::mutex& seedMutex()
{
    static std::mutex m;
    return m;
}

void seedTorch(std::uint64_t seed)
{
    const std::lock_guard lock(seedMutex());
    torch::manual_seed(seed);
}

Model::Model(Model&&) noexcept = default;
Model& Model::operator=(Model&&) noexcept = default;
Model::~Model() = default;

const ModelSpec& Model::spec() const
{
    return d->spec;
}
const ModelSummary& Model::summary() const
{
    return d->summary;
}

void Model::setDevice(const std::string& device)
{
    torch::Device target(torch::kCPU);
    try {
        target = torch::Device(device);
    } catch (const c10::Error&) {
        throw Error::atKeyword(
            "device", "'" + device + "' is not a device; use 'cpu' or 'cuda' (or 'cuda:N')");
    }
    if (target.is_cuda() && !cudaAvailable())
        throw Error::atKeyword(
            "device",
            "'cuda' was asked for, but this build of LibTorch " +
                std::string(torch::cuda::is_available() ? "" : "has no CUDA support or ") +
                "sees no GPU; use --device cpu");
    if (target.is_cuda()) {
        // cuDNN runs fp32 convolutions in TF32 by default, which changes the fourth digit;
        // fp32 stays fp32 here (bf16 is the explicit fast option), so a GPU agrees with the CPU.
        at::globalContext().setAllowTF32CuDNN(false);
        at::globalContext().setAllowTF32CuBLAS(false);
    }
    d->device = target;
    d->module->to(target);
}

std::string Model::device() const
{
    return d->device.str();
}

namespace {

/// Every tensor the module holds, parameters then buffers, by their registered names.
std::vector<std::pair<std::string, torch::Tensor>> tensorsOf(nn::GraphModuleImpl& module)
{
    std::vector<std::pair<std::string, torch::Tensor>> out;
    for (const auto& p : module.named_parameters())
        out.emplace_back(p.key(), p.value());
    for (const auto& b : module.named_buffers())
        out.emplace_back(b.key(), b.value());
    return out;
}

} // namespace

std::string Model::weightsBlob() const
{
    torch::NoGradGuard noGrad;
    std::vector<torch::Tensor> held; // keeps the CPU copies alive while they are written
    std::vector<safetensors::TensorBytes> tensors;
    for (const auto& [name, value] : tensorsOf(*d->module)) {
        const torch::Tensor t = value.detach().to(torch::kCPU).contiguous();
        const bool integer = t.scalar_type() == torch::kLong;
        if (!integer && t.scalar_type() != torch::kFloat)
            throw Error::atKeyword("model", "tensor '" + name + "' is " +
                                                std::string(t.dtype().name()) +
                                                ", which kdna does not save");
        held.push_back(t);
        tensors.push_back({{name, integer ? safetensors::DType::I64 : safetensors::DType::F32,
                            Shape(t.sizes().begin(), t.sizes().end()), ""},
                           {static_cast<const char*>(t.data_ptr()), t.nbytes()}});
    }
    return safetensors::write(tensors);
}

void Model::loadWeightsBlob(const std::string& blob)
{
    // Checked against the spec's tensors before anything is copied; the module already holds
    // tensors of exactly these shapes, so nothing is allocated from what the file claims.
    std::vector<safetensors::TensorBytes> saved;
    try {
        saved = safetensors::read(blob, modelTensors(d->spec));
    } catch (const Error& e) {
        throw Error(std::string("the saved weights do not fit this model: ") + e.what());
    }
    std::map<std::string, std::string_view> bytes;
    for (const auto& t : saved)
        bytes[t.info.name] = t.bytes;
    torch::NoGradGuard noGrad;
    for (auto& [name, target] : tensorsOf(*d->module)) {
        const auto it = bytes.find(name);
        if (it == bytes.end()) // modelTensors() and the module disagree: a kdna bug
            throw Error::atKeyword("model",
                                   "tensor '" + name + "' of the module is not in the model spec");
        const std::string_view b = it->second;
        torch::Tensor cpu = torch::empty(target.sizes(), target.options().device(torch::kCPU));
        if (static_cast<std::size_t>(cpu.nbytes()) != b.size())
            throw Error("the saved weights do not fit this model: tensor '" + name + "' is " +
                        std::to_string(b.size()) + " bytes, the model's " +
                        std::to_string(cpu.nbytes()));
        std::memcpy(cpu.data_ptr(), b.data(), b.size());
        target.copy_(cpu);
    }
}

void Model::exportStateDict(const std::filesystem::path& path) const
{
    const std::string bytes = weightsBlob();
    AtomicOutput::writeFile(
        path,
        [&](std::ostream& out) {
            out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        },
        /*binary=*/true);
}

bool cudaAvailable()
{
    return torch::cuda::is_available() && torch::cuda::device_count() > 0;
}

void setTorchThreads(int threads)
{
    const int n =
        threads > 0 ? threads : static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
    torch::set_num_threads(n);
}

int torchThreads()
{
    return torch::get_num_threads();
}

} // namespace kdna
