#include "core/genome/sequence.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>

namespace kdna::sequence {
namespace {

constexpr std::array<std::uint8_t, 256> makeCodeTable()
{
    std::array<std::uint8_t, 256> t{};
    for (auto& c : t)
        c = kUnknown;
    t['A'] = t['a'] = 0;
    t['C'] = t['c'] = 1;
    t['G'] = t['g'] = 2;
    t['T'] = t['t'] = 3;
    return t;
}
constexpr auto kCodeTable = makeCodeTable();

constexpr std::array<char, 256> makeComplementTable()
{
    std::array<char, 256> t{};
    for (int i = 0; i < 256; ++i)
        t[i] = static_cast<char>(i);
    const char pairs[][2] = {{'A', 'T'}, {'C', 'G'}, {'R', 'Y'}, {'K', 'M'}, {'B', 'V'},
                             {'D', 'H'}, {'S', 'S'}, {'W', 'W'}, {'N', 'N'}};
    for (const auto& p : pairs) {
        t[static_cast<unsigned char>(p[0])] = p[1];
        t[static_cast<unsigned char>(p[1])] = p[0];
        t[static_cast<unsigned char>(p[0] + 32)] = static_cast<char>(p[1] + 32);
        t[static_cast<unsigned char>(p[1] + 32)] = static_cast<char>(p[0] + 32);
    }
    return t;
}
constexpr auto kComplementTable = makeComplementTable();

// Rows 0..3 are the one-hot vectors of A, C, G, T; row 4 (unknown) is zero.
constexpr float kRows[5][4] = {
    {1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}, {0, 0, 0, 0}};
// Complement rows: the one-hot of the complementary base.
constexpr float kComplementRows[5][4] = {
    {0, 0, 0, 1}, {0, 0, 1, 0}, {0, 1, 0, 0}, {1, 0, 0, 0}, {0, 0, 0, 0}};

} // namespace

std::uint8_t code(char base)
{
    return kCodeTable[static_cast<unsigned char>(base)];
}

void encode(std::string_view bases, std::uint8_t* out)
{
    for (std::size_t i = 0; i < bases.size(); ++i)
        out[i] = kCodeTable[static_cast<unsigned char>(bases[i])];
}

std::string decode(const std::uint8_t* codes, std::size_t n)
{
    static constexpr char letters[] = "ACGTN";
    std::string out(n, 'N');
    for (std::size_t i = 0; i < n; ++i)
        out[i] = letters[std::min<std::uint8_t>(codes[i], kUnknown)];
    return out;
}

void oneHot(const std::uint8_t* codes, std::size_t n, float* out)
{
    for (std::size_t i = 0; i < n; ++i)
        std::memcpy(out + 4 * i, kRows[std::min<std::uint8_t>(codes[i], kUnknown)],
                    sizeof kRows[0]);
}

void oneHotReverseComplement(const std::uint8_t* codes, std::size_t n, float* out)
{
    for (std::size_t i = 0; i < n; ++i)
        std::memcpy(out + 4 * i,
                    kComplementRows[std::min<std::uint8_t>(codes[n - 1 - i], kUnknown)],
                    sizeof kComplementRows[0]);
}

std::string reverseComplement(std::string_view bases)
{
    std::string out(bases.rbegin(), bases.rend());
    for (char& c : out)
        c = kComplementTable[static_cast<unsigned char>(c)];
    return out;
}

void reverseComplementCodes(std::uint8_t* codes, std::size_t n)
{
    std::reverse(codes, codes + n);
    for (std::size_t i = 0; i < n; ++i)
        if (codes[i] < kUnknown)
            codes[i] = static_cast<std::uint8_t>(3 - codes[i]);
}

} // namespace kdna::sequence
