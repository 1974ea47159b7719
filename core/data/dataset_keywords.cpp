#include "core/data/dataset_keywords.h"

#include "core/util/text.h"

#include <cmath>
#include <cstring>

#include <nlohmann/json.hpp>

namespace kdna {
using nlohmann::json;

namespace {

using K = KeywordType;
using P = KeywordPlace;
using W = KeywordWritten;

/// One catalog entry, written as a sentence: keyword(name, JSON type, member, kinds, help),
/// then where the studio sets it (nowhere unless said), when toJson writes it (always unless
/// said), and its words and range. What is not said keeps KeywordInfo's default.
class Entry {
public:
    Entry(const char* name, KeywordType type, KeywordField field, unsigned kinds, const char* help)
        : m_k{.name = name,
              .type = type,
              .field = field,
              .kinds = kinds,
              .help = help,
              .label = "",
              .place = P::None,
              .written = W::Always}
    {}
    Entry& form(const char* label)
    {
        return set(&KeywordInfo::label, label).set(&KeywordInfo::place, P::Form);
    }
    Entry& pages() { return set(&KeywordInfo::place, P::Pages); }
    Entry& whenChanged() { return set(&KeywordInfo::written, W::WhenChanged); }
    Entry& never() { return set(&KeywordInfo::written, W::Never); }
    Entry& required() { return set(&KeywordInfo::required, true); }
    Entry& words(std::vector<const char*> words)
    {
        return set(&KeywordInfo::words, std::move(words));
    }
    /// An IntegerOrWord's one word (nullptr: None) and the number it stands for.
    Entry& orWord(const char* word, std::int64_t value)
    {
        return set(&KeywordInfo::words, std::vector<const char*>{word})
            .set(&KeywordInfo::wordValue, value);
    }
    Entry& atLeast(std::int64_t minimum) { return set(&KeywordInfo::minimum, minimum); }
    Entry& upTo(std::int64_t maximum) { return set(&KeywordInfo::maximum, maximum); }
    Entry& range(std::int64_t minimum, std::int64_t maximum)
    {
        return atLeast(minimum).upTo(maximum);
    }
    Entry& unit(const char* unit) { return set(&KeywordInfo::unit, unit); }
    Entry& atMostWords(std::size_t count) { return set(&KeywordInfo::maxCount, count); }
    Entry& after(const char* keyword) { return set(&KeywordInfo::after, keyword); }
    /// Implicit: the catalog's braced list is written as entries.
    operator KeywordInfo() const { return m_k; }

private:
    template<typename T, typename V>
    Entry& set(T KeywordInfo::*member, V&& value)
    {
        m_k.*member = std::forward<V>(value);
        return *this;
    }
    KeywordInfo m_k;
};

Entry keyword(const char* name, KeywordType type, KeywordField field, unsigned kinds,
              const char* help)
{
    return {name, type, std::move(field), kinds, help};
}

/// The catalog. A new keyword is a DatasetSpec member and one entry here: reading, writing,
/// checking, the CLI's help, the README's table and the studio's form follow from it. (One
/// long function on purpose: it is a table, one entry per keyword, in the documented order.)
std::vector<KeywordInfo> makeCatalog()
{
    const std::vector<const char*> normalisations = {"max", "perctrim", "zscore", "min_max",
                                                     "logtransform"};
    return {
        keyword("type", K::Fixed, {}, kBoth, "the keras_dna generator these keywords are for")
            .words({"\"Generator\"", "\"SeqIntervalDl\""}),
        keyword("batch_size", K::Integer, &DatasetSpec::batch_size, kBoth, "Examples per batch")
            .form("Batch size")
            .range(1, 1 << 16),
        keyword("fasta_file", K::Text, &DatasetSpec::fasta_file, kBoth,
                "The genome FASTA (plain or bgzip)")
            .pages()
            .required(),
        keyword("annotation_files", K::TextList, &DatasetSpec::annotation_files, kBoth,
                "The bigWig targets (regression) or the BED/narrowPeak/GFF annotations "
                "(classification); their kind decides the data's kind")
            .pages()
            .required(),
        keyword("incl_chromosomes", K::TextList, &DatasetSpec::incl_chromosomes, kBoth,
                "The chromosomes examples come from (empty: all)")
            .pages()
            .whenChanged(),
        keyword("excl_chromosomes", K::TextList, &DatasetSpec::excl_chromosomes, kBoth,
                "Chromosomes left out")
            .pages()
            .whenChanged(),
        keyword("output_shape", K::Shape, &DatasetSpec::output_shape, kBoth,
                "Batch shape of the labels, e.g. 64, 1 (batch first)")
            .form("Output shape")
            .whenChanged(),
        keyword("dummy_axis", K::IntegerOrWord, &DatasetSpec::dummy_axis, kBoth,
                "Adds an axis of size 1 (2D models)")
            .form("Dummy axis")
            .whenChanged()
            .orWord(nullptr, -1)
            .upTo(2),
        keyword("alphabet_axis", K::Integer, &DatasetSpec::alphabet_axis, kBoth,
                "Where the A, C, G, T axis goes")
            .form("Alphabet axis")
            .whenChanged()
            .upTo(2),
        keyword("rc", K::Boolean, &DatasetSpec::rc, kBoth,
                "Yields reverse-complemented windows, targets reversed")
            .form("Reverse-complement every window")
            .whenChanged(),
        keyword("weighting_mode", K::Choice, &DatasetSpec::weighting_mode, kBoth,
                "'balanced' weighs rare target values (or the rarer class) up")
            .form("Weighting")
            .whenChanged()
            .words({nullptr, "balanced"}),
        keyword("bins", K::IntegerOrWord, &DatasetSpec::bins, kBoth,
                "'auto' or a number of histogram bins for the balanced weights")
            .form("Bins")
            .orWord("auto", 0)
            .atLeast(1)
            .after("weighting_mode"),
        keyword("seed", K::Count, &DatasetSpec::seed, kBoth,
                "kdna's: drives every random choice; same seed, same batches")
            .form("Seed")
            .whenChanged()
            .upTo(1 << 30),
        keyword("sec_inputs", K::TextList, &DatasetSpec::sec_inputs, kBoth,
                "bigWig tracks given to the model as a second input, or a second target")
            .pages()
            .whenChanged(),
        keyword("sec_input_length", K::IntegerOrWord, &DatasetSpec::sec_input_length,
                kBoth | kSecondary,
                "Bases of the secondary track at the window's centre ('maxlen': the window)")
            .form("Length")
            .orWord("maxlen", 0)
            .atLeast(1)
            .unit(" bp"),
        keyword("sec_input_shape", K::Shape, &DatasetSpec::sec_input_shape, kBoth | kSecondary,
                "Batch shape of the secondary track, e.g. 64, 100 (batch first)")
            .form("Reshape to")
            .whenChanged(),
        keyword("sec_nb_annotation", K::IntegerOrWord, &DatasetSpec::sec_nb_annotation,
                kBoth | kSecondary,
                "Annotations per cell type among the sec_inputs (None: one each)")
            .form("Annotations per cell type")
            .whenChanged()
            .orWord(nullptr, 0)
            .range(1, 1 << 16),
        keyword("sec_normalization_mode", K::ChoiceList, &DatasetSpec::sec_normalization_mode,
                kBoth | kSecondary,
                "Normalisation of the secondary track (two: the second is applied first)")
            .form("Normalisation")
            .words(normalisations)
            .atMostWords(2),
        keyword("use_sec_as", K::Choice, &DatasetSpec::use_sec_as, kBoth | kSecondary,
                "A second model input, or a second target")
            .form("Used as")
            .words({"inputs", "targets"}),
        keyword("window", K::Integer, &DatasetSpec::window, kContinuous, "Input length in bases")
            .form("Window")
            .required()
            .atLeast(1)
            .unit(" bp"),
        keyword("tg_window", K::Integer, &DatasetSpec::tg_window, kContinuous,
                "Bases of the target at the window's centre")
            .form("Target window")
            .whenChanged()
            .atLeast(1)
            .unit(" bp"),
        keyword("nb_annotation_type", K::IntegerOrWord, &DatasetSpec::nb_annotation_type,
                kContinuous,
                "Annotations per cell type: files listed as file1_ann1, file1_ann2, ... "
                "(None: one each)")
            .form("Annotations per cell type")
            .whenChanged()
            .orWord(nullptr, 0)
            .range(1, 1 << 16),
        keyword("normalization_mode", K::ChoiceList, &DatasetSpec::normalization_mode, kContinuous,
                "keras_dna order: the second is applied first ('max' after 'perctrim')")
            .form("Normalisation")
            .whenChanged()
            .words(normalisations)
            .atMostWords(2),
        keyword("downsampling", K::Choice, &DatasetSpec::downsampling, kContinuous,
                "Targets over the whole window, tg_window of them: one base per block "
                "('downsampling') or each block's mean")
            .form("Downsampling")
            .whenChanged()
            .words({nullptr, "downsampling", "mean"}),
        keyword("overlapping", K::Boolean, &DatasetSpec::overlapping, kContinuous,
                "Windows at every base; off: windows a target apart")
            .form("Overlapping windows")
            .whenChanged(),
        keyword("annotation_list", K::TextList, &DatasetSpec::annotation_list, kSparse,
                "The feature types to learn, e.g. ['gene'] (a BED holds one type: name it)")
            .pages()
            .required(),
        keyword("seq_len", K::IntegerOrWord, &DatasetSpec::seq_len, kSparse,
                "Window length; MAXLEN is the longest positive")
            .form("Sequence length")
            .orWord("MAXLEN", 0)
            .atLeast(1)
            .unit(" bp"),
        keyword("negative_ratio", K::IntegerOrWord, &DatasetSpec::negative_ratio, kSparse,
                "How many negatives per positive ('all': every real negative window)")
            .form("Negatives per positive")
            .orWord("all", -1)
            .upTo(1000),
        keyword("negative_type", K::Choice, &DatasetSpec::negative_type, kSparse,
                "real: genomic windows touching no positive; random: random sequence; None: "
                "positives only")
            .form("Negative type")
            .words({"real", "random", nullptr}),
        keyword("data_augmentation", K::Boolean, &DatasetSpec::data_augmentation, kSparse,
                "Augments the positives: every window that holds the whole feature, not only "
                "the centred one")
            .form("Every window holding the whole positive")
            .whenChanged(),
        keyword("seq2seq", K::Boolean, &DatasetSpec::seq2seq, kSparse,
                "Per-base labels instead of one per window")
            .form("A label for every base")
            .whenChanged(),
        keyword("defined_positive", K::Choice, &DatasetSpec::defined_positive, kSparse,
                "match_all: the window holds the feature (or the feature the window); "
                "match_any: any overlap")
            .form("Positive when")
            .whenChanged()
            .words({"match_all", "match_any"}),
        keyword("predict", K::Choice, &DatasetSpec::predict, kSparse,
                "all: the whole feature; start/stop: its (strand-aware) first or last base")
            .form("Centre on")
            .whenChanged()
            .words({"all", "start", "stop"}),
        keyword("use_strand", K::Boolean, &DatasetSpec::use_strand, kSparse,
                "The windows of '-' strand features are reverse-complemented")
            .form("Reverse-complement '-' features")
            .whenChanged(),
        keyword("one_hot_encoding", K::Fixed, {}, kBoth, "kdna always one-hot encodes the sequence")
            .never()
            .words({"true"}),
        keyword("alphabet", K::Fixed, {}, kBoth, "kdna encodes with the alphabet 'ACGT' only")
            .never()
            .words({"\"ACGT\""}),
    };
}

template<typename E>
constexpr const char* kModeKeyword = nullptr;
template<>
constexpr const char* kModeKeyword<Weighting> = "weighting_mode";
template<>
constexpr const char* kModeKeyword<Downsampling> = "downsampling";
template<>
constexpr const char* kModeKeyword<SecondaryUse> = "use_sec_as";
template<>
constexpr const char* kModeKeyword<NegativeType> = "negative_type";
template<>
constexpr const char* kModeKeyword<DefinedPositive> = "defined_positive";
template<>
constexpr const char* kModeKeyword<PredictPoint> = "predict";
template<>
constexpr const char* kModeKeyword<Normalisation> = "normalization_mode";

std::string quoted(const char* word)
{
    return word ? "'" + std::string(word) + "'" : std::string("None");
}

/// "A, B or C".
std::string alternatives(const std::vector<std::string>& parts)
{
    std::string out;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (i > 0)
            out += i + 1 == parts.size() ? " or " : ", ";
        out += parts[i];
    }
    return out;
}

/// A whole number (an integral float too, as Python writes 64.0), or nothing.
std::optional<std::int64_t> wholeNumber(const json& v)
{
    if (v.is_number_integer())
        return v.get<std::int64_t>();
    // 2001.0 is 2001; a float past int64 (1e88) has no whole-number value here (and casting it
    // would be undefined).
    if (v.is_number_float() && std::abs(v.get<double>()) < 9.2e18 &&
        v.get<double>() == std::trunc(v.get<double>()))
        return static_cast<std::int64_t>(v.get<double>());
    return std::nullopt;
}

/// Reads JSON into the member of `spec` that `k` names, by the keyword's type.
class FieldReader {
public:
    FieldReader(const KeywordInfo& k, const json& v, std::vector<Problem>& problems)
        : m_k(k)
        , m_v(v)
        , m_problems(problems)
    {}

