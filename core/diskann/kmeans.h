#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace quiver::diskann {

struct KMeansOptions {
    std::uint32_t iterations = 12; // Lloyd iterations after k-means++ seeding
    std::uint64_t seed = 42;
    // Threads for the assignment steps; 1 where the caller already runs many k-means at once
    // (PQ trains its sub-spaces in parallel). The result does not depend on it.
    unsigned threads = 1;
};

// Clusters n points of `dim` floats (row-major) into k centroids: k-means++ seeding, then Lloyd
// iterations; an emptied cluster is re-seeded with the point farthest from its centroid.
// With fewer distinct points than k some centroids repeat. Returns k x dim floats.
std::vector<float> trainKMeans(const float* data, std::size_t n, std::size_t dim, std::uint32_t k,
                               const KMeansOptions& options = {});

// Index of the centroid nearest to v (squared L2); optionally its distance. Ties go to the
// lowest index.
std::uint32_t nearestCentroid(const float* v, const float* centroids, std::uint32_t k,
                              std::size_t dim, float* distance = nullptr);

// Centroids laid out one dimension after the other (t[d * k + c]) for nearestTransposed.
std::vector<float> transposeCentroids(const float* centroids, std::uint32_t k, std::size_t dim);

// nearestCentroid over transposed centroids: the loop over centroids reads contiguous memory and
// is vectorised, which on short vectors (PQ's sub-spaces of a few floats) is several times faster
// than one distance call per centroid. scratch holds k floats. Same answer as nearestCentroid up
// to float rounding.
std::uint32_t nearestTransposed(const float* v, const float* transposed, std::uint32_t k,
                                std::size_t dim, float* scratch, float* distance = nullptr);

// Vectors up to this many floats are best served by the transposed layout.
constexpr std::size_t kTransposedMaxDim = 32;

// The squared norms of k centroids of `dim` floats (row-major), for nearestTransposedMany.
std::vector<float> centroidNorms(const float* centroids, std::uint32_t k, std::size_t dim);

// nearestTransposed for `count` points of `dim` <= kTransposedMaxDim floats, point i at
// points + i * stride: out[i] its centroid, distances[i] (optional) the squared distance. norms:
// centroidNorms() of the centroids. Several points share each load of the centroids and a
// distance costs one multiply-add per dimension (|c|^2 - 2 <x, c>), about twice the speed of one
// nearestTransposed a point; the same answer up to float rounding, ties to the lowest index.
void nearestTransposedMany(const float* points, std::size_t count, std::size_t stride,
                           const float* transposed, const float* norms, std::uint32_t k,
                           std::size_t dim, std::uint32_t* out, float* distances = nullptr);

// The nearest of k centroids (squared L2) for each of n points (row-major, `dim` floats):
// out[i], and distances[i] when asked. Long vectors go through blocked products with the
// centroids (|x|^2 + |c|^2 - 2 <x, c>), short ones through nearestTransposedMany; on `threads`
// threads (0: one per hardware thread), the answer independent of their number. The same answer
// as nearestCentroid up to float rounding.
void nearestCentroids(const float* points, std::size_t n, const float* centroids, std::uint32_t k,
                      std::size_t dim, std::uint32_t* out, float* distances = nullptr,
                      unsigned threads = 1);

} // namespace quiver::diskann
