#include "core/data/dataset_spec.h"

#include "core/tracks/file_kind.h"
#include "core/util/chrom_names.h"
#include "core/util/error.h"
#include "core/util/paths.h"
#include "core/util/text.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <set>

#include <nlohmann/json.hpp>

namespace kdna {
using nlohmann::json;

namespace {

const std::vector<std::string> kDatasetKeywords = {"type",
                                                   "batch_size",
                                                   "fasta_file",
                                                   "annotation_files",
                                                   "incl_chromosomes",
                                                   "excl_chromosomes",
                                                   "output_shape",
                                                   "dummy_axis",
                                                   "alphabet_axis",
                                                   "rc",
                                                   "weighting_mode",
                                                   "bins",
                                                   "seed",
                                                   "sec_inputs",
                                                   "sec_input_length",
                                                   "sec_input_shape",
                                                   "sec_nb_annotation",
                                                   "sec_normalization_mode",
                                                   "use_sec_as",
                                                   "window",
                                                   "tg_window",
                                                   "nb_annotation_type",
                                                   "normalization_mode",
                                                   "downsampling",
                                                   "overlapping",
                                                   "annotation_list",
                                                   "seq_len",
                                                   "negative_ratio",
                                                   "negative_type",
                                                   "data_augmentation",
                                                   "seq2seq",
                                                   "defined_positive",
                                                   "predict",
                                                   "use_strand",
                                                   "one_hot_encoding",
                                                   "alphabet"};

/// Reads typed keyword values from a JSON object, collecting problems instead of throwing.
class KeywordReader {
public:
    KeywordReader(const json& j, std::vector<Problem>& problems)
        : m_j(j)
        , m_problems(problems)
    {}

    bool has(const char* key) const { return m_j.contains(key) && !m_j.at(key).is_null(); }
    void problem(const char* key, std::string message)
    {
        m_problems.push_back({key, std::move(message)});
    }