    void problem(std::string message) { m_problems.push_back({m_k.name, std::move(message)}); }

    void operator()(std::monostate) {}
    void operator()(std::int64_t& out) { integer(out); }
    void operator()(int& out)
    {
        std::int64_t v = out;
        integer(v);
        out = static_cast<int>(v);
    }
    void operator()(std::uint64_t& out)
    {
        if (m_v.is_null())
            return;
        if (m_v.is_number_unsigned() || (m_v.is_number_integer() && m_v.get<std::int64_t>() >= 0))
            out = m_v.get<std::uint64_t>();
        else
            problem("must be a non-negative whole number, not " + m_v.dump());
    }
    void operator()(bool& out)
    {
        if (m_v.is_null())
            return;
        if (m_v.is_boolean())
            out = m_v.get<bool>();
        else
            problem("must be true or false, not " + m_v.dump());
    }
    void operator()(std::string& out)
    {
        if (m_v.is_null())
            out.clear();
        else if (m_v.is_string())
            out = m_v.get<std::string>();
        else
            problem("must be a string, not " + m_v.dump());
    }
    void operator()(std::vector<std::string>& out) { strings(out); }
    void operator()(std::vector<std::int64_t>& out)
    {
        out.clear();
        if (m_v.is_null())
            return;
        if (m_v.is_number_integer()) {
            out.push_back(m_v.get<std::int64_t>());
            return;
        }
        if (!m_v.is_array()) {
            problem("must be a list of whole numbers such as [64, 1], not " + m_v.dump());
            return;
        }
        for (const auto& e : m_v) {
            if (!e.is_number_integer()) {
                problem("must be a list of whole numbers; " + e.dump() + " is not one");
                out.clear();
                return;
            }
            out.push_back(e.get<std::int64_t>());
        }
    }
    void operator()(std::vector<NormalizationMode>& out)
    {
        std::vector<std::string> words;
        strings(words);
        out.assign(words.begin(), words.end());
    }
    template<typename E>
    void operator()(Mode<E>& out)
    {
        if (m_v.is_null())
            out = Mode<E>(static_cast<const char*>(nullptr));
        else if (m_v.is_string())
            out = Mode<E>(m_v.get<std::string>());
        else
            problem("must be a string, not " + m_v.dump());
    }

private:
    /// An integer, or for an IntegerOrWord its one word (any case) or null for None.
    void integer(std::int64_t& out)
    {
        if (m_k.type == K::IntegerOrWord && !m_k.words.empty()) {
            const char* word = m_k.words.front();
            if (m_v.is_string()) {
                if (word && text::toLower(m_v.get<std::string>()) == text::toLower(word))
                    out = m_k.wordValue;
                else
                    problem("must be a whole number or " + quoted(word) + ", not " + m_v.dump());
                return;
            }
        }
        if (m_v.is_null())
            return;
        if (const auto n = wholeNumber(m_v))
            out = *n;
        else
            problem("must be a whole number, not " + m_v.dump());
    }
    /// A list of strings; a single string is a list of one (as keras_dna reads it).
    void strings(std::vector<std::string>& out)
    {
        out.clear();
        if (m_v.is_null())
            return;
        if (m_v.is_string()) {
            out.push_back(m_v.get<std::string>());
            return;
        }
        if (!m_v.is_array()) {
            problem("must be a list of strings, not " + m_v.dump());
            return;
        }
        for (const auto& e : m_v) {
            if (!e.is_string()) {
                problem("must be a list of strings; " + e.dump() + " is not a string");
                return;
            }
            out.push_back(e.get<std::string>());
        }
    }

