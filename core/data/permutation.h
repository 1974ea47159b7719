#pragma once

#include <cstdint>

namespace kdna {

/// A seeded bijection of [0, n): a 4-round Feistel network with cycle walking. It shuffles
/// an epoch of any size in O(1) memory, and the same (n, key) always gives the same order.
class Permutation {
public:
    Permutation(std::uint64_t n, std::uint64_t key);
    [[nodiscard]] std::uint64_t operator()(std::uint64_t i) const;
    [[nodiscard]] std::uint64_t size() const { return m_n; }

private:
    std::uint64_t m_n;
    std::uint64_t m_keys[4];
    unsigned m_halfBits;
    std::uint64_t m_halfMask;
};

/// SplitMix64: a fast, well-mixed 64-bit hash used to derive seeds.
[[nodiscard]] std::uint64_t mix64(std::uint64_t x);

} // namespace kdna
