#pragma once

#include <algorithm>
#include <bit>
#include <cstdint>
#include <optional>
#include <vector>

namespace quiver::diskann {

// Which points a filtered search may return: those carrying at least one label of every group, a
// conjunction of disjunctions ("collection 3 or 5, and a PDF, and imported on one of these
// days"). No group: every point passes. An empty group: no point does.
class LabelFilter {
public:
    LabelFilter() = default;
    explicit LabelFilter(std::uint32_t label) { anyOf({label}); }

    // Adds a group; its order and repeats do not matter.
    LabelFilter& anyOf(std::vector<std::uint32_t> labels) {
        std::sort(labels.begin(), labels.end());
        labels.erase(std::unique(labels.begin(), labels.end()), labels.end());
        groups_.push_back(std::move(labels));
        return *this;
    }

    bool passesAll() const { return groups_.empty(); }
    bool passesNone() const {
        return std::any_of(groups_.begin(), groups_.end(),
                           [](const std::vector<std::uint32_t>& g) { return g.empty(); });
    }
    // The label when the filter is one group of one label: the indexes' label entry points and
    // label-aware edges serve exactly that case.
    std::optional<std::uint32_t> singleLabel() const {
        if (groups_.size() == 1 && groups_.front().size() == 1)
            return groups_.front().front();
        return std::nullopt;
    }
    const std::vector<std::vector<std::uint32_t>>& groups() const { return groups_; }

    // labelAt(i) for i < count: the labels a point carries.
    template <typename LabelAt>
    bool passes(std::size_t count, const LabelAt& labelAt) const {
        for (const std::vector<std::uint32_t>& group : groups_) {
            bool met = false;
            for (std::size_t i = 0; i < count && !met; ++i)
                met = std::binary_search(group.begin(), group.end(), labelAt(i));
            if (!met)
                return false;
        }
        return true;
    }

private:
    std::vector<std::vector<std::uint32_t>> groups_; // each sorted, without repeats
};

// The share of points expected to pass `filter` out of `count`, from how many carry each label
// (`carrierCount(label)`): a group passes the carriers of its labels (counted once per label,
// so an upper bound where points carry several), groups are taken as independent. It decides
// between a scan and a walk without listing the matches: the walk never needs the list.
template <typename CarrierCount>
double estimatedShare(const LabelFilter& filter, std::size_t count,
                      const CarrierCount& carrierCount) {
    if (count == 0)
        return 0.0;
    double share = 1.0;
    for (const std::vector<std::uint32_t>& labels : filter.groups()) {
        double carriers = 0.0;
        for (const std::uint32_t label : labels)
            carriers += static_cast<double>(carrierCount(label));
        share *= std::min(1.0, carriers / static_cast<double>(count));
    }
    return share;
}

// The slots (sorted) that pass `filter`, given each label's carriers as a sorted list of slots:
// `carriers(label)` returns a range of slots, empty for an unknown label. `slotCount` bounds the
// slots. Costs one pass over the carriers of the filter's labels plus slotCount / 64 per group.
template <typename Carriers>
std::vector<std::uint32_t> slotsPassing(const LabelFilter& filter, std::size_t slotCount,
                                        const Carriers& carriers) {
    const std::size_t words = (slotCount + 63) / 64;
    std::vector<std::uint64_t> all(words, ~std::uint64_t{0});
    if (slotCount % 64 != 0 && words > 0)
        all.back() = (std::uint64_t{1} << (slotCount % 64)) - 1; // no slot past the end
    std::vector<std::uint64_t> group(words);
    for (const std::vector<std::uint32_t>& labels : filter.groups()) {
        std::fill(group.begin(), group.end(), 0);
        for (const std::uint32_t label : labels)
            for (const std::uint32_t slot : carriers(label))
                if (slot < slotCount)
                    group[slot / 64] |= std::uint64_t{1} << (slot % 64);
        for (std::size_t w = 0; w < words; ++w)
            all[w] &= group[w];
    }
    std::vector<std::uint32_t> out;
    for (std::size_t w = 0; w < words; ++w)
        for (std::uint64_t bits = all[w]; bits != 0; bits &= bits - 1) {
            out.push_back(
                static_cast<std::uint32_t>(w * 64 + std::uint64_t(std::countr_zero(bits))));
        }
    return out;
}

} // namespace quiver::diskann