    const KeywordInfo& m_k;
    const json& m_v;
    std::vector<Problem>& m_problems;
};

/// `spec`'s value of `k` as JSON, by the member's type.
struct FieldWriter {
    const KeywordInfo& k;

    json operator()(std::monostate) const
    {
        return k.words.empty() ? json() : json::parse(k.words.front());
    }
    json operator()(std::int64_t v) const
    {
        if (k.type == K::IntegerOrWord && !k.words.empty() && v == k.wordValue)
            return k.words.front() ? json(k.words.front()) : json();
        return v;
    }
    json operator()(int v) const { return (*this)(static_cast<std::int64_t>(v)); }
    json operator()(std::uint64_t v) const { return v; }
    json operator()(bool v) const { return v; }
    json operator()(const std::string& v) const { return v; }
    json operator()(const std::vector<std::string>& v) const { return v; }
    json operator()(const std::vector<std::int64_t>& v) const
    {
        return v.empty() ? json() : json(v);
    }
    json operator()(const std::vector<NormalizationMode>& v) const
    {
        if (v.empty())
            return nullptr;
        std::vector<std::string> words;
        for (const auto& m : v)
            words.push_back(m.word());
        return words.size() == 1 ? json(words.front()) : json(words);
    }
    template<typename E>
    json operator()(const Mode<E>& m) const
    {
        return m.word() ? json(m.word()) : json();
    }
};

} // namespace

