#include "core/diskann/disk_index.h"
#include "core/diskann/disk_index_updater.h"
#include "core/diskann/disk_index_writer.h"
#include "core/diskann/vamana_index.h"
#include "core/diskann/write_ahead_log.h"
#include "tests/bench/bench_common.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <random>

namespace quiver::bench {

// --mode churn: a base file over half the data's rows (with room for one round's inserts), then
// `rounds` rounds of in-place updates on that file (DiskIndexUpdater): each deletes
// roundChurn x the base of its live points at random and inserts as many (rows not in the index
// yet, then earlier deleted ones). After each round the updated file and a fresh build of the
// same live set are searched against the exact top-k over that set. stdout: per round and
// search setting a "churn" and a "churn_fresh" line, with the mean sectors read and written per
// delete and per insert.
int runChurnMode(const BenchData& input, const BenchOptions& options) {
    BenchData data = input;
    const std::size_t baseCount = data.baseCount / 2;
    const auto perRound = static_cast<std::size_t>(static_cast<double>(baseCount) *
                                                   std::clamp(options.roundChurn, 0.0, 0.5));
    std::vector<std::uint32_t> order(data.baseCount);
    for (std::uint32_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::mt19937_64 rng(77);
    std::shuffle(order.begin(), order.end(), rng);
    std::vector<std::uint32_t> live(order.begin(),
                                    order.begin() + static_cast<std::ptrdiff_t>(baseCount));
    // Rows to insert next: the unused half, then deleted rows as they come.
    std::deque<std::uint32_t> pool(order.rbegin(),
                                   order.rend() - static_cast<std::ptrdiff_t>(baseCount));

    const std::filesystem::path dir = options.indexDir.empty()
                                          ? std::filesystem::temp_directory_path()
                                          : std::filesystem::path(options.indexDir);
    const std::string path = (dir / "ann_bench_churn.qdx").string();
    const std::string freshPath = (dir / "ann_bench_churn_fresh.qdx").string();
    std::filesystem::remove(diskann::WriteAheadLog::pathFor(path));
    const auto capacity = static_cast<std::uint32_t>(baseCount + perRound);
    const double baseSeconds = writeRowsIndex(data, options, live, path, capacity);
    diskann::DiskIndexUpdateOptions updateOptions;
    updateOptions.L = options.buildListSize;
    updateOptions.W = options.beamWidth;
    updateOptions.alpha = options.alpha;
    auto updater = diskann::DiskIndexUpdater::open(path, updateOptions);
    std::fprintf(stderr,
                 "ann_bench churn: base %zu points (built in %.2f s, capacity %u), %u rounds of "
                 "%zu deletes + %zu inserts\n",
                 baseCount, baseSeconds, capacity, options.rounds, perRound, perRound);

    for (std::uint32_t round = 1; round <= options.rounds; ++round) {
        diskann::UpdateIo deletes, inserts;
        const auto start = std::chrono::steady_clock::now();
        for (std::size_t i = 0; i < perRound && !live.empty(); ++i) {
            const std::size_t at = rng() % live.size();
            const std::uint32_t row = live[at];
            live[at] = live.back();
            live.pop_back();
            if (!updater->remove(row))
                return 1;
            deletes += updater->lastIo();
            pool.push_front(row);
        }
        for (std::size_t i = 0; i < perRound && !pool.empty(); ++i) {
            const std::uint32_t row = pool.back();
            pool.pop_back();
            updater->insert(row, data.base.data() + std::size_t{row} * data.dimension);
            inserts += updater->lastIo();
            live.push_back(row);
        }
        const double updateSeconds = secondsSince(start);
        const diskann::VerifyReport verified = updater->index().verify();
        std::vector<std::uint32_t> sorted = live;
        std::sort(sorted.begin(), sorted.end());
        exactTopKOver(data, sorted, std::max<std::size_t>(options.k, 10));
        const double freshSeconds = writeRowsIndex(data, options, sorted, freshPath);
        const auto fresh = diskann::DiskIndex::open(freshPath);
        const auto mean = [](std::uint64_t total, std::uint64_t n) {
            return n ? static_cast<double>(total) / static_cast<double>(n) : 0.0;
        };
        std::fprintf(stderr,
                     "ann_bench churn: round %u: %.2f s for %llu updates, verify %s; per delete "
                     "%.1f sectors read, %.1f written; per insert %.1f read, %.1f written; fresh "
                     "build %.2f s\n",
                     round, updateSeconds,
                     static_cast<unsigned long long>(deletes.updates + inserts.updates),
                     verified.ok() ? "clean" : "FAILED", mean(deletes.sectorsRead, deletes.updates),
                     mean(deletes.sectorsWritten, deletes.updates),
                     mean(inserts.sectorsRead, inserts.updates),
                     mean(inserts.sectorsWritten, inserts.updates), freshSeconds);
        if (!verified.ok())
            return 1;
        for (const std::uint32_t listSize : options.searchLists) {
            for (const bool updated : {true, false}) {
                const diskann::DiskIndex& index = updated ? updater->index() : *fresh;
                RunResult r = newRunResult(updated ? "churn" : "churn_fresh", data, options,
                                           listSize, updated ? updateSeconds : freshSeconds,
                                           static_cast<std::size_t>(index.fileBytes()));
                r.recall = diskIndexRecall(data, options, index, listSize, r);
                r.ramBytes = index.ramBytes();
                char extra[400];
                std::snprintf(
                    extra, sizeof extra,
                    "\"round\":%u,\"points\":%zu,\"delete_sectors_read\":%.1f,"
                    "\"delete_sectors_written\":%.1f,\"insert_sectors_read\":%.1f,"
                    "\"insert_sectors_written\":%.1f,\"log_bytes_per_update\":%.0f",
                    round, live.size(), mean(deletes.sectorsRead, deletes.updates),
                    mean(deletes.sectorsWritten, deletes.updates),
                    mean(inserts.sectorsRead, inserts.updates),
                    mean(inserts.sectorsWritten, inserts.updates),
                    mean(deletes.logBytes + inserts.logBytes, deletes.updates + inserts.updates));
                r.extraJson = extra;
                printResult(r);
            }
        }
    }
    updater.reset();
    if (options.indexDir.empty()) {
        std::error_code ignored;
        for (const std::string& p : {path, freshPath, diskann::WriteAheadLog::pathFor(path)})
            std::filesystem::remove(p, ignored);
    }
    return 0;
}

} // namespace quiver::bench
