// --filter-selectivity S1,S2,...: filtered searches whose filter passes a share S of the points,
// graded against the exact filtered answer, beside the unfiltered search of the same index.
//
// Labels are assigned at random, independent of the vectors: the hard case, where the matches
// are spread over the whole graph. Every point has a "type" (one of two, half the points each)
// and an import "day" (one of 2000). The filter "type A, and one of the first D days" is a
// conjunction of two label groups, as the app's type and date filters are; it passes
// S = D / 4000 of the points (0.5: type A alone). --mode memory measures the in-memory graph,
// --mode ssd the disk index (warm: through the page cache).
#include "core/diskann/disk_index.h"
#include "core/diskann/disk_index_writer.h"
#include "core/diskann/distance.h"
#include "core/diskann/vamana_index.h"
#include "tests/bench/bench_common.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <numeric>
#include <random>

namespace quiver::bench {

namespace {

constexpr std::uint32_t kDays = 2000;
constexpr std::uint32_t kTypeA = 1'000'000; // labels above the days
constexpr std::uint32_t kTypeB = kTypeA + 1;

struct Attributes {
    std::vector<std::vector<std::uint32_t>> labels; // per point: its type and its day
    std::vector<std::uint32_t> day;
    std::vector<bool> typeA;
};

Attributes randomAttributes(std::size_t count) {
    Attributes a;
    std::mt19937_64 rng(11);
    a.labels.resize(count);
    a.day.resize(count);
    a.typeA.resize(count);
    for (std::size_t i = 0; i < count; ++i) {
        a.typeA[i] = rng() % 2 == 0;
        a.day[i] = static_cast<std::uint32_t>(rng() % kDays);
        a.labels[i] = {a.typeA[i] ? kTypeA : kTypeB, a.day[i]};
    }
    return a;
}

} // namespace

int runFilterMode(const BenchData& input, const BenchOptions& options) {
    const bool ssd = options.mode == "ssd";
    if (!ssd && options.mode != "memory")
        throw std::runtime_error("--filter-selectivity runs with --mode memory or ssd");
    const Attributes attributes = randomAttributes(input.baseCount);

    const auto start = std::chrono::steady_clock::now();
    diskann::VamanaIndex graph(input.metric, input.dimension, graphBuildParams(options));
    std::vector<std::uint64_t> ids(input.baseCount);
    std::iota(ids.begin(), ids.end(), std::uint64_t{0});
    graph.build(input.base, ids, attributes.labels);
    std::unique_ptr<diskann::DiskIndex> disk;
    const std::filesystem::path dir = options.indexDir.empty()
                                          ? std::filesystem::temp_directory_path()
                                          : std::filesystem::path(options.indexDir);
    const std::string path = (dir / "ann_bench_filtered.qdx").string();
    if (ssd) {
        diskann::DiskIndexBuildOptions write;
        write.pqBytes = options.pqBytes;
        write.coarseCentroids = options.coarseCentroids;
        write.rotate = options.rotate;
        write.cacheNodes = static_cast<std::uint32_t>(input.baseCount / 200);
        write.threads = options.buildThreads;
        diskann::writeDiskIndex(path, graph.graphView(), write);
        disk = diskann::DiskIndex::open(path, {.parallelReads = options.parallelReads});
    }
    const double buildSeconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    std::vector<double> shares{1.0};
    shares.insert(shares.end(), options.filterSelectivities.begin(),
                  options.filterSelectivities.end());
    std::map<std::uint32_t, double> unfilteredQps; // per list size
    BenchData data = input;                        // its truth is replaced per filter
    for (const double share : shares) {
        const bool unfiltered = share >= 1.0;
        diskann::LabelFilter filter;
        std::uint32_t days = kDays;
        if (!unfiltered) {
            days = static_cast<std::uint32_t>(
                std::clamp<double>(std::round(share * 2.0 * kDays), 1.0, kDays));
            std::vector<std::uint32_t> dayLabels(days);
            std::iota(dayLabels.begin(), dayLabels.end(), 0u);
            filter.anyOf({kTypeA}).anyOf(std::move(dayLabels));
        }
        std::vector<std::uint32_t> rows;
        for (std::uint32_t i = 0; i < input.baseCount; ++i)
            if (unfiltered || (attributes.typeA[i] && attributes.day[i] < days))
                rows.push_back(i);
        if (rows.size() < options.k) {
            std::fprintf(stderr,
                         "ann_bench filter: selectivity %g passes %zu points, fewer than "
                         "k; skipped\n",
                         share, rows.size());
            continue;
        }
        exactTopKOver(data, rows, options.k);
        const double selectivity =
            static_cast<double>(rows.size()) / static_cast<double>(input.baseCount);
        for (const std::uint32_t listSize : options.searchLists) {
            RunResult r = newRunResult(
                ssd ? "ssd_filtered" : "memory_filtered", data, options, listSize, buildSeconds,
                ssd ? static_cast<std::size_t>(disk->fileBytes()) : graph.memoryBytes());
            const auto found = timeQueries(
                data, options.threads,
                [&](std::size_t q, std::vector<std::uint64_t>& out) {
                    const float* query = data.queries.data() + q * data.dimension;
                    std::vector<diskann::SearchResult> hits;
                    if (ssd) {
                        diskann::SearchFilter f;
                        f.labels = filter;
                        hits = disk->search(query, static_cast<std::uint32_t>(options.k), listSize,
                                            options.beamWidth, f);
                    } else {
                        hits = graph.search(std::span<const float>(query, data.dimension),
                                            options.k, listSize, filter);
                    }
                    out.resize(hits.size());
                    for (std::size_t i = 0; i < hits.size(); ++i)
                        out[i] = hits[i].id;
                },
                r);
            r.recall = recallAtK(data, options.k, found);
            r.ramBytes = ssd ? disk->ramBytes() : residentBytes();
            if (unfiltered)
                unfilteredQps[listSize] = r.qps;
            const double ofUnfiltered = r.qps / std::max(1e-9, unfilteredQps[listSize]);
            char extra[160];
            std::snprintf(extra, sizeof extra,
                          "\"selectivity\":%.4f,\"matching\":%zu,\"qps_of_unfiltered\":%.2f",
                          unfiltered ? 1.0 : selectivity, rows.size(), ofUnfiltered);
            r.extraJson = extra;
            printResult(r);
            std::fprintf(stderr,
                         "ann_bench filter (%s): selectivity %.4f (%zu points) L=%u recall@%zu "
                         "%.3f, %.0f q/s = %.2f x unfiltered\n",
                         ssd ? "ssd, warm" : "memory", unfiltered ? 1.0 : selectivity, rows.size(),
                         listSize, options.k, r.recall, r.qps, ofUnfiltered);
        }
    }
    if (ssd && options.indexDir.empty()) {
        disk.reset();
        std::error_code ignored;
        std::filesystem::remove(path, ignored);
    }
    return 0;
}

} // namespace quiver::bench
