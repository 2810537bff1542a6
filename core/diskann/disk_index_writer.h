#pragma once

#include "core/diskann/graph_view.h"

#include <cstdint>
#include <functional>
#include <string>

namespace quiver::diskann {

struct DiskIndexBuildOptions {
    std::uint32_t pqBytes = 0;    // bytes per PQ code; 0: dimension / 4, at most 256
    std::uint32_t cacheNodes = 0; // hot nodes a reader caches unless told otherwise
    // Slots the file has room for, for in-place inserts (DiskIndexUpdater); below the point
    // count: the count (no spare room; deleted slots are still reused).
    std::uint32_t capacity = 0;
    // Coarse centroids the residuals are coded against; 0: chosen from the point count, 1: plain
    // PQ around the mean.
    std::uint32_t coarseCentroids = 0;
    bool rotate = true; // OPQ rotation (balanced dimension permutation above 1024 dimensions)
    std::uint32_t pqTrainingPoints = 50000;
    std::uint32_t threads = 0; // 0: one per hardware thread
    std::uint64_t seed = 42;
    std::function<bool(double)> progress; // fraction done; returning false cancels the write
};

// Trains the vector codec (see VectorCodec) on the graph's vectors and writes the complete index
// file: under a temporary name, flushed, then renamed over `path`. Throws std::invalid_argument for
// an inconsistent graph (neighbour out of range, degree above R, non-finite vector) and
// DiskIndexError for I/O failures or cancellation ("index write cancelled").
void writeDiskIndex(const std::string& path, const GraphView& graph,
                    const DiskIndexBuildOptions& options = {});

} // namespace quiver::diskann
