#pragma once

#include "core/map/fuzzy_graph.h"
#include "core/map/work_control.h"

#include <cstdint>
#include <vector>

namespace quiver::map::detail {

// Moves the 2-D positions (count x 2, row-major) for `epochs` rounds of UMAP's objective:
// attraction along the graph's edges in proportion to their weight, repulsion from randomly drawn
// points (negative sampling), the step shrinking linearly to zero. Every round computes all moves
// from the previous round's positions, and every random draw is a hash of (seed, round, point,
// draw), so the result is the same for any thread count.
void forceLayout(const FuzzyGraph& graph, std::vector<float>& positions, std::uint32_t epochs,
                 std::uint64_t seed, const WorkControl& work, double begin, double end);

} // namespace quiver::map::detail
