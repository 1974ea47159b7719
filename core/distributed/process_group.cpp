#include "core/distributed/process_group.h"

#include "core/util/error.h"

#include <csignal>
#include <exception>

#include <torch/csrc/distributed/c10d/FileStore.hpp>
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#include <torch/torch.h>

namespace kdna::dist {
namespace {

/// The key a rank leaves in the store when it leaves the group in order (finished or failed),
/// so that the others can name it.
std::string leftKey(int rank)
{
    return "kdna/left/" + std::to_string(rank);
}

/// Gloo writes to its peers with writev, which cannot ask for MSG_NOSIGNAL, so a peer closing
/// mid-send raises SIGPIPE, whose default action kills this rank before it can name the one
/// that left. Ignored, the write fails with EPIPE and gloo reports it, as in a Python rank
/// (CPython ignores SIGPIPE at start-up).
void letClosedPeersFailWrites()
{
    std::signal(SIGPIPE, SIG_IGN);
}

c10::intrusive_ptr<c10d::Store> makeStore(const GroupConfig& c)
{
    if (!c.storeFile.empty()) {
        auto store = c10::make_intrusive<c10d::FileStore>(c.storeFile, c.worldSize);
        store->setTimeout(c.timeout);
        return store;
    }
    c10d::TCPStoreOptions o;
    o.port = static_cast<std::uint16_t>(c.masterPort);
    o.isServer = c.rank == 0;
    o.numWorkers = static_cast<std::size_t>(c.worldSize);
    o.timeout = c.timeout;
    return c10::make_intrusive<c10d::TCPStore>(c.masterAddr, o);
}

bool loopback(const std::string& host)
{
    return host == "127.0.0.1" || host == "localhost" || host == "::1";
}

std::shared_ptr<gloo::transport::Device> makeDevice(const GroupConfig& c)
{
    if (const char* iface = std::getenv("GLOO_SOCKET_IFNAME"); iface && *iface)
        return c10d::ProcessGroupGloo::createDeviceForInterface(iface);
    // Ranks that meet on this machine talk over loopback even when the hostname resolves.
    if (!c.storeFile.empty() || loopback(c.masterAddr))
        return c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1");
    return c10d::ProcessGroupGloo::createDefaultDevice();
}

std::string seconds(std::chrono::milliseconds t)
{
    return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(t).count()) + " s";
}

} // namespace

struct ProcessGroup::Impl {
    GroupConfig config;
    c10::intrusive_ptr<c10d::Store> store;
    c10::intrusive_ptr<c10d::ProcessGroupGloo> group;

    /// Who left: the ranks that said so in the store, else the other rank of a pair.
    std::string missingRanks() const
    {
        std::string named;
        for (int r = 0; r < config.worldSize; ++r) {
            if (r == config.rank)
                continue;
            try {
                if (store->check({leftKey(r)}))
                    named += (named.empty() ? "" : ", ") + std::to_string(r);
            } catch (const std::exception&) {
                break; // the store went with the rank that held it
            }
        }
        if (!named.empty())
            return "rank " + named;
        if (config.worldSize == 2)
            return "rank " + std::to_string(1 - config.rank);
        return "another rank";
    }

    /// Runs one collective; any c10d/gloo failure becomes one sentence naming the rank.
    void wait(const c10::intrusive_ptr<c10d::Work>& work, const std::string& what) const
    {
        wait(work, what, config.timeout);
    }
    void wait(const c10::intrusive_ptr<c10d::Work>& work, const std::string& what,
              std::chrono::milliseconds timeout) const
    {
        try {
            work->wait(timeout);
        } catch (const std::exception& e) {
            throw Error("rank " + std::to_string(config.rank) + " of " +
                        std::to_string(config.worldSize) + " stopped during " + what + " because " +
                        missingRanks() + " left the group or did not answer within " +
                        seconds(timeout) + " (" + firstLine(e.what()) + ")");
        }
    }

    static std::string firstLine(const std::string& s) { return s.substr(0, s.find('\n')); }
};

ProcessGroup::ProcessGroup(const GroupConfig& config)
    : m_impl(std::make_unique<Impl>())
{
    m_impl->config = config;
    letClosedPeersFailWrites();
    try {
        m_impl->store = makeStore(config);
        auto options = c10d::ProcessGroupGloo::Options::create(config.timeout);
        options->devices.push_back(makeDevice(config));
        m_impl->group = c10::make_intrusive<c10d::ProcessGroupGloo>(
            c10::make_intrusive<c10d::PrefixStore>("kdna", m_impl->store), config.rank,
            config.worldSize, options);
    } catch (const std::exception& e) {
        throw Error("rank " + std::to_string(config.rank) + " could not join the group of " +
                    std::to_string(config.worldSize) + " at " +
                    (config.storeFile.empty()
                         ? config.masterAddr + ":" + std::to_string(config.masterPort)
                         : config.storeFile) +
                    " within " + seconds(config.timeout) + " (" + Impl::firstLine(e.what()) + ")");
    }
}

ProcessGroup::~ProcessGroup()
{
    try {
        m_impl->store->set(leftKey(m_impl->config.rank), std::vector<std::uint8_t>{1});
    } catch (const std::exception&) {
        // The store may be gone with rank 0; there is no one left to tell.
    }
}

int ProcessGroup::rank() const
{
    return m_impl->config.rank;
}

int ProcessGroup::size() const
{
    return m_impl->config.worldSize;
}

const GroupConfig& ProcessGroup::config() const
{
    return m_impl->config;
}

