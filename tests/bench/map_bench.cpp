// The collection map's cost and quality on synthetic clustered embeddings: seconds for the
// layout at 5k and 20k points of 512 dimensions, and its neighbour preservation (the share of
// each sampled point's 10 nearest in the layout that are among its 10 nearest by cosine).
//
//   map_bench [--threads N] [--dim D] [--pca P] [--exact N] [--sizes 5000,20000]
//
// --exact: the most points for which the neighbour graph is exact (MapLayoutOptions).

#include "core/map/map_clusters.h"
#include "core/map/map_layout.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

using namespace quiver::map;

namespace {

// Topics as random directions, sub-topics around them, passages around those: a hierarchy of
// clusters of unequal size and spread, roughly like embedded text.
struct Data {
    std::vector<float> vectors;
    std::vector<std::uint32_t> subtopic;
};

Data clusteredData(std::size_t n, std::size_t dim, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    constexpr std::size_t kTopics = 30, kSubtopics = 5;
    std::vector<float> sub(kTopics * kSubtopics * dim);
    for (std::size_t t = 0; t < kTopics; ++t) {
        std::vector<float> topic(dim);
        for (float& v : topic)
            v = normal(rng);
        for (std::size_t s = 0; s < kSubtopics; ++s)
            for (std::size_t d = 0; d < dim; ++d)
                sub[(t * kSubtopics + s) * dim + d] = topic[d] + 0.6f * normal(rng);
    }
    Data out;
    out.vectors.resize(n * dim);
    out.subtopic.resize(n);
    std::discrete_distribution<std::size_t> pick(kTopics * kSubtopics, 0.0, 1.0,
                                                 [](double x) { return 1.0 + 4.0 * x; });
    for (std::size_t i = 0; i < n; ++i) {
        const std::size_t c = pick(rng);
        out.subtopic[i] = static_cast<std::uint32_t>(c);
        const float spread = 0.4f + 0.4f * static_cast<float>(c % 3);
        for (std::size_t d = 0; d < dim; ++d)
            out.vectors[i * dim + d] = sub[c * dim + d] + spread * normal(rng);
    }
    return out;
}

template <typename Distance>
std::vector<std::size_t> nearest(std::size_t n, std::size_t i, std::size_t k, Distance dist) {
    std::vector<std::pair<double, std::size_t>> all;
    all.reserve(n);
    for (std::size_t j = 0; j < n; ++j)
        if (j != i)
            all.emplace_back(dist(i, j), j);
    std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(k), all.end());
    std::vector<std::size_t> ids(k);
    for (std::size_t r = 0; r < k; ++r)
        ids[r] = all[r].second;
    std::sort(ids.begin(), ids.end());
    return ids;
}

struct Quality {
    double preserved = 0;    // share of the 10 nearest in 2-D among the 10 nearest by cosine
    double sameSubtopic = 0; // share of the 10 nearest in 2-D from the point's own sub-topic
};

// Over an evenly spread sample of points. The noise around a sub-topic is isotropic, so which
// of its (n / 150) points are a point's 10 nearest is close to chance once n is large: then
// `preserved` falls towards 10 / (n / 150) and `sameSubtopic` is the structure left to keep.
Quality quality(const Data& data, std::size_t n, std::size_t dim,
                const std::vector<MapPoint>& points) {
    constexpr std::size_t kSample = 500, kK = 10;
    const std::vector<float>& v = data.vectors;
    std::vector<double> inv(n);
    for (std::size_t i = 0; i < n; ++i) {
        double s = 0;
        for (std::size_t d = 0; d < dim; ++d)
            s += static_cast<double>(v[i * dim + d]) * static_cast<double>(v[i * dim + d]);
        inv[i] = 1.0 / std::sqrt(s);
    }
    std::size_t shared = 0, same = 0, sampled = 0;
    const std::size_t step = std::max<std::size_t>(1, n / kSample);
    for (std::size_t i = 0; i < n; i += step, ++sampled) {
        const auto original = nearest(n, i, kK, [&](std::size_t a, std::size_t b) {
            double dot = 0;
            for (std::size_t d = 0; d < dim; ++d)
                dot += static_cast<double>(v[a * dim + d]) * static_cast<double>(v[b * dim + d]);
            return -dot * inv[a] * inv[b];
        });
        const auto layout = nearest(n, i, kK, [&](std::size_t a, std::size_t b) {
            const double dx = static_cast<double>(points[a].x - points[b].x);
            const double dy = static_cast<double>(points[a].y - points[b].y);
            return dx * dx + dy * dy;
        });
        std::vector<std::size_t> both;
        std::set_intersection(original.begin(), original.end(), layout.begin(), layout.end(),
                              std::back_inserter(both));
        shared += both.size();
        for (const std::size_t j : layout)
            same += data.subtopic[j] == data.subtopic[i] ? 1 : 0;
    }
    const auto total = static_cast<double>(sampled * kK);
    return {static_cast<double>(shared) / total, static_cast<double>(same) / total};
}

} // namespace

