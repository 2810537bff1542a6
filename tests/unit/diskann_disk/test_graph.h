#pragma once

#include "core/diskann/distance.h"
#include "core/diskann/graph_view.h"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <random>
#include <string>
#include <vector>

// Test fixtures for the disk index: clustered data and a graph built by brute force (exact
// k-NN plus random long edges), independent of the in-memory Vamana builder.
namespace quiver::diskann::test {

// Whether a writer of `path` left a temporary file (named `path` + ".tmp-...") behind.
inline bool tempFileLeft(const std::string& path) {
    const std::filesystem::path p(path);
    const std::string prefix = p.filename().string() + ".tmp";
    const std::filesystem::path dir = p.has_parent_path() ? p.parent_path() : ".";
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        if (entry.path().filename().string().starts_with(prefix))
            return true;
    }
    return false;
}

// `count` points around `clusters` Gaussian centres; unit length when `normalized`.
inline std::vector<float> clusteredData(std::uint32_t count, std::uint32_t dim,
                                        std::uint32_t clusters, std::uint64_t seed,
                                        bool normalized = false) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<float> gauss(0.0f, 1.0f);
    std::vector<float> centres(std::size_t{clusters} * dim);
    for (float& c : centres)
        c = 4.0f * gauss(rng);
    std::vector<float> data(std::size_t{count} * dim);
    for (std::uint32_t i = 0; i < count; ++i) {
        const std::size_t c = rng() % clusters;
        for (std::uint32_t d = 0; d < dim; ++d)
            data[std::size_t{i} * dim + d] = centres[c * dim + d] + gauss(rng);
        if (normalized)
            normalize(data.data() + std::size_t{i} * dim, dim);
    }
    return data;
}

struct TestGraph {
    Metric metric = Metric::L2;
    std::uint32_t dim = 0;
    std::uint32_t count = 0;
    std::uint32_t maxDegree = 0;
    std::uint32_t medoid = 0;
    std::vector<float> vectors;
    std::vector<std::vector<std::uint32_t>> adjacency;
    std::vector<std::vector<std::uint32_t>> labels; // empty: no labels
    std::vector<std::uint64_t> ids;

    const float* vector(std::uint32_t slot) const {
        return vectors.data() + std::size_t{slot} * dim;
    }

    GraphView view() const {
        GraphView g;
        g.metric = metric;
        g.dimension = dim;
        g.count = count;
        g.maxDegree = maxDegree;
        g.medoid = medoid;
        g.vector = [this](std::uint32_t s) { return vector(s); };
        g.neighbors = [this](std::uint32_t s) {
            return std::span<const std::uint32_t>(adjacency[s]);
        };
        if (!labels.empty())
            g.labels = [this](std::uint32_t s) {
                return std::span<const std::uint32_t>(labels[s]);
            };
        g.externalId = [this](std::uint32_t s) { return ids[s]; };
        return g;
    }
};

// Each node gets its R - longEdges nearest neighbours (by the metric) and longEdges random
// ones; the medoid is the point nearest to the mean. External ids are 1000 + 7 * slot.
inline TestGraph buildTestGraph(std::vector<float> vectors, std::uint32_t dim, Metric metric,
                                std::uint32_t maxDegree, std::uint32_t longEdges = 6,
                                std::uint64_t seed = 7) {
    TestGraph g;
    g.metric = metric;
    g.dim = dim;
    g.count = static_cast<std::uint32_t>(vectors.size() / dim);
    g.maxDegree = maxDegree;
    g.vectors = std::move(vectors);
    g.adjacency.resize(g.count);
    g.ids.resize(g.count);
    const DistanceFn dist = distanceFunction(metric);
    const std::uint32_t nearest = std::min(maxDegree - std::min(longEdges, maxDegree), g.count - 1);
    std::mt19937_64 rng(seed);
    std::vector<std::pair<float, std::uint32_t>> row(g.count);
    for (std::uint32_t i = 0; i < g.count; ++i) {
        g.ids[i] = 1000 + 7 * std::uint64_t{i};
        for (std::uint32_t j = 0; j < g.count; ++j)
            row[j] = {i == j ? 1e30f : dist(g.vector(i), g.vector(j), dim), j};
        std::partial_sort(row.begin(), row.begin() + nearest, row.end());
        auto& adj = g.adjacency[i];
        for (std::uint32_t j = 0; j < nearest; ++j)
            adj.push_back(row[j].second);
        while (adj.size() < std::min<std::size_t>(maxDegree, g.count - 1)) {
            const auto r = static_cast<std::uint32_t>(rng() % g.count);
            if (r != i && std::find(adj.begin(), adj.end(), r) == adj.end())
                adj.push_back(r);
        }
    }
    std::vector<double> mean(dim, 0.0);
    for (std::uint32_t i = 0; i < g.count; ++i)
        for (std::uint32_t d = 0; d < dim; ++d)
            mean[d] += static_cast<double>(g.vector(i)[d]);
    std::vector<float> meanF(dim);
    for (std::uint32_t d = 0; d < dim; ++d)
        meanF[d] = static_cast<float>(mean[d] / g.count);
    float best = 1e30f;
    for (std::uint32_t i = 0; i < g.count; ++i) {
        const float d = l2Squared(g.vector(i), meanF.data(), dim);
        if (d < best) {
            best = d;
            g.medoid = i;
        }
    }
    return g;
}

inline std::vector<std::uint8_t> readFileBytes(const std::string& path) {
    std::vector<std::uint8_t> bytes(std::filesystem::file_size(path));
    std::ifstream in(path, std::ios::binary);
    in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    return bytes;
}

// Fraction of `truth` ids found in `got`.
template <typename Hits>
double overlap(const Hits& got, const Hits& truth) {
    if (truth.empty())
        return 1.0;
    std::size_t found = 0;
    for (const auto& t : truth)
        for (const auto& h : got)
            if (h.id == t.id) {
                ++found;
                break;
            }
    return static_cast<double>(found) / static_cast<double>(truth.size());
}

} // namespace quiver::diskann::test