// --- Mode -------------------------------------------------------------------------------------

template<typename E>
std::span<const char* const> Mode<E>::words()
{
    static const KeywordInfo* k = findKeyword(kModeKeyword<E>);
    return {k->words.data(), k->words.size()};
}

template<typename E>
Mode<E>::Mode(const char* word)
{
    const auto w = words();
    for (std::size_t i = 0; i < w.size(); ++i)
        if ((w[i] == nullptr && (word == nullptr || *word == '\0')) ||
            (w[i] != nullptr && word != nullptr && std::strcmp(w[i], word) == 0)) {
            m_value = static_cast<E>(i);
            return;
        }
    m_unknown = word ? word : "";
}

template<typename E>
const char* Mode<E>::word() const
{
    return m_unknown ? m_unknown->c_str() : words()[static_cast<std::size_t>(m_value)];
}

template<typename E>
std::string Mode<E>::text() const
{
    const char* w = word();
    return w ? w : "None";
}

template class Mode<Weighting>;
template class Mode<Downsampling>;
template class Mode<SecondaryUse>;
template class Mode<NegativeType>;
template class Mode<DefinedPositive>;
template class Mode<PredictPoint>;
template class Mode<Normalisation>;

// --- the catalog ------------------------------------------------------------------------------

bool KeywordInfo::allowsNone() const
{
    for (const char* w : words)
        if (!w)
            return true;
    return false;
}

