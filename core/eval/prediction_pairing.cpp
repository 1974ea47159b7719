#include "core/eval/prediction_pairing.h"

#include "core/data/dataset_spec.h"
#include "core/eval/predictor.h"
#include "core/tracks/bigwig.h"
#include "core/util/stats.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace kdna {

std::vector<PredictedTrack> predictedTracks(const DatasetSpec& spec, std::int64_t inputLength,
                                            const std::vector<DataStatistics>& stats)
{
    const PredictionLayout layout = predictionLayout(spec, inputLength);
    std::vector<PredictedTrack> out;
    for (std::size_t k = 0; k < layout.trackNames.size(); ++k) {
        PredictedTrack t;
        t.name = layout.trackNames[k];
        if (!spec.isSparse() && k < spec.annotation_files.size()) {
            const auto file = spec.resolve(spec.annotation_files[k]);
            if (looksLikeBigWig(file))
                t.experiment = file;
        }
        if (!stats.empty() && k < stats.front().labels.size())
            t.normalizer = stats.front().labels[k];
        out.push_back(std::move(t));
    }
    return out;
}

double predictionCorrelation(std::span<const float> predicted, std::span<const float> measured,
                             const Normalizer& normalizer)
{
    stats::Pearson r;
    const std::size_t n = std::min(predicted.size(), measured.size());
    for (std::size_t i = 0; i < n; ++i) {
        if (std::isnan(predicted[i]))
            continue;
        const float m = std::isnan(measured[i]) ? 0.0F : measured[i];
        r.add(predicted[i], normalizer.apply(m));
    }
    return r.count() >= 3 ? r.value() : std::numeric_limits<double>::quiet_NaN();
}

} // namespace kdna
