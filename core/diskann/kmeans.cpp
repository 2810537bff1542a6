#include "core/diskann/kmeans.h"

#include "core/diskann/distance.h"

#include <algorithm>
#include <limits>
#include <random>
#include <stdexcept>

namespace quiver::diskann {

std::uint32_t nearestCentroid(const float* v, const float* centroids, std::uint32_t k,
                              std::size_t dim, float* distance) {
    // The kernel is looked up once per point, not once per distance: on the short sub-vectors
    // of PQ training the dispatch cost as much as the distance itself.
    const DistanceFn squaredDistance = distanceFunction(Metric::L2);
    std::uint32_t best = 0;
    float bestDistance = std::numeric_limits<float>::infinity();
    for (std::uint32_t c = 0; c < k; ++c) {
        const float d = squaredDistance(v, centroids + std::size_t{c} * dim, dim);
        if (d < bestDistance) {
            bestDistance = d;
            best = c;
        }
    }
    if (distance)
        *distance = bestDistance;
    return best;
}

std::vector<float> trainKMeans(const float* data, std::size_t n, std::size_t dim, std::uint32_t k,
                               const KMeansOptions& options) {
    if (n == 0 || dim == 0 || k == 0)
        throw std::invalid_argument("k-means needs points, a dimension and k > 0");
    std::vector<float> centroids(std::size_t{k} * dim);
    std::mt19937_64 rng(options.seed);
    const DistanceFn squaredDistance = distanceFunction(Metric::L2);

    // k-means++ seeding: each next centroid drawn with probability proportional to D(x)^2.
    std::vector<float> nearest(n, std::numeric_limits<float>::infinity());
    std::size_t chosen = std::uniform_int_distribution<std::size_t>(0, n - 1)(rng);
    for (std::uint32_t c = 0; c < k; ++c) {
        float* centroid = centroids.data() + std::size_t{c} * dim;
        std::copy_n(data + chosen * dim, dim, centroid);
        double total = 0.0;
        for (std::size_t i = 0; i < n; ++i) {
            nearest[i] = std::min(nearest[i], squaredDistance(data + i * dim, centroid, dim));
            total += static_cast<double>(nearest[i]);
        }
        if (c + 1 == k)
            break;
        if (!(total > 0.0)) {
            // Every point already sits on a centroid: repeat random points.
            chosen = std::uniform_int_distribution<std::size_t>(0, n - 1)(rng);
            continue;
        }
        double target = std::uniform_real_distribution<double>(0.0, total)(rng);
        chosen = n - 1;
        for (std::size_t i = 0; i < n; ++i) {
            target -= static_cast<double>(nearest[i]);
            if (target <= 0.0 && nearest[i] > 0.0f) {
                chosen = i;
                break;
            }
        }
    }

    std::vector<std::uint32_t> assignment(n, 0);
    std::vector<float> assignedDistance(n, 0.0f);
    std::vector<double> sums(std::size_t{k} * dim);
    std::vector<std::size_t> sizes(k);
    for (std::uint32_t iteration = 0; iteration < options.iterations; ++iteration) {
        bool changed = false;
        for (std::size_t i = 0; i < n; ++i) {
            const std::uint32_t c =
                nearestCentroid(data + i * dim, centroids.data(), k, dim, &assignedDistance[i]);
            changed = changed || c != assignment[i] || iteration == 0;
            assignment[i] = c;
        }
        if (!changed)
            break;
        std::fill(sums.begin(), sums.end(), 0.0);
        std::fill(sizes.begin(), sizes.end(), 0);
        for (std::size_t i = 0; i < n; ++i) {
            const std::uint32_t c = assignment[i];
            ++sizes[c];
            for (std::size_t d = 0; d < dim; ++d)
                sums[std::size_t{c} * dim + d] += static_cast<double>(data[i * dim + d]);
        }
        for (std::uint32_t c = 0; c < k; ++c) {
            float* centroid = centroids.data() + std::size_t{c} * dim;
            if (sizes[c] > 0) {
                for (std::size_t d = 0; d < dim; ++d)
                    centroid[d] = static_cast<float>(sums[std::size_t{c} * dim + d] /
                                                     static_cast<double>(sizes[c]));
                continue;
            }
            // Empty cluster: move it onto the worst-served point, which then belongs to it.
            const auto worst = static_cast<std::size_t>(
                std::max_element(assignedDistance.begin(), assignedDistance.end()) -
                assignedDistance.begin());
            std::copy_n(data + worst * dim, dim, centroid);
            assignedDistance[worst] = 0.0f;
        }
    }
    return centroids;
}

} // namespace quiver::diskann
