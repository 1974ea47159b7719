#pragma once

#include "core/data/normalization.h"
#include "ui/tracks/explanation.h"
#include "ui/tracks/feature_index.h"
#include "ui/tracks/track_source.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include <QColor>
#include <QString>

namespace kdna::ui {

/// Attribution (a logo), Heatmap (ISM) and Variants (lollipops) hold what the model computed
/// for them ("Explain here", a VCF scored).
enum class TrackKind { Signal, Features, Sequence, Attribution, Heatmap, Variants };

/// What a user sets for a track in the side panel.
struct TrackStyle {
    QString name;
    QColor color;
    int height = 70;
    bool autoscale = true;
    double minimum = 0; ///< the fixed range when not autoscaled
    double maximum = 1;

    friend bool operator==(const TrackStyle&, const TrackStyle&) = default;
};

/// Where a track came from, so a project reload replaces only what the project put there.
enum class TrackOrigin { User, Project, Model };

/// One track of the viewer. Signals and the sequence read through a source (tiles, off the GUI
/// thread); feature files are indexed whole once.
struct Track {
    int id = 0;
    TrackKind kind = TrackKind::Signal;
    TrackStyle style;
    TrackOrigin origin = TrackOrigin::User;
    QString path; ///< the file; empty for a prediction held in memory
    std::shared_ptr<const TrackSource> source;
    std::shared_ptr<const FeatureIndex> features;
    std::shared_ptr<const Explanation> explanation; ///< Attribution and Heatmap
    std::shared_ptr<const VariantMarks> variants;   ///< Variants; null while being scored
    bool loading = false;                           ///< a feature file still being read
    QString error;                                  ///< why the file could not be read

    bool predicted = false;
    /// In overlay mode, the experiment track this prediction shares a lane with.
    int overlayOn = -1;
    /// The model's target normalisation, applied to this experiment in overlay mode so that it
    /// and the prediction share one scale.
    std::optional<Normalizer> normalizer;
};

/// What a signal lane draws for one view: one value a base when bases are at least a pixel
/// wide, else one value a pixel (the mean of what falls in it). NaN: no data.
struct SignalSamples {
    enum class Resolution { PerBase, PerPixel };
    Resolution resolution = Resolution::PerPixel;
    std::int64_t firstBase = 0; ///< PerBase: the base values[0] is for
    std::vector<float> values;
    /// False while some of the view still waits for its reads (coarser data, or nothing, is
    /// drawn there meanwhile).
    bool complete = true;
};

} // namespace kdna::ui