namespace {

/// Runs `collective` on one flat buffer per dtype of `tensors`, then copies the result back
/// into them.
template<typename Collective>
void onFlatBuffers(const std::vector<at::Tensor>& tensors, Collective collective)
{
    torch::NoGradGuard noGrad;
    std::map<c10::ScalarType, std::vector<at::Tensor>> byType;
    for (const auto& t : tensors)
        byType[t.scalar_type()].push_back(t);
    for (auto& [type, group] : byType) {
        std::vector<at::Tensor> flat{at::flatten_dense_tensors(group)};
        collective(flat);
        auto parts = at::unflatten_dense_tensors(flat[0], group);
        for (std::size_t i = 0; i < group.size(); ++i)
            group[i].copy_(parts[i]);
    }
}

} // namespace

void ProcessGroup::broadcastFromRankZero(const std::vector<at::Tensor>& tensors,
                                         const std::string& what)
{
    onFlatBuffers(tensors, [&](std::vector<at::Tensor>& flat) {
        m_impl->wait(m_impl->group->broadcast(flat), "the broadcast of rank 0's " + what);
    });
}

void ProcessGroup::sumOverRanks(const std::vector<at::Tensor>& tensors, const std::string& what)
{
    onFlatBuffers(tensors, [&](std::vector<at::Tensor>& flat) {
        m_impl->wait(m_impl->group->allreduce(flat), "the sum over the ranks of " + what);
    });
}

namespace {
/// sumOverRanks of a vector's values, in place.
template<typename T>
void sumValuesOverRanks(ProcessGroup& group, std::vector<T>& values, const std::string& what)
{
    if (values.empty())
        return; // every rank has as many: none to send
    // from_blob does not own: the tensor is the vector's memory, summed in place.
    group.sumOverRanks({torch::from_blob(values.data(), {static_cast<std::int64_t>(values.size())},
                                         c10::CppTypeToScalarType<T>::value)},
                       what);
}
} // namespace

void ProcessGroup::sumOverRanks(std::vector<float>& values, const std::string& what)
{
    sumValuesOverRanks(*this, values, what);
}

void ProcessGroup::sumOverRanks(std::vector<double>& values, const std::string& what)
{
    sumValuesOverRanks(*this, values, what);
}

struct PendingCollective::Work {
    const ProcessGroup::Impl* group = nullptr;
    c10::intrusive_ptr<c10d::Work> work;
};

PendingCollective::PendingCollective() = default;
PendingCollective::~PendingCollective() = default;
PendingCollective::PendingCollective(PendingCollective&&) noexcept = default;
PendingCollective& PendingCollective::operator=(PendingCollective&&) noexcept = default;

void PendingCollective::wait(const std::string& what)
{
    if (!m_work)
        return;
    // Once waited (or failed), the collective is over: a second wait has nothing to do.
    const auto work = std::move(m_work);
    work->group->wait(work->work, what);
}

PendingCollective ProcessGroup::startSum(const at::Tensor& flat)
{
    std::vector<at::Tensor> tensors{flat};
    PendingCollective pending;
    pending.m_work = std::make_unique<PendingCollective::Work>(
        PendingCollective::Work{m_impl.get(), m_impl->group->allreduce(tensors)});
    return pending;
}

bool ProcessGroup::broadcastFlag(bool flag, const std::string& what)
{
    std::vector<at::Tensor> t{torch::full({1}, flag ? 1 : 0, torch::kInt32)};
    m_impl->wait(m_impl->group->broadcast(t), what);
    return t[0].item<int>() != 0;
}

std::vector<std::vector<std::int64_t>>
ProcessGroup::gather(const std::vector<std::int64_t>& values, const std::string& what,
                     std::optional<std::chrono::milliseconds> timeout)
{
    // An all-reduce of one row per rank, each filled by its rank alone.
    const auto n = static_cast<std::int64_t>(values.size());
    std::vector<at::Tensor> t{torch::zeros({size(), n}, torch::kInt64)};
    for (std::int64_t i = 0; i < n; ++i)
        t[0][rank()][i] = values[static_cast<std::size_t>(i)];
    c10d::AllreduceOptions options;
    options.timeout = timeout.value_or(m_impl->config.timeout);
    m_impl->wait(m_impl->group->allreduce(t, options), what, options.timeout);
    const auto* sums = t[0].data_ptr<std::int64_t>();
    std::vector<std::vector<std::int64_t>> out;
    for (std::int64_t r = 0; r < size(); ++r)
        out.emplace_back(sums + r * n, sums + (r + 1) * n);
    return out;
}

std::string ranksWithout(const std::vector<std::vector<std::int64_t>>& reports, std::size_t field)
{
    std::string out;
    for (std::size_t r = 0; r < reports.size(); ++r)
        if (reports[r].at(field) == 0)
            out += (out.empty() ? "" : ", ") + std::to_string(r);
    return out;
}

std::pair<std::int64_t, std::int64_t> shareOf(const ProcessGroup* group, std::int64_t count)
{
    if (group == nullptr)
        return {0, count};
    const std::int64_t r = group->rank(), n = group->size();
    return {count * r / n, count * (r + 1) / n};
}

void runShare(ProcessGroup* group, const std::function<void()>& work, const std::string& task)
{
    if (group == nullptr) {
        work();
        return;
    }
    std::exception_ptr failure;
    try {
        work();
    } catch (...) {
        failure = std::current_exception();
    }
    const auto reports =
        group->gather({failure ? 0 : 1}, "the wait for every rank's share of the work", kShareWait);
    if (failure)
        std::rethrow_exception(failure);
    if (const std::string failed = ranksWithout(reports, 0); !failed.empty())
        throw Error("rank " + failed + " of " + std::to_string(group->size()) + " could not " +
                    task + " (its own message says why)");
}

} // namespace kdna::dist
