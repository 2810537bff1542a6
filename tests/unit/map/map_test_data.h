#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

namespace quiver::map::test {

// `blobs` Gaussian blobs of `perBlob` points in `dim` dimensions: random centres (nearly
// orthogonal in high dimension, so far apart in angle) plus isotropic noise of `spread` times
// the centre's scale per component. Points are interleaved blob by blob (point i in blob i %
// blobs) so that no algorithm can lean on the order.
struct Blobs {
    std::vector<float> vectors;
    std::vector<std::uint32_t> blobOf;
    std::size_t count = 0;
};

inline Blobs makeBlobs(std::size_t blobs, std::size_t perBlob, std::size_t dim, float spread,
                       std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::vector<float> centres(blobs * dim);
    for (float& c : centres)
        c = normal(rng);
    Blobs b;
    b.count = blobs * perBlob;
    b.vectors.resize(b.count * dim);
    b.blobOf.resize(b.count);
    for (std::size_t i = 0; i < b.count; ++i) {
        const std::size_t blob = i % blobs;
        b.blobOf[i] = static_cast<std::uint32_t>(blob);
        for (std::size_t d = 0; d < dim; ++d)
            b.vectors[i * dim + d] = centres[blob * dim + d] + spread * normal(rng);
    }
    return b;
}

} // namespace quiver::map::test
