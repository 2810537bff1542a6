#include "core/diskann/disk_index.h"
#include "core/diskann/disk_index_writer.h"
#include "core/diskann/vamana_index.h"
#include "tests/bench/bench_common.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <numeric>

namespace quiver::bench {

// --mode ssd: builds the Vamana graph in memory, writes the disk index (PQ codes in RAM,
// vectors and adjacency in 4 KiB sectors on disk), drops the in-memory graph and searches the
// file. ram_bytes is the disk index's own footprint (PQ codebook and codes, cache, metadata);
// the sectors read per query go to stderr with the RAM/raw ratio.
int runSsdMode(const BenchData& data, const BenchOptions& options) {
    const diskann::BuildParams params = graphBuildParams(options);

    const std::filesystem::path dir = options.indexDir.empty()
                                          ? std::filesystem::temp_directory_path()
                                          : std::filesystem::path(options.indexDir);
    const std::string path = (dir / "ann_bench_ssd.qdx").string();
    // A small cache of hot nodes around the medoid: 0.5% of the points.
    const auto cacheNodes = static_cast<std::uint32_t>(data.baseCount / 200);

    const auto start = std::chrono::steady_clock::now();
    {
        diskann::VamanaIndex graph(data.metric, data.dimension, params);
        std::vector<std::uint64_t> ids(data.baseCount);
        std::iota(ids.begin(), ids.end(), std::uint64_t{0});
        graph.build(data.base, ids);
        diskann::DiskIndexBuildOptions write;
        write.pqBytes = options.pqBytes;
        write.coarseCentroids = options.coarseCentroids;
        write.rotate = options.rotate;
        write.cacheNodes = cacheNodes;
        write.threads = options.buildThreads;
        diskann::writeDiskIndex(path, graph.graphView(), write);
    }
    const double buildSeconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    const auto index = diskann::DiskIndex::open(path);
    const diskann::IndexInfo info = index->info();
    for (const std::uint32_t listSize : options.searchLists) {
        RunResult r = newRunResult("ssd", data, options, listSize, buildSeconds,
                                   static_cast<std::size_t>(index->fileBytes()));
        std::atomic<std::uint64_t> sectors{0}, cacheHits{0}, rounds{0}, searches{0};
        const auto found = timeQueries(
            data, options.threads,
            [&](std::size_t q, std::vector<std::uint64_t>& out) {
                diskann::SearchStats stats;
                const auto hits = index->search(data.queries.data() + q * data.dimension,
                                                static_cast<std::uint32_t>(options.k), listSize,
                                                options.beamWidth, {}, &stats);
                out.resize(hits.size());
                for (std::size_t i = 0; i < hits.size(); ++i)
                    out[i] = hits[i].id;
                sectors += stats.sectorsRead;
                cacheHits += stats.cacheHits;
                rounds += stats.rounds;
                ++searches;
            },
            r);
        r.recall = recallAtK(data, options.k, found);
        r.ramBytes = index->ramBytes();
        printResult(r);
        const double n = static_cast<double>(searches.load());
        std::fprintf(stderr,
                     "ann_bench ssd: L=%u sectors/query %.1f, rounds/query %.1f, cache "
                     "hits/query %.1f; ram %zu bytes = %.1f%% of raw %llu bytes "
                     "(pq %u bytes, %u coarse, rotation %s, %u cached nodes, %u-byte nodes)\n",
                     listSize, static_cast<double>(sectors.load()) / n,
                     static_cast<double>(rounds.load()) / n,
                     static_cast<double>(cacheHits.load()) / n, r.ramBytes,
                     100.0 * static_cast<double>(r.ramBytes) /
                         static_cast<double>(info.rawVectorBytes),
                     static_cast<unsigned long long>(info.rawVectorBytes), info.pqSubspaces,
                     info.coarseCentroids, info.rotation.c_str(), info.cachedNodes, info.nodeBytes);
    }
    if (options.indexDir.empty()) {
        std::error_code ignored;
        std::filesystem::remove(path, ignored); // a scratch file; with --index-dir it stays
    }
    return 0;
}

} // namespace quiver::bench
