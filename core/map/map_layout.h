#pragma once

#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <vector>

namespace quiver::map {

struct MapPoint {
    float x = 0;
    float y = 0;
};

struct MapLayoutOptions {
    std::uint32_t neighbours = 15;    // k of the kNN graph the layout preserves
    std::uint32_t pcaDimensions = 32; // the vectors are reduced to this first
    std::uint32_t epochs = 200;       // 0: the first two principal components, no neighbour graph
    std::uint64_t seed = 1;           // same input + seed => identical output (any thread count)
    std::uint32_t threads = 0;        // 0: hardware concurrency
    std::function<bool()> cancelled = {};      // polled often; true => throw MapCancelled
    std::function<void(double)> progress = {}; // 0..1, from the computing thread
    // Up to this many points the kNN graph is exact (brute force in the PCA space); above it an
    // inverted-file search over k-means cells finds most true neighbours at a fraction of the cost.
    std::size_t exactNeighboursUpTo = 10000;
    // Rows the principal directions are estimated from (an evenly spread, seeded sample).
    std::size_t pcaSample = 8192;
};

struct MapCancelled : std::exception {
    const char* what() const noexcept override;
};

// count x dim row-major vectors (cosine: normalised inside; zero or non-finite rows count as
// zero vectors). Returns count points scaled into [0,1]^2 with the aspect ratio kept (the shorter
// extent is centred). Both callbacks are called only from the calling thread.
std::vector<MapPoint> layoutMap(const float* vectors, std::size_t count, std::size_t dim,
                                const MapLayoutOptions& options);

} // namespace quiver::map
