#pragma once

#include "core/map/map_layout.h"

#include <cstddef>

namespace quiver::map::detail {

// Cancellation and progress for one layout: both callbacks run on the calling thread only, so
// the work is cut into batches that run on all threads, with a poll between batches.
class WorkControl {
public:
    WorkControl(const MapLayoutOptions& options, unsigned threads)
        : options_(options)
        , threads_(threads) {}

    unsigned threads() const { return threads_; }
    // Throws MapCancelled when the caller asks to stop.
    void poll() const;
    // Reports progress `fraction` of the way through the stage [begin, end) of the whole.
    void report(double begin, double end, double fraction) const;

    // Runs body(i) for i in [0, n) on all threads, in batches of `batch`, polling between them.
    // Progress runs from begin to end of the whole as the batches finish.
    template <typename Body>
    void forEach(std::size_t n, std::size_t batch, double begin, double end,
                 const Body& body) const;

private:
    void runBatch(std::size_t first, std::size_t last, const void* body,
                  void (*call)(const void*, std::size_t)) const;

    const MapLayoutOptions& options_;
    unsigned threads_;
};

template <typename Body>
void WorkControl::forEach(std::size_t n, std::size_t batch, double begin, double end,
                          const Body& body) const {
    for (std::size_t first = 0; first < n; first += batch) {
        poll();
        const std::size_t last = first + batch < n ? first + batch : n;
        runBatch(first, last, &body,
                 [](const void* b, std::size_t i) { (*static_cast<const Body*>(b))(i); });
        report(begin, end, static_cast<double>(last) / static_cast<double>(n));
    }
}

} // namespace quiver::map::detail
