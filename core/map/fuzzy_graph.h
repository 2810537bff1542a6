#pragma once

#include "core/map/knn_graph.h"

#include <cstdint>
#include <vector>

namespace quiver::map::detail {

// The symmetric weighted neighbour graph the layout preserves, in compressed rows: the edges of
// point i are [offsets[i], offsets[i + 1]), sorted by target.
struct FuzzyGraph {
    std::vector<std::size_t> offsets;
    std::vector<std::uint32_t> targets;
    std::vector<float> weights; // in (0, 1]
};

// UMAP's fuzzy simplicial set: each point's distances are shifted by its nearest neighbour's and
// scaled so that its memberships sum to log2(k), which adapts to local density; the two
// directions of an edge combine as a fuzzy union (a + b - ab).
FuzzyGraph fuzzyGraph(const KnnGraph& knn, std::size_t count);

} // namespace quiver::map::detail
