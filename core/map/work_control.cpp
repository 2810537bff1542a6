#include "core/map/work_control.h"

#include "core/diskann/parallel_for.h"

#include <algorithm>

namespace quiver::map {

const char* MapCancelled::what() const noexcept {
    return "map layout cancelled";
}

namespace detail {

void WorkControl::poll() const {
    if (options_.cancelled && options_.cancelled())
        throw MapCancelled{};
}

void WorkControl::report(double begin, double end, double fraction) const {
    if (options_.progress)
        options_.progress(begin + (end - begin) * std::clamp(fraction, 0.0, 1.0));
}

void WorkControl::runBatch(std::size_t first, std::size_t last, const void* body,
                           void (*call)(const void*, std::size_t)) const {
    const std::size_t n = last - first;
    // Small chunks balance uneven rows; each item writes only its own outputs.
    const std::size_t chunk = std::max<std::size_t>(1, n / (std::size_t{threads_} * 8));
    diskann::parallelFor(n, threads_, chunk, [&](std::size_t b, std::size_t e, unsigned) {
        for (std::size_t i = b; i < e; ++i)
            call(body, first + i);
    });
}

} // namespace detail
} // namespace quiver::map
