#include "core/data/dataset_spec.h"

#include "core/data/dataset_keywords.h"
#include "core/tracks/file_kind.h"
#include "core/util/chrom_names.h"
#include "core/util/error.h"
#include "core/util/paths.h"
#include "core/util/text.h"

#include <algorithm>
#include <cstdint>

#include <nlohmann/json.hpp>

namespace kdna {
using nlohmann::json;

namespace {

void unknownKeywords(const json& j, const std::vector<std::string>& known,
                     std::vector<Problem>& problems)
{
    for (const auto& [key, value] : j.items()) {
        if (std::find(known.begin(), known.end(), key) != known.end())
            continue;
        std::string msg = "is not a keyword kdna knows";
        const auto near = chrom_names::near(key, known);
        if (!near.empty())
            msg += " (did you mean '" + near.front() + "'?)";
        problems.push_back({key, msg});
    }
}

const KeywordInfo& keyword(const char* name)
{
    return *findKeyword(name);
}

} // namespace

const std::vector<std::string>& datasetKeywords()
{
    static const std::vector<std::string> names = [] {
        std::vector<std::string> n;
        for (const auto& k : datasetKeywordCatalog())
            n.emplace_back(k.name);
        return n;
    }();
    return names;
}

KindMemo::KindMemo(const KindMemo& other)
{
    const std::lock_guard lock(other.m_mutex);
    m_file = other.m_file;
    m_kind = other.m_kind;
}

KindMemo& KindMemo::operator=(const KindMemo& other)
{
    if (this != &other) {
        std::scoped_lock lock(m_mutex, other.m_mutex);
        m_file = other.m_file;
        m_kind = other.m_kind;
    }
    return *this;
}

DataKind KindMemo::of(const std::filesystem::path& file) const
{
    const std::lock_guard lock(m_mutex);
    if (m_file != file) {
        m_kind = isFeatureKind(detectFileKind(file)) ? DataKind::Sparse : DataKind::Continuous;
        m_file = file;
    }
    return m_kind;
}

std::filesystem::path DatasetSpec::resolve(const std::string& file) const
{
    return paths::resolve(base_dir, file, data_dir);
}

DataKind DatasetSpec::kind() const
{
    if (annotation_files.empty())
        return DataKind::Continuous;
    if (const auto feature = isFeatureFileName(annotation_files.front()))
        return *feature ? DataKind::Sparse : DataKind::Continuous;
    return kind_memo.of(resolve(annotation_files.front()));
}

std::int64_t DatasetSpec::inputLength() const
{
    return isSparse() ? seq_len : window;
}

DatasetSpec DatasetSpec::fromJson(const json& j, std::vector<Problem>& problems)
{
    DatasetSpec s;
    if (!j.is_object()) {
        problems.push_back({"dataset", "must be a JSON object of keras_dna keywords"});
        return s;
    }
    unknownKeywords(j, datasetKeywords(), problems);
    for (const auto& k : datasetKeywordCatalog())
        if (j.contains(k.name))
            readKeyword(k, j.at(k.name), s, problems);
    return s;
}

DatasetSpec DatasetSpec::fromJson(const json& j)
{
    std::vector<Problem> problems;
    DatasetSpec s = fromJson(j, problems);
    throwIfProblems(problems);
    return s;
}

json DatasetSpec::toJson() const
{
    static const DatasetSpec defaults;
    json j = json::object();
    for (const auto& k : datasetKeywordCatalog()) {
        if (k.written == KeywordWritten::Never || !keywordApplies(k, *this))
            continue;
        json value = keywordValue(*this, k);
        if (k.written == KeywordWritten::WhenChanged && value == keywordValue(defaults, k))
            continue;
        j[k.name] = std::move(value);
    }
    return j;
}

namespace {

/// Collects problems named by keyword.
struct Checks {
    std::vector<Problem>& p;
    void add(const char* key, std::string msg) { p.push_back({key, std::move(msg)}); }
};

/// Required files, chromosomes, axes, the catalog's words, bins, one kind of file.
void checkCommon(const DatasetSpec& s, Checks& c)
{
    auto add = [&c](const char* key, std::string msg) {
        c.add(key, std::move(msg));
    };
    auto& p = c.p;
    if (s.batch_size < 1)
        add("batch_size", "must be at least 1, not " + std::to_string(s.batch_size));
    if (s.fasta_file.empty())
        add("fasta_file", "is required: the genome FASTA (plain or bgzip)");
    if (s.annotation_files.empty())
        add("annotation_files", "is required: at least one bigWig (regression) or BED/GFF "
                                "(classification) file");
    if (!s.incl_chromosomes.empty() && !s.excl_chromosomes.empty()) {
        for (const auto& chrom : s.excl_chromosomes)
            if (std::find(s.incl_chromosomes.begin(), s.incl_chromosomes.end(), chrom) !=
                s.incl_chromosomes.end())
                add("excl_chromosomes", "'" + chrom + "' is both included and excluded");
    }
    if (s.dummy_axis < -1 || s.dummy_axis > 2)
        add("dummy_axis", "must be None, 0, 1 or 2, not " + std::to_string(s.dummy_axis));
    const int maxAlphabet = s.dummy_axis >= 0 ? 2 : 1;
    if (s.alphabet_axis < 0 || s.alphabet_axis > maxAlphabet)
        add("alphabet_axis", "must be 0 or 1" + std::string(maxAlphabet == 2 ? " or 2" : "") +
                                 std::string(maxAlphabet == 1 ? " (2 needs a dummy_axis)" : "") +
                                 ", not " + std::to_string(s.alphabet_axis));
    else if (s.dummy_axis >= 0 && s.alphabet_axis == s.dummy_axis)
        add("alphabet_axis", "cannot be the dummy_axis (" + std::to_string(s.dummy_axis) + ")");
    // The words of every mode that applies to this data, from the catalog.
    for (const auto& k : datasetKeywordCatalog())
        if (keywordApplies(k, s.kind(), !s.sec_inputs.empty()))
            checkKeywordWords(k, s, p);
    if (s.bins < 0)
        add("bins", "must be 'auto' or a positive number of bins");

    // Files of one kind only: bigWig targets or BED/GFF annotations.
    const DataKind kind = s.kind();
    if (s.annotation_files.size() > 1) {
        DatasetSpec first = s;
        for (std::size_t i = 1; i < s.annotation_files.size(); ++i) {
            first.annotation_files = {s.annotation_files[i]};
            if (first.kind() != kind)
                add("annotation_files", "mixes bigWig and BED/GFF files ('" +
                                            s.annotation_files[i] +
                                            "'); put secondary bigWigs in sec_inputs");
        }
    }
}

/// sec_input_length and sec_nb_annotation, when there is a secondary track.
void checkSecondary(const DatasetSpec& s, Checks& c)
{
    auto add = [&c](const char* key, std::string msg) {
        c.add(key, std::move(msg));
    };
    if (s.sec_input_length < 0)
        add("sec_input_length", "must be 'maxlen' or a positive length");
    else if (s.sec_input_length > 0 && s.inputLength() > 0 && s.sec_input_length > s.inputLength())
        add("sec_input_length", std::to_string(s.sec_input_length) +
                                    " is longer than the input window (" +
                                    std::to_string(s.inputLength()) + ")");
    if (s.sec_nb_annotation < 0 ||
        (s.sec_nb_annotation > 0 &&
         s.sec_inputs.size() % static_cast<std::size_t>(s.sec_nb_annotation) != 0))
        add("sec_nb_annotation",
            "must divide the number of sec_inputs (" + std::to_string(s.sec_inputs.size()) + ")");
}

/// window, tg_window, nb_annotation_type, downsampling for bigWig targets.
void checkContinuous(const DatasetSpec& s, Checks& c)
{
    auto add = [&c](const char* key, std::string msg) {
        c.add(key, std::move(msg));
    };
    if (s.window < 1)
        add("window", "is required for bigWig data: the input length in bases (e.g. 2001)");
    if (s.tg_window < 1)
        add("tg_window", "must be at least 1, not " + std::to_string(s.tg_window));
    else if (s.window >= 1 && s.tg_window > s.window)
        add("tg_window", std::to_string(s.tg_window) + " is longer than the window (" +
                             std::to_string(s.window) + ")");
    if (s.nb_annotation_type < 0 ||
        (s.nb_annotation_type > 0 &&
         s.annotation_files.size() % static_cast<std::size_t>(s.nb_annotation_type) != 0))
        add("nb_annotation_type", "must divide the number of annotation_files (" +
                                      std::to_string(s.annotation_files.size()) +
                                      "); list them as file1_ann1, file1_ann2, file2_ann1, ...");
    if (!(s.downsampling == Downsampling::None) && s.downsampling.known() && s.window > 0 &&
        s.tg_window > 0 && s.window % s.tg_window != 0)
        add("downsampling", "needs a window (" + std::to_string(s.window) +
                                ") that is a multiple of tg_window (" +
                                std::to_string(s.tg_window) + ")");
    if (!s.annotation_list.empty())
        add("annotation_list", "applies to BED/GFF annotations; these are bigWig tracks");
}

/// annotation_list, seq_len, negative_ratio, and the bigWig keywords that do not apply.
void checkSparse(const DatasetSpec& s, Checks& c)
{
    auto add = [&c](const char* key, std::string msg) {
        c.add(key, std::move(msg));
    };
    if (s.annotation_list.empty())
        add("annotation_list", "is required for BED/GFF data: the feature types to learn, "
                               "e.g. ['gene'] (a BED holds one type: name it as you like)");
    if (s.seq_len < 0)
        add("seq_len", "must be 'MAXLEN' or a positive length");
    if (s.negative_ratio < -1)
        add("negative_ratio", "must be a non-negative number or 'all'");
    if (s.window > 0)
        add("window", "applies to bigWig data; BED/GFF windows are set by seq_len");
    if (!s.normalization_mode.empty())
        add("normalization_mode", "applies to bigWig targets, not to BED/GFF labels");
}

/// output_shape and sec_input_shape: their form only.
void checkShapes(const DatasetSpec& s, Checks& c)
{
    auto add = [&c](const char* key, std::string msg) {
        c.add(key, std::move(msg));
    };
    // output_shape must multiply out to the natural label shape, batch included. The
    // shape functions (shapes.h) check it against the computed shape; here only the form.
    if (!s.output_shape.empty()) {
        if (std::any_of(s.output_shape.begin(), s.output_shape.end(), [](auto d) { return d < 1; }))
            add("output_shape", "every dimension must be positive, e.g. [64, 1]");
        else if (s.output_shape.front() != s.batch_size)
            add("output_shape", "its first dimension is the batch (" +
                                    std::to_string(s.batch_size) + "), not " +
                                    std::to_string(s.output_shape.front()));
    }
    if (!s.sec_input_shape.empty() &&
        std::any_of(s.sec_input_shape.begin(), s.sec_input_shape.end(),
                    [](auto d) { return d < 1; }))
        add("sec_input_shape", "every dimension must be positive, e.g. [64, 100]");
}

} // namespace

std::vector<Problem> validate(const DatasetSpec& s)
{
    std::vector<Problem> p;
    Checks c{p};
    checkCommon(s, c);
    if (!s.sec_inputs.empty())
        checkSecondary(s, c);
    if (s.kind() == DataKind::Continuous)
        checkContinuous(s, c);
    else
        checkSparse(s, c);
    checkShapes(s, c);
    return p;
}

MultiSpec MultiSpec::fromJson(const json& j, std::vector<Problem>& problems)
{
    MultiSpec m;
    static const std::vector<std::string> known = {
        "type", "batch_size", "dataset_list", "inst_per_dataset", "output_shape", "seed"};
    unknownKeywords(j, known, problems);
    // batch_size, output_shape and seed mean what they mean in a dataset; inst_per_dataset is
    // read as a shape is.
    DatasetSpec read;
    for (const char* name : {"batch_size", "output_shape", "seed"})
        if (j.contains(name))
            readKeyword(keyword(name), j.at(name), read, problems);
    m.batch_size = read.batch_size;
    m.output_shape = read.output_shape;
    m.seed = read.seed;
    if (j.contains("inst_per_dataset") && j.at("inst_per_dataset").is_string()) {
        if (j.at("inst_per_dataset") != "all")
            problems.push_back({"inst_per_dataset", "must be 'all' or a list of counts"});
    } else if (j.contains("inst_per_dataset")) {
        KeywordInfo counts = keyword("output_shape");
        counts.name = "inst_per_dataset";
        DatasetSpec scratch;
        readKeyword(counts, j.at("inst_per_dataset"), scratch, problems);
        m.inst_per_dataset = scratch.output_shape;
    }
    if (!j.contains("dataset_list") || !j.at("dataset_list").is_array())
        problems.push_back(
            {"dataset_list", "is required: a list of datasets (SeqIntervalDl keywords)"});
    else
        for (const auto& d : j.at("dataset_list")) {
            auto spec = DatasetSpec::fromJson(d, problems);
            spec.batch_size = m.batch_size;
            m.dataset_list.push_back(std::move(spec));
        }
    return m;
}

json MultiSpec::toJson() const
{
    json j;
    j["type"] = "MultiGenerator";
    j["batch_size"] = batch_size;
    j["dataset_list"] = json::array();
    for (const auto& d : dataset_list) {
        json dj = d.toJson();
        dj["type"] = "SeqIntervalDl";
        dj.erase("batch_size");
        dj.erase("output_shape");
        j["dataset_list"].push_back(dj);
    }
    j["inst_per_dataset"] = inst_per_dataset.empty() ? json("all") : json(inst_per_dataset);
    if (!output_shape.empty())
        j["output_shape"] = output_shape;
    if (seed != 1)
        j["seed"] = seed;
    return j;
}

std::vector<Problem> validate(const MultiSpec& m)
{
    std::vector<Problem> p;
    if (m.dataset_list.empty())
        p.push_back({"dataset_list", "needs at least one dataset"});
    if (!m.inst_per_dataset.empty() && m.inst_per_dataset.size() != m.dataset_list.size())
        p.push_back({"inst_per_dataset", "needs one count per dataset (" +
                                             std::to_string(m.dataset_list.size()) + "), not " +
                                             std::to_string(m.inst_per_dataset.size())});
    for (std::size_t i = 0; i < m.dataset_list.size(); ++i)
        for (auto problem : validate(m.dataset_list[i])) {
            problem.keyword = "dataset_list[" + std::to_string(i) + "]." + problem.keyword;
            p.push_back(std::move(problem));
        }
    return p;
}

} // namespace kdna
