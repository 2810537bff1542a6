#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace quiver::diskann {

// Marks slots seen during one search. Starting a new search bumps a generation counter instead
// of clearing the array, so a query costs nothing proportional to the index size.
class VisitedSet {
public:
    // Prepares for a search over slots 0..capacity-1.
    void reset(std::size_t capacity) {
        if (marks_.size() < capacity) {
            marks_.assign(capacity, 0);
            generation_ = 0;
        }
        if (++generation_ == 0) {
            std::fill(marks_.begin(), marks_.end(), std::uint16_t{0});
            generation_ = 1;
        }
    }

    bool contains(std::uint32_t slot) const { return marks_[slot] == generation_; }

    // Marks slot; returns false if it was already marked.
    bool insert(std::uint32_t slot) {
        if (marks_[slot] == generation_)
            return false;
        marks_[slot] = generation_;
        return true;
    }

    const std::uint16_t* markAddress(std::uint32_t slot) const { return marks_.data() + slot; }

private:
    std::vector<std::uint16_t> marks_;
    std::uint16_t generation_ = 0;
};

} // namespace quiver::diskann
