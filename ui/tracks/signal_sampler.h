#pragma once

#include "ui/tracks/tile_fetcher.h"
#include "ui/tracks/track.h"
#include "ui/tracks/view_frame.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace kdna::ui {

/// Views this wide or narrower draw the sequence (coloured bars; letters from ~7 px a base).
inline constexpr double kSequenceMaxBpPerPixel = 1.0;

/// The tiles a view of [start, end) needs from `source` at `level` on `chrom` (the source's
/// name): the visible ones first, then one more on each side for the next pan.
[[nodiscard]] std::vector<TileRequest> tilesFor(const std::shared_ptr<const TrackSource>& source,
                                                const std::string& chrom, double start, double end,
                                                int level);

/// What a signal lane draws from the cached tiles of `source` (on `chrom`, its own name):
/// per base when bases are a pixel or wider, else a mean per pixel. Where the view's own
/// tiles are still loading, a coarser cached tile stands in and the samples are incomplete.
[[nodiscard]] SignalSamples sampleSignal(const TileFetcher& fetcher, const TrackSource& source,
                                         const std::string& chrom, const ViewFrame& frame);

/// The values of bases [first, last) from the cached per-base (level 0) tiles of `source`, NaN
/// where there is no data; `complete` false (when given) when some tile is not read yet.
[[nodiscard]] std::vector<float> sampleValues(const TileFetcher& fetcher, const TrackSource& source,
                                              const std::string& chrom, std::int64_t first,
                                              std::int64_t last, bool* complete = nullptr);

/// The bases [first, last) from the cached sequence tiles; a space where not read yet.
[[nodiscard]] std::string sampleBases(const TileFetcher& fetcher, const TrackSource& source,
                                      const std::string& chrom, std::int64_t first,
                                      std::int64_t last, bool* complete = nullptr);

} // namespace kdna::ui
