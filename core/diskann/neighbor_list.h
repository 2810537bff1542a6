#pragma once

#include <cstdint>
#include <cstring>
#include <vector>

namespace quiver::diskann {

struct Neighbor {
    std::uint32_t slot = 0;
    float distance = 0.0f;
};

// The beam of a greedy search: at most `capacity` candidates sorted by distance (ties by slot,
// so that results are deterministic), each flagged once expanded. Insertion shifts a small
// contiguous array, which beats a heap for the list sizes used here (tens to hundreds).
class NeighborList {
public:
    void reset(std::size_t capacity) {
        capacity_ = capacity;
        if (items_.size() < capacity + 1)
            items_.resize(capacity + 1);
        size_ = 0;
        cursor_ = 0;
    }

    std::size_t size() const { return size_; }
    std::size_t capacity() const { return capacity_; }
    bool full() const { return size_ == capacity_; }
    const Neighbor& operator[](std::size_t i) const { return items_[i].n; }
    // The distance a candidate must beat to enter a full list.
    float worstDistance() const { return items_[size_ - 1].n.distance; }

    // Inserts unless the list is full and the candidate is no better than the worst entry.
    // The caller guarantees the slot is not already present.
    bool insert(std::uint32_t slot, float distance) {
        if (size_ == capacity_ && !less(distance, slot, items_[size_ - 1].n))
            return false;
        std::size_t lo = 0;
        std::size_t hi = size_;
        while (lo < hi) {
            const std::size_t mid = (lo + hi) / 2;
            if (less(distance, slot, items_[mid].n))
                hi = mid;
            else
                lo = mid + 1;
        }
        const std::size_t moved = (size_ == capacity_ ? size_ - 1 : size_) - lo;
        if (moved > 0)
            std::memmove(static_cast<void*>(&items_[lo + 1]), static_cast<const void*>(&items_[lo]),
                         moved * sizeof(Item));
        items_[lo] = Item{{slot, distance}, 0};
        if (size_ < capacity_)
            ++size_;
        if (lo < cursor_)
            cursor_ = lo;
        return true;
    }

    bool hasUnexpanded() const { return cursor_ < size_; }

    // The closest candidate not yet expanded; marks it expanded.
    Neighbor popClosestUnexpanded() {
        Item& item = items_[cursor_];
        item.expanded = 1;
        const Neighbor result = item.n;
        while (cursor_ < size_ && items_[cursor_].expanded != 0)
            ++cursor_;
        return result;
    }

private:
    struct Item {
        Neighbor n;
        std::uint32_t expanded = 0;
    };

    static bool less(float d, std::uint32_t slot, const Neighbor& other) {
        return d < other.distance || (d == other.distance && slot < other.slot);
    }

    std::vector<Item> items_;
    std::size_t capacity_ = 0;
    std::size_t size_ = 0;
    std::size_t cursor_ = 0;
};

} // namespace quiver::diskann