int main(int argc, char** argv) {
    unsigned threads = 2;
    std::size_t dim = 512;
    std::uint32_t pca = 32;
    std::size_t exactUpTo = MapLayoutOptions{}.exactNeighboursUpTo;
    std::vector<std::size_t> sizes = {5000, 20000};
    for (int a = 1; a + 1 < argc; a += 2) {
        if (std::strcmp(argv[a], "--threads") == 0) {
            threads = static_cast<unsigned>(std::atoi(argv[a + 1]));
        } else if (std::strcmp(argv[a], "--exact") == 0) {
            exactUpTo = static_cast<std::size_t>(std::atol(argv[a + 1]));
        } else if (std::strcmp(argv[a], "--pca") == 0) {
            pca = static_cast<std::uint32_t>(std::atoi(argv[a + 1]));
        } else if (std::strcmp(argv[a], "--dim") == 0) {
            dim = static_cast<std::size_t>(std::atol(argv[a + 1]));
        } else if (std::strcmp(argv[a], "--sizes") == 0) {
            sizes.clear();
            std::string list = argv[a + 1];
            for (std::size_t p = 0; p < list.size();) {
                const std::size_t comma = std::min(list.find(',', p), list.size());
                sizes.push_back(static_cast<std::size_t>(std::stoul(list.substr(p, comma - p))));
                p = comma + 1;
            }
        } else {
            std::fprintf(stderr, "usage: map_bench [--threads N] [--dim D] [--pca P] [--exact N] "
                                 "[--sizes A,B]\n");
            return 2;
        }
    }
    std::printf("points  dim  pca  threads  layout_s (pca, knn, forces)  clusters_s  clusters  "
                "knn10_preserved  same_subtopic  | pca_only: knn10_preserved  same_subtopic\n");
    for (const std::size_t n : sizes) {
        const Data data = clusteredData(n, dim, 42);
        MapLayoutOptions options;
        options.threads = threads;
        options.pcaDimensions = pca;
        options.exactNeighboursUpTo = exactUpTo;
        // Stage ends by progress (core/map/map_layout.cpp): PCA 0.15, neighbours 0.45.
        double pcaSeconds = 0, knnSeconds = 0;
        const auto t0 = std::chrono::steady_clock::now();
        options.progress = [&](double p) {
            const double s =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            if (p <= 0.15)
                pcaSeconds = s;
            if (p <= 0.45)
                knnSeconds = s;
        };
        const std::vector<MapPoint> points = layoutMap(data.vectors.data(), n, dim, options);
        const auto t1 = std::chrono::steady_clock::now();
        const MapClusters clusters = clusterMap(points, 20, 1);
        const auto t2 = std::chrono::steady_clock::now();
        const double layoutSeconds = std::chrono::duration<double>(t1 - t0).count();
        const double clusterSeconds = std::chrono::duration<double>(t2 - t1).count();
        const Quality q = quality(data, n, dim, points);
        // The baseline: the first two principal components alone.
        MapLayoutOptions pcaOnly;
        pcaOnly.threads = threads;
        pcaOnly.epochs = 0;
        const Quality base = quality(data, n, dim, layoutMap(data.vectors.data(), n, dim, pcaOnly));
        std::printf("%6zu  %3zu  %3u  %7u  %8.2f (%.2f, %.2f, %.2f)  %10.2f  %8u  %15.3f  %13.3f  "
                    "| %24.3f  %13.3f\n",
                    n, dim, pca, threads, layoutSeconds, pcaSeconds, knnSeconds - pcaSeconds,
                    layoutSeconds - knnSeconds, clusterSeconds, clusters.count, q.preserved,
                    q.sameSubtopic, base.preserved, base.sameSubtopic);
        std::fflush(stdout);
    }
    return 0;
}
