#pragma once

#include "core/diskann/build_params.h"
#include "core/diskann/metric.h"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace quiver::diskann {
class DiskIndex;
}

namespace quiver::bench {

// A base set, its queries and the ids of each query's true nearest neighbours.
struct BenchData {
    std::string name; // printed with every result when set (synthetic kinds)
    diskann::Metric metric = diskann::Metric::L2;
    std::uint32_t dimension = 0;
    std::size_t baseCount = 0;
    std::size_t queryCount = 0;
    std::vector<float> base;    // baseCount x dimension
    std::vector<float> queries; // queryCount x dimension
    std::size_t truthK = 0;
    std::vector<std::uint32_t> truth; // queryCount x truthK
};

struct BenchOptions {
    std::string mode = "memory";
    std::uint32_t maxDegree = 64;
    std::uint32_t buildListSize = 100;
    float alpha = 1.2f;
    std::uint32_t pqBytes = 0;
    std::uint32_t coarseCentroids = 0; // SSD codec: 0 automatic, 1 plain PQ
    bool rotate = true;                // SSD codec: OPQ rotation / balanced sub-spaces
    bool compactSteering = true;       // graph searches steered by bf16 copies of the vectors
    std::vector<std::uint32_t> searchLists{10, 20, 50, 100};
    std::uint32_t beamWidth = 4;
    unsigned threads = 1;      // query threads
    unsigned buildThreads = 0; // 0 = every hardware thread
    std::string indexDir;
    std::size_t k = 10;
    bool hnswlib = false;
    bool parallelReads = true; // --io uring (default) or pread: how the SSD index reads a round
    // --pipeline: the SSD index's search strategy, "off" (rounds of W reads), "on" (W reads
    // kept in flight) or "both", side by side
    std::string pipeline = "both";
    double ramBudget = 0.10;   // --ram-budget: the SSD index's cache fills RAM up to this x raw
    double churn = 0.3;        // --mode merge: deleted and inserted, each as a share of the base
    std::uint32_t rounds = 10; // --mode churn: rounds of in-place updates
    double roundChurn = 0.1;   // --mode churn: deleted and inserted per round, of the base
    std::vector<double> filterSelectivities; // --filter-selectivity: shares of points passing
};

// One line of output: one search setting of one engine.
struct RunResult {
    std::string mode;
    std::string data; // which data set, when one run covers several
    std::uint32_t listSize = 0;
    std::uint32_t beamWidth = 0;
    std::size_t k = 0;
    double recall = 0.0;
    double qps = 0.0;
    double p50us = 0.0;
    double p99us = 0.0;
    double buildSeconds = 0.0;
    std::size_t indexBytes = 0;
    std::size_t ramBytes = 0;
    unsigned threads = 1;
    std::string extraJson; // more "key":value pairs for this line, comma-separated
};

void printResult(const RunResult& r);

// The Vamana parameters the command line asked for; the graph is always searched, never scanned
// (exactSearchBelow = 0), so small inputs measure the graph too.
diskann::BuildParams graphBuildParams(const BenchOptions& options);

// The fields every engine's line shares, for one search list size.
RunResult newRunResult(const std::string& mode, const BenchData& data, const BenchOptions& options,
                       std::uint32_t listSize, double buildSeconds, std::size_t indexBytes);

double secondsSince(std::chrono::steady_clock::time_point start);

// A Vamana graph over `rows` of data.base (ids = row numbers) written as a disk index at
// `path`, with room for `capacity` slots (0: the rows only); returns the seconds it took.
double writeRowsIndex(const BenchData& data, const BenchOptions& options,
                      const std::vector<std::uint32_t>& rows, const std::string& path,
                      std::uint32_t capacity = 0);

// Searches the disk index with every query at list size listSize (timed into r) and returns
// recall@k against data.truth.
double diskIndexRecall(const BenchData& data, const BenchOptions& options,
                       const diskann::DiskIndex& index, std::uint32_t listSize, RunResult& r);

// Resident set size of this process in bytes (0 if unknown).
std::size_t residentBytes();

// Recall@k against the ground truth; a hit also counts when its distance is no larger than
// the true k-th distance, since ties exist.
double recallAtK(const BenchData& data, std::size_t k,
                 const std::vector<std::vector<std::uint64_t>>& found);

// How many timed passes timeQueries makes; the fastest is reported, which filters out
// interference from other processes on a shared machine. Default 1.
void setTimedPasses(unsigned passes);

// Runs every query on `threads` threads; search(q, out) fills the ids found for query q.
// Fills qps and latency percentiles of r and returns the ids per query. One untimed warm-up
// pass precedes the timed ones.
std::vector<std::vector<std::uint64_t>>
timeQueries(const BenchData& data, unsigned threads,
            const std::function<void(std::size_t q, std::vector<std::uint64_t>& out)>& search,
            RunResult& r);

// The SSD-resident index mode; returns the process exit code.
// Fills data.truth with each query's exact top-k (row numbers of `base`, closest first) over
// `rows` rows of data.dimension floats; base and queries are normalised already for Cosine.
void exactTopK(BenchData& data, const float* base, std::size_t rows, const float* queries,
               std::size_t k);

// exactTopK over the given rows of data.base only; data.truth then holds row numbers of
// data.base, as recallAtK wants.
void exactTopKOver(BenchData& data, const std::vector<std::uint32_t>& rows, std::size_t k);

int runSsdMode(const BenchData& data, const BenchOptions& options);

// The streaming merge beside a fresh build of the same final set; returns the exit code.
int runMergeMode(const BenchData& data, const BenchOptions& options);
// Rounds of in-place deletes and inserts on the file beside fresh builds
// (tests/bench/churn_mode.cpp); returns the exit code.
int runChurnMode(const BenchData& data, const BenchOptions& options);

// Filtered searches at each of options.filterSelectivities, beside the unfiltered search of the
// same index (tests/bench/filter_mode.cpp); returns the exit code.
int runFilterMode(const BenchData& data, const BenchOptions& options);

// Builds hnswlib on the same data and prints one line per search list size (as ef).
int runHnswlib(const BenchData& data, const BenchOptions& options);

} // namespace quiver::bench
