// The reference engine for side-by-side figures. Compiled with -march=native (see
// CMakeLists.txt) because hnswlib picks its SIMD kernels at compile time.
#include "tests/bench/bench_common.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <hnswlib/hnswlib.h>
#include <memory>
#include <thread>
#include <vector>

namespace quiver::bench {

int runHnswlib(const BenchData& data, const BenchOptions& options) {
    constexpr std::size_t kM = 16;
    constexpr std::size_t kEfConstruction = 200;
    const std::size_t dim = data.dimension;

    std::vector<float> base = data.base;
    std::vector<float> queries = data.queries;
    std::unique_ptr<hnswlib::SpaceInterface<float>> space;
    if (data.metric == diskann::Metric::L2) {
        space = std::make_unique<hnswlib::L2Space>(dim);
    } else {
        space = std::make_unique<hnswlib::InnerProductSpace>(dim);
        if (data.metric == diskann::Metric::Cosine) {
            const auto normalise = [dim](std::vector<float>& rows) {
                for (std::size_t off = 0; off < rows.size(); off += dim) {
                    double s = 0.0;
                    for (std::size_t d = 0; d < dim; ++d)
                        s += static_cast<double>(rows[off + d]) * rows[off + d];
                    if (s > 0.0)
                        for (std::size_t d = 0; d < dim; ++d)
                            rows[off + d] = static_cast<float>(rows[off + d] / std::sqrt(s));
                }
            };
            normalise(base);
            normalise(queries);
        }
    }

    const auto start = std::chrono::steady_clock::now();
    hnswlib::HierarchicalNSW<float> index(space.get(), data.baseCount, kM, kEfConstruction, 100);
    const unsigned threads = options.buildThreads != 0
                                 ? options.buildThreads
                                 : std::max(1u, std::thread::hardware_concurrency());
    std::atomic<std::size_t> next{0};
    auto worker = [&]() {
        for (std::size_t i = next++; i < data.baseCount; i = next++)
            index.addPoint(base.data() + i * dim, i);
    };
    // The first point alone, so that concurrent inserts find an entry point.
    index.addPoint(base.data(), 0);
    next = 1;
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads; ++t)
        pool.emplace_back(worker);
    for (auto& t : pool)
        t.join();
    const double buildSeconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const std::size_t indexBytes =
        index.max_elements_ * index.size_data_per_element_ + index.max_elements_ * sizeof(void*);

    for (const std::uint32_t ef : options.searchLists) {
        index.setEf(std::max<std::size_t>(ef, options.k));
        RunResult r = newRunResult("hnswlib", data, options, ef, buildSeconds, indexBytes);
        const auto found = timeQueries(
            data, options.threads,
            [&](std::size_t q, std::vector<std::uint64_t>& out) {
                auto top = index.searchKnn(queries.data() + q * dim, options.k);
                out.resize(top.size());
                for (std::size_t i = top.size(); i > 0; --i) {
                    out[i - 1] = top.top().second;
                    top.pop();
                }
            },
            r);
        r.recall = recallAtK(data, options.k, found);
        r.ramBytes = residentBytes();
        printResult(r);
    }
    return 0;
}

} // namespace quiver::bench
