#pragma once

#include <optional>
#include <span>
#include <string>

namespace kdna {

// The dataset keywords whose value is one of a few words (keras_dna's "modes"), as enums.
// Each enum's order is the order of its words in the keyword catalog
// (core/data/dataset_keywords.cpp), where the words are spelled once.

enum class Weighting { None, Balanced };              ///< weighting_mode: null, "balanced"
enum class Downsampling { None, Downsampling, Mean }; ///< downsampling: null, ...
enum class SecondaryUse { Inputs, Targets };          ///< use_sec_as
enum class NegativeType { Real, Random, None };       ///< negative_type: ..., null
enum class DefinedPositive { MatchAll, MatchAny };    ///< defined_positive
enum class PredictPoint { All, Start, Stop };         ///< predict
enum class Normalisation { Max, PercTrim, ZScore, MinMax, LogTransform }; ///< normalization_mode

/// A keyword's value that is one of its catalog's words, held as its enum: the word is parsed
/// once, when the spec is read (or assigned), never compared as text where data is made. A word
/// kdna does not know is kept as it was written, so that validation names it.
template<typename E>
class Mode {
public:
    Mode() = default;
    Mode(E value)
        : m_value(value)
    {}
    /// Parses keras_dna's spelling; null or "" is None where the keyword allows None.
    Mode(const char* word);
    Mode(const std::string& word)
        : Mode(word.c_str())
    {}

    [[nodiscard]] E value() const { return m_value; }
    [[nodiscard]] bool known() const { return !m_unknown.has_value(); }
    /// keras_dna's spelling: nullptr for None (JSON null), the word as written when unknown.
    [[nodiscard]] const char* word() const;
    /// As a person reads it: "None" for None, else the word.
    [[nodiscard]] std::string text() const;
    /// The catalog's words for E in the enum's order; nullptr stands for None.
    [[nodiscard]] static std::span<const char* const> words();

    friend bool operator==(const Mode&, const Mode&) = default;
    bool operator==(E e) const { return known() && m_value == e; }

private:
    E m_value{};
    std::optional<std::string> m_unknown;
};

extern template class Mode<Weighting>;
extern template class Mode<Downsampling>;
extern template class Mode<SecondaryUse>;
extern template class Mode<NegativeType>;
extern template class Mode<DefinedPositive>;
extern template class Mode<PredictPoint>;
extern template class Mode<Normalisation>;

using NormalizationMode = Mode<Normalisation>;

} // namespace kdna
