#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <unordered_set>
#include <vector>

namespace quiver::diskann {

// A beam search's candidate list: the best L slots seen so far, by distance (PQ estimates
// until a node is read, then exact), each marked once it is taken for expansion. Both search
// strategies (rounds of reads, pipelined reads) go through it, so with one read at a time
// they expand the same nodes in the same order.
class CandidateList {
public:
    explicit CandidateList(std::uint32_t L)
        : L_(L) {
        list_.reserve(std::size_t{L} + 1);
        seen_.reserve(std::size_t{L} * 8);
    }

    bool seen(std::uint32_t slot) const { return seen_.count(slot) != 0; }

    // A slot met for the first time enters at distance d if it beats the worst of L.
    void offer(std::uint32_t slot, float d) {
        if (!seen_.insert(slot).second)
            return;
        if (list_.size() == L_ && !(d < list_.back().distance))
            return;
        auto at = std::upper_bound(list_.begin(), list_.end(), d,
                                   [](float v, const Entry& c) { return v < c.distance; });
        list_.insert(at, Entry{d, slot, false});
        if (list_.size() > L_)
            list_.pop_back();
    }

    // The best candidate not yet taken, now taken; none when every one of the L is.
    std::optional<std::uint32_t> takeBest() {
        for (Entry& c : list_)
            if (!c.expanded) {
                c.expanded = true;
                return c.slot;
            }
        return std::nullopt;
    }

    // A read node's exact distance replaces its estimate (if it is still in the list); call
    // reorder() before the next offer().
    void setDistance(std::uint32_t slot, float d) {
        for (Entry& c : list_)
            if (c.slot == slot) {
                c.distance = d;
                return;
            }
    }
    void reorder() {
        std::stable_sort(list_.begin(), list_.end(),
                         [](const Entry& a, const Entry& b) { return a.distance < b.distance; });
    }

private:
    struct Entry {
        float distance;
        std::uint32_t slot;
        bool expanded;
    };
    std::uint32_t L_;
    std::vector<Entry> list_; // sorted by distance, at most L
    std::unordered_set<std::uint32_t> seen_;
};

} // namespace quiver::diskann