const std::vector<KeywordInfo>& datasetKeywordCatalog()
{
    static const std::vector<KeywordInfo> catalog = makeCatalog();
    return catalog;
}

const KeywordInfo* findKeyword(const std::string& name)
{
    for (const auto& k : datasetKeywordCatalog())
        if (name == k.name)
            return &k;
    return nullptr;
}

bool keywordApplies(const KeywordInfo& k, DataKind kind, bool secondary)
{
    const unsigned flag = kind == DataKind::Sparse ? kSparse : kContinuous;
    return (k.kinds & flag) != 0 && (secondary || (k.kinds & kSecondary) == 0);
}

bool keywordApplies(const KeywordInfo& k, const DatasetSpec& spec)
{
    if (!keywordApplies(k, spec.kind(), !spec.sec_inputs.empty()))
        return false;
    if (!k.after)
        return true;
    const KeywordInfo* first = findKeyword(k.after);
    return keywordValue(spec, *first) != keywordValue(DatasetSpec{}, *first);
}

json keywordValue(const DatasetSpec& spec, const KeywordInfo& k)
{
    return std::visit(
        [&](const auto& member) -> json {
            using M = std::decay_t<decltype(member)>;
            if constexpr (std::is_same_v<M, std::monostate>)
                return FieldWriter{k}(member);
            else
                return FieldWriter{k}(spec.*member);
        },
        k.field);
}

void readKeyword(const KeywordInfo& k, const json& value, DatasetSpec& spec,
                 std::vector<Problem>& problems)
{
    FieldReader reader(k, value, problems);
    if (k.type == K::Fixed) {
        if (value.is_null())
            return;
        for (const char* w : k.words)
            if (json::parse(w) == value)
                return;
        reader.problem("must be " + wordAlternatives(k) + " (" + k.help + "), not " + value.dump());
        return;
    }
    std::visit(
        [&](const auto& member) {
            using M = std::decay_t<decltype(member)>;
            if constexpr (std::is_same_v<M, std::monostate>)
                reader(std::monostate{});
            else
                reader(spec.*member);
        },
        k.field);
}

