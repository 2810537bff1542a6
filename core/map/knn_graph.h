#pragma once

#include "core/map/work_control.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace quiver::map::detail {

// Each point's k nearest other points (squared L2), nearest first, ties to the lower index:
// neighbours[i * k + r], with their Euclidean distances. Fewer than k others leave the row's
// tail as `count` (no neighbour) at infinite distance.
struct KnnGraph {
    std::size_t k = 0;
    std::vector<std::uint32_t> neighbours;
    std::vector<float> distances;
};

// Exact (brute force) up to exactUpTo points; above, each point scans the members of the
// k-means cells nearest to it. Deterministic for any thread count.
KnnGraph nearestNeighbours(const float* points, std::size_t count, std::size_t dims, std::size_t k,
                           std::size_t exactUpTo, std::uint64_t seed, const WorkControl& work,
                           double begin, double end);

} // namespace quiver::map::detail
