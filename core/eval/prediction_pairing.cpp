#include "core/eval/prediction_pairing.h"

#include "core/data/dataset_spec.h"
#include "core/eval/predictor.h"
#include "core/tracks/bigwig.h"
#include "core/util/stats.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace kdna {

namespace {

/// The bigWig a track was learned from, when the file is one.
std::filesystem::path signalFile(const DatasetSpec& spec, const std::string& file)
{
    const auto path = spec.resolve(file);
    return looksLikeBigWig(path) ? path : std::filesystem::path();
}

} // namespace

std::vector<PredictedTrack> predictedTracks(const DatasetSpec& spec, const OutputLayouts& layouts,
                                            const std::vector<DataStatistics>& stats)
{
    std::vector<PredictedTrack> out;
    for (std::size_t o = 0; o < layouts.outputs.size(); ++o) {
        const PredictionLayout& layout = layouts.outputs[o];
        for (std::size_t k = 0; k < layout.trackNames.size(); ++k) {
            PredictedTrack t;
            t.name = layout.trackNames[k];
            if (o == 0) { // the labels
                if (!spec.isSparse() && k < spec.annotation_files.size())
                    t.experiment = signalFile(spec, spec.annotation_files[k]);
                if (!stats.empty() && k < stats.front().labels.size())
                    t.normalizer = stats.front().labels[k];
            } else { // the secondary targets
                if (k < spec.sec_inputs.size())
                    t.experiment = signalFile(spec, spec.sec_inputs[k]);
                if (!stats.empty() && k < stats.front().secondary.size())
                    t.normalizer = stats.front().secondary[k];
            }
            out.push_back(std::move(t));
        }
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
