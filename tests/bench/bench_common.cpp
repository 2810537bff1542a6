#include "tests/bench/bench_common.h"

#include "core/diskann/brute_force.h"
#include "core/diskann/disk_index.h"
#include "core/diskann/disk_index_writer.h"
#include "core/diskann/distance.h"
#include "core/diskann/parallel_for.h"
#include "core/diskann/vamana_index.h"

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>
#include <unordered_set>

namespace quiver::bench {

namespace {
unsigned timedPasses = 1;
} // namespace

void setTimedPasses(unsigned passes) {
    timedPasses = std::max(1u, passes);
}

double secondsSince(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double writeRowsIndex(const BenchData& data, const BenchOptions& options,
                      const std::vector<std::uint32_t>& rows, const std::string& path,
                      std::uint32_t capacity) {
    const auto start = std::chrono::steady_clock::now();
    std::vector<float> vectors(rows.size() * data.dimension);
    std::vector<std::uint64_t> ids(rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
        std::copy_n(data.base.data() + std::size_t{rows[i]} * data.dimension, data.dimension,
                    vectors.data() + i * data.dimension);
        ids[i] = rows[i];
    }
    diskann::VamanaIndex graph(data.metric, data.dimension, graphBuildParams(options));
    graph.build(vectors, ids);
    diskann::DiskIndexBuildOptions write;
    write.pqBytes = options.pqBytes;
    write.coarseCentroids = options.coarseCentroids;
    write.rotate = options.rotate;
    write.threads = options.buildThreads;
    write.capacity = capacity;
    diskann::writeDiskIndex(path, graph.graphView(), write);
    return secondsSince(start);
}

double diskIndexRecall(const BenchData& data, const BenchOptions& options,
                       const diskann::DiskIndex& index, std::uint32_t listSize, RunResult& r) {
    const auto found = timeQueries(
        data, options.threads,
        [&](std::size_t q, std::vector<std::uint64_t>& out) {
            const auto hits =
                index.search(data.queries.data() + q * data.dimension,
                             static_cast<std::uint32_t>(options.k), listSize, options.beamWidth);
            out.resize(hits.size());
            for (std::size_t i = 0; i < hits.size(); ++i)
                out[i] = hits[i].id;
        },
        r);
    return recallAtK(data, options.k, found);
}

diskann::BuildParams graphBuildParams(const BenchOptions& options) {
    diskann::BuildParams params;
    params.maxDegree = options.maxDegree;
    params.buildListSize = options.buildListSize;
    params.alpha = options.alpha;
    params.compactSteering = options.compactSteering;
    params.threads = options.buildThreads;
    params.exactSearchBelow = 0;
    return params;
}

RunResult newRunResult(const std::string& mode, const BenchData& data, const BenchOptions& options,
                       std::uint32_t listSize, double buildSeconds, std::size_t indexBytes) {
    RunResult r;
    r.mode = mode;
    r.data = data.name;
    r.listSize = listSize;
    r.beamWidth = options.beamWidth;
    r.k = options.k;
    r.threads = options.threads;
    r.buildSeconds = buildSeconds;
    r.indexBytes = indexBytes;
    return r;
}

void printResult(const RunResult& r) {
    if (!r.data.empty())
        std::printf("{\"data\":\"%s\",", r.data.c_str());
    else
        std::printf("{");
    std::printf("\"mode\":\"%s\",\"L\":%u,\"W\":%u,\"k\":%zu,\"recall\":%.4f,\"qps\":%.0f,"
                "\"p50_us\":%.1f,\"p99_us\":%.1f,\"build_s\":%.2f,\"index_bytes\":%zu,"
                "\"ram_bytes\":%zu,\"threads\":%u%s%s}\n",
                r.mode.c_str(), r.listSize, r.beamWidth, r.k, r.recall, r.qps, r.p50us, r.p99us,
                r.buildSeconds, r.indexBytes, r.ramBytes, r.threads, r.extraJson.empty() ? "" : ",",
                r.extraJson.c_str());
    std::fflush(stdout);
}

std::size_t residentBytes() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("VmRSS:", 0) == 0)
            return static_cast<std::size_t>(std::stoull(line.substr(6))) * 1024;
    return 0;
}

namespace {
// Exact distance in double, independent of the engines' kernels.
double exactDistance(diskann::Metric metric, const float* a, const float* b, std::size_t dim) {
    double dot = 0.0;
    double aa = 0.0;
    double bb = 0.0;
    double l2 = 0.0;
    for (std::size_t i = 0; i < dim; ++i) {
        const auto x = static_cast<double>(a[i]);
        const auto y = static_cast<double>(b[i]);
        dot += x * y;
        aa += x * x;
        bb += y * y;
        l2 += (x - y) * (x - y);
    }
    switch (metric) {
    case diskann::Metric::L2:
        return l2;
    case diskann::Metric::InnerProduct:
        return -dot;
    case diskann::Metric::Cosine:
        return aa > 0.0 && bb > 0.0 ? -dot / std::sqrt(aa * bb) : 0.0;
    }
    return l2;
}
} // namespace

