#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace quiver::diskann {

struct KMeansOptions {
    std::uint32_t iterations = 12; // Lloyd iterations after k-means++ seeding
    std::uint64_t seed = 42;
};

// Clusters n points of `dim` floats (row-major) into k centroids: k-means++ seeding, then Lloyd
// iterations; an emptied cluster is re-seeded with the point farthest from its centroid.
// With fewer distinct points than k some centroids repeat. Returns k x dim floats.
std::vector<float> trainKMeans(const float* data, std::size_t n, std::size_t dim, std::uint32_t k,
                               const KMeansOptions& options = {});

// Index of the centroid nearest to v (squared L2); optionally its distance.
std::uint32_t nearestCentroid(const float* v, const float* centroids, std::uint32_t k,
                              std::size_t dim, float* distance = nullptr);

} // namespace quiver::diskann
