#include "core/diskann/brute_force.h"
#include "core/diskann/disk_index.h"
#include "core/diskann/disk_index_merger.h"
#include "core/diskann/disk_index_writer.h"
#include "core/diskann/distance.h"
#include "core/diskann/parallel_for.h"
#include "core/diskann/vamana_index.h"
#include "tests/bench/bench_common.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <unordered_set>

namespace quiver::bench {

// --mode merge: the data's rows are split into kept, deleted and inserted points (deleted and
// inserted each churn x the base). A base index over kept + deleted is written, then merged with
// the deletions and the inserted points into a new file (streaming, the base's codec reused),
// and a fresh index over kept + inserted is built for comparison. Both are searched (warm)
// against the exact top-k over the final set. stdout: one JSON line per setting ("merge" and
// "merge_fresh"); stderr: merge time and working set beside the build times.
int runMergeMode(const BenchData& input, const BenchOptions& options) {
    BenchData data = input;
    const double churn = std::clamp(options.churn, 0.0, 0.9);
    const auto baseCount =
        static_cast<std::size_t>(static_cast<double>(data.baseCount) / (1.0 + churn));
    const auto changed = static_cast<std::size_t>(static_cast<double>(baseCount) * churn);
    std::vector<std::uint32_t> order(data.baseCount);
    for (std::uint32_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::mt19937_64 rng(99);
    std::shuffle(order.begin(), order.end(), rng);
    const std::vector<std::uint32_t> deletedRows(
        order.begin(), order.begin() + static_cast<std::ptrdiff_t>(changed));
    const std::vector<std::uint32_t> keptRows(order.begin() + static_cast<std::ptrdiff_t>(changed),
                                              order.begin() +
                                                  static_cast<std::ptrdiff_t>(baseCount));
    const std::vector<std::uint32_t> insertedRows(
        order.begin() + static_cast<std::ptrdiff_t>(baseCount),
        order.begin() + static_cast<std::ptrdiff_t>(std::min(order.size(), baseCount + changed)));
    std::vector<std::uint32_t> baseRows = keptRows;
    baseRows.insert(baseRows.end(), deletedRows.begin(), deletedRows.end());
    std::sort(baseRows.begin(), baseRows.end());
    std::vector<std::uint32_t> finalRows = keptRows;
    finalRows.insert(finalRows.end(), insertedRows.begin(), insertedRows.end());
    std::sort(finalRows.begin(), finalRows.end());
    exactTopKOver(data, finalRows, std::max<std::size_t>(options.k, 10));

    const std::filesystem::path dir = options.indexDir.empty()
                                          ? std::filesystem::temp_directory_path()
                                          : std::filesystem::path(options.indexDir);
    const std::string basePath = (dir / "ann_bench_merge_base.qdx").string();
    const std::string mergedPath = (dir / "ann_bench_merge_merged.qdx").string();
    const std::string freshPath = (dir / "ann_bench_merge_fresh.qdx").string();

    const double baseSeconds = writeRowsIndex(data, options, baseRows, basePath);
    std::unordered_set<std::uint64_t> deleted(deletedRows.begin(), deletedRows.end());
    diskann::MergeDelta delta;
    delta.metric = data.metric;
    delta.dimension = data.dimension;
    delta.count = static_cast<std::uint32_t>(insertedRows.size());
    delta.vector = [&](std::uint32_t i) {
        return data.base.data() + std::size_t{insertedRows[i]} * data.dimension;
    };
    delta.externalId = [&](std::uint32_t i) { return std::uint64_t{insertedRows[i]}; };
    diskann::DiskIndexMergeOptions mergeOptions;
    mergeOptions.L = options.buildListSize;
    mergeOptions.alpha = options.alpha;
    mergeOptions.W = options.beamWidth;
    mergeOptions.threads = options.buildThreads;
    const diskann::MergeReport report =
        diskann::mergeDiskIndex(basePath, mergedPath, delta, deleted, mergeOptions);
    const double freshSeconds = writeRowsIndex(data, options, finalRows, freshPath);

    const auto merged = diskann::DiskIndex::open(mergedPath);
    const auto fresh = diskann::DiskIndex::open(freshPath);
    const diskann::VerifyReport verified = merged->verify();
    const double rawBytes = static_cast<double>(report.count) * data.dimension * 4.0;
    std::fprintf(stderr,
                 "ann_bench merge: base %u points (built in %.2f s), %u deleted + %u inserted "
                 "(churn %.0f%%) merged in %.2f s with %u threads into %u points (%u nodes "
                 "repaired), verify %s; working set %.1f MB (%.1f MB of it the inserted points) "
                 "= %.1f%% of the merged raw vectors (%.1f MB); fresh build of the final set "
                 "%.2f s\n",
                 report.baseCount, baseSeconds, report.deleted, report.inserted, churn * 100.0,
                 report.seconds, diskann::resolveThreadCount(options.buildThreads), report.count,
                 report.repaired, verified.ok() ? "clean" : "FAILED",
                 static_cast<double>(report.workingSetBytes) / 1e6,
                 static_cast<double>(report.deltaBytes) / 1e6,
                 100.0 * static_cast<double>(report.workingSetBytes) / rawBytes, rawBytes / 1e6,
                 freshSeconds);
    if (!verified.ok())
        return 1;

    for (const std::uint32_t listSize : options.searchLists) {
        for (const bool isMerged : {true, false}) {
            const diskann::DiskIndex& index = isMerged ? *merged : *fresh;
            RunResult r = newRunResult(isMerged ? "merge" : "merge_fresh", data, options, listSize,
                                       isMerged ? report.seconds : freshSeconds,
                                       static_cast<std::size_t>(index.fileBytes()));
            r.recall = diskIndexRecall(data, options, index, listSize, r);
            r.ramBytes = index.ramBytes();
            char extra[200];
            std::snprintf(extra, sizeof extra,
                          "\"churn\":%.2f,\"points\":%u,\"merge_s\":%.2f,\"fresh_build_s\":%.2f,"
                          "\"merge_working_set_bytes\":%llu",
                          churn, report.count, report.seconds, freshSeconds,
                          static_cast<unsigned long long>(report.workingSetBytes));
            r.extraJson = extra;
            printResult(r);
        }
    }
    if (options.indexDir.empty()) {
        std::error_code ignored;
        for (const std::string& p : {basePath, mergedPath, freshPath})
            std::filesystem::remove(p, ignored);
    }
    return 0;
}

} // namespace quiver::bench
