#include "core/map/map_clusters.h"

#include "core/diskann/kmeans.h"
#include "core/map/random.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>
#include <utility>

namespace quiver::map {

namespace {

constexpr std::size_t kSilhouetteSample = 2000;
constexpr int kRestarts = 3;

float squared(const float* a, const float* b) {
    const float dx = a[0] - b[0], dy = a[1] - b[1];
    return dx * dx + dy * dy;
}

struct Partition {
    std::vector<std::uint32_t> of;
    double inertia = 0;
};

// The best of a few seeded k-means runs (lowest inertia).
Partition kmeans(const std::vector<float>& xy, std::size_t n, std::uint32_t k, std::uint64_t seed) {
    Partition best;
    for (int r = 0; r < kRestarts; ++r) {
        diskann::KMeansOptions options;
        options.iterations = 25;
        options.seed = detail::hash(seed, k, static_cast<std::uint64_t>(r));
        const std::vector<float> centroids = diskann::trainKMeans(xy.data(), n, 2, k, options);
        Partition p;
        p.of.resize(n);
        std::vector<float> distances(n);
        diskann::nearestCentroids(xy.data(), n, centroids.data(), k, 2, p.of.data(),
                                  distances.data());
        for (const float d : distances)
            p.inertia += static_cast<double>(d);
        if (r == 0 || p.inertia < best.inertia)
            best = std::move(p);
    }
    return best;
}

// Mean silhouette over the sample: for each point, (b - a) / max(a, b) with a its mean distance
// to its own cluster and b to the nearest other cluster (within the sample).
double silhouette(const std::vector<float>& xy, const std::vector<std::size_t>& sample,
                  const std::vector<std::uint32_t>& of, std::uint32_t k) {
    std::vector<double> sum(k);
    std::vector<std::size_t> size(k, 0);
    for (const std::size_t i : sample)
        ++size[of[i]];
    double total = 0;
    for (const std::size_t i : sample) {
        std::fill(sum.begin(), sum.end(), 0.0);
        for (const std::size_t j : sample)
            sum[of[j]] += static_cast<double>(std::sqrt(squared(&xy[2 * i], &xy[2 * j])));
        const std::uint32_t own = of[i];
        if (size[own] < 2)
            continue; // a singleton's silhouette is 0
        const double a = sum[own] / static_cast<double>(size[own] - 1);
        double b = std::numeric_limits<double>::infinity();
        for (std::uint32_t c = 0; c < k; ++c)
            if (c != own && size[c] > 0)
                b = std::min(b, sum[c] / static_cast<double>(size[c]));
        const double m = std::max(a, b);
        if (std::isfinite(b) && m > 0)
            total += (b - a) / m;
    }
    return total / static_cast<double>(sample.size());
}

} // namespace

MapClusters clusterMap(const std::vector<MapPoint>& points, std::uint32_t maxClusters,
                       std::uint64_t seed) {
    MapClusters result;
    const std::size_t n = points.size();
    if (n == 0)
        return result;
    std::vector<float> xy(n * 2);
    std::set<std::pair<float, float>> distinct;
    for (std::size_t i = 0; i < n; ++i) {
        // Non-finite input would poison the centroids; such points sit in the middle.
        xy[2 * i] = std::isfinite(points[i].x) ? points[i].x : 0.5f;
        xy[2 * i + 1] = std::isfinite(points[i].y) ? points[i].y : 0.5f;
        if (distinct.size() <= maxClusters)
            distinct.insert({xy[2 * i], xy[2 * i + 1]});
    }
    const auto kMax =
        static_cast<std::uint32_t>(std::min<std::size_t>(maxClusters, distinct.size()));

    std::vector<std::uint32_t> best(n, 0);
    if (kMax >= 2) {
        std::vector<std::size_t> sample(n);
        std::iota(sample.begin(), sample.end(), std::size_t{0});
        if (n > kSilhouetteSample) {
            detail::Rng rng(detail::hash(seed, 0x5a3));
            for (std::size_t i = 0; i < kSilhouetteSample; ++i)
                std::swap(sample[i], sample[i + rng.below(n - i)]);
            sample.resize(kSilhouetteSample);
        }
        double bestScore = -2;
        for (std::uint32_t k = 2; k <= kMax; ++k) {
            Partition p = kmeans(xy, n, k, seed);
            const double score = silhouette(xy, sample, p.of, k);
            // A clearly better score only: ties and noise keep the simpler answer.
            if (score > bestScore + 1e-9) {
                bestScore = score;
                best = std::move(p.of);
            }
        }
    }

    // Renumber: empty clusters dropped, largest first, ties by first member.
    std::uint32_t slots = 0;
    for (const std::uint32_t c : best)
        slots = std::max(slots, c + 1);
    std::vector<std::size_t> size(slots, 0), first(slots, n);
    for (std::size_t i = 0; i < n; ++i) {
        ++size[best[i]];
        first[best[i]] = std::min(first[best[i]], i);
    }
    std::vector<std::uint32_t> order;
    for (std::uint32_t c = 0; c < slots; ++c)
        if (size[c] > 0)
            order.push_back(c);
    std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
        return size[a] != size[b] ? size[a] > size[b] : first[a] < first[b];
    });
    std::vector<std::uint32_t> rename(slots, 0);
    for (std::uint32_t r = 0; r < order.size(); ++r)
        rename[order[r]] = r;
    result.count = static_cast<std::uint32_t>(order.size());
    result.clusterOf.resize(n);
    std::vector<double> cx(result.count, 0.0), cy(result.count, 0.0);
    for (std::size_t i = 0; i < n; ++i) {
        const std::uint32_t c = rename[best[i]];
        result.clusterOf[i] = c;
        cx[c] += static_cast<double>(xy[2 * i]);
        cy[c] += static_cast<double>(xy[2 * i + 1]);
    }
    result.centres.resize(result.count);
    for (std::uint32_t c = 0; c < result.count; ++c) {
        const auto s = static_cast<double>(size[order[c]]);
        result.centres[c] = MapPoint{static_cast<float>(cx[c] / s), static_cast<float>(cy[c] / s)};
    }
    return result;
}

} // namespace quiver::map
