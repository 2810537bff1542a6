#pragma once

#include "core/diskann/search_result.h"
#include "core/diskann/vamana_index.h"
#include "tests/unit/diskann/brute_force_reference.h"

#include <algorithm>
#include <cstdint>
#include <random>
#include <span>
#include <unordered_set>
#include <vector>

namespace quiver::diskann::test {

// Points uniformly distributed in the unit cube.
inline std::vector<float> uniformPoints(std::size_t n, std::uint32_t dim, std::uint32_t seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> u(0.0f, 1.0f);
    std::vector<float> v(n * dim);
    for (auto& x : v)
        x = u(rng);
    return v;
}

// Gaussian blobs: `clusters` random centres, points scattered around them.
inline std::vector<float> blobPoints(std::size_t n, std::uint32_t dim, std::uint32_t clusters,
                                     std::uint32_t seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> g(0.0f, 1.0f);
    std::vector<float> centres(std::size_t{clusters} * dim);
    for (auto& c : centres)
        c = 4.0f * g(rng);
    std::uniform_int_distribution<std::uint32_t> pick(0, clusters - 1);
    std::vector<float> v(n * dim);
    for (std::size_t i = 0; i < n; ++i) {
        const float* c = centres.data() + std::size_t{pick(rng)} * dim;
        for (std::uint32_t d = 0; d < dim; ++d)
            v[i * dim + d] = c[d] + g(rng);
    }
    return v;
}

// Far-apart isotropic blobs: centres N(0, I), each point = centre + N(0, sigma^2 I). In high
// dimension the points of one blob are nearly equidistant, which defeats pruning by occlusion;
// topic-clustered text embeddings look like this to a graph index.
inline std::vector<float> isotropicBlobs(std::size_t n, std::uint32_t dim, std::uint32_t clusters,
                                         float sigma, std::uint32_t seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> g(0.0f, 1.0f);
    std::vector<float> centres(std::size_t{clusters} * dim);
    for (auto& c : centres)
        c = g(rng);
    std::uniform_int_distribution<std::uint32_t> pick(0, clusters - 1);
    std::vector<float> v(n * dim);
    for (std::size_t i = 0; i < n; ++i) {
        const float* c = centres.data() + std::size_t{pick(rng)} * dim;
        for (std::uint32_t d = 0; d < dim; ++d)
            v[i * dim + d] = c[d] + sigma * g(rng);
    }
    return v;
}

// Number of nodes of a graph view reachable from `start` by following edges.
inline std::size_t reachableCount(const GraphView& view, std::uint32_t start) {
    if (view.count == 0)
        return 0;
    std::vector<std::uint8_t> seen(view.count, 0);
    std::vector<std::uint32_t> stack{start};
    seen[start] = 1;
    std::size_t reached = 1;
    while (!stack.empty()) {
        const std::uint32_t u = stack.back();
        stack.pop_back();
        for (const std::uint32_t v : view.neighbors(u))
            if (seen[v] == 0) {
                seen[v] = 1;
                ++reached;
                stack.push_back(v);
            }
    }
    return reached;
}

inline std::vector<std::uint64_t> sequentialIds(std::size_t n, std::uint64_t first = 0) {
    std::vector<std::uint64_t> ids(n);
    for (std::size_t i = 0; i < n; ++i)
        ids[i] = first + i;
    return ids;
}

// Mean recall@k of index.search over the given queries, graded by the reference.
inline double meanRecall(const VamanaIndex& index, const BruteForceReference& truth,
                         const std::vector<float>& queries, std::size_t k, std::uint32_t listSize,
                         std::optional<std::uint32_t> label = {}) {
    const std::uint32_t dim = index.dimension();
    const std::size_t nq = queries.size() / dim;
    double sum = 0.0;
    for (std::size_t q = 0; q < nq; ++q) {
        const std::span<const float> query(queries.data() + q * dim, dim);
        sum += truth.recall(index.search(query, k, listSize, label), query, k, label);
    }
    return sum / static_cast<double>(nq);
}

} // namespace quiver::diskann::test
