#pragma once

#include "ui/tracks/track.h"

#include <cstddef>
#include <optional>
#include <vector>

#include <QStringList>

namespace kdna::ui {

/// A lane of the viewer: the tracks drawn in it (indices into the list, the lane's owner
/// first, then the predictions overlaid on it) and where it sits.
struct TrackLane {
    std::vector<std::size_t> tracks;
    int top = 0;
    int height = 0;
};

/// The viewer's tracks in lane order, with their ids, their pairings (a prediction overlaid on
/// the experiment it predicts) and what follows from the list alone: the lanes, the
/// chromosomes the tracks name, their feature names. No widget: TrackView owns one and
/// repaints when it changes.
class TrackList {
public:
    [[nodiscard]] const std::vector<Track>& all() const { return m_tracks; }
    [[nodiscard]] const Track& operator[](std::size_t index) const { return m_tracks[index]; }
    [[nodiscard]] std::size_t size() const { return m_tracks.size(); }
    [[nodiscard]] bool empty() const { return m_tracks.empty(); }
    [[nodiscard]] auto begin() const { return m_tracks.begin(); }
    [[nodiscard]] auto end() const { return m_tracks.end(); }

    /// Gives `track` the next id and appends it (`first`: puts it before the others).
    int insert(Track track, bool first = false);
    /// What a removed track leaves to clean up: its kind and its source (whose tiles go).
    struct Removed {
        TrackKind kind = TrackKind::Signal;
        std::shared_ptr<const TrackSource> source;
    };
    /// Takes the track out (nothing when unknown); overlays on it are undone.
    std::optional<Removed> remove(int id);
    /// Moves a track `delta` places up (negative) or down; false when it did not move.
    bool move(int id, int delta);
    /// Puts the tracks `ids` first, in that order; the others follow in their order.
    void setOrder(const std::vector<int>& ids);
    void clear() { m_tracks.clear(); }

    [[nodiscard]] std::vector<int> ids() const;
    [[nodiscard]] const Track* find(int id) const;
    [[nodiscard]] Track* find(int id);
    /// The genome's sequence track, if one is open.
    [[nodiscard]] Track* sequence();
    [[nodiscard]] std::size_t count(TrackKind kind) const;
    /// True while a feature file is still being read.
    [[nodiscard]] bool anyLoading() const;

    /// The experiment a prediction is paired with, or null.
    [[nodiscard]] const Track* pairedExperiment(const Track& prediction) const;
    /// True when a prediction is overlaid on `experiment`.
    [[nodiscard]] bool hasPredictionOn(const Track& experiment) const;
    /// The lanes from `top` down, `gap` pixels apart. With `overlay`, a prediction shares its
    /// experiment's lane, wherever the two sit in the list.
    [[nodiscard]] std::vector<TrackLane> lanes(bool overlay, int top, int gap) const;

    /// The chromosomes to browse: the genome's, or without one the union of the tracks'.
    [[nodiscard]] std::vector<Chromosome> chromosomes() const;
    /// Every feature name of the feature tracks, once.
    [[nodiscard]] QStringList featureNames() const;
    /// The first feature track's range for a Name or ID (its chromosome as the file names it).
    [[nodiscard]] std::optional<GenomicRange> findFeature(const QString& name) const;

private:
    std::vector<Track> m_tracks;
    int m_nextId = 1;
};

} // namespace kdna::ui
