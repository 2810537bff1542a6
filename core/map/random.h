#pragma once

#include <cstdint>

namespace quiver::map::detail {

// Counter-based randomness: every draw is a hash of (seed, what it is for), so a result never
// depends on which thread drew first or how many threads there are.
inline std::uint64_t mix(std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

inline std::uint64_t hash(std::uint64_t seed, std::uint64_t a, std::uint64_t b = 0,
                          std::uint64_t c = 0) {
    return mix(mix(mix(mix(seed) ^ a) ^ b) ^ c);
}

// A uniform double in [0, 1) from a hash.
inline double unit(std::uint64_t h) {
    return static_cast<double>(h >> 11) * (1.0 / 9007199254740992.0);
}

// A sequential generator for the few places that draw in a fixed order on one thread.
class Rng {
public:
    explicit Rng(std::uint64_t seed)
        : state_(mix(seed)) {}
    std::uint64_t next() { return mix(state_++); }
    double uniform() { return unit(next()); }
    // Below `bound` (> 0); the modulo bias is irrelevant at these sizes.
    std::uint64_t below(std::uint64_t bound) { return next() % bound; }

private:
    std::uint64_t state_;
};

} // namespace quiver::map::detail
