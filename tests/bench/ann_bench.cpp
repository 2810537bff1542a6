// ann_bench: recall, throughput and latency of the DiskANN engine (and optionally hnswlib) on
// .fvecs/.ivecs files or on a seeded synthetic clustered set. One JSON object per line per
// search setting.
#include "core/diskann/brute_force.h"
#include "core/diskann/distance.h"
#include "core/diskann/parallel_for.h"
#include "core/diskann/vamana_index.h"
#include "tests/bench/bench_common.h"
#include "tests/bench/vecs_file.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <numeric>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

using namespace quiver;
using namespace quiver::bench;

namespace {

struct Args {
    BenchOptions options;
    std::string basePath;
    std::string queryPath;
    std::string truthPath;
    std::string metric = "l2";
    std::size_t syntheticCount = 0;
    std::uint32_t syntheticDim = 0;
    std::uint32_t syntheticClusters = 64;
    std::size_t syntheticQueries = 1000;
    std::vector<std::string> syntheticKinds{"blobs"}; // each of blobs | subspace
    unsigned timedPasses = 1;
    float syntheticNoise = 0.1f; // per-dimension sigma of the isotropic blobs
};

[[noreturn]] void usage(const char* why) {
    std::fprintf(stderr,
                 "ann_bench: %s\n"
                 "usage: ann_bench (--base B.fvecs --query Q.fvecs --truth T.ivecs |\n"
                 "                  --synthetic N,DIM[,clusters] [--queries NQ]\n"
                 "                  [--synthetic-kind blobs|subspace|blobs,subspace]\n"
                 "                  [--noise SIGMA])\n"
                 "                 [--metric l2|ip|cosine] [--mode memory|ssd] [--R 64] [--L 100]\n"
                 "                 [--alpha 1.2] [--pq-bytes N] [--coarse K] [--no-rotate]\n"
                 "                 [--search-L 10,20,50,100] [--W 4]\n"
                 "                 [--threads N] [--build-threads N] [--index-dir DIR] [--k 10]\n"
                 "                 [--hnswlib] [--repeat N] [--io uring|pread] [--float-steering]\n"
                 "--synthetic-kind blobs: isotropic Gaussian blobs (default); subspace: blobs\n"
                 "  along a shared 24-d subspace; a list runs every engine on each kind.\n"
                 "--repeat N: time N passes over the queries and report the fastest.\n"
                 "--io (ssd mode): a beam round's reads together on io_uring (default) or one\n"
                 "  pread after another.\n"
                 "--pipeline on|off|both (ssd mode): W reads kept in flight, each node expanded\n"
                 "  as its read lands (on), rounds of W reads (off), or both side by side\n"
                 "  (default); with the in-memory graph's p50 at the same list sizes.\n"
                 "--ram-budget 0.10 (ssd mode): the hot-node cache grows until the index's RAM\n"
                 "  is this share of the raw vectors' bytes (none if the codes alone exceed it).\n"
                 "--coarse K: SSD codes are residuals to K coarse centroids (0: automatic, 1:\n"
                 "plain PQ); --no-rotate: no OPQ rotation / sub-space balancing.\n"
                 "--float-steering: graph searches read float vectors (default from 256\n"
                 "  dimensions: bf16 copies, re-ranked with the floats).\n"
                 "--mode merge [--churn 0.3]: a base file merged with churn x its size of\n"
                 "  deletions and as many inserts (--L, --alpha, --W place them), beside a fresh\n"
                 "  build of the same final set.\n"
                 "--mode churn [--rounds 10] [--round-churn 0.1]: a base file over half the data\n"
                 "  updated in place, each round deleting and inserting round-churn x its size,\n"
                 "  beside a fresh build of each round's live set.\n"
                 "--filter-selectivity 0.5,0.1,0.01,0.001 (memory or ssd mode): searches whose\n"
                 "  label filter passes each share of the points, beside unfiltered ones.\n",
                 why);
    std::exit(2);
}

std::vector<std::uint64_t> parseList(std::string_view s) {
    std::vector<std::uint64_t> out;
    std::size_t pos = 0;
    while (pos <= s.size()) {
        const std::size_t comma = std::min(s.find(',', pos), s.size());
        out.push_back(std::stoull(std::string(s.substr(pos, comma - pos))));
        pos = comma + 1;
    }
    return out;
}

Args parseArgs(int argc, char** argv) {
    Args a;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        const auto value = [&]() -> std::string {
            if (i + 1 >= argc)
                usage("missing value");
            return argv[++i];
        };
        if (arg == "--base")
            a.basePath = value();
        else if (arg == "--query")
            a.queryPath = value();
        else if (arg == "--truth")
            a.truthPath = value();
        else if (arg == "--metric")
            a.metric = value();
        else if (arg == "--mode")
            a.options.mode = value();
        else if (arg == "--R")
            a.options.maxDegree = static_cast<std::uint32_t>(std::stoul(value()));
        else if (arg == "--L")
            a.options.buildListSize = static_cast<std::uint32_t>(std::stoul(value()));
        else if (arg == "--alpha")
            a.options.alpha = std::stof(value());
        else if (arg == "--pq-bytes")
            a.options.pqBytes = static_cast<std::uint32_t>(std::stoul(value()));
        else if (arg == "--coarse")
            a.options.coarseCentroids = static_cast<std::uint32_t>(std::stoul(value()));
        else if (arg == "--filter-selectivity") {
            const std::string list = value();
            std::size_t pos = 0;
            while (pos <= list.size()) {
                const std::size_t comma = std::min(list.find(',', pos), list.size());
                const double share = std::stod(list.substr(pos, comma - pos));
                if (!(share > 0.0 && share < 1.0))
                    usage("--filter-selectivity wants shares between 0 and 1");
                a.options.filterSelectivities.push_back(share);
                pos = comma + 1;
            }
        } else if (arg == "--no-rotate")
            a.options.rotate = false;
        else if (arg == "--float-steering")
            a.options.compactSteering = false;
        else if (arg == "--search-L") {
            a.options.searchLists.clear();
            for (const auto v : parseList(value()))
                a.options.searchLists.push_back(static_cast<std::uint32_t>(v));
        } else if (arg == "--W")
            a.options.beamWidth = static_cast<std::uint32_t>(std::stoul(value()));
        else if (arg == "--threads")
            a.options.threads = static_cast<unsigned>(std::stoul(value()));
        else if (arg == "--build-threads")
            a.options.buildThreads = static_cast<unsigned>(std::stoul(value()));
        else if (arg == "--index-dir")
            a.options.indexDir = value();
        else if (arg == "--k")
            a.options.k = std::stoul(value());
        else if (arg == "--hnswlib")
            a.options.hnswlib = true;
        else if (arg == "--queries")
            a.syntheticQueries = std::stoul(value());
        else if (arg == "--synthetic-kind") {
            a.syntheticKinds.clear();
            const std::string list = value();
            std::size_t pos = 0;
            while (pos <= list.size()) {
                const std::size_t comma = std::min(list.find(',', pos), list.size());
                a.syntheticKinds.push_back(list.substr(pos, comma - pos));
                if (a.syntheticKinds.back() != "blobs" && a.syntheticKinds.back() != "subspace")
                    usage("--synthetic-kind wants blobs, subspace or both");
                pos = comma + 1;
            }
        } else if (arg == "--repeat")
            a.timedPasses = static_cast<unsigned>(std::stoul(value()));
        else if (arg == "--io") {
            const std::string io = value();
            if (io != "uring" && io != "pread")
                usage("--io wants uring or pread");
            a.options.parallelReads = io == "uring";
        } else if (arg == "--ram-budget") {
            a.options.ramBudget = std::stod(value());
        } else if (arg == "--pipeline") {
            a.options.pipeline = value();
            if (a.options.pipeline != "on" && a.options.pipeline != "off" &&
                a.options.pipeline != "both")
                usage("--pipeline wants on, off or both");
        } else if (arg == "--churn")
            a.options.churn = std::stod(value());
        else if (arg == "--rounds")
            a.options.rounds = static_cast<std::uint32_t>(std::stoul(value()));
        else if (arg == "--round-churn")
            a.options.roundChurn = std::stod(value());
        else if (arg == "--noise")
            a.syntheticNoise = std::stof(value());
        else if (arg == "--synthetic") {
            const auto v = parseList(value());
            if (v.size() < 2 || v.size() > 3)
                usage("--synthetic wants N,DIM[,clusters]");
            a.syntheticCount = v[0];
            a.syntheticDim = static_cast<std::uint32_t>(v[1]);
            if (v.size() == 3)
                a.syntheticClusters = static_cast<std::uint32_t>(v[2]);
        } else
            usage("unknown option");
    }
    return a;
}