    void integer(const char* key, std::int64_t& out)
    {
        if (!has(key))
            return;
        const auto& v = m_j.at(key);
        if (v.is_number_integer())
            out = v.get<std::int64_t>();
        else if (v.is_number_float() && std::abs(v.get<double>()) < 9.2e18 &&
                 v.get<double>() == std::trunc(v.get<double>()))
            // 2001.0 is 2001; a float past int64 (1e88) has no whole-number value here.
            out = static_cast<std::int64_t>(v.get<double>());
        else
            problem(key, "must be a whole number, not " + v.dump());
    }
    void integer(const char* key, int& out)
    {
        std::int64_t v = out;
        integer(key, v);
        out = static_cast<int>(v);
    }
    void unsignedInteger(const char* key, std::uint64_t& out)
    {
        if (!has(key))
            return;
        const auto& v = m_j.at(key);
        if (v.is_number_unsigned() || (v.is_number_integer() && v.get<std::int64_t>() >= 0))
            out = v.get<std::uint64_t>();
        else
            problem(key, "must be a non-negative whole number, not " + v.dump());
    }
    void boolean(const char* key, bool& out)
    {
        if (!has(key))
            return;
        const auto& v = m_j.at(key);
        if (v.is_boolean())
            out = v.get<bool>();
        else
            problem(key, "must be true or false, not " + v.dump());
    }
    void string(const char* key, std::string& out)
    {
        if (!m_j.contains(key))
            return;
        const auto& v = m_j.at(key);
        if (v.is_null())
            out.clear();
        else if (v.is_string())
            out = v.get<std::string>();
        else
            problem(key, "must be a string, not " + v.dump());
    }
    /// A list of strings; a single string is accepted as a list of one (as keras_dna does).
    void strings(const char* key, std::vector<std::string>& out)
    {
        if (!m_j.contains(key))
            return;
        const auto& v = m_j.at(key);
        out.clear();
        if (v.is_null())
            return;
        if (v.is_string()) {
            out.push_back(v.get<std::string>());
            return;
        }
        if (!v.is_array()) {
            problem(key, "must be a list of strings, not " + v.dump());
            return;
        }
        for (const auto& e : v) {
            if (!e.is_string()) {
                problem(key, "must be a list of strings; " + e.dump() + " is not a string");
                return;
            }
            out.push_back(e.get<std::string>());
        }
    }
    void shape(const char* key, std::vector<std::int64_t>& out)
    {
        if (!m_j.contains(key))
            return;
        const auto& v = m_j.at(key);
        out.clear();
        if (v.is_null())
            return;
        if (v.is_number_integer()) {
            out.push_back(v.get<std::int64_t>());
            return;
        }
        if (!v.is_array()) {
            problem(key, "must be a list of whole numbers such as [64, 1], not " + v.dump());
            return;
        }
        for (const auto& e : v) {
            if (!e.is_number_integer()) {
                problem(key, "must be a list of whole numbers; " + e.dump() + " is not one");
                out.clear();
                return;
            }
            out.push_back(e.get<std::int64_t>());
        }
    }
    /// An integer or one special word (e.g. seq_len: 'MAXLEN' -> `wordValue`).
    void integerOrWord(const char* key, std::int64_t& out, const char* word, std::int64_t wordValue)
    {
        if (!has(key))
            return;
        const auto& v = m_j.at(key);
        if (v.is_string()) {
            if (text::toLower(v.get<std::string>()) == text::toLower(word))
                out = wordValue;
            else
                problem(key,
                        std::string("must be a whole number or '") + word + "', not " + v.dump());
            return;
        }
        integer(key, out);
    }
    /// A normalisation: null, one name, or a list of up to two names.
    void modes(const char* key, std::vector<std::string>& out) { strings(key, out); }

private:
    const json& m_j;
    std::vector<Problem>& m_problems;
};

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

template<typename T>
void put(json& j, const char* key, const T& value, const T& defaultValue)
{
    if (!(value == defaultValue))
        j[key] = value;
}

json modesJson(const std::vector<std::string>& modes)
{
    if (modes.empty())
        return nullptr;
    if (modes.size() == 1)
        return modes.front();
    return modes;
}

bool oneOf(const std::string& v, std::initializer_list<const char*> allowed)
{
    for (const char* a : allowed)
        if (v == a)
            return true;
    return false;
}

std::string listOf(std::initializer_list<const char*> allowed)
{
    std::vector<std::string> names(allowed.begin(), allowed.end());
    return text::quotedList(names, 20);
}

void checkModes(const char* key, const std::vector<std::string>& modes,
                std::vector<Problem>& problems)
{
    static const auto allowed = {"max", "perctrim", "zscore", "min_max", "logtransform"};
    if (modes.size() > 2)
        problems.push_back({key, "takes one normalisation or a list of two (the second is applied "
                                 "first), not " +
                                     std::to_string(modes.size())});
    for (const auto& m : modes)
        if (!oneOf(m, allowed))
            problems.push_back(
                {key, "'" + m + "' is not a normalisation; valid: " + listOf(allowed)});
}

} // namespace

const std::vector<std::string>& datasetKeywords()
{
    return kDatasetKeywords;
}

std::filesystem::path DatasetSpec::resolve(const std::string& file) const
{
    return paths::resolve(base_dir, file, data_dir);
}

DataKind DatasetSpec::kind() const
{
    if (annotation_files.empty())
        return DataKind::Continuous;
    std::string name = text::toLower(annotation_files.front());
    if (text::endsWith(name, ".gz"))
        name.resize(name.size() - 3);
    for (const char* e : {".bed", ".gff", ".gff3", ".gtf", ".narrowpeak", ".broadpeak"})
        if (text::endsWith(name, e))
            return DataKind::Sparse;
    for (const char* e : {".bw", ".bigwig", ".wig", ".bedgraph"})
        if (text::endsWith(name, e))
            return DataKind::Continuous;
    return isFeatureKind(detectFileKind(resolve(annotation_files.front()))) ? DataKind::Sparse
                                                                            : DataKind::Continuous;
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
    unknownKeywords(j, kDatasetKeywords, problems);
    KeywordReader r(j, problems);
    if (r.has("type")) {
        const auto& t = j.at("type");
        if (!t.is_string() || !oneOf(t.get<std::string>(), {"Generator", "SeqIntervalDl"}))
            r.problem("type", "must be 'Generator' or 'SeqIntervalDl' here, not " + t.dump());
    }
    r.integer("batch_size", s.batch_size);
    r.string("fasta_file", s.fasta_file);
    r.strings("annotation_files", s.annotation_files);
    r.strings("incl_chromosomes", s.incl_chromosomes);
    r.strings("excl_chromosomes", s.excl_chromosomes);
    r.shape("output_shape", s.output_shape);
    if (j.contains("dummy_axis") && j.at("dummy_axis").is_null())
        s.dummy_axis = -1;
    else
        r.integer("dummy_axis", s.dummy_axis);
    r.integer("alphabet_axis", s.alphabet_axis);
    r.boolean("rc", s.rc);
    r.string("weighting_mode", s.weighting_mode);
    r.integerOrWord("bins", s.bins, "auto", 0);
    r.unsignedInteger("seed", s.seed);
    r.strings("sec_inputs", s.sec_inputs);
    r.integerOrWord("sec_input_length", s.sec_input_length, "maxlen", 0);
    r.shape("sec_input_shape", s.sec_input_shape);
    r.integer("sec_nb_annotation", s.sec_nb_annotation);
    r.modes("sec_normalization_mode", s.sec_normalization_mode);
    r.string("use_sec_as", s.use_sec_as);
    r.integer("window", s.window);
    r.integer("tg_window", s.tg_window);
    r.integer("nb_annotation_type", s.nb_annotation_type);
    r.modes("normalization_mode", s.normalization_mode);
    r.string("downsampling", s.downsampling);
    r.boolean("overlapping", s.overlapping);
    r.strings("annotation_list", s.annotation_list);
    r.integerOrWord("seq_len", s.seq_len, "MAXLEN", 0);
    r.integerOrWord("negative_ratio", s.negative_ratio, "all", -1);
    r.string("negative_type", s.negative_type);
    r.boolean("data_augmentation", s.data_augmentation);
    r.boolean("seq2seq", s.seq2seq);
    r.string("defined_positive", s.defined_positive);
    r.string("predict", s.predict);
    r.boolean("use_strand", s.use_strand);
    if (r.has("one_hot_encoding") && j.at("one_hot_encoding") != json(true))
        r.problem("one_hot_encoding",
                  "kdna always one-hot encodes the sequence; only true is valid");
    if (r.has("alphabet") && j.at("alphabet") != json("ACGT"))
        r.problem("alphabet", "kdna encodes with the alphabet 'ACGT' only");
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
    const DatasetSpec d;
    json j;
    j["type"] = "Generator";
    j["batch_size"] = batch_size;
    j["fasta_file"] = fasta_file;
    j["annotation_files"] = annotation_files;
    put(j, "incl_chromosomes", incl_chromosomes, d.incl_chromosomes);
    put(j, "excl_chromosomes", excl_chromosomes, d.excl_chromosomes);
    put(j, "output_shape", output_shape, d.output_shape);
    if (dummy_axis >= 0)
        j["dummy_axis"] = dummy_axis;
    put(j, "alphabet_axis", alphabet_axis, d.alphabet_axis);
    put(j, "rc", rc, d.rc);
    if (!weighting_mode.empty()) {
        j["weighting_mode"] = weighting_mode;
        j["bins"] = bins == 0 ? json("auto") : json(bins);
    }
    put(j, "seed", seed, d.seed);
    if (!sec_inputs.empty()) {
        j["sec_inputs"] = sec_inputs;
        j["sec_input_length"] = sec_input_length == 0 ? json("maxlen") : json(sec_input_length);
        if (!sec_input_shape.empty())
            j["sec_input_shape"] = sec_input_shape;
        if (sec_nb_annotation > 0)
            j["sec_nb_annotation"] = sec_nb_annotation;
        j["sec_normalization_mode"] = modesJson(sec_normalization_mode);
        j["use_sec_as"] = use_sec_as;
    }
    if (kind() == DataKind::Continuous) {
        j["window"] = window;
        put(j, "tg_window", tg_window, d.tg_window);
        if (nb_annotation_type > 0)
            j["nb_annotation_type"] = nb_annotation_type;
        if (!normalization_mode.empty())
            j["normalization_mode"] = modesJson(normalization_mode);
        if (!downsampling.empty())
            j["downsampling"] = downsampling;
        put(j, "overlapping", overlapping, d.overlapping);
    } else {
        j["annotation_list"] = annotation_list;
        j["seq_len"] = seq_len == 0 ? json("MAXLEN") : json(seq_len);
        j["negative_ratio"] = negative_ratio < 0 ? json("all") : json(negative_ratio);
        j["negative_type"] = negative_type.empty() ? json(nullptr) : json(negative_type);
        put(j, "data_augmentation", data_augmentation, d.data_augmentation);
        put(j, "seq2seq", seq2seq, d.seq2seq);
        put(j, "defined_positive", defined_positive, d.defined_positive);
        put(j, "predict", predict, d.predict);
        put(j, "use_strand", use_strand, d.use_strand);
    }
    return j;
}

std::vector<Problem> validate(const DatasetSpec& s)
{
    std::vector<Problem> p;
    auto add = [&p](const char* key, std::string msg) {
        p.push_back({key, std::move(msg)});
    };

    if (s.batch_size < 1)
        add("batch_size", "must be at least 1, not " + std::to_string(s.batch_size));
    if (s.fasta_file.empty())
        add("fasta_file", "is required: the genome FASTA (plain or bgzip)");
    if (s.annotation_files.empty())
        add("annotation_files", "is required: at least one bigWig (regression) or BED/GFF "
                                "(classification) file");
    if (!s.incl_chromosomes.empty() && !s.excl_chromosomes.empty()) {
        for (const auto& c : s.excl_chromosomes)
            if (std::find(s.incl_chromosomes.begin(), s.incl_chromosomes.end(), c) !=
                s.incl_chromosomes.end())
                add("excl_chromosomes", "'" + c + "' is both included and excluded");
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
    if (!s.weighting_mode.empty() && s.weighting_mode != "balanced")
        add("weighting_mode", "must be None or 'balanced', not '" + s.weighting_mode + "'");
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

    if (!s.sec_inputs.empty()) {
        if (s.sec_input_length < 0)
            add("sec_input_length", "must be 'maxlen' or a positive length");
        else if (s.sec_input_length > 0 && s.inputLength() > 0 &&
                 s.sec_input_length > s.inputLength())
            add("sec_input_length", std::to_string(s.sec_input_length) +
                                        " is longer than the input window (" +
                                        std::to_string(s.inputLength()) + ")");
        if (s.sec_nb_annotation < 0 ||
            (s.sec_nb_annotation > 0 &&
             s.sec_inputs.size() % static_cast<std::size_t>(s.sec_nb_annotation) != 0))
            add("sec_nb_annotation", "must divide the number of sec_inputs (" +
                                         std::to_string(s.sec_inputs.size()) + ")");
        checkModes("sec_normalization_mode", s.sec_normalization_mode, p);
        if (!oneOf(s.use_sec_as, {"inputs", "targets"}))
            add("use_sec_as", "must be 'inputs' or 'targets', not '" + s.use_sec_as + "'");
    }

    if (kind == DataKind::Continuous) {
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
            add("nb_annotation_type",
                "must divide the number of annotation_files (" +
                    std::to_string(s.annotation_files.size()) +
                    "); list them as file1_ann1, file1_ann2, file2_ann1, ...");
        checkModes("normalization_mode", s.normalization_mode, p);
        if (!s.downsampling.empty()) {
            if (!oneOf(s.downsampling, {"downsampling", "mean"}))
                add("downsampling",
                    "must be None, 'downsampling' or 'mean', not '" + s.downsampling + "'");
            else if (s.window > 0 && s.tg_window > 0 && s.window % s.tg_window != 0)
                add("downsampling", "needs a window (" + std::to_string(s.window) +
                                        ") that is a multiple of tg_window (" +
                                        std::to_string(s.tg_window) + ")");
        }
        if (!s.annotation_list.empty())
            add("annotation_list", "applies to BED/GFF annotations; these are bigWig tracks");
    } else {
        if (s.annotation_list.empty())
            add("annotation_list", "is required for BED/GFF data: the feature types to learn, "
                                   "e.g. ['gene'] (a BED holds one type: name it as you like)");
        if (s.seq_len < 0)
            add("seq_len", "must be 'MAXLEN' or a positive length");
        if (s.negative_ratio < -1)
            add("negative_ratio", "must be a non-negative number or 'all'");
        if (!oneOf(s.negative_type, {"real", "random", ""}))
            add("negative_type", "must be 'real', 'random' or None, not '" + s.negative_type + "'");
        if (!oneOf(s.defined_positive, {"match_all", "match_any"}))
            add("defined_positive",
                "must be 'match_all' or 'match_any', not '" + s.defined_positive + "'");
        if (!oneOf(s.predict, {"all", "start", "stop"}))
            add("predict", "must be 'all', 'start' or 'stop', not '" + s.predict + "'");
        if (s.window > 0)
            add("window", "applies to bigWig data; BED/GFF windows are set by seq_len");
        if (!s.normalization_mode.empty())
            add("normalization_mode", "applies to bigWig targets, not to BED/GFF labels");
    }

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
    return p;
}

MultiSpec MultiSpec::fromJson(const json& j, std::vector<Problem>& problems)
{
    MultiSpec m;
    static const std::vector<std::string> known = {
        "type", "batch_size", "dataset_list", "inst_per_dataset", "output_shape", "seed"};
    unknownKeywords(j, known, problems);
    KeywordReader r(j, problems);
    r.integer("batch_size", m.batch_size);
    r.shape("output_shape", m.output_shape);
    r.unsignedInteger("seed", m.seed);
    if (j.contains("inst_per_dataset") && j.at("inst_per_dataset").is_string()) {
        if (j.at("inst_per_dataset") != "all")
            r.problem("inst_per_dataset", "must be 'all' or a list of counts");
    } else {
        r.shape("inst_per_dataset", m.inst_per_dataset);
    }
    if (!j.contains("dataset_list") || !j.at("dataset_list").is_array())
        r.problem("dataset_list", "is required: a list of datasets (SeqIntervalDl keywords)");
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
