#pragma once

#include "core/diskann/distance.h"
#include "core/diskann/neighbor_list.h"

#include <cstddef>
#include <cstdint>
#include <utility>

namespace quiver::diskann {

// The slots 0..count-1 as a range (std::views::iota is out of reach for clang 14 with
// libstdc++ 12).
class SlotSequence {
public:
    class iterator {
    public:
        explicit iterator(std::uint32_t v)
            : v_(v) {}
        std::uint32_t operator*() const { return v_; }
        iterator& operator++() {
            ++v_;
            return *this;
        }
        bool operator!=(const iterator& o) const { return v_ != o.v_; }

    private:
        std::uint32_t v_;
    };
    explicit SlotSequence(std::uint32_t count)
        : count_(count) {}
    iterator begin() const { return iterator(0); }
    iterator end() const { return iterator(count_); }

private:
    std::uint32_t count_;
};

// Exact k nearest neighbours by scanning: distanceOf(slot) is evaluated for every slot the
// range yields that `keep` accepts, and the best k (ties by slot) end up in `out`, best first.
// (A predicate rather than a filtered view: clang 14, which builds the fuzz targets, cannot
// compile libstdc++ 12's views::filter.)
template <typename SlotRange, typename DistanceOf, typename Keep>
void bruteForceTopK(SlotRange&& slots, std::size_t k, const DistanceOf& distanceOf,
                    NeighborList& out, const Keep& keep) {
    out.reset(k);
    if (k == 0)
        return;
    for (const std::uint32_t slot : slots) {
        if (!keep(slot))
            continue;
        const float d = distanceOf(slot);
        if (!out.full() || d <= out.worstDistance())
            out.insert(slot, d);
    }
}

template <typename SlotRange, typename DistanceOf>
void bruteForceTopK(SlotRange&& slots, std::size_t k, const DistanceOf& distanceOf,
                    NeighborList& out) {
    bruteForceTopK(std::forward<SlotRange>(slots), k, distanceOf, out,
                   [](std::uint32_t) { return true; });
}

} // namespace quiver::diskann
