#pragma once

#include <atomic>
#include <cstdint>
#include <functional>

namespace quiver::diskann {

// Graph and search parameters of a VamanaIndex.
struct BuildParams {
    std::uint32_t maxDegree = 64;      // R: out-degree bound of every node
    std::uint32_t buildListSize = 100; // L used while building and inserting
    float alpha = 1.2f;                // pruning slack of the second pass (1 = strict)
    std::uint32_t threads = 0;         // build threads; 0 = every hardware thread
    std::uint64_t seed = 0x5EED;       // random initial graph and insertion order
    // Indexes with at most this many live points answer every query exactly by brute force.
    std::uint32_t exactSearchBelow = 1000;
    // A label filter matching at most this many points is answered exactly by brute force over
    // the label's points: graph search through very sparse matches would lose recall.
    std::uint32_t filterBruteForceBelow = 1000;
    // Steer graph searches (at build and at query time) by bfloat16 copies of the vectors: half
    // the memory traffic per distance, for a quarter more RAM; answers are re-ranked with the
    // float vectors. Only where the CPU has vector kernels for it, from 256 dimensions.
    bool compactSteering = true;
    // Filtered-DiskANN edges: every point is also linked through a search among the points
    // sharing a label with it, and pruning keeps a path per label. Searches for one label then
    // walk only its carriers. Off, labels are kept for filtering alone: the build costs one
    // search per point instead of two, and filtered searches scan a rare match set or walk the
    // whole graph with a widened list (as they do for several label groups in any case).
    bool labelAwareEdges = true;
};

// Observes and steers a long build. progress receives the fraction done, monotonically
// non-decreasing, from whichever build thread finished a unit of work (calls are serialised);
// returning false cancels. cancel, when set, is polled by every build thread.
struct BuildControl {
    std::function<bool(double fraction)> progress;
    const std::atomic<bool>* cancel = nullptr;
};

enum class BuildStatus : std::uint8_t { Completed, Cancelled };

} // namespace quiver::diskann
