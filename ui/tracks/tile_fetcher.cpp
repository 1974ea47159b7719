#include "ui/tracks/tile_fetcher.h"

#include "ui/bridge/background_task.h"
#include "core/util/describe.h"

#include <algorithm>
#include <cstdint>
#include <exception>
#include <mutex>

namespace kdna::ui {
namespace {

constexpr std::size_t kCacheBudget = std::size_t{256} << 20;

} // namespace

/// The tiles one background task reads, and what it has read so far. The worker appends under
/// the mutex; the GUI thread takes the results out on each progress report.
struct TileFetcher::Batch {
    std::vector<TileRequest> requests; // fixed once the task starts
    QPointer<BackgroundTask> task;
    std::mutex mutex;
    std::vector<std::pair<TileKey, std::shared_ptr<const Tile>>> done;
    std::vector<std::pair<TileKey, QString>> errors;
};

TileFetcher::TileFetcher(QObject* parent)
    : QObject(parent)
    , m_cache(kCacheBudget)
{}

TileFetcher::~TileFetcher()
{
    for (const auto& batch : m_batches)
        if (batch->task)
            batch->task->cancel();
}

void TileFetcher::request(std::vector<TileRequest> wanted)
{
    std::vector<TileRequest> missing;
    bool anythingNew = false;
    std::unordered_set<TileKey, TileKeyHash> seen;
    for (auto& r : wanted) {
        if (m_cache.contains(r.key) || m_failed.count(r.key) || !seen.insert(r.key).second)
            continue;
        anythingNew = anythingNew || !m_inFlight.count(r.key);
        missing.push_back(std::move(r));
    }
    if (!anythingNew)
        return;
    for (const auto& batch : m_batches)
        if (batch->task)
            batch->task->cancel();
    m_inFlight.clear();
    // One task a source, so the tracks load side by side; each keeps the urgency order.
    std::vector<std::vector<TileRequest>> bySource;
    std::unordered_map<std::uint64_t, std::size_t> slot;
    for (auto& r : missing) {
        const auto [it, added] = slot.emplace(r.key.source, bySource.size());
        if (added)
            bySource.emplace_back();
        bySource[it->second].push_back(std::move(r));
    }
    for (auto& group : bySource)
        start(std::move(group));
}

void TileFetcher::start(std::vector<TileRequest> requests)
{
    auto batch = std::make_shared<Batch>();
    batch->requests = std::move(requests);
    for (const auto& r : batch->requests)
        m_inFlight.insert(r.key);
    const bool wasLoading = isLoading();
    m_batches.push_back(batch);
    auto* task = BackgroundTask::start(this, tr("Reading tracks"), [batch](TaskContext& context) {
        const auto n = static_cast<double>(batch->requests.size());
        for (std::size_t i = 0; i < batch->requests.size(); ++i) {
            if (context.cancelled())
                return;
            const TileRequest& r = batch->requests[i];
            try {
                auto tile = std::make_shared<const Tile>(
                    r.source->read(r.key.chrom, r.start, r.end, r.binSize));
                std::lock_guard lock(batch->mutex);
                batch->done.emplace_back(r.key, std::move(tile));
            } catch (const std::exception& e) {
                std::lock_guard lock(batch->mutex);
                batch->errors.emplace_back(r.key, QString::fromStdString(describe(e)));
            }
            context.progress(static_cast<double>(i + 1) / n);
        }
    });
    batch->task = task;
    connect(task, &BackgroundTask::progressed, this, [this, weak = std::weak_ptr<Batch>(batch)] {
        if (const auto b = weak.lock())
            drain(*b);
    });
    connect(task, &BackgroundTask::finished, this, [this, batch] { finish(batch); });
    if (!wasLoading)
        Q_EMIT loadingChanged(true);
}

void TileFetcher::drain(Batch& batch)
{
    decltype(batch.done) done;
    decltype(batch.errors) errors;
    {
        std::lock_guard lock(batch.mutex);
        done.swap(batch.done);
        errors.swap(batch.errors);
    }
    for (auto& [key, tile] : done) {
        m_errors.erase(key.source);
        m_cache.insert(key, std::move(tile));
    }
    for (auto& [key, message] : errors) {
        m_errors[key.source] = message;
        m_failed.insert(key);
    }
    if (!done.empty() || !errors.empty())
        Q_EMIT tilesArrived();
}

void TileFetcher::finish(const std::shared_ptr<Batch>& batch)
{
    drain(*batch);
    m_batches.erase(std::remove(m_batches.begin(), m_batches.end(), batch), m_batches.end());
    if (m_batches.empty()) {
        m_inFlight.clear();
        Q_EMIT loadingChanged(false);
    }
}

QString TileFetcher::error(std::uint64_t source) const
{
    const auto it = m_errors.find(source);
    return it == m_errors.end() ? QString() : it->second;
}

void TileFetcher::forget(std::uint64_t source)
{
    m_cache.forget(source);
    m_errors.erase(source);
    std::erase_if(m_failed, [source](const TileKey& key) { return key.source == source; });
}

} // namespace kdna::ui
