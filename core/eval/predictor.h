#pragma once

#include "core/data/dataset.h"
#include "core/util/chromosome.h"
#include "core/util/shape.h"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace kdna {

class Genome;
class Model;
namespace dist {
class ProcessGroup;
}

/// Where a window's outputs land on the genome: value t of track k for the window starting at
/// x covers bases [x + offset + t * span, x + offset + (t + 1) * span); windows step by
/// `stride` (keras_dna's non-overlapping prediction).
struct PredictionLayout {
    std::string output;          ///< the output layer's name
    std::size_t outputIndex = 0; ///< its place among the model's outputs
    std::int64_t window = 0;
    std::int64_t valuesPerTrack = 1; ///< T: tg_window, seq_len (seq2seq) or 1
    std::int64_t span = 1;
    std::int64_t offset = 0;
    std::int64_t stride = 1;
    std::vector<std::string>
        trackNames; ///< keras_dna's file suffixes, e.g. "cell_number0_annotation_number0"
};
/// The layout of the labels' output (the first) for a model trained on `spec` (with its input
/// length resolved).
[[nodiscard]] PredictionLayout predictionLayout(const DatasetSpec& spec, std::int64_t inputLength);

/// Every output a prediction writes, in output order: the first holds the labels' tracks
/// (keras_dna's names), a second the secondary targets' (use_sec_as 'targets': one track per
/// sec_inputs file, named after the output layer). Each output it cannot write has a sentence
/// saying why.
struct OutputLayouts {
    std::vector<PredictionLayout> outputs;
    std::vector<std::string> notes;
    /// Every written track's name, outputs in order.
    [[nodiscard]] std::vector<std::string> trackNames() const;
    [[nodiscard]] std::size_t trackCount() const;
};
/// Throws when the first output does not hold the labels' values (nothing could be written).
[[nodiscard]] OutputLayouts outputLayouts(const DatasetSpec& spec, std::int64_t inputLength,
                                          const std::vector<std::string>& outputNames,
                                          const std::vector<Shape>& outputShapes);

struct PredictRequest {
    std::vector<std::string> chromosomes; ///< incl_chromosomes (empty: every chromosome)
    /// One (start, stop) per chromosome: predict only windows centred in [start, stop].
    std::vector<std::pair<std::int64_t, std::int64_t>> startStop;
    std::filesystem::path fasta; ///< the genome (empty: the training spec's)
    /// Which training dataset (a MultiGenerator's, in dataset order); unset: the one `fasta`
    /// picks (predictModel).
    std::optional<std::size_t> dataset = std::nullopt;
    /// annotation_files naming the dataset among those sharing `fasta` (empty: any that
    /// predicts alike; predictModel).
    std::vector<std::string> annotations;
    std::filesystem::path chromSizes; ///< chrom.sizes for the bigWig header (empty: the genome)
    bool rc = false;                  ///< predict on the reverse strand
    std::string method = "auto";      ///< "auto", "whole", "windows"
    std::string precision = "fp32";
    std::int64_t batchSize = 256; ///< windows method
    /// Window starts predicted before their values go to the sink: memory is about this many
    /// bases of sequence plus 4 bytes a base per track, whatever the chromosome's length.
    std::int64_t segmentBases = std::int64_t{1} << 20;
    /// Told bases done / total; returning false cancels (kdna::Error "cancelled").
    std::function<bool(std::int64_t done, std::int64_t total)> progress;
    /// Told how far the pass that ends each bigWig has come (its zoom levels, read back from
    /// the written values; tens of seconds on a human chromosome): `what` names it and the
    /// file, `done` of `total` bases.
    std::function<void(const std::string& what, std::int64_t done, std::int64_t total)> writing;
    /// predictToBigWig as one rank of this group (null: alone): see predictToBigWig.
    dist::ProcessGroup* group = nullptr;
};

/// Receives each chromosome's prediction in consecutive pieces, in order: `tracks` holds
/// bases [start, start + size) of every track (every written output's, in
/// OutputLayouts::trackNames() order; NaN where no window reaches). The pieces cover the bases
/// the windows reach (a chromosome with no window gets one empty piece); they are handed over,
/// so a sink may keep them or pass them to a thread.
using PredictionSink = std::function<void(const Chromosome& chrom, std::int64_t start,
                                          std::vector<std::vector<float>> tracks)>;

struct PredictSummary {
    std::string method;                  ///< "whole-sequence" or "windows"
    std::string reason;                  ///< why windows, when "auto" fell back
    PredictionLayout layout;             ///< the first output's
    OutputLayouts layouts;               ///< every output's
    std::vector<Chromosome> chromosomes; ///< predicted, in order
    std::int64_t windows = 0;
    std::int64_t bases = 0; ///< bases given a value
    double seconds = 0;
    /// What the export leaves out and why (outputs of a multi-output model with no track layout).
    std::vector<std::string> notes;
};

/// The chromosomes `request` predicts, with their lengths, in the order the bigWig header
/// lists them (its chrom.sizes file's order when it names one, as keras_dna does); throws
/// when one is unknown or a region holds no window centre of `inputLength` bp windows.
[[nodiscard]] std::vector<Chromosome>
chromosomesToPredict(const Genome& genome, const PredictRequest& request, std::int64_t inputLength);

/// keras_dna's ModelWrapper.predict: every chromosome asked for, a segment of windows at a
/// time (so memory stays a segment's worth), handed to `sink`.
PredictSummary predict(Model& model, const DatasetSpec& trainSpec, std::int64_t inputLength,
                       const DataStatistics& statistics, const PredictRequest& request,
                       const PredictionSink& sink);

/// The bigWig files an export writes: `path` itself for a single track, else
/// `<path>_<track name>.bw` per track (keras_dna's naming), every output's tracks in order;
/// each beside `path` whatever the name says (a '/' in it as '_', cut to 200 bytes), and a
/// name that then reads as an earlier one's with `_2`, `_3`, ... after it.
[[nodiscard]] std::vector<std::filesystem::path> exportPaths(const std::string& path,
                                                             const OutputLayouts& layouts);

/// The chromosomes each of `ranks` predicts: the longest first, each to the rank with the
/// fewest bases so far (the lower rank on a tie), so every rank works about as long; each
/// share keeps the given order. Ranks past the number of chromosomes get none.
[[nodiscard]] std::vector<std::vector<Chromosome>>
shareChromosomes(const std::vector<Chromosome>& chromosomes, int ranks);

/// predict() writing bigWig files; returns them. With `request.group` of several ranks, each
/// rank predicts its share (shareChromosomes) into part files beside `path`, and rank 0 merges
/// them into the files one process writes, value for value; it returns them, the other ranks
/// nothing, and the parts are removed. The summary is each rank's share's, its bases the
/// whole prediction's on rank 0. A rank that fails stops every rank.
std::vector<std::filesystem::path>
predictToBigWig(Model& model, const DatasetSpec& trainSpec, std::int64_t inputLength,
                const DataStatistics& statistics, const PredictRequest& request,
                const std::string& path, PredictSummary* summary = nullptr);

} // namespace kdna
