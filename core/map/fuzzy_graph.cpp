#include "core/map/fuzzy_graph.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>

namespace quiver::map::detail {

namespace {

// The scale sigma with sum_j exp(-(d_j - rho) / sigma) = target over the valid distances, by
// bisection as in UMAP, floored so that a point among duplicates never divides by zero.
double findSigma(const float* d, std::size_t valid, double rho, double target,
                 double meanDistance) {
    double lo = 0, hi = std::numeric_limits<double>::infinity(), mid = 1.0;
    for (int it = 0; it < 64; ++it) {
        double sum = 0;
        for (std::size_t r = 0; r < valid; ++r) {
            const double gap = static_cast<double>(d[r]) - rho;
            sum += gap > 0 ? std::exp(-gap / mid) : 1.0;
        }
        if (std::abs(sum - target) < 1e-5)
            break;
        if (sum > target) {
            hi = mid;
            mid = (lo + hi) / 2;
        } else {
            lo = mid;
            mid = std::isinf(hi) ? mid * 2 : (lo + hi) / 2;
        }
    }
    return std::max({mid, 1e-3 * meanDistance, 1e-12});
}

} // namespace

FuzzyGraph fuzzyGraph(const KnnGraph& knn, std::size_t count) {
    const std::size_t k = knn.k;
    double meanAll = 0;
    std::size_t validAll = 0;
    for (std::size_t i = 0; i < knn.distances.size(); ++i)
        if (knn.neighbours[i] < count) {
            meanAll += static_cast<double>(knn.distances[i]);
            ++validAll;
        }
    meanAll = validAll > 0 ? meanAll / static_cast<double>(validAll) : 0.0;

    // Directed memberships, both ways round, then merged per (source, target).
    struct Edge {
        std::uint32_t from, to;
        float weight;
        bool reverse;
    };
    std::vector<Edge> edges;
    edges.reserve(count * k * 2);
    const double target = std::log2(static_cast<double>(std::max<std::size_t>(k, 2)));
    for (std::size_t i = 0; i < count; ++i) {
        const std::uint32_t* ids = &knn.neighbours[i * k];
        const float* d = &knn.distances[i * k];
        std::size_t valid = 0;
        while (valid < k && ids[valid] < count)
            ++valid;
        if (valid == 0)
            continue;
        double rho = 0, mean = 0;
        for (std::size_t r = 0; r < valid; ++r) {
            mean += static_cast<double>(d[r]);
            if (rho == 0 && d[r] > 0.0f)
                rho = static_cast<double>(d[r]);
        }
        mean /= static_cast<double>(valid);
        const double sigma = findSigma(d, valid, rho, target, rho > 0 ? mean : meanAll);
        for (std::size_t r = 0; r < valid; ++r) {
            const double gap = static_cast<double>(d[r]) - rho;
            const auto w = static_cast<float>(gap > 0 ? std::exp(-gap / sigma) : 1.0);
            if (w <= 0)
                continue;
            const auto from = static_cast<std::uint32_t>(i);
            edges.push_back({from, ids[r], w, false});
            edges.push_back({ids[r], from, w, true});
        }
    }
    std::sort(edges.begin(), edges.end(), [](const Edge& a, const Edge& b) {
        return std::tie(a.from, a.to, a.reverse) < std::tie(b.from, b.to, b.reverse);
    });

    FuzzyGraph g;
    g.offsets.assign(count + 1, 0);
    for (std::size_t e = 0; e < edges.size();) {
        // At most one edge each way per pair: kNN rows hold distinct targets.
        float a = edges[e].reverse ? 0.0f : edges[e].weight;
        float b = edges[e].reverse ? edges[e].weight : 0.0f;
        std::size_t next = e + 1;
        if (next < edges.size() && edges[next].from == edges[e].from &&
            edges[next].to == edges[e].to) {
            (edges[next].reverse ? b : a) = edges[next].weight;
            ++next;
        }
        g.targets.push_back(edges[e].to);
        g.weights.push_back(a + b - a * b);
        ++g.offsets[edges[e].from + 1];
        e = next;
    }
    for (std::size_t i = 0; i < count; ++i)
        g.offsets[i + 1] += g.offsets[i];
    return g;
}

} // namespace quiver::map::detail
