#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace quiver::diskann {

// The number of worker threads to use for a request of `requested` (0 = every hardware thread).
inline unsigned resolveThreadCount(unsigned requested) {
    if (requested != 0)
        return requested;
    return std::max(1u, std::thread::hardware_concurrency());
}

// Runs body(begin, end, worker) over [0, n) in chunks handed out dynamically to `threads`
// std::threads (the caller's thread is worker 0). After each chunk, afterChunk(done) is called
// with the number of items finished so far; when it returns false no new chunk is started.
// The first exception thrown by a body is rethrown here once every thread has stopped.
template <typename Body, typename AfterChunk>
void parallelFor(std::size_t n, unsigned threads, std::size_t chunk, const Body& body,
                 const AfterChunk& afterChunk) {
    chunk = std::max<std::size_t>(1, chunk);
    threads =
        std::max(1u, std::min<unsigned>(threads, static_cast<unsigned>((n + chunk - 1) / chunk)));
    std::atomic<std::size_t> next{0};
    std::atomic<std::size_t> done{0};
    std::atomic<bool> stop{false};
    std::exception_ptr error;
    std::mutex errorMutex;
    auto worker = [&](unsigned w) {
        try {
            while (!stop.load(std::memory_order_relaxed)) {
                const std::size_t begin = next.fetch_add(chunk);
                if (begin >= n)
                    break;
                const std::size_t end = std::min(n, begin + chunk);
                body(begin, end, w);
                const std::size_t finished = done.fetch_add(end - begin) + (end - begin);
                if (!afterChunk(finished))
                    stop.store(true);
            }
        } catch (...) {
            const std::lock_guard lock(errorMutex);
            if (!error)
                error = std::current_exception();
            stop.store(true);
        }
    };
    std::vector<std::thread> pool;
    pool.reserve(threads - 1);
    for (unsigned w = 1; w < threads; ++w)
        pool.emplace_back(worker, w);
    worker(0);
    for (auto& t : pool)
        t.join();
    if (error)
        std::rethrow_exception(error);
}

template <typename Body>
void parallelFor(std::size_t n, unsigned threads, std::size_t chunk, const Body& body) {
    parallelFor(n, threads, chunk, body, [](std::size_t) { return true; });
}

} // namespace quiver::diskann
