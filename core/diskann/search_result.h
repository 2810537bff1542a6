#pragma once

#include <cstdint>

namespace quiver::diskann {

// One hit of a query: the caller's id and the metric's "smaller is closer" distance.
struct SearchResult {
    std::uint64_t id = 0;
    float distance = 0.0f;
};

} // namespace quiver::diskann
