#include "model.h"

#include "torch_model.h"
#include "util/atomic_output.h"
#include "util/error.h"

#include <cstdint>
#include <sstream>
#include <thread>

namespace kdna {

Model::Model(ModelSpec spec, std::uint64_t seed)
    : d(std::make_unique<Impl>())
{
    spec.normalize();
    d->spec = std::move(spec);
    d->summary = summarize(d->spec);
    if (!d->summary.ok())
        throw Error("model: " + d->summary.error, "model");
    torch::manual_seed(seed);
    d->module = nn::GraphModule(d->spec);
    nn::initializeLikeKeras(*d->module);
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
        throw Error("device: '" + device + "' is not a device; use 'cpu' or 'cuda' (or 'cuda:N')",
                    "device");
    }
    if (target.is_cuda() && !cudaAvailable())
        throw Error("device: 'cuda' was asked for, but this build of LibTorch " +
                        std::string(torch::cuda::is_available() ? "" : "has no CUDA support or ") +
                        "sees no GPU; use --device cpu",
                    "device");
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

std::string Model::weightsBlob() const
{
    torch::serialize::OutputArchive archive;
    d->module->save(archive);
    std::ostringstream out;
    archive.save_to(out);
    return out.str();
}

void Model::loadWeightsBlob(const std::string& blob)
{
    torch::serialize::InputArchive archive;
    try {
        std::istringstream in(blob);
        archive.load_from(in, d->device);
        d->module->load(archive);
    } catch (const c10::Error& e) {
        throw Error("the saved weights do not fit this model (" +
                    std::string(e.what_without_backtrace()).substr(0, 200) + ")");
    }
}

void Model::exportStateDict(const std::filesystem::path& path) const
{
    c10::Dict<std::string, torch::Tensor> dict;
    for (const auto& p : d->module->named_parameters())
        dict.insert(p.key(), p.value().detach().cpu());
    for (const auto& b : d->module->named_buffers())
        dict.insert(b.key(), b.value().detach().cpu());
    const std::vector<char> bytes = torch::pickle_save(dict);
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
