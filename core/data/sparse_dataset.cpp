#include "core/data/sparse_dataset.h"

#include "core/data/chromosome_selection.h"
#include "core/data/permutation.h"
#include "core/genome/genome.h"
#include "core/tracks/features.h"
#include "core/util/chrom_names.h"
#include "core/util/error.h"
#include "core/util/text.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <numeric>
#include <set>
#include <span>
#include <unordered_set>

namespace kdna {

/// What reading the annotation files gives, before windows are placed.
struct SparseDataset::Resolved {
    std::int64_t longest = 0;
    std::map<std::int64_t, std::int64_t> lengthCounts;
    std::int64_t featureCount = 0;
};

namespace {

std::string annotationName(const DatasetSpec& spec, std::size_t cell, std::size_t label)
{
    return std::filesystem::path(spec.annotation_files[cell]).filename().string() + ":" +
           spec.annotation_list[label];
}

/// When the annotation's chromosomes are the genome's under another spelling ('V' for 'chrV'),
/// the sentence that says so and how to fix it; empty otherwise. Filtering by name would
/// otherwise leave no feature and no hint why.
std::string namingMismatch(const std::set<std::string>& annotationChroms,
                           const std::vector<std::string>& genomeNames)
{
    std::vector<std::string> theirs, ours;
    for (const auto& name : annotationChroms) {
        if (std::find(genomeNames.begin(), genomeNames.end(), name) != genomeNames.end())
            continue;
        const std::string alias = chrom_names::match(name, genomeNames);
        if (alias.empty())
            continue;
        theirs.push_back(name);
        ours.push_back(alias);
    }
    if (theirs.empty())
        return {};
    const bool addPrefix = !text::startsWith(text::toLower(theirs.front()), "chr");
    return "the annotation names chromosomes " + text::quotedList(theirs, 4) + ", the genome " +
           text::quotedList(ours, 4) + ": rename them in the annotation (" +
           (addPrefix ? "add" : "drop") +
           " the 'chr' prefix), or use a genome named as the annotation is";
}

/// Free window starts on a chromosome: [0, length - window] minus every start whose window
/// would touch a positive feature.
std::vector<std::pair<std::int64_t, std::int64_t>>
freeStarts(const std::vector<std::pair<std::int64_t, std::int64_t>>& blockedSorted,
           std::int64_t lastStart)
{
    std::vector<std::pair<std::int64_t, std::int64_t>> free;
    std::int64_t cursor = 0;
    for (const auto& [b, e] : blockedSorted) {
        if (b > cursor)
            free.emplace_back(cursor, std::min(b, lastStart + 1));
        cursor = std::max(cursor, e);
        if (cursor > lastStart)
            break;
    }
    if (cursor <= lastStart)
        free.emplace_back(cursor, lastStart + 1);
    free.erase(
        std::remove_if(free.begin(), free.end(), [](const auto& r) { return r.second <= r.first; }),
        free.end());
    return free;
}

/// k distinct values of [0, n), sorted (Floyd's algorithm: O(k) memory whatever n).
std::vector<std::int64_t> sampleDistinct(std::int64_t n, std::int64_t k, std::uint64_t seed)
{
    std::vector<std::int64_t> out;
    if (k >= n) {
        out.resize(static_cast<std::size_t>(n));
        std::iota(out.begin(), out.end(), 0);
        return out;
    }
    std::unordered_set<std::int64_t> chosen;
    chosen.reserve(static_cast<std::size_t>(k) * 2);
    std::uint64_t state = seed;
    for (std::int64_t j = n - k; j < n; ++j) {
        state = mix64(state);
        const auto t = static_cast<std::int64_t>(state % static_cast<std::uint64_t>(j + 1));
        if (!chosen.insert(t).second)
            chosen.insert(j);
    }
    out.assign(chosen.begin(), chosen.end());
    std::sort(out.begin(), out.end());
    return out;
}

/// Label index of each feature type of one annotation file (-1: not asked for); marks the
/// asked-for types it holds in typeSeen. A BED holds one type, so it takes one name.
std::vector<int> labelsOfTypes(const DatasetSpec& spec, const std::string& file,
                               const FeatureSet& set, std::vector<bool>& typeSeen)
{
    std::vector<int> labelOfType(set.types.size(), -1);
    if (!set.isGff()) {
        if (spec.annotation_list.size() != 1)
            throw Error::atKeyword(
                "annotation_list",
                file +
                    " is a BED file, which holds one kind of annotation: give one "
                    "name (e.g. ['binding site']), not " +
                    std::to_string(spec.annotation_list.size()));
        labelOfType.assign(set.types.size(), 0);
        typeSeen[0] = true;
        return labelOfType;
    }
    for (std::size_t l = 0; l < spec.annotation_list.size(); ++l) {
        const int t = set.typeIndex(spec.annotation_list[l]);
        if (t >= 0) {
            labelOfType[static_cast<std::size_t>(t)] = static_cast<int>(l);
            typeSeen[l] = true;
        }
    }
    return labelOfType;
}

/// Chromosomes of the file that the genome lacks are an error unless excluded.
void checkChromosomesKnown(const DatasetSpec& spec, const std::string& file, const FeatureSet& set,
                           const Genome& genome, const std::vector<std::string>& genomeNames)
{
    const std::set<std::string> excluded(spec.excl_chromosomes.begin(),
                                         spec.excl_chromosomes.end());
    for (const auto& name : set.chromosomes)
        if (!genome.contains(name) && !excluded.count(name) &&
            (spec.incl_chromosomes.empty() ||
             std::find(spec.incl_chromosomes.begin(), spec.incl_chromosomes.end(), name) !=
                 spec.incl_chromosomes.end()))
            throw Error::atKeyword("annotation_files",
                                   file + " names " +
                                       chrom_names::unknownMessage(
                                           name, "the genome " + spec.fasta_file, genomeNames) +
                                       " (exclude it with excl_chromosomes, or rename it)");
}

/// An asked-for feature type that no file holds is an error that lists the types they hold.
void throwIfTypeUnseen(const DatasetSpec& spec, const std::vector<bool>& typeSeen)
{
    for (std::size_t l = 0; l < spec.annotation_list.size(); ++l) {
        if (typeSeen[l])
            continue;
        std::set<std::string> types;
        for (const auto& file : spec.annotation_files)
            for (const auto& t : readFeatures(spec.resolve(file)).types)
                types.insert(t);
        throw Error::atKeyword(
            "annotation_list",
            "'" + spec.annotation_list[l] + "' is not a feature type of " +
                text::join(spec.annotation_files, ", ") + "; they hold " +
                text::quotedList(std::vector<std::string>(types.begin(), types.end()), 20));
    }
}

} // namespace

SparseDataset::SparseDataset(const DatasetSpec& spec, const DataStatistics* fitted)
    : m_spec(spec)
{
    throwIfProblems(validate(spec));
    Resolved resolved;
    readAnnotations(resolved);
    chooseLength(resolved);
    m_alphabetFirst = alphabetBeforeSequence(spec);
    placeExamples();
    loadTracks(fitted);
    summarise(resolved);
}

void SparseDataset::chooseLength(const Resolved& resolved)
{
    const DatasetSpec& spec = m_spec;
    // seq_len: 'MAXLEN' is the longest positive on the included chromosomes.
    m_length = spec.seq_len > 0 ? spec.seq_len : resolved.longest;
    if (spec.data_augmentation)
        return;
    std::int64_t tooLong = 0;
    for (const auto& [length, n] : resolved.lengthCounts)
        if (length > m_length)
            tooLong += n;
    if (tooLong > 0)
        throw Error::atKeyword("seq_len",
                               std::to_string(m_length) + " is shorter than " +
                                   text::withThousands(tooLong) + " positive(s) (the longest is " +
                                   std::to_string(resolved.longest) +
                                   " bp); use seq_len >= " + std::to_string(resolved.longest) +
                                   " or 'MAXLEN', or data_augmentation to cut them");
}

void SparseDataset::placeExamples()
{
    const DatasetSpec& spec = m_spec;
    buildPositives();
    m_positives = m_size;
    if (m_positives == 0)
        throw Error::atKeyword("seq_len", "no positive window of " + std::to_string(m_length) +
                                              " bp fits inside its chromosome");
    if (spec.negative_type == NegativeType::Real)
        buildRealNegatives();
    else if (spec.negative_type == NegativeType::Random) {
        m_randomFirst = m_size;
        m_randomNegatives =
            spec.negative_ratio < 0 ? m_positives : spec.negative_ratio * m_positives;
        m_size += m_randomNegatives;
    }
    const std::int64_t negatives = m_size - m_positives;
    if (weighted()) {
        if (negatives > 0) {
            m_positiveWeight = static_cast<float>(static_cast<double>(m_size) /
                                                  (2.0 * static_cast<double>(m_positives)));
            m_negativeWeight = static_cast<float>(static_cast<double>(m_size) /
                                                  (2.0 * static_cast<double>(negatives)));
        } else {
            m_summary.notes.push_back("weighting_mode 'balanced' has no effect without negatives");
        }
    }
}

/// Sequences and secondary tracks of the chromosomes that have examples, streamed, and the
/// secondary tracks' normalisation (the saved one when given).
void SparseDataset::loadTracks(const DataStatistics* fitted)
{
    const DatasetSpec& spec = m_spec;
    for (auto& c : m_chroms) {
        c.sequence = store::openSequence(spec.resolve(spec.fasta_file), c.info.name);
        for (const auto& f : spec.sec_inputs)
            c.secondary.push_back(store::openTrack(spec.resolve(f), c.info.name, c.info.length));
    }
    if (fitted) {
        m_stats = *fitted;
        if (m_stats.secondary.size() != spec.sec_inputs.size())
            throw Error::atKeyword("sec_inputs", "the saved normalisation has " +
                                                     std::to_string(m_stats.secondary.size()) +
                                                     " tracks, not " +
                                                     std::to_string(spec.sec_inputs.size()));
    } else {
        for (std::size_t f = 0; f < spec.sec_inputs.size(); ++f) {
            std::vector<Chromosome> chromosomes;
            for (const auto& c : m_chroms)
                chromosomes.push_back(c.info);
            const auto track = spec.resolve(spec.sec_inputs[f]);
            m_stats.secondary.push_back(
                fitNormalizer(track, "secondary inputs", spec.sec_normalization_mode, chromosomes,
                              scanOfTrack(track, chromosomes, spec.sec_inputs[f])));
        }
    }
}

/// The summary a user sees before training.
void SparseDataset::summarise(const Resolved& resolved)
{
    const std::int64_t negatives = m_size - m_positives;
    m_summary.examples = m_size;
    m_summary.positives = m_positives;
    m_summary.negatives = negatives;
    m_summary.features = resolved.featureCount;
    if (!resolved.lengthCounts.empty()) {
        m_summary.minLength = resolved.lengthCounts.begin()->first;
        m_summary.maxLength = resolved.lengthCounts.rbegin()->first;
        std::int64_t total = 0, n = 0, best = 0;
        for (const auto& [length, count] : resolved.lengthCounts) {
            total += length * count;
            n += count;
            if (count > best) {
                best = count;
                m_summary.mostCommonLength = length;
            }
        }
        m_summary.meanLength = static_cast<double>(total) / static_cast<double>(n);
    }
    std::vector<DatasetSummary::PerChromosome> perChrom(m_chroms.size());
    for (std::size_t i = 0; i < m_chroms.size(); ++i)
        perChrom[i] = {m_chroms[i].info.name, m_chroms[i].info.length, 0, 0, 0};
    for (const auto& g : m_groups) {
        auto& pc = perChrom[g.chrom];
        pc.examples += g.count;
        (g.kind == Kind::Positive ? pc.positives : pc.negatives) += g.count;
    }
    m_summary.chromosomes = std::move(perChrom);
    if (m_randomNegatives > 0)
        m_summary.notes.push_back(text::withThousands(m_randomNegatives) +
                                  " negatives are random sequences");
}

void SparseDataset::readAnnotations(Resolved& r)
{
    const DatasetSpec& spec = m_spec;
    const Genome genome = Genome::open(spec.resolve(spec.fasta_file));
    const auto chroms = selectChromosomes(spec, genome, {}, {});
    std::map<std::string, std::uint32_t> slotOf;
    for (const auto& c : chroms) {
        slotOf.emplace(c.name, static_cast<std::uint32_t>(m_chroms.size()));
        m_chroms.push_back(Chrom{c, {}, {}, nullptr, {}});
    }
    const std::vector<std::string> genomeNames = genome.names();

    std::vector<bool> typeSeen(spec.annotation_list.size(), false);
    std::set<std::string> annotationChroms;
    for (std::size_t cell = 0; cell < spec.annotation_files.size(); ++cell) {
        const std::string& file = spec.annotation_files[cell];
        const FeatureSet set = readFeatures(spec.resolve(file));
        annotationChroms.insert(set.chromosomes.begin(), set.chromosomes.end());
        const std::vector<int> labelOfType = labelsOfTypes(spec, file, set, typeSeen);
        checkChromosomesKnown(spec, file, set, genome, genomeNames);
        addFeatures(r, set, cell, labelOfType, slotOf);
    }
    throwIfTypeUnseen(spec, typeSeen);
    if (r.featureCount == 0) {
        const std::string mismatch = namingMismatch(annotationChroms, genomeNames);
        throw Error::atKeyword("annotation_files", "no feature of " +
                                                       text::quotedList(spec.annotation_list) +
                                                       " lies on the included chromosomes" +
                                                       (mismatch.empty() ? "" : ": " + mismatch));
    }
    for (auto& c : m_chroms) {
        std::sort(c.features.begin(), c.features.end(),
                  [](const Feature& a, const Feature& b) { return a.start < b.start; });
        c.maxEnd.resize(c.features.size());
        std::int64_t running = 0;
        for (std::size_t i = 0; i < c.features.size(); ++i)
            c.maxEnd[i] = running = std::max(running, c.features[i].end);
    }
}

/// The file's features of an asked-for type on an included chromosome, as examples' features
/// (cut to one base when predict is a start or an end).
void SparseDataset::addFeatures(Resolved& r, const FeatureSet& set, std::size_t cell,
                                const std::vector<int>& labelOfType,
                                const std::map<std::string, std::uint32_t>& slotOf)
{
    const DatasetSpec& spec = m_spec;
    const std::string& file = spec.annotation_files[cell];
    for (const auto& f : set.features) {
        const int label = labelOfType[f.type];
        if (label < 0)
            continue;
        const auto slot = slotOf.find(set.chromName(f));
        if (slot == slotOf.end())
            continue;
        Feature feat{f.start, f.end, static_cast<std::uint16_t>(cell),
                     static_cast<std::uint16_t>(label), f.strand == Strand::Reverse};
        if (!(spec.predict == PredictPoint::All)) {
            if (f.strand == Strand::None)
                throw Error::atKeyword(
                    "predict", "'" + spec.predict.text() + "' needs strands, and " + file +
                                   " has a feature without one (" + set.chromName(f) + ":" +
                                   std::to_string(f.start) + "-" + std::to_string(f.end) + ")");
            const bool atStart = (spec.predict == PredictPoint::Start) != feat.reverse;
            feat.start = atStart ? f.start : f.end - 1;
            feat.end = feat.start + 1;
        }
        m_chroms[slot->second].features.push_back(feat);
        const std::int64_t length = feat.end - feat.start;
        r.longest = std::max(r.longest, length);
        ++r.lengthCounts[length];
        ++r.featureCount;
    }
}

void SparseDataset::addGroup(Group g)
{
    if (g.count <= 0)
        return;
    g.first = m_size;
    m_size += g.count;
    m_groups.push_back(g);
}

void SparseDataset::buildPositives()
{
    const std::int64_t L = m_length;
    std::int64_t dropped = 0;
    for (std::size_t cell = 0; cell < m_spec.annotation_files.size(); ++cell)
        for (std::size_t l = 0; l < m_spec.annotation_list.size(); ++l)
            m_summary.positivesPerAnnotation[annotationName(m_spec, cell, l)] = 0;
    for (std::uint32_t slot = 0; slot < m_chroms.size(); ++slot) {
        const Chrom& c = m_chroms[slot];
        const std::int64_t lastStart = c.info.length - L;
        for (const auto& f : c.features) {
            const std::int64_t flen = f.end - f.start;
            std::int64_t lo = 0, hi = 0; // window starts [lo, hi]
            if (!m_spec.data_augmentation) {
                const std::int64_t wx = L - flen; // >= 0: checked before
                lo = hi = f.start - wx / 2 - wx % 2;
            } else if (flen <= L) {
                lo = f.end - L;
                hi = f.start;
            } else {
                lo = f.start;
                hi = f.end - L;
            }
            const std::int64_t clippedLo = std::max<std::int64_t>(lo, 0);
            const std::int64_t clippedHi = std::min(hi, lastStart);
            if (clippedHi < clippedLo) {
                ++dropped;
                continue;
            }
            addGroup({0, clippedHi - clippedLo + 1, clippedLo, slot, Kind::Positive,
                      m_spec.use_strand && f.reverse});
            m_summary.positivesPerAnnotation[annotationName(m_spec, f.cell, f.label)] +=
                clippedHi - clippedLo + 1;
        }
    }
    if (dropped > 0)
        m_summary.notes.push_back(text::withThousands(dropped) +
                                  " feature(s) too close to a chromosome end for a " +
                                  std::to_string(L) + " bp window were left out");
}

void SparseDataset::buildRealNegatives()
{
    const std::int64_t L = m_length;
    std::vector<std::int64_t> positivesPerChrom(m_chroms.size(), 0);
    for (const auto& g : m_groups)
        positivesPerChrom[g.chrom] += g.count;
    std::int64_t shortfall = 0;
    for (std::uint32_t slot = 0; slot < m_chroms.size(); ++slot) {
        const Chrom& c = m_chroms[slot];
        const std::int64_t lastStart = c.info.length - L;
        if (lastStart < 0 || positivesPerChrom[slot] == 0)
            continue;
        // A window starting in [f.start - L + 1, f.end) touches feature f.
        std::vector<std::pair<std::int64_t, std::int64_t>> blocked;
        blocked.reserve(c.features.size());
        for (const auto& f : c.features)
            blocked.emplace_back(std::max<std::int64_t>(0, f.start - L + 1), f.end);
        std::sort(blocked.begin(), blocked.end());
        const auto free = freeStarts(blocked, lastStart);
        std::int64_t available = 0;
        for (const auto& [b, e] : free)
            available += e - b;
        if (m_spec.negative_ratio < 0) {
            for (const auto& [b, e] : free)
                addGroup({0, e - b, b, slot, Kind::Negative, false});
            continue;
        }
        const std::int64_t wanted = m_spec.negative_ratio * positivesPerChrom[slot];
        shortfall += std::max<std::int64_t>(0, wanted - available);
        const auto picks = sampleDistinct(available, wanted, mix64(m_spec.seed * 1000003 + slot));
        std::size_t range = 0;
        std::int64_t before = 0; // free starts in the ranges before `range`
        for (const std::int64_t k : picks) {
            while (k >= before + (free[range].second - free[range].first)) {
                before += free[range].second - free[range].first;
                ++range;
            }
            addGroup({0, 1, free[range].first + (k - before), slot, Kind::Negative, false});
        }
    }
    if (shortfall > 0)
        m_summary.notes.push_back(text::withThousands(shortfall) +
                                  " negatives fewer than asked: not enough windows touch no "
                                  "positive");
}

const SparseDataset::Group& SparseDataset::groupOf(std::int64_t index) const
{
    const auto it = std::upper_bound(m_groups.begin(), m_groups.end(), index,
                                     [](std::int64_t i, const Group& g) { return i < g.first; });
    return *std::prev(it);
}

void SparseDataset::fillLabels(const Chrom& c, std::int64_t start, bool reverse, float* label) const
{
    const auto cells = static_cast<std::int64_t>(m_spec.annotation_files.size());
    const auto annotations = static_cast<std::int64_t>(m_spec.annotation_list.size());
    const std::int64_t per = cells * annotations;
    const std::int64_t L = m_length;
    std::fill(label, label + (m_spec.seq2seq ? L * per : per), 0.0F);
    const std::int64_t end = start + L;
    // Features overlapping [start, end): those starting before `end`, scanned back while
    // some earlier feature could still reach `start`.
    auto it = std::lower_bound(c.features.begin(), c.features.end(), end,
                               [](const Feature& f, std::int64_t v) { return f.start < v; });
    for (auto i = static_cast<std::ptrdiff_t>(std::distance(c.features.begin(), it)) - 1; i >= 0;
         --i) {
        if (c.maxEnd[static_cast<std::size_t>(i)] <= start)
            break;
        const Feature& f = c.features[static_cast<std::size_t>(i)];
        if (f.end <= start)
            continue;
        const std::int64_t slot = f.cell * annotations + f.label;
        if (m_spec.seq2seq) {
            const std::int64_t from = std::max(f.start, start) - start;
            const std::int64_t to = std::min(f.end, end) - start;
            for (std::int64_t p = from; p < to; ++p) {
                const std::int64_t row = reverse ? L - 1 - p : p;
                label[row * per + slot] = 1.0F;
            }
            continue;
        }
        const bool contains = f.start >= start && f.end <= end;
        const bool within = f.start <= start && f.end >= end;
        if (m_spec.defined_positive == DefinedPositive::MatchAny || contains || within)
            label[slot] = 1.0F;
    }
}

float SparseDataset::fill(std::int64_t index, const ExampleSlots& out) const
{
    const std::int64_t L = m_length;
    if (index < 0 || index >= m_size)
        throw Error("example " + std::to_string(index) + " is outside the dataset (" +
                    std::to_string(m_size) + " examples)");
    if (index >= m_randomFirst && m_randomNegatives > 0) {
        // A random sequence, the same for the same seed and index.
        std::vector<std::uint8_t> codes(static_cast<std::size_t>(L));
        std::uint64_t state = mix64(m_spec.seed ^ (static_cast<std::uint64_t>(index) * 0x9E37ULL));
        for (std::int64_t i = 0; i < L; ++i) {
            if (i % 32 == 0)
                state = mix64(state);
            codes[static_cast<std::size_t>(i)] =
                static_cast<std::uint8_t>((state >> (2 * (i % 32))) & 3U);
        }
        if (out.input)
            writeOneHot(codes.data(), L, false, m_alphabetFirst, out.input);
        const auto labelSize = elementCount(labelShape());
        std::fill(out.label, out.label + labelSize, 0.0F);
        if (out.secondary)
            std::fill(out.secondary, out.secondary + elementCount(secondaryShape()), 0.0F);
        return m_negativeWeight;
    }
    const Group& g = groupOf(index);
    const Chrom& c = m_chroms[g.chrom];
    const std::int64_t start = g.firstStart + (index - g.first);
    const bool reverse = m_spec.rc != g.reverse;
    if (out.input) {
        // Per-thread room for a window across two blocks (the hot path allocates nothing).
        thread_local std::vector<std::uint8_t> codes;
        std::shared_ptr<const std::uint8_t[]> pin;
        writeOneHot(c.sequence->view(start, L, codes, pin), L, reverse, m_alphabetFirst, out.input);
    }
    fillLabels(c, start, reverse, out.label);
    if (out.secondary) {
        const std::int64_t length = secondaryLength(m_spec, L);
        const auto files = static_cast<std::int64_t>(c.secondary.size());
        const std::int64_t first = start + L / 2 - length / 2;
        thread_local std::vector<float> scratch;
        std::shared_ptr<const float[]> pin;
        for (std::int64_t f = 0; f < files; ++f) {
            const float* track =
                c.secondary[static_cast<std::size_t>(f)]->view(first, length, scratch, pin);
            const Normalizer& norm = m_stats.secondary[static_cast<std::size_t>(f)];
            for (std::int64_t i = 0; i < length; ++i) {
                const std::int64_t row = reverse ? length - 1 - i : i;
                out.secondary[row * files + f] = norm.apply(track[i]);
            }
        }
    }
    return g.kind == Kind::Positive ? m_positiveWeight : m_negativeWeight;
}

Locus SparseDataset::locus(std::int64_t index) const
{
    if (index >= m_randomFirst && m_randomNegatives > 0)
        return {"random", 0, m_length, false, "random"};
    const Group& g = groupOf(index);
    const std::int64_t start = g.firstStart + (index - g.first);
    return {m_chroms[g.chrom].info.name, start, start + m_length, m_spec.rc != g.reverse,
            g.kind == Kind::Positive ? "positive" : "negative"};
}

DatasetSummary SparseDataset::summary() const
{
    return m_summary;
}

} // namespace kdna