void checkKeywordWords(const KeywordInfo& k, const DatasetSpec& spec,
                       std::vector<Problem>& problems)
{
    if (k.type != K::Choice && k.type != K::ChoiceList)
        return;
    const json v = keywordValue(spec, k);
    std::vector<std::string> words;
    if (v.is_string())
        words.push_back(v.get<std::string>());
    else if (v.is_array())
        for (const auto& w : v)
            words.push_back(w.get<std::string>());
    if (k.type == K::ChoiceList && k.maxCount > 0 && words.size() > k.maxCount)
        problems.push_back({k.name, "takes one word or a list of up to " +
                                        std::to_string(k.maxCount) + " (" + k.help + "), not " +
                                        std::to_string(words.size())});
    auto allowed = [&k](const std::string& w) {
        for (const char* a : k.words)
            if (a && w == a)
                return true;
        return false;
    };
    for (const auto& w : words)
        if (!allowed(w))
            problems.push_back({k.name, k.type == K::Choice
                                            ? "must be " + wordAlternatives(k) + ", not '" + w + "'"
                                            : "'" + w + "' is not one of " + wordAlternatives(k)});
    if (k.type == K::Choice && v.is_null() && !k.allowsNone())
        problems.push_back({k.name, "must be " + wordAlternatives(k) + ", not None"});
}

// --- what a person reads ----------------------------------------------------------------------

std::string wordAlternatives(const KeywordInfo& k)
{
    std::vector<std::string> parts;
    for (const char* w : k.words)
        parts.push_back(k.type == K::Fixed ? std::string(w) : quoted(w));
    return alternatives(parts);
}

std::string keywordTypeText(const KeywordInfo& k)
{
    switch (k.type) {
    case K::Integer:
        return "whole number";
    case K::Count:
        return "whole number >= 0";
    case K::Boolean:
        return "true or false";
    case K::Text:
        return "string";
    case K::TextList:
        return "list of strings";
    case K::Shape:
        return "list of whole numbers or null";
    case K::IntegerOrWord:
        return "whole number or " +
               (k.words.front() ? "\"" + std::string(k.words.front()) + "\"" : "null");
    case K::Choice:
        return "string";
    case K::ChoiceList:
        return "string, list of up to " + std::to_string(k.maxCount) + " or null";
    case K::Fixed:
        break;
    }
    return "fixed";
}

std::string keywordDefaultText(const KeywordInfo& k)
{
    if (k.required)
        return "required";
    return keywordValue(DatasetSpec{}, k).dump();
}

std::string keywordKindsText(const KeywordInfo& k)
{
    std::string kinds = (k.kinds & kBoth) == kBoth ? "all"
                        : (k.kinds & kSparse)      ? "BED/GFF"
                                                   : "bigWig";
    if (k.kinds & kSecondary)
        kinds += ", with sec_inputs";
    if (k.after)
        kinds += std::string(", with ") + k.after;
    return kinds;
}

namespace {

/// The allowed values as JSON: null, "balanced".
std::string allowedText(const KeywordInfo& k)
{
    if (k.type != K::Choice && k.type != K::ChoiceList && k.type != K::Fixed)
        return {};
    std::vector<std::string> parts;
    for (const char* w : k.words)
        parts.push_back(k.type == K::Fixed ? std::string(w)
                                           : (w ? "\"" + std::string(w) + "\"" : "null"));
    return text::join(parts, ", ");
}

} // namespace

std::string keywordTableMarkdown()
{
    std::string out = "| keyword | JSON | default | allowed | applies to | what it does |\n"
                      "| --- | --- | --- | --- | --- | --- |\n";
    auto code = [](const std::string& s) {
        return s.empty() ? s : "`" + s + "`";
    };
    for (const auto& k : datasetKeywordCatalog())
        out += "| `" + std::string(k.name) + "` | " + keywordTypeText(k) + " | " +
               (k.required ? std::string("required") : code(keywordDefaultText(k))) + " | " +
               code(allowedText(k)) + " | " + keywordKindsText(k) + " | " + k.help + " |\n";
    return out;
}

std::string keywordHelpText()
{
    std::string out;
    for (const auto& k : datasetKeywordCatalog()) {
        const std::string value = k.required ? "required" : "default " + keywordDefaultText(k);
        out += std::string(k.name) + "  (" + keywordTypeText(k) + ", " + value + "; applies to " +
               keywordKindsText(k) + ")\n    " + k.help + "\n";
        const std::string allowed = allowedText(k);
        if (!allowed.empty())
            out += "    allowed: " + allowed + "\n";
    }
    return out;
}

} // namespace kdna