double recallAtK(const BenchData& data, std::size_t k,
                 const std::vector<std::vector<std::uint64_t>>& found) {
    const std::size_t dim = data.dimension;
    const std::size_t kk = std::min(k, data.truthK);
    std::size_t hits = 0;
    for (std::size_t q = 0; q < data.queryCount; ++q) {
        const float* query = data.queries.data() + q * dim;
        const std::uint32_t* truth = data.truth.data() + q * data.truthK;
        const std::unordered_set<std::uint64_t> trueIds(truth, truth + kk);
        const double kth = exactDistance(data.metric, query,
                                         data.base.data() + std::size_t{truth[kk - 1]} * dim, dim);
        const double slack = 1e-6 * std::max(1.0, std::abs(kth));
        const std::size_t n = std::min(found[q].size(), kk);
        for (std::size_t i = 0; i < n; ++i) {
            const std::uint64_t id = found[q][i];
            if (trueIds.contains(id) ||
                (id < data.baseCount &&
                 exactDistance(data.metric, query, data.base.data() + id * dim, dim) <=
                     kth + slack))
                ++hits;
        }
    }
    return static_cast<double>(hits) / static_cast<double>(data.queryCount * kk);
}

std::vector<std::vector<std::uint64_t>>
timeQueries(const BenchData& data, unsigned threads,
            const std::function<void(std::size_t q, std::vector<std::uint64_t>& out)>& search,
            RunResult& r) {
    using Clock = std::chrono::steady_clock;
    const std::size_t nq = data.queryCount;
    std::vector<std::vector<std::uint64_t>> found(nq);
    std::vector<double> latencies(nq, 0.0);
    threads = std::max(1u, threads);
    auto runAll = [&](bool timed) {
        auto work = [&](unsigned t) {
            std::vector<std::uint64_t> out;
            out.reserve(64);
            for (std::size_t q = t; q < nq; q += threads) {
                const auto begin = Clock::now();
                search(q, out);
                if (timed)
                    latencies[q] =
                        std::chrono::duration<double, std::micro>(Clock::now() - begin).count();
                found[q] = out;
            }
        };
        if (threads == 1) {
            work(0);
            return;
        }
        std::vector<std::thread> pool;
        for (unsigned t = 0; t < threads; ++t)
            pool.emplace_back(work, t);
        for (auto& th : pool)
            th.join();
    };
    runAll(false);
    double seconds = 0.0;
    std::vector<double> bestLatencies;
    for (unsigned pass = 0; pass < timedPasses; ++pass) {
        const auto begin = Clock::now();
        runAll(true);
        const double elapsed = std::chrono::duration<double>(Clock::now() - begin).count();
        if (pass == 0 || elapsed < seconds) {
            seconds = elapsed;
            bestLatencies = latencies;
        }
    }
    latencies = std::move(bestLatencies);
    r.qps = static_cast<double>(nq) / seconds;
    std::sort(latencies.begin(), latencies.end());
    if (nq > 0) {
        r.p50us = latencies[nq / 2];
        r.p99us = latencies[std::min(nq - 1, nq * 99 / 100)];
    }
    return found;
}

void exactTopK(BenchData& data, const float* base, std::size_t rows, const float* queries,
               std::size_t k) {
    const std::uint32_t dim = data.dimension;
    const diskann::DistanceFn dist = diskann::distanceFunction(data.metric);
    data.truthK = std::min(k, rows);
    data.truth.assign(data.queryCount * data.truthK, 0);
    diskann::parallelFor(
        data.queryCount, diskann::resolveThreadCount(0), 4,
        [&](std::size_t begin, std::size_t end, unsigned) {
            diskann::NeighborList top;
            for (std::size_t q = begin; q < end; ++q) {
                const float* query = queries + q * dim;
                diskann::bruteForceTopK(
                    diskann::SlotSequence(static_cast<std::uint32_t>(rows)), data.truthK,
                    [&](std::uint32_t s) { return dist(query, base + std::size_t{s} * dim, dim); },
                    top);
                for (std::size_t i = 0; i < data.truthK; ++i)
                    data.truth[q * data.truthK + i] = top[i].slot;
            }
        });
}

void exactTopKOver(BenchData& data, const std::vector<std::uint32_t>& rows, std::size_t k) {
    const std::uint32_t dim = data.dimension;
    std::vector<float> base(rows.size() * dim);
    for (std::size_t i = 0; i < rows.size(); ++i)
        std::copy_n(data.base.data() + std::size_t{rows[i]} * dim, dim, base.data() + i * dim);
    std::vector<float> queries = data.queries;
    if (data.metric == diskann::Metric::Cosine) {
        for (std::size_t i = 0; i < rows.size(); ++i)
            diskann::normalize(base.data() + i * dim, dim);
        for (std::size_t q = 0; q < data.queryCount; ++q)
            diskann::normalize(queries.data() + q * dim, dim);
    }
    exactTopK(data, base.data(), rows.size(), queries.data(), k);
    for (std::uint32_t& row : data.truth)
        row = rows[row];
}

} // namespace quiver::bench
