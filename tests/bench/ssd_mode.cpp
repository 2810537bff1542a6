#include "core/diskann/aligned_buffer.h"
#include "core/diskann/disk_index.h"
#include "core/diskann/disk_index_writer.h"
#include "core/diskann/file_reader.h"
#include "core/diskann/read_queue.h"
#include "core/diskann/vamana_index.h"
#include "tests/bench/bench_common.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <numeric>
#include <random>

namespace quiver::bench {

namespace {

struct ReadLatency {
    double meanUs = 0.0;
    double p50Us = 0.0;
    double p99Us = 0.0;
    double batchMeanUs = 0.0; // W reads at once through the searches' read queue
    bool direct = false;
    std::size_t reads = 0;
};

// The disk's latency for one 4 KiB read at a random sector of the index file, one read at a
// time, around the page cache: what a query's beam round costs at best when its reads overlap.
// Also times batches of W such reads issued together, as a beam round issues them: how well the
// device overlaps reads.
ReadLatency measureReadLatency(const std::string& path, std::size_t reads, std::uint32_t W,
                               bool parallel) {
    using Clock = std::chrono::steady_clock;
    diskann::FileReader file(path, {.directIo = true});
    constexpr std::size_t kBlock = diskann::FileReader::kDirectAlignment;
    const std::uint64_t blocks = std::max<std::uint64_t>(1, file.size() / kBlock);
    diskann::AlignedBuffer<char, kBlock> buffer(kBlock);
    std::mt19937_64 rng(7);
    std::vector<double> us(reads);
    for (std::size_t i = 0; i < reads; ++i) {
        const std::uint64_t offset = rng() % blocks * kBlock;
        const auto begin = Clock::now();
        file.readAt(offset, buffer.data(), kBlock);
        us[i] = std::chrono::duration<double, std::micro>(Clock::now() - begin).count();
    }
    ReadLatency r;
    const std::size_t width = std::max(1u, W);
    diskann::AlignedBuffer<std::uint8_t, kBlock> batch(width * kBlock);
    std::vector<diskann::ReadRequest> requests(width);
    diskann::ReadQueue& queue = diskann::readQueueForThisThread(parallel);
    const std::size_t batches = std::max<std::size_t>(1, reads / width);
    double batchUs = 0.0;
    for (std::size_t b = 0; b < batches; ++b) {
        for (std::size_t i = 0; i < width; ++i)
            requests[i] = {rng() % blocks * kBlock, batch.data() + i * kBlock, kBlock};
        const auto begin = Clock::now();
        queue.read(
            file, requests, [] {}, [](std::size_t) {});
        batchUs += std::chrono::duration<double, std::micro>(Clock::now() - begin).count();
    }
    r.batchMeanUs = batchUs / static_cast<double>(batches);
    r.reads = reads;
    r.direct = file.directIo();
    r.meanUs = std::accumulate(us.begin(), us.end(), 0.0) / static_cast<double>(reads);
    std::sort(us.begin(), us.end());
    r.p50Us = us[reads / 2];
    r.p99Us = us[std::min(reads - 1, reads * 99 / 100)];
    return r;
}

// Per-query means of what the searches of one timed setting read.
struct ReadCounts {
    std::atomic<std::uint64_t> sectors{0}, reads{0}, cacheHits{0}, rounds{0}, searches{0};
    double perQuery(const std::atomic<std::uint64_t>& v) const {
        return static_cast<double>(v.load()) /
               static_cast<double>(std::max<std::uint64_t>(1, searches));
    }
};

RunResult runSetting(const char* mode, const diskann::DiskIndex& index, const BenchData& data,
                     const BenchOptions& options, std::uint32_t listSize, double buildSeconds,
                     ReadCounts& counts) {
    const diskann::IndexInfo info = index.info();
    RunResult r = newRunResult(mode, data, options, listSize, buildSeconds,
                               static_cast<std::size_t>(index.fileBytes()));
    const auto found = timeQueries(
        data, options.threads,
        [&](std::size_t q, std::vector<std::uint64_t>& out) {
            diskann::SearchStats stats;
            const auto hits = index.search(data.queries.data() + q * data.dimension,
                                           static_cast<std::uint32_t>(options.k), listSize,
                                           options.beamWidth, {}, &stats);
            out.resize(hits.size());
            for (std::size_t i = 0; i < hits.size(); ++i)
                out[i] = hits[i].id;
            counts.sectors += stats.sectorsRead;
            counts.reads += stats.sectorsRead / std::max(1u, info.sectorsPerNode);
            counts.cacheHits += stats.cacheHits;
            counts.rounds += stats.rounds;
            ++counts.searches;
        },
        r);
    r.recall = recallAtK(data, options.k, found);
    r.ramBytes = index.ramBytes();
    char extra[256];
    std::snprintf(extra, sizeof extra,
                  "\"io\":\"%s\",\"direct_io\":%s,\"rounds_per_query\":%.2f,"
                  "\"reads_per_query\":%.2f,\"bytes_per_query\":%.0f",
                  info.readEngine.c_str(), info.directIo ? "true" : "false",
                  counts.perQuery(counts.rounds), counts.perQuery(counts.reads),
                  counts.perQuery(counts.sectors) * diskann::FileReader::kDirectAlignment);
    r.extraJson = extra;
    return r;
}

// The in-memory graph's latency and recall at one list size: what the SSD index is compared to.
struct MemoryRun {
    std::uint32_t listSize = 0;
    double recall = 0.0;
    double p50us = 0.0;
};

MemoryRun runMemory(const diskann::VamanaIndex& graph, const BenchData& data,
                    const BenchOptions& options, std::uint32_t listSize) {
    RunResult r = newRunResult("memory", data, options, listSize, 0.0, graph.memoryBytes());
    const auto found = timeQueries(
        data, options.threads,
        [&](std::size_t q, std::vector<std::uint64_t>& out) {
            thread_local std::vector<diskann::SearchResult> hits;
            hits.resize(options.k);
            const std::size_t n = graph.search(data.queries.data() + q * data.dimension, options.k,
                                               listSize, hits.data());
            out.resize(n);
            for (std::size_t i = 0; i < n; ++i)
                out[i] = hits[i].id;
        },
        r);
    return {listSize, recallAtK(data, options.k, found), r.p50us};
}

// The fastest memory setting that reaches `recall` (within half a point), else the most exact.
const MemoryRun& memoryAtRecall(const std::vector<MemoryRun>& runs, double recall) {
    const MemoryRun* best = &runs.back();
    for (const MemoryRun& m : runs)
        if (m.recall >= recall - 0.005 && m.p50us < best->p50us)
            best = &m;
    return *best;
}

struct Strategy {
    bool pipelined = false;
    std::unique_ptr<diskann::DiskIndex> warm, cold;
    const char* name() const { return pipelined ? "pipelined" : "rounds"; }
};

// One strategy's cold run at one list size, as the side-by-side line reports it.
struct ColdFigures {
    double p50us = 0.0, recall = 0.0, reads = 0.0, rounds = 0.0;
};

} // namespace

// --mode ssd: builds the Vamana graph in memory, writes the disk index (PQ codes in RAM,
// vectors and adjacency in 4 KiB sectors on disk) and searches the file, twice per setting and
// strategy: warm (through the page cache, where the file sits right after it is written) and
// cold (direct I/O, so every read goes to the disk). The strategies (--pipeline): rounds of W
// reads, or W reads kept in flight. ram_bytes is the disk index's own footprint (PQ codebook
// and codes, cache, metadata); the cache is the reader's default, sized by --ram-budget. stdout:
// one JSON line per setting, strategy and temperature
// ("ssd" warm, "ssd_cold"); stderr: reads per query, the cold latency beside rounds x the
// disk's single-read latency measured in the same run, and beside the in-memory graph's p50
// at the same recall.
int runSsdMode(const BenchData& data, const BenchOptions& options) {
    const diskann::BuildParams params = graphBuildParams(options);

    const std::filesystem::path dir = options.indexDir.empty()
                                          ? std::filesystem::temp_directory_path()
                                          : std::filesystem::path(options.indexDir);
    const std::string path = (dir / "ann_bench_ssd.qdx").string();

    const auto start = std::chrono::steady_clock::now();
    double graphSeconds = 0;
    diskann::VamanaIndex graph(data.metric, data.dimension, params);
    {
        std::vector<std::uint64_t> ids(data.baseCount);
        std::iota(ids.begin(), ids.end(), std::uint64_t{0});
        graph.build(data.base, ids);
        graphSeconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        diskann::DiskIndexBuildOptions write;
        write.pqBytes = options.pqBytes;
        write.coarseCentroids = options.coarseCentroids;
        write.rotate = options.rotate;
        write.threads = options.buildThreads;
        diskann::writeDiskIndex(path, graph.graphView(), write);
    }
    const double buildSeconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    // The index file's share: codec training (rotation, coarse centroids, PQ), encoding, layout.
    std::fprintf(stderr, "ann_bench ssd: build %.2f s = graph %.2f s + index file %.2f s\n",
                 buildSeconds, graphSeconds, buildSeconds - graphSeconds);

    // The in-memory graph at the same list sizes, for the cold / memory ratio.
    std::vector<MemoryRun> memory;
    for (const std::uint32_t listSize : options.searchLists)
        memory.push_back(runMemory(graph, data, options, listSize));

    std::vector<Strategy> strategies;
    for (const bool pipelined : {false, true}) {
        if (options.pipeline != "both" && (options.pipeline == "on") != pipelined)
            continue;
        Strategy s;
        s.pipelined = pipelined;
        // No cache size asked for: the reader's default, what the RAM budget leaves room for.
        s.warm = diskann::DiskIndex::open(path, {.parallelReads = options.parallelReads,
                                                 .pipelinedReads = pipelined,
                                                 .ramBudget = options.ramBudget});
        s.cold = diskann::DiskIndex::open(path, {.directIo = true,
                                                 .parallelReads = options.parallelReads,
                                                 .pipelinedReads = pipelined,
                                                 .ramBudget = options.ramBudget});
        strategies.push_back(std::move(s));
    }
    const diskann::IndexInfo info = strategies.front().warm->info();
    const diskann::IndexInfo coldInfo = strategies.front().cold->info();
    if (!coldInfo.directIo)
        std::fprintf(stderr, "ann_bench ssd: no direct I/O on %s (%s): cold figures are cached\n",
                     dir.string().c_str(), coldInfo.directIoFallback.c_str());
    const ReadLatency disk =
        measureReadLatency(path, 2000, options.beamWidth, options.parallelReads);
    std::fprintf(stderr,
                 "ann_bench ssd: single 4 KiB random read (%s, %zu reads over the %.1f MB index "
                 "file): mean %.1f us, p50 %.1f us, p99 %.1f us; %u such reads together (%s): "
                 "mean %.1f us\n",
                 disk.direct ? "direct I/O" : "cached", disk.reads,
                 static_cast<double>(info.fileBytes) / 1e6, disk.meanUs, disk.p50Us, disk.p99Us,
                 options.beamWidth, coldInfo.readEngine.c_str(), disk.batchMeanUs);

    for (std::size_t l = 0; l < options.searchLists.size(); ++l) {
        const std::uint32_t listSize = options.searchLists[l];
        std::vector<ColdFigures> cold;
        for (const Strategy& s : strategies) {
            ReadCounts warmCounts;
            RunResult warm =
                runSetting("ssd", *s.warm, data, options, listSize, buildSeconds, warmCounts);
            warm.extraJson += std::string(",\"strategy\":\"") + s.name() + "\"";
            printResult(warm);
            std::fprintf(stderr,
                         "ann_bench ssd: L=%u %s: sectors/query %.1f, rounds/query %.1f, cache "
                         "hits/query %.1f; ram %zu bytes = %.1f%% of raw %llu bytes, budget "
                         "%.1f%% (pq %u bytes, %u coarse, rotation %s, %u cached nodes = %zu "
                         "bytes, %u-byte nodes)\n",
                         listSize, s.name(), warmCounts.perQuery(warmCounts.sectors),
                         warmCounts.perQuery(warmCounts.rounds),
                         warmCounts.perQuery(warmCounts.cacheHits), warm.ramBytes,
                         100.0 * static_cast<double>(warm.ramBytes) /
                             static_cast<double>(info.rawVectorBytes),
                         static_cast<unsigned long long>(info.rawVectorBytes),
                         100.0 * options.ramBudget, info.pqSubspaces, info.coarseCentroids,
                         info.rotation.c_str(), info.cachedNodes, info.cacheBytes, info.nodeBytes);

            ReadCounts coldCounts;
            RunResult c =
                runSetting("ssd_cold", *s.cold, data, options, listSize, buildSeconds, coldCounts);
            const double rounds = coldCounts.perQuery(coldCounts.rounds);
            // The floor of the rounds strategy: each round waits for at least one read. The
            // pipelined one waits per read landed, so its floor is taken from the rounds'
            // count where both ran, else reads / W.
            const double reads = coldCounts.perQuery(coldCounts.reads);
            const double floorRounds =
                !s.pipelined    ? rounds
                : !cold.empty() ? cold.front().rounds
                                : reads / static_cast<double>(std::max(1u, options.beamWidth));
            const double floorUs = floorRounds * disk.meanUs;
            char extra[240];
            std::snprintf(extra, sizeof extra,
                          ",\"strategy\":\"%s\",\"read_us\":%.1f,\"batch_read_us\":%.1f,"
                          "\"rounds_x_read_us\":%.1f,\"p50_over_rounds_x_read\":%.2f",
                          s.name(), disk.meanUs, disk.batchMeanUs, floorUs, c.p50us / floorUs);
            c.extraJson += extra;
            printResult(c);
            std::fprintf(stderr,
                         "ann_bench ssd: L=%u %s: warm %.0f q/s p50 %.0f us p99 %.0f us | cold "
                         "(%s, %s) %.0f q/s p50 %.0f us p99 %.0f us | waits %.1f, reads %.1f, "
                         "%.1f KiB per query | rounds x read %.1f x %.1f us = %.0f us, cold p50 "
                         "= %.2f x that (target <= 1.3)\n",
                         listSize, s.name(), warm.qps, warm.p50us, warm.p99us,
                         coldInfo.directIo ? "direct I/O" : "cached", coldInfo.readEngine.c_str(),
                         c.qps, c.p50us, c.p99us, rounds, reads,
                         coldCounts.perQuery(coldCounts.sectors) * 4.0, floorRounds, disk.meanUs,
                         floorUs, c.p50us / floorUs);
            cold.push_back({c.p50us, c.recall, reads, floorRounds});
        }
        const MemoryRun& m = memoryAtRecall(memory, cold.front().recall);
        std::string side;
        for (std::size_t i = 0; i < strategies.size(); ++i) {
            char part[200];
            std::snprintf(part, sizeof part,
                          "%s%s p50 %.0f us = %.2f x rounds x read, %.0f x memory, recall %.3f",
                          i ? " | " : "", strategies[i].name(), cold[i].p50us,
                          cold[i].p50us / (cold[i].rounds * disk.meanUs), cold[i].p50us / m.p50us,
                          cold[i].recall);
            side += part;
        }
        std::fprintf(stderr,
                     "ann_bench ssd: L=%u W=%u cold: %s; rounds %.1f x read %.1f us; the "
                     "disk's own floor, reads / W x W reads together: %.1f / %u x %.1f us = "
                     "%.0f us; memory L=%u p50 %.1f us recall %.3f\n",
                     listSize, options.beamWidth, side.c_str(), cold.front().rounds, disk.meanUs,
                     cold.front().reads, options.beamWidth, disk.batchMeanUs,
                     cold.front().reads / std::max(1u, options.beamWidth) * disk.batchMeanUs,
                     m.listSize, m.p50us, m.recall);
    }
    if (options.indexDir.empty()) {
        std::error_code ignored;
        std::filesystem::remove(path, ignored); // a scratch file; with --index-dir it stays
    }
    return 0;
}

} // namespace quiver::bench
