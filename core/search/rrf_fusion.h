#pragma once

#include "core/search/search_types.h"

#include <vector>

namespace quiver {

// Reciprocal rank fusion (Cormack et al. 2009): each list contributes 1 / (k + rank) for every
// chunk it holds (rank 1-based), so a chunk ranked well by several lists rises above one ranked
// first by a single list, with no need to make the lists' own scores comparable. Returns every
// chunk of every list, best first; ties keep the order of first appearance.
std::vector<RankedChunk> fuseReciprocalRanks(const std::vector<std::vector<RankedChunk>>& lists,
                                             double k = 60.0);

} // namespace quiver
