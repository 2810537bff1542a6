#include "core/diskann/kmeans.h"

#include "core/diskann/distance.h"
#include "core/diskann/parallel_for.h"
#include "core/diskann/rotation.h"

#include <algorithm>
#include <atomic>
#include <limits>
#include <random>
#include <stdexcept>

namespace quiver::diskann {

namespace {

constexpr std::size_t kSeedBlock = 256;

// nearest[i] = min(nearest[i], |x_i - centroid|^2) for points [begin, end) (at most kSeedBlock)
// of dimension-major data: the loops run over contiguous points and vectorise.
void lowerNearest(const float* columns, std::size_t n, std::size_t dim, const float* centroid,
                  std::size_t begin, std::size_t end, float* nearest) {
    float acc[kSeedBlock];
    const std::size_t count = end - begin;
    for (std::size_t i = 0; i < count; ++i) {
        const float diff = columns[begin + i] - centroid[0];
        acc[i] = diff * diff;
    }
    for (std::size_t d = 1; d < dim; ++d) {
        const float* column = columns + d * n + begin;
        const float c = centroid[d];
        for (std::size_t i = 0; i < count; ++i) {
            const float diff = column[i] - c;
            acc[i] += diff * diff;
        }
    }
    for (std::size_t i = 0; i < count; ++i)
        nearest[begin + i] = acc[i] < nearest[begin + i] ? acc[i] : nearest[begin + i];
}

} // namespace

std::uint32_t nearestCentroid(const float* v, const float* centroids, std::uint32_t k,
                              std::size_t dim, float* distance) {
    // The kernel is looked up once per point, not once per distance: on short vectors the
    // dispatch costs as much as the distance itself.
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

std::vector<float> transposeCentroids(const float* centroids, std::uint32_t k, std::size_t dim) {
    return linalg::transpose(centroids, k, dim);
}

std::vector<float> trainKMeans(const float* data, std::size_t n, std::size_t dim, std::uint32_t k,
                               const KMeansOptions& options) {
    if (n == 0 || dim == 0 || k == 0)
        throw std::invalid_argument("k-means needs points, a dimension and k > 0");
    std::vector<float> centroids(std::size_t{k} * dim);
    std::mt19937_64 rng(options.seed);
    const bool transposed = dim <= kTransposedMaxDim;
    const DistanceFn squaredDistance = distanceFunction(Metric::L2);
    const unsigned threads = std::max(1u, options.threads);
    // Chunks of about a million floating-point operations each.
    const std::size_t grain = std::max<std::size_t>(64, (1u << 20) / (std::size_t{k} * dim + 1));

    // k-means++ seeding: each next centroid drawn with probability proportional to D(x)^2,
    // found through per-block sums. Short vectors are read dimension-major here.
    const std::vector<float> columns =
        transposed ? linalg::transpose(data, n, dim) : std::vector<float>();
    std::vector<float> nearest(n, std::numeric_limits<float>::infinity());
    const std::size_t blocks = (n + kSeedBlock - 1) / kSeedBlock;
    std::vector<double> blockSum(blocks);
    std::size_t chosen = std::uniform_int_distribution<std::size_t>(0, n - 1)(rng);
    for (std::uint32_t c = 0; c < k; ++c) {
        float* centroid = centroids.data() + std::size_t{c} * dim;
        std::copy_n(data + chosen * dim, dim, centroid);
        parallelFor(
            blocks, threads, std::max<std::size_t>(1, grain / kSeedBlock),
            [&](std::size_t first, std::size_t last, unsigned) {
                for (std::size_t b = first; b < last; ++b) {
                    const std::size_t begin = b * kSeedBlock;
                    const std::size_t end = std::min(n, begin + kSeedBlock);
                    if (transposed) {
                        lowerNearest(columns.data(), n, dim, centroid, begin, end, nearest.data());
                    } else {
                        for (std::size_t i = begin; i < end; ++i)
                            nearest[i] = std::min(nearest[i],
                                                  squaredDistance(data + i * dim, centroid, dim));
                    }
                    double sum = 0.0;
                    for (std::size_t i = begin; i < end; ++i)
                        sum += static_cast<double>(nearest[i]);
                    blockSum[b] = sum;
                }
            },
            [](std::size_t) { return true; });
        if (c + 1 == k)
            break;
        // Summed in one order whatever the thread count, so the draw is reproducible.
        double total = 0.0;
        for (const double sum : blockSum)
            total += sum;
        if (!(total > 0.0)) {
            // Every point already sits on a centroid: repeat random points.
            chosen = std::uniform_int_distribution<std::size_t>(0, n - 1)(rng);
            continue;
        }
        double target = std::uniform_real_distribution<double>(0.0, total)(rng);
        chosen = n - 1;
        std::size_t b = 0;
        while (b + 1 < blocks && target > blockSum[b])
            target -= blockSum[b++];
        for (std::size_t i = b * kSeedBlock; i < n; ++i) {
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
    std::vector<float> t;
    std::vector<std::vector<float>> scratch(threads, std::vector<float>(transposed ? k : 0));
    for (std::uint32_t iteration = 0; iteration < options.iterations; ++iteration) {
        if (transposed)
            t = transposeCentroids(centroids.data(), k, dim);
        std::atomic<bool> changed{iteration == 0};
        parallelFor(
            n, threads, grain,
            [&](std::size_t begin, std::size_t end, unsigned worker) {
                bool moved = false;
                for (std::size_t i = begin; i < end; ++i) {
                    const float* row = data + i * dim;
                    const std::uint32_t c =
                        transposed
                            ? nearestTransposed(row, t.data(), k, dim, scratch[worker].data(),
                                                &assignedDistance[i])
                            : nearestCentroid(row, centroids.data(), k, dim, &assignedDistance[i]);
                    moved = moved || c != assignment[i];
                    assignment[i] = c;
                }
                if (moved)
                    changed.store(true, std::memory_order_relaxed);
            },
            [](std::size_t) { return true; });
        if (!changed.load())
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
