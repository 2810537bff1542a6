#include "core/diskann/kmeans.h"

#include "core/diskann/distance.h"
#include "core/diskann/linalg.h"
#include "core/diskann/parallel_for.h"

#include <algorithm>
#include <atomic>
#include <limits>
#include <random>
#include <stdexcept>

namespace quiver::diskann {

namespace {

constexpr std::size_t kSeedBlock = 256;

// The seeding loops are compiled once per instruction set, inlined into each kernel below.
#if defined(__GNUC__) || defined(__clang__)
#define QUIVER_ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define QUIVER_ALWAYS_INLINE inline
#endif

// The sum of count floats in sixteen running sums: vectorised, and summed in the same order
// whatever the instruction set.
inline double laneSum(const float* v, std::size_t count) {
    constexpr std::size_t kLanes = 16;
    float lane[kLanes] = {};
    std::size_t i = 0;
    for (; i + kLanes <= count; i += kLanes)
        for (std::size_t j = 0; j < kLanes; ++j)
            lane[j] += v[i + j];
    double sum = 0.0;
    for (; i < count; ++i)
        sum += static_cast<double>(v[i]);
    for (const float l : lane)
        sum += static_cast<double>(l);
    return sum;
}

// nearest[i] = min(nearest[i], |x_i - centroid|^2) for points [begin, end) (at most kSeedBlock)
// of dimension-major data; returns the block's sum of nearest. The loops run over contiguous
// points and vectorise.
QUIVER_ALWAYS_INLINE double lowerNearestBody(const float* columns, std::size_t n, std::size_t dim,
                                             const float* centroid, std::size_t begin,
                                             std::size_t end, float* nearest) {
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
    float* out = nearest + begin;
    for (std::size_t i = 0; i < count; ++i)
        out[i] = acc[i] < out[i] ? acc[i] : out[i];
    return laneSum(out, count);
}

using LowerNearestFn = double (*)(const float*, std::size_t, std::size_t, const float*, std::size_t,
                                  std::size_t, float*);

double lowerNearestPortable(const float* columns, std::size_t n, std::size_t dim,
                            const float* centroid, std::size_t begin, std::size_t end,
                            float* nearest) {
    return lowerNearestBody(columns, n, dim, centroid, begin, end, nearest);
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
// The same loops compiled for wider vectors: k-means++ seeding of PQ's sub-spaces spends most of
// its time here.
__attribute__((target("avx2,fma"))) double lowerNearestAvx2(const float* columns, std::size_t n,
                                                            std::size_t dim, const float* centroid,
                                                            std::size_t begin, std::size_t end,
                                                            float* nearest) {
    return lowerNearestBody(columns, n, dim, centroid, begin, end, nearest);
}

__attribute__((target("avx512f"))) double lowerNearestAvx512(const float* columns, std::size_t n,
                                                             std::size_t dim, const float* centroid,
                                                             std::size_t begin, std::size_t end,
                                                             float* nearest) {
    return lowerNearestBody(columns, n, dim, centroid, begin, end, nearest);
}
#endif

LowerNearestFn lowerNearestKernel() {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f"))
        return &lowerNearestAvx512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        return &lowerNearestAvx2;
#endif
    return &lowerNearestPortable;
}

// Rows of points per blocked product: their distances to every centroid (rows x k floats) stay
// in the cache for the search of each row's minimum.
constexpr std::size_t kProductRows = 192;

// Centroids prepared for many nearest-centroid searches: dimension-major with their norms for
// short vectors, their norms for the blocked products of long ones.
class CentroidSet {
public:
    CentroidSet(const float* centroids, std::uint32_t k, std::size_t dim)
        : centroids_(centroids)
        , k_(k)
        , dim_(dim)
        , norms_(centroidNorms(centroids, k, dim)) {
        if (dim <= kTransposedMaxDim)
            transposed_ = transposeCentroids(centroids, k, dim);
    }

    // Points [0, count) on this thread; scratch is this thread's own.
    void nearest(const float* points, std::size_t count, std::uint32_t* out, float* distances,
                 std::vector<float>& scratch) const {
        if (dim_ <= kTransposedMaxDim) {
            nearestTransposedMany(points, count, dim_, transposed_.data(), norms_.data(), k_, dim_,
                                  out, distances);
            return;
        }
        scratch.resize(kProductRows * std::size_t{k_});
        for (std::size_t first = 0; first < count; first += kProductRows) {
            const std::size_t rows = std::min(kProductRows, count - first);
            const float* block = points + first * dim_;
            linalg::multiplyTransposedInto(block, rows, centroids_, k_, dim_, scratch.data(), k_);
            for (std::size_t r = 0; r < rows; ++r) {
                const float* dots = scratch.data() + r * k_;
                std::uint32_t best = 0;
                float bestDistance = std::numeric_limits<float>::infinity();
                for (std::uint32_t c = 0; c < k_; ++c) {
                    const float d = norms_[c] - 2.0f * dots[c];
                    if (d < bestDistance) {
                        bestDistance = d;
                        best = c;
                    }
                }
                out[first + r] = best;
                if (distances) {
                    const float* x = block + r * dim_;
                    distances[first + r] = std::max(0.0f, innerProduct(x, x, dim_) + bestDistance);
                }
            }
        }
    }

private:
    const float* centroids_;
    std::uint32_t k_;
    std::size_t dim_;
    std::vector<float> norms_;
    std::vector<float> transposed_;
};

} // namespace

void nearestCentroids(const float* points, std::size_t n, const float* centroids, std::uint32_t k,
                      std::size_t dim, std::uint32_t* out, float* distances, unsigned threads) {
    if (n == 0 || k == 0)
        return;
    const CentroidSet set(centroids, k, dim);
    const unsigned workers = resolveThreadCount(threads);
    std::vector<std::vector<float>> scratch(workers);
    parallelFor(n, workers, kProductRows, [&](std::size_t begin, std::size_t end, unsigned w) {
        set.nearest(points + begin * dim, end - begin, out + begin,
                    distances ? distances + begin : nullptr, scratch[w]);
    });
}

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
    static const LowerNearestFn lowerNearest = lowerNearestKernel();
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
    // Long vectors: each point's nearest centroid so far, and the squared distances from the new
    // centroid to the earlier ones. A point whose nearest centroid lies at least twice as far
    // from the new one as from the point cannot come nearer to the new one (triangle
    // inequality), so its row is not read: on clustered data most rows are skipped for most
    // centroids, and seeding was most of the time of a coarse k-means.
    std::vector<std::uint32_t> owner(transposed ? 0 : n, 0);
    std::vector<float> gap(transposed ? 0 : k, 0.0f);
    std::size_t chosen = std::uniform_int_distribution<std::size_t>(0, n - 1)(rng);
    for (std::uint32_t c = 0; c < k; ++c) {
        float* centroid = centroids.data() + std::size_t{c} * dim;
        std::copy_n(data + chosen * dim, dim, centroid);
        if (!transposed)
            for (std::uint32_t j = 0; j < c; ++j)
                gap[j] = squaredDistance(centroids.data() + std::size_t{j} * dim, centroid, dim);
        parallelFor(
            blocks, threads, std::max<std::size_t>(1, grain / kSeedBlock),
            [&](std::size_t first, std::size_t last, unsigned) {
                for (std::size_t b = first; b < last; ++b) {
                    const std::size_t begin = b * kSeedBlock;
                    const std::size_t end = std::min(n, begin + kSeedBlock);
                    if (transposed) {
                        blockSum[b] = lowerNearest(columns.data(), n, dim, centroid, begin, end,
                                                   nearest.data());
                        continue;
                    }
                    for (std::size_t i = begin; i < end; ++i) {
                        // 4.001: a margin for rounding, so no skipped row could have won.
                        if (c > 0 && gap[owner[i]] >= 4.001f * nearest[i])
                            continue;
                        const float d = squaredDistance(data + i * dim, centroid, dim);
                        if (d < nearest[i]) {
                            nearest[i] = d;
                            owner[i] = c;
                        }
                    }
                    blockSum[b] = laneSum(nearest.data() + begin, end - begin);
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
    std::vector<std::uint32_t> nearestNow(n, 0);
    std::vector<float> assignedDistance(n, 0.0f);
    std::vector<double> sums(std::size_t{k} * dim);
    std::vector<std::size_t> sizes(k);
    std::vector<std::vector<float>> scratch(threads);
    // Chunks of whole product blocks for long vectors.
    const std::size_t assignGrain =
        transposed ? grain : (grain + kProductRows - 1) / kProductRows * kProductRows;
    for (std::uint32_t iteration = 0; iteration < options.iterations; ++iteration) {
        const CentroidSet set(centroids.data(), k, dim);
        std::atomic<bool> changed{iteration == 0};
        parallelFor(
            n, threads, assignGrain,
            [&](std::size_t begin, std::size_t end, unsigned worker) {
                set.nearest(data + begin * dim, end - begin, nearestNow.data() + begin,
                            assignedDistance.data() + begin, scratch[worker]);
                bool moved = false;
                for (std::size_t i = begin; i < end; ++i) {
                    moved = moved || nearestNow[i] != assignment[i];
                    assignment[i] = nearestNow[i];
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
