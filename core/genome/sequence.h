#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

/// DNA encoding with the alphabet A, C, G, T. A base is held as a code 0..3 (A, C, G, T) or
/// 4 for N and every other IUPAC letter; one-hot rows are 4 floats, all zero for code 4.
namespace kdna::sequence {

inline constexpr std::uint8_t kUnknown = 4;
inline constexpr int kAlphabetSize = 4;

/// Code of one base, case-insensitive.
[[nodiscard]] std::uint8_t code(char base);
/// Codes of a whole string, written to `out` (size of `bases`).
void encode(std::string_view bases, std::uint8_t* out);
/// Upper-case letters of codes (N for code 4).
[[nodiscard]] std::string decode(const std::uint8_t* codes, std::size_t n);

/// One-hot rows, alphabet last: out[i * 4 + k] = 1 when codes[i] == k.
void oneHot(const std::uint8_t* codes, std::size_t n, float* out);
/// One-hot of the reverse complement of codes[0..n), alphabet last.
void oneHotReverseComplement(const std::uint8_t* codes, std::size_t n, float* out);

/// Reverse complement of a string (IUPAC-aware, case preserved).
[[nodiscard]] std::string reverseComplement(std::string_view bases);
/// Reverse complement of codes in place.
void reverseComplementCodes(std::uint8_t* codes, std::size_t n);

} // namespace kdna::sequence
