#pragma once

#include "core/data/keyword_values.h"
#include "core/util/problem.h"

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace kdna {

enum class DataKind { Continuous, Sparse };

/// The kind a dataset's first annotation file gave, remembered for that file: when its name
/// says nothing, its content is read once, not at every isSparse() / toJson(). Not part of the
/// spec's value (every memo compares equal); copies keep what was decided.
class KindMemo {
public:
    KindMemo() = default;
    KindMemo(const KindMemo& other);
    KindMemo& operator=(const KindMemo& other);
    /// The kind of `file` (resolved), read from its content on the first call for that file.
    [[nodiscard]] DataKind of(const std::filesystem::path& file) const;
    friend bool operator==(const KindMemo&, const KindMemo&) { return true; }

private:
    mutable std::mutex m_mutex;
    mutable std::filesystem::path m_file;
    mutable DataKind m_kind = DataKind::Continuous;
};

/// The keywords of keras_dna's Generator / SeqIntervalDl, with keras_dna's names and defaults.
/// "None"-like values are encoded as shown in each comment; JSON uses keras_dna's spellings
/// (null, "auto", "MAXLEN", "maxlen", "all"). Each keyword is declared once, with its JSON
/// type, words, help and the data it applies to, in the catalog (dataset_keywords.h), which
/// reads, writes and checks them; a new keyword is a member here and one entry there.
struct DatasetSpec {
    // --- shared --------------------------------------------------------------------------
    std::int64_t batch_size = 64;
    std::string fasta_file;
    std::vector<std::string> annotation_files;
    std::vector<std::string> incl_chromosomes;
    std::vector<std::string> excl_chromosomes;
    std::vector<std::int64_t> output_shape; ///< empty: None
    int dummy_axis = -1;                    ///< -1: None
    int alphabet_axis = 1;
    bool rc = false;
    Mode<Weighting> weighting_mode = Weighting::None;
    std::int64_t bins = 0;  ///< 0: 'auto'
    std::uint64_t seed = 1; ///< kdna: drives every random choice (shuffles, negatives)

    // --- secondary inputs / targets -------------------------------------------------------
    std::vector<std::string> sec_inputs;
    std::int64_t sec_input_length = 0;         ///< 0: 'maxlen' (the window / seq_len)
    std::vector<std::int64_t> sec_input_shape; ///< empty: None
    int sec_nb_annotation = 0;                 ///< 0: None
    std::vector<NormalizationMode> sec_normalization_mode;
    Mode<SecondaryUse> use_sec_as = SecondaryUse::Inputs;

    // --- continuous (bigWig) annotations ---------------------------------------------------
    std::int64_t window = 0;
    std::int64_t tg_window = 1;
    int nb_annotation_type = 0;                        ///< 0: None
    std::vector<NormalizationMode> normalization_mode; ///< none, one, or two (second first)
    Mode<Downsampling> downsampling = Downsampling::None;
    bool overlapping = true;

    // --- sparse (BED / GFF) annotations ----------------------------------------------------
    std::vector<std::string> annotation_list;
    std::int64_t seq_len = 0;        ///< 0: 'MAXLEN'
    std::int64_t negative_ratio = 1; ///< -1: 'all'
    Mode<NegativeType> negative_type = NegativeType::Real;
    bool data_augmentation = false;
    bool seq2seq = false;
    Mode<DefinedPositive> defined_positive = DefinedPositive::MatchAll;
    Mode<PredictPoint> predict = PredictPoint::All;
    bool use_strand = false; ///< reverse-complement windows of '-' strand features

    /// Folder relative paths resolve against (the project or spec file's folder), and the
    /// folder `${data}` in a path stands for (--data / KDNA_DATA); neither is saved.
    std::filesystem::path base_dir;
    std::filesystem::path data_dir;
    KindMemo kind_memo;

    [[nodiscard]] std::filesystem::path resolve(const std::string& file) const;
    /// Sparse when the first annotation file is BED/narrowPeak/GFF/GTF (by its name, else by
    /// its content, read once: kind_memo), else continuous.
    [[nodiscard]] DataKind kind() const;
    [[nodiscard]] bool isSparse() const { return kind() == DataKind::Sparse; }
    /// The input length: window (continuous) or seq_len (sparse; 0 while 'MAXLEN').
    [[nodiscard]] std::int64_t inputLength() const;

    /// Reads keras_dna keywords; type errors and unknown keywords go to `problems` (with the
    /// closest known keyword), the rest of the spec is still filled.
    static DatasetSpec fromJson(const nlohmann::json& j, std::vector<Problem>& problems);
    /// Reads and throws on any problem.
    static DatasetSpec fromJson(const nlohmann::json& j);
    /// The keywords that differ from keras_dna's defaults, plus the required ones.
    [[nodiscard]] nlohmann::json toJson() const;

    friend bool operator==(const DatasetSpec&, const DatasetSpec&) = default;
};

/// Checks values and their combinations without reading any file. Every problem is reported.
[[nodiscard]] std::vector<Problem> validate(const DatasetSpec& spec);

/// keras_dna's MultiGenerator: several datasets (e.g. two genomes, or both strands) mixed.
struct MultiSpec {
    std::int64_t batch_size = 64;
    std::vector<DatasetSpec> dataset_list;
    /// Examples drawn from each dataset; empty: 'all'.
    std::vector<std::int64_t> inst_per_dataset;
    std::vector<std::int64_t> output_shape;
    std::uint64_t seed = 1;

    static MultiSpec fromJson(const nlohmann::json& j, std::vector<Problem>& problems);
    [[nodiscard]] nlohmann::json toJson() const;
    friend bool operator==(const MultiSpec&, const MultiSpec&) = default;
};
[[nodiscard]] std::vector<Problem> validate(const MultiSpec& spec);

/// The names of every keyword DatasetSpec reads (the catalog's, in its order).
[[nodiscard]] const std::vector<std::string>& datasetKeywords();

} // namespace kdna