void loadFiles(const Args& a, BenchData& data) {
    std::size_t rows = 0;
    std::size_t dim = 0;
    data.base = bench::readVecs<float>(a.basePath, rows, dim);
    data.baseCount = rows;
    data.dimension = static_cast<std::uint32_t>(dim);
    data.queries = bench::readVecs<float>(a.queryPath, rows, dim);
    if (dim != data.dimension)
        throw std::runtime_error("query dimension differs from base");
    data.queryCount = rows;
    std::vector<std::int32_t> truth = bench::readVecs<std::int32_t>(a.truthPath, rows, dim);
    if (rows != data.queryCount)
        throw std::runtime_error("ground truth rows differ from queries");
    data.truthK = dim;
    data.truth.assign(truth.begin(), truth.end());
}

// Two kinds of seeded clustered data, queries drawn the same way as the base:
// - blobs (default): centres N(0, I), each point = centre + N(0, sigma^2 I). In high dimension
//   the points of a blob are nearly equidistant and the blobs are far apart, which is what
//   topic-clustered document embeddings look like to a graph index, and the hard case for
//   pruning (nothing inside a blob occludes anything else).
// - subspace: blobs spread along a shared 24-dimensional random subspace plus a little
//   isotropic noise, i.e. data of low intrinsic dimension.
// The exact top-100 is computed by brute force with the engine's dispatched kernels on every
// core.
void makeSynthetic(const Args& a, const std::string& kind, BenchData& data) {
    constexpr std::uint32_t kLatent = 24;
    const std::uint32_t dim = a.syntheticDim;
    const bool subspace = kind == "subspace";
    data.name = kind;
    data.dimension = dim;
    data.baseCount = a.syntheticCount;
    data.queryCount = a.syntheticQueries;
    std::mt19937_64 rng(20240601);
    std::normal_distribution<float> gauss(0.0f, 1.0f);
    const std::uint32_t clusters = std::max(1u, a.syntheticClusters);
    std::vector<float> centres(std::size_t{clusters} * dim);
    for (auto& c : centres)
        c = gauss(rng);
    std::vector<float> basis(subspace ? std::size_t{kLatent} * dim : 0);
    const float basisScale = 1.0f / std::sqrt(static_cast<float>(kLatent));
    for (auto& b : basis)
        b = gauss(rng) * basisScale;
    std::uniform_int_distribution<std::uint32_t> pick(0, clusters - 1);
    const float noise = subspace ? 0.05f : a.syntheticNoise;
    const auto fill = [&](std::vector<float>& rows, std::size_t count) {
        rows.resize(count * dim);
        std::vector<float> z(kLatent);
        for (std::size_t i = 0; i < count; ++i) {
            const float* c = centres.data() + std::size_t{pick(rng)} * dim;
            float* row = rows.data() + i * dim;
            for (std::uint32_t d = 0; d < dim; ++d)
                row[d] = c[d] + noise * gauss(rng);
            if (!subspace)
                continue;
            for (auto& v : z)
                v = gauss(rng);
            for (std::uint32_t l = 0; l < kLatent; ++l) {
                const float* b = basis.data() + std::size_t{l} * dim;
                for (std::uint32_t d = 0; d < dim; ++d)
                    row[d] += 0.8f * z[l] * b[d];
            }
        }
    };
    fill(data.base, data.baseCount);
    fill(data.queries, data.queryCount);

    std::vector<float> base = data.base;
    std::vector<float> queries = data.queries;
    if (data.metric == diskann::Metric::Cosine) {
        for (std::size_t i = 0; i < data.baseCount; ++i)
            diskann::normalize(base.data() + i * dim, dim);
        for (std::size_t i = 0; i < data.queryCount; ++i)
            diskann::normalize(queries.data() + i * dim, dim);
    }
    exactTopK(data, base.data(), data.baseCount, queries.data(), 100);
}

