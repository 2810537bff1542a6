#pragma once
#include "core/diskann/metric.h"

#include <cstdint>
#include <functional>
#include <span>
#include <vector>
namespace quiver::diskann {
// A consolidated graph (no tombstones) as the disk writer sees it; slots are 0..count-1.
struct GraphView {
    Metric metric = Metric::L2;
    std::uint32_t dimension = 0;
    std::uint32_t count = 0;
    std::uint32_t maxDegree = 0; // R
    std::uint32_t medoid = 0;    // entry slot
    // Further slots a search may start from (spread over the data); empty: the medoid only.
    std::vector<std::uint32_t> entryPoints;
    std::function<const float*(std::uint32_t slot)> vector; // normalised already for Cosine
    std::function<std::span<const std::uint32_t>(std::uint32_t slot)> neighbors;
    std::function<std::span<const std::uint32_t>(std::uint32_t slot)> labels; // may be empty
    std::function<std::uint64_t(std::uint32_t slot)> externalId;
};
} // namespace quiver::diskann
