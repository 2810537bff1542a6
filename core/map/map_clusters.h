#pragma once

#include "core/map/map_layout.h"

#include <cstdint>
#include <vector>

namespace quiver::map {

struct MapClusters {
    std::vector<std::uint32_t> clusterOf; // per point, in [0, count)
    std::uint32_t count = 0;
    std::vector<MapPoint> centres; // per cluster, the mean of its points
};

// Clusters of the 2-D layout (what the person sees) for colouring and labelling: k-means for
// every k in [2, maxClusters], keeping the k with the best silhouette on a sample. Clusters are
// numbered largest first. Deterministic for a seed. Fewer distinct points than k lower k; one
// distinct point (or maxClusters < 2) gives one cluster; no points give none.
MapClusters clusterMap(const std::vector<MapPoint>& points, std::uint32_t maxClusters,
                       std::uint64_t seed);

} // namespace quiver::map