int runMemoryMode(const BenchData& data, const BenchOptions& options) {
    const diskann::BuildParams params = graphBuildParams(options);
    diskann::VamanaIndex index(data.metric, data.dimension, params);
    std::vector<std::uint64_t> ids(data.baseCount);
    std::iota(ids.begin(), ids.end(), std::uint64_t{0});

    const auto start = std::chrono::steady_clock::now();
    index.build(data.base, ids);
    const double buildSeconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    for (const std::uint32_t listSize : options.searchLists) {
        RunResult r =
            newRunResult("memory", data, options, listSize, buildSeconds, index.memoryBytes());
        const auto found = timeQueries(
            data, options.threads,
            [&](std::size_t q, std::vector<std::uint64_t>& out) {
                thread_local std::vector<diskann::SearchResult> hits;
                hits.resize(options.k);
                const std::size_t n = index.search(data.queries.data() + q * data.dimension,
                                                   options.k, listSize, hits.data());
                out.resize(n);
                for (std::size_t i = 0; i < n; ++i)
                    out[i] = hits[i].id;
            },
            r);
        r.recall = recallAtK(data, options.k, found);
        r.ramBytes = residentBytes();
        printResult(r);
    }
    return 0;
}

} // namespace

namespace {
int runEngines(const BenchData& data, const Args& args) {
    if (data.truthK < args.options.k)
        usage("ground truth has fewer than k neighbours per query");
    std::fprintf(stderr, "ann_bench: %s%s%zu base x %u dims, %zu queries, kernels %s\n",
                 data.name.c_str(), data.name.empty() ? "" : ": ", data.baseCount, data.dimension,
                 data.queryCount, diskann::activeKernels().name);
    int rc = 0;
    if (!args.options.filterSelectivities.empty())
        rc = runFilterMode(data, args.options);
    else if (args.options.mode == "memory")
        rc = runMemoryMode(data, args.options);
    else if (args.options.mode == "ssd")
        rc = runSsdMode(data, args.options);
    else if (args.options.mode == "merge")
        rc = runMergeMode(data, args.options);
    else if (args.options.mode == "churn")
        rc = runChurnMode(data, args.options);
    else
        usage("unknown mode");
    if (rc == 0 && args.options.hnswlib)
        rc = runHnswlib(data, args.options);
    return rc;
}
} // namespace

int main(int argc, char** argv) {
    try {
        const Args args = parseArgs(argc, argv);
        setTimedPasses(args.timedPasses);
        const auto metric = diskann::metricFromName(args.metric);
        if (!metric)
            usage("unknown metric");
        if (args.syntheticCount > 0) {
            for (const std::string& kind : args.syntheticKinds) {
                BenchData data;
                data.metric = *metric;
                makeSynthetic(args, kind, data);
                if (const int rc = runEngines(data, args); rc != 0)
                    return rc;
            }
            return 0;
        }
        if (args.basePath.empty() || args.queryPath.empty() || args.truthPath.empty())
            usage("give --base/--query/--truth or --synthetic");
        BenchData data;
        data.metric = *metric;
        loadFiles(args, data);
        return runEngines(data, args);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "ann_bench: %s\n", e.what());
        return 1;
    }
}
