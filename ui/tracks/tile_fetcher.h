#pragma once

#include "ui/tracks/tile_cache.h"

#include <cstdint>
#include <memory>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <QObject>
#include <QPointer>
#include <QString>

namespace kdna::ui {

class BackgroundTask;

/// One tile a view wants: its cache key, and how to read it.
struct TileRequest {
    TileKey key;
    std::shared_ptr<const TrackSource> source;
    std::int64_t start = 0;
    std::int64_t end = 0;
    std::int64_t binSize = 1;
};

/// Reads tiles off the GUI thread into a cache. The newest request wins: a request that needs
/// anything new cancels the reads still queued for older ones (a tile being read when the
/// cancel comes still lands in the cache), so a pan or zoom never waits behind stale reads,
/// and the view paints whatever the cache holds meanwhile.
class TileFetcher : public QObject {
    Q_OBJECT
public:
    explicit TileFetcher(QObject* parent = nullptr);
    ~TileFetcher() override;

    [[nodiscard]] std::shared_ptr<const Tile> find(const TileKey& key) const
    {
        return m_cache.find(key);
    }
    /// The tiles a view needs now, most urgent first (visible before prefetched).
    void request(std::vector<TileRequest> wanted);
    [[nodiscard]] bool isLoading() const { return !m_batches.empty(); }
    /// Why the last read from `source` failed; empty when it did not.
    [[nodiscard]] QString error(std::uint64_t source) const;
    /// Drops the cached tiles and errors of a source no view shows any more.
    void forget(std::uint64_t source);

Q_SIGNALS:
    void tilesArrived();
    void loadingChanged(bool loading);

private:
    struct Batch;
    void start(std::vector<TileRequest> requests);
    void drain(Batch& batch);
    void finish(const std::shared_ptr<Batch>& batch);

    TileCache m_cache;
    std::unordered_set<TileKey, TileKeyHash> m_inFlight;
    // Reads that failed are not retried until the source is forgotten: a view repaints
    // often, and a broken file would otherwise be read again on every frame.
    std::unordered_set<TileKey, TileKeyHash> m_failed;
    std::vector<std::shared_ptr<Batch>> m_batches;
    std::unordered_map<std::uint64_t, QString> m_errors;
};

} // namespace kdna::ui
