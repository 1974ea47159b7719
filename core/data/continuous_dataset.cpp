#include "core/data/continuous_dataset.h"

#include "core/data/chromosome_selection.h"
#include "core/data/statistics_cache.h"
#include "core/genome/genome.h"
#include "core/tracks/bigwig.h"
#include "core/util/error.h"
#include "core/util/text.h"

#include <algorithm>
#include <cstdint>
#include <span>

namespace kdna {
namespace {

/// Per-thread buffers for values that straddle two blocks (the hot path allocates nothing).
std::vector<float>& scratch(std::size_t slot)
{
    thread_local std::vector<float> buffers[2];
    return buffers[slot];
}

void checkBigWig(const BigWigReader& bw, const std::vector<Chromosome>& chroms,
                 const std::string& keyword)
{
    for (const auto& c : chroms)
        if (bw.contains(c.name) && bw.length(c.name) != c.length)
            throw Error::atKeyword(keyword, bw.path().string() + " gives " + c.name + " " +
                                                text::withThousands(bw.length(c.name)) +
                                                " bp but the genome gives " +
                                                text::withThousands(c.length) +
                                                " bp: they are from different assemblies")
                .withFile(bw.path().string());
}

} // namespace

ContinuousDataset::ContinuousDataset(const DatasetSpec& spec, const DataStatistics* fitted)
    : m_spec(spec)
{
    throwIfProblems(validate(spec));
    const Genome genome = Genome::open(spec.resolve(spec.fasta_file));

    std::vector<BigWigReader> labels;
    for (const auto& f : spec.annotation_files)
        labels.push_back(BigWigReader::open(spec.resolve(f)));
    std::vector<BigWigReader> secondary;
    for (const auto& f : spec.sec_inputs)
        secondary.push_back(BigWigReader::open(spec.resolve(f)));

    // Chromosomes: those of the genome that the first bigWig lists (keras_dna takes them from
    // the first bigWig), narrowed by incl/excl.
    const auto chroms = selectChromosomes(spec, genome, namesOf(labels.front().chromosomes()),
                                          spec.annotation_files.front());
    for (const auto& bw : labels)
        checkBigWig(bw, chroms, "annotation_files");
    for (const auto& bw : secondary)
        checkBigWig(bw, chroms, "sec_inputs");

    placeWindows(chroms);
    loadTracks(labels);
    if (fitted)
        useSavedStatistics(*fitted);
    else
        fitStatistics();
}

/// Examples every m_step bases over each chromosome that holds a whole window.
void ContinuousDataset::placeWindows(const std::vector<Chromosome>& chroms)
{
    const DatasetSpec& spec = m_spec;
    m_step = spec.overlapping
                 ? 1
                 : (spec.downsampling == Downsampling::None ? spec.tg_window : spec.window);
    m_alphabetFirst = alphabetBeforeSequence(spec);
    std::int64_t longest = 0;
    for (const auto& c : chroms) {
        longest = std::max(longest, c.length);
        if (c.length < spec.window) {
            m_notes.push_back(c.name + " (" + text::withThousands(c.length) +
                              " bp) is shorter than the window and gives no example");
            continue;
        }
        Chrom chrom;
        chrom.info = c;
        chrom.first = m_size;
        chrom.count = (c.length - spec.window) / m_step + 1;
        m_size += chrom.count;
        m_chroms.push_back(std::move(chrom));
    }
    if (m_chroms.empty())
        throw Error::atKeyword("window",
                               text::withThousands(spec.window) +
                                   " bp is longer than every included chromosome (the longest is " +
                                   text::withThousands(longest) + " bp)");
}

/// The sequence, label and secondary tracks of the chromosomes that have examples.
void ContinuousDataset::loadTracks(const std::vector<BigWigReader>& labels)
{
    const DatasetSpec& spec = m_spec;
    for (auto& c : m_chroms) {
        c.sequence = store::openSequence(spec.resolve(spec.fasta_file), c.info.name);
        for (const auto& f : spec.annotation_files)
            c.tracks.push_back(store::openTrack(spec.resolve(f), c.info.name, c.info.length));
        for (const auto& f : spec.sec_inputs)
            c.secondary.push_back(store::openTrack(spec.resolve(f), c.info.name, c.info.length));
    }
    for (std::size_t f = 0; f < labels.size(); ++f)
        for (const auto& c : m_chroms)
            if (!labels[f].contains(c.info.name))
                m_notes.push_back(spec.annotation_files[f] + " has no data on " + c.info.name +
                                  " (read as 0)");
}

/// The normalisation (and balanced weights) saved with a trained model, checked against
/// this dataset's tracks.
void ContinuousDataset::useSavedStatistics(const DataStatistics& fitted)
{
    const DatasetSpec& spec = m_spec;
    m_stats = fitted;
    if (m_stats.labels.size() != spec.annotation_files.size() ||
        m_stats.secondary.size() != spec.sec_inputs.size())
        throw Error::atKeyword("annotation_files",
                               "the saved normalisation has " +
                                   std::to_string(m_stats.labels.size()) + " label and " +
                                   std::to_string(m_stats.secondary.size()) +
                                   " secondary tracks, but this dataset has " +
                                   std::to_string(spec.annotation_files.size()) + " and " +
                                   std::to_string(spec.sec_inputs.size()));
    if (weighted() && m_stats.weights.size() != spec.annotation_files.size())
        throw Error::atKeyword("weighting_mode", "the saved statistics hold no balanced weights");
}

/// Every base of file `file`'s included chromosomes, in order, as the file's runs.
Normalizer::Scan ContinuousDataset::scanOf(std::size_t file, bool secondary) const
{
    std::vector<Chromosome> chromosomes;
    for (const auto& c : m_chroms)
        chromosomes.push_back(c.info);
    const std::string& name = secondary ? m_spec.sec_inputs[file] : m_spec.annotation_files[file];
    return scanOfTrack(m_spec.resolve(name), std::move(chromosomes), name);
}

void ContinuousDataset::fitStatistics()
{
    const DatasetSpec& spec = m_spec;
    std::size_t bases = 0;
    std::vector<Chromosome> chromosomes;
    for (const auto& c : m_chroms) {
        bases += static_cast<std::size_t>(c.info.length);
        chromosomes.push_back(c.info);
    }
    for (std::size_t f = 0; f < spec.annotation_files.size(); ++f) {
        const Normalizer::Scan scan = scanOf(f, false);
        const auto file = spec.resolve(spec.annotation_files[f]);
        const Normalizer& norm = m_stats.labels.emplace_back(
            fitNormalizer(file, "labels", spec.normalization_mode, chromosomes, scan));
        if (!weighted())
            continue;
        const auto fitWeights = [&] {
            StrideSampler sampler(bases, 4'000'000);
            scan([&](const ScanPiece& piece) { sampler.add(piece); });
            std::vector<float> sample = sampler.take();
            for (float& x : sample)
                x = norm.apply(x);
            return BalancedWeights::fit(std::move(sample), spec.bins);
        };
        m_stats.weights.push_back(store::cachedStatistic<BalancedWeights>(
            file,
            fittedOn("balanced weights, bins " + std::to_string(spec.bins), spec.normalization_mode,
                     chromosomes),
            fitWeights));
    }
    for (std::size_t f = 0; f < spec.sec_inputs.size(); ++f)
        m_stats.secondary.push_back(fitNormalizer(spec.resolve(spec.sec_inputs[f]),
                                                  "secondary inputs", spec.sec_normalization_mode,
                                                  chromosomes, scanOf(f, true)));
}

ContinuousDataset::Position ContinuousDataset::position(std::int64_t index) const
{
    if (index < 0 || index >= m_size)
        throw Error("example " + std::to_string(index) + " is outside the dataset (" +
                    std::to_string(m_size) + " examples)");
    const auto it = std::upper_bound(m_chroms.begin(), m_chroms.end(), index,
                                     [](std::int64_t i, const Chrom& c) { return i < c.first; });
    const auto slot = static_cast<std::size_t>(std::distance(m_chroms.begin(), it) - 1);
    return {slot, (index - m_chroms[slot].first) * m_step};
}

void ContinuousDataset::fillLabels(const Chrom& c, std::int64_t start, float* label,
                                   float& weight) const
{
    const std::int64_t tg = m_spec.tg_window;
    const auto files = static_cast<std::int64_t>(c.tracks.size());
    const std::int64_t centre = start + m_spec.window / 2;
    const std::int64_t block = m_spec.window / tg;
    double weightSum = 0;
    // Only the bases the targets read: tg_window at the centre, else the whole window.
    const bool centred = m_spec.downsampling == Downsampling::None;
    const std::int64_t first = centred ? centre - tg / 2 : start;
    const std::int64_t span = centred ? tg : m_spec.window;
    std::shared_ptr<const float[]> pin;
    for (std::int64_t f = 0; f < files; ++f) {
        const float* values =
            c.tracks[static_cast<std::size_t>(f)]->view(first, span, scratch(0), pin);
        const auto track = [&](std::int64_t pos) {
            return values[pos - first];
        };
        const Normalizer& norm = m_stats.labels[static_cast<std::size_t>(f)];
        for (std::int64_t t = 0; t < tg; ++t) {
            float v = 0;
            if (centred) {
                v = norm.apply(track(centre - tg / 2 + t));
            } else if (m_spec.downsampling == Downsampling::Downsampling) {
                v = norm.apply(track(start + t * block));
            } else { // mean of each block, normalised per base first
                double sum = 0;
                for (std::int64_t i = 0; i < block; ++i)
                    sum += norm.apply(track(start + t * block + i));
                v = static_cast<float>(sum / static_cast<double>(block));
            }
            const std::int64_t row = m_spec.rc ? tg - 1 - t : t;
            label[row * files + f] = v;
            if (weighted())
                weightSum += m_stats.weights[static_cast<std::size_t>(f)].weight(v);
        }
    }
    if (weighted())
        weight = static_cast<float>(weightSum / static_cast<double>(tg * files));
}

void ContinuousDataset::fillSecondary(const Chrom& c, std::int64_t start, float* out) const
{
    const std::int64_t length = secondaryLength(m_spec, m_spec.window);
    const auto files = static_cast<std::int64_t>(c.secondary.size());
    const std::int64_t first = start + m_spec.window / 2 - length / 2;
    std::shared_ptr<const float[]> pin;
    for (std::int64_t f = 0; f < files; ++f) {
        const float* values =
            c.secondary[static_cast<std::size_t>(f)]->view(first, length, scratch(1), pin);
        const Normalizer& norm = m_stats.secondary[static_cast<std::size_t>(f)];
        for (std::int64_t i = 0; i < length; ++i) {
            const std::int64_t row = m_spec.rc ? length - 1 - i : i;
            out[row * files + f] = norm.apply(values[i]);
        }
    }
}

float ContinuousDataset::fill(std::int64_t index, const ExampleSlots& out) const
{
    const Position p = position(index);
    const Chrom& c = m_chroms[p.chrom];
    if (out.input) {
        thread_local std::vector<std::uint8_t> codes;
        std::shared_ptr<const std::uint8_t[]> pin;
        const std::uint8_t* window = c.sequence->view(p.start, m_spec.window, codes, pin);
        writeOneHot(window, m_spec.window, m_spec.rc, m_alphabetFirst, out.input);
    }
    float weight = 1.0F;
    fillLabels(c, p.start, out.label, weight);
    if (out.secondary)
        fillSecondary(c, p.start, out.secondary);
    return weight;
}

Locus ContinuousDataset::locus(std::int64_t index) const
{
    const Position p = position(index);
    return {m_chroms[p.chrom].info.name, p.start, p.start + m_spec.window, m_spec.rc, "window"};
}

DatasetSummary ContinuousDataset::summary() const
{
    DatasetSummary s;
    s.examples = m_size;
    for (const auto& c : m_chroms)
        s.chromosomes.push_back({c.info.name, c.info.length, c.count, 0, 0});
    s.notes = m_notes;
    std::vector<std::string> norms;
    for (std::size_t f = 0; f < m_stats.labels.size(); ++f)
        norms.push_back(std::filesystem::path(m_spec.annotation_files[f]).filename().string() +
                        ": " + m_stats.labels[f].describe());
    for (std::size_t f = 0; f < m_stats.secondary.size(); ++f)
        norms.push_back(std::filesystem::path(m_spec.sec_inputs[f]).filename().string() + ": " +
                        m_stats.secondary[f].describe());
    s.normalization = text::join(norms, "; ");
    return s;
}

} // namespace kdna
