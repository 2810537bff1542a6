#pragma once

#include "core/diskann/distance.h"
#include "core/diskann/neighbor_list.h"

#include <cstddef>
#include <cstdint>

namespace quiver::diskann {

// Exact k nearest neighbours by scanning: distanceOf(slot) is evaluated for every slot the
// range yields and the best k (ties by slot) end up in `out`, best first.
template <typename SlotRange, typename DistanceOf>
void bruteForceTopK(SlotRange&& slots, std::size_t k, const DistanceOf& distanceOf,
                    NeighborList& out) {
    out.reset(k);
    if (k == 0)
        return;
    for (const std::uint32_t slot : slots) {
        const float d = distanceOf(slot);
        if (!out.full() || d <= out.worstDistance())
            out.insert(slot, d);
    }
}

} // namespace quiver::diskann
