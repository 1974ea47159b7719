#include "core/data/permutation.h"

#include <cstdint>

namespace kdna {

std::uint64_t mix64(std::uint64_t x)
{
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

Permutation::Permutation(std::uint64_t n, std::uint64_t key)
    : m_n(n)
{
    unsigned bits = 2;
    while (bits < 64 && (std::uint64_t{1} << bits) < n)
        ++bits;
    m_halfBits = (bits + 1) / 2;
    m_halfMask = (std::uint64_t{1} << m_halfBits) - 1;
    for (int r = 0; r < 4; ++r)
        m_keys[r] = mix64(key * 4 + static_cast<std::uint64_t>(r) + 1);
}

std::uint64_t Permutation::operator()(std::uint64_t i) const
{
    if (m_n <= 1)
        return i;
    std::uint64_t x = i;
    do {
        std::uint64_t left = x >> m_halfBits;
        std::uint64_t right = x & m_halfMask;
        for (const std::uint64_t k : m_keys) {
            const std::uint64_t next = left ^ (mix64(right ^ k) & m_halfMask);
            left = right;
            right = next;
        }
        x = (left << m_halfBits) | right;
    } while (x >= m_n); // cycle walking stays a bijection of [0, n)
    return x;
}

} // namespace kdna
