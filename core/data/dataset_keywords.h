#pragma once

#include "core/data/dataset_spec.h"

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace kdna {

/// The JSON a keyword takes.
enum class KeywordType {
    Integer,       ///< a whole number
    Count,         ///< a non-negative whole number (seed)
    Boolean,       ///< true or false
    Text,          ///< a string (a file)
    TextList,      ///< a list of strings; one string is a list of one
    Shape,         ///< a list of whole numbers, or null
    IntegerOrWord, ///< a whole number or one word ('auto', 'MAXLEN', ...)
    Choice,        ///< one of the catalog's words (a mode; null is None where allowed)
    ChoiceList,    ///< null, one word or a list of words (normalisations)
    Fixed,         ///< one accepted value, or a few: checked, never stored
};

/// The problem kinds a keyword applies to (flags).
enum KeywordKind : unsigned {
    kContinuous = 1, ///< bigWig targets (regression)
    kSparse = 2,     ///< BED / narrowPeak / GFF annotations (classification)
    kBoth = kContinuous | kSparse,
    kSecondary = 4, ///< only with secondary inputs or targets (sec_inputs)
};

/// Where a person sets a keyword in the studio.
enum class KeywordPlace {
    Form,  ///< the keyword form (the wizard's last page and the Data step)
    Pages, ///< the wizard's genome, tracks and chromosomes pages
    None,  ///< nowhere: a value kdna fixes (type, one_hot_encoding, alphabet)
};

/// The DatasetSpec member a keyword reads into and writes from.
using KeywordField =
    std::variant<std::monostate, std::int64_t DatasetSpec::*, int DatasetSpec::*,
                 std::uint64_t DatasetSpec::*, bool DatasetSpec::*, std::string DatasetSpec::*,
                 std::vector<std::string> DatasetSpec::*, std::vector<std::int64_t> DatasetSpec::*,
                 Mode<Weighting> DatasetSpec::*, Mode<Downsampling> DatasetSpec::*,
                 Mode<SecondaryUse> DatasetSpec::*, Mode<NegativeType> DatasetSpec::*,
                 Mode<DefinedPositive> DatasetSpec::*, Mode<PredictPoint> DatasetSpec::*,
                 std::vector<NormalizationMode> DatasetSpec::*>;

/// When toJson writes a keyword (among those that apply to the data).
enum class KeywordWritten { Always, WhenChanged, Never };

/// One dataset keyword, declared once: from these entries come DatasetSpec::fromJson, toJson,
/// the keyword, type and allowed-value checks of validate, the normalisations' names, `kdna
/// keywords` (and the README's table, its --markdown), and the studio's keyword form.
struct KeywordInfo {
    const char* name;
    KeywordType type;
    KeywordField field;
    unsigned kinds;    ///< KeywordKind flags
    const char* help;  ///< one line, the tooltip and the CLI's help
    const char* label; ///< the form's label (Form keywords)
    KeywordPlace place;
    KeywordWritten written;
    /// The words of a Choice / ChoiceList / Fixed text keyword, or the one word of an
    /// IntegerOrWord; nullptr stands for None (JSON null).
    std::vector<const char*> words = {};
    std::int64_t wordValue = 0;     ///< IntegerOrWord: the number its word stands for
    std::int64_t minimum = 0;       ///< Integer / IntegerOrWord: the smallest valid number
    std::int64_t maximum = 1 << 24; ///< the largest the form offers
    const char* unit = "";          ///< the form's suffix (" bp")
    std::size_t maxCount = 0;       ///< ChoiceList: at most this many
    bool required = false;          ///< for the kinds it applies to
    /// Applies only when this keyword is set (not its default): bins needs weighting_mode.
    const char* after = nullptr;

    /// keras_dna's None among the words.
    [[nodiscard]] bool allowsNone() const;
};

/// Every dataset keyword, in the order they are documented.
[[nodiscard]] const std::vector<KeywordInfo>& datasetKeywordCatalog();
/// The entry named `name`, or null.
[[nodiscard]] const KeywordInfo* findKeyword(const std::string& name);

/// Whether `k` applies to data of `kind`, with or without secondary inputs.
[[nodiscard]] bool keywordApplies(const KeywordInfo& k, DataKind kind, bool secondary);
/// Whether `k` applies to `spec` (its kind, its secondary inputs, the keyword it comes after).
[[nodiscard]] bool keywordApplies(const KeywordInfo& k, const DatasetSpec& spec);

/// `spec`'s value of `k` in keras_dna's JSON spelling (null for None, the word of an
/// IntegerOrWord).
[[nodiscard]] nlohmann::json keywordValue(const DatasetSpec& spec, const KeywordInfo& k);
/// Reads `value` into `spec` as `k`; a value of the wrong JSON type goes to `problems`.
void readKeyword(const KeywordInfo& k, const nlohmann::json& value, DatasetSpec& spec,
                 std::vector<Problem>& problems);
/// The allowed-value checks: a Choice outside its words, a ChoiceList too long.
void checkKeywordWords(const KeywordInfo& k, const DatasetSpec& spec,
                       std::vector<Problem>& problems);

/// A keyword's words as a sentence names them: "None or 'balanced'", "'all', 'start' or 'stop'".
[[nodiscard]] std::string wordAlternatives(const KeywordInfo& k);
/// The JSON type as the help names it ("whole number or 'auto'", "list of strings", ...).
[[nodiscard]] std::string keywordTypeText(const KeywordInfo& k);
/// The default as JSON ("64", "null", "\"real\""), or "required".
[[nodiscard]] std::string keywordDefaultText(const KeywordInfo& k);
/// The kinds as words: "both", "bigWig", "BED/GFF", "with sec_inputs".
[[nodiscard]] std::string keywordKindsText(const KeywordInfo& k);

/// The keyword table in Markdown, as the README holds it (`kdna keywords --markdown`).
[[nodiscard]] std::string keywordTableMarkdown();
/// The keywords as plain text, one block each (`kdna keywords`).
[[nodiscard]] std::string keywordHelpText();

} // namespace kdna
