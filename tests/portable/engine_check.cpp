// The index engine's checks that need nothing but the C++ standard library, so that they build
// for every target a cross compiler reaches (Windows under wine, ARM64 under qemu) where Qt,
// and so the Qt Test suites, is not available. They exercise the same paths as those suites on
// a small scale: every distance kernel the CPU has against the scalar one, graph build, search,
// updates, and the disk index's write, read, verify and merge. With --write-reference the host
// also writes an index file and its answers; --check-reference reads that file on the target
// and compares the answers, so a file written on one architecture is proven readable, with the
// same results, on another.
#include "core/diskann/bf16_distance.h"
#include "core/diskann/disk_index.h"
#include "core/diskann/disk_index_merger.h"
#include "core/diskann/disk_index_writer.h"
#include "core/diskann/distance.h"
#include "core/diskann/kmeans.h"
#include "core/diskann/vamana_index.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <unordered_set>
#include <vector>

using namespace quiver::diskann;

namespace {

constexpr std::uint32_t kDim = 24;
constexpr std::uint32_t kPoints = 3000;
constexpr std::uint32_t kQueries = 50;
constexpr std::uint32_t kK = 10;

int g_checks = 0;

void require(bool ok, const std::string& what) {
    if (!ok)
        throw std::runtime_error(what);
}

void passed(const std::string& what) {
    ++g_checks;
    std::printf("ok %s\n", what.c_str());
    std::fflush(stdout);
}

// The same numbers on every platform: std::mt19937's sequence is fixed by the standard, its
// distributions are not.
float unitFloat(std::mt19937& rng) {
    return static_cast<float>(rng() >> 8) * (1.0f / 16777216.0f);
}

// Points around a few centres, as embeddings are: graph search has structure to find.
std::vector<float> clusteredPoints(std::uint32_t count, std::uint32_t seed) {
    std::mt19937 rng(seed);
    std::vector<float> centres(16 * kDim);
    for (float& c : centres)
        c = 4.0f * unitFloat(rng) - 2.0f;
    std::vector<float> out(std::size_t{count} * kDim);
    for (std::uint32_t i = 0; i < count; ++i) {
        const std::uint32_t c = rng() % 16;
        for (std::uint32_t d = 0; d < kDim; ++d)
            out[std::size_t{i} * kDim + d] = centres[c * kDim + d] + unitFloat(rng) - 0.5f;
    }
    return out;
}

std::vector<std::uint64_t> idsFrom(std::uint64_t first, std::uint32_t count) {
    std::vector<std::uint64_t> ids(count);
    for (std::uint32_t i = 0; i < count; ++i)
        ids[i] = first + i;
    return ids;
}

std::vector<SearchResult> exactTop(const std::vector<float>& points,
                                   const std::vector<std::uint64_t>& ids, const float* query,
                                   const std::unordered_set<std::uint64_t>& gone = {}) {
    std::vector<SearchResult> all;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        if (!gone.count(ids[i]))
            all.push_back({ids[i], scalar::l2Squared(query, points.data() + i * kDim, kDim)});
    }
    std::sort(all.begin(), all.end(), [](const SearchResult& a, const SearchResult& b) {
        return a.distance < b.distance || (a.distance == b.distance && a.id < b.id);
    });
    all.resize(std::min<std::size_t>(all.size(), kK));
    return all;
}

double overlap(const std::vector<SearchResult>& got, const std::vector<SearchResult>& want) {
    std::set<std::uint64_t> w;
    for (const auto& r : want)
        w.insert(r.id);
    std::size_t hit = 0;
    for (const auto& r : got)
        hit += w.count(r.id);
    return want.empty() ? 1.0 : static_cast<double>(hit) / static_cast<double>(want.size());
}

bool close(float a, float b, float scale) {
    return std::abs(a - b) <= 1e-5f * std::max(1.0f, scale);
}

void checkKernels() {
    std::mt19937 rng(11);
    const auto kernels = availableKernels();
    const auto bf16 = availableBf16Kernels();
    require(std::string(kernels.front().name) == "scalar", "the first kernel set is not scalar");
    for (const std::size_t dim :
         {1u, 3u, 7u, 8u, 15u, 16u, 17u, 31u, 64u, 100u, 127u, 384u, 513u, 1024u, 1536u, 3072u}) {
        std::vector<float> a(dim + 1);
        std::vector<float> b(dim + 1);
        for (std::size_t i = 0; i <= dim; ++i) {
            a[i] = 4.0f * unitFloat(rng) - 2.0f;
            b[i] = 4.0f * unitFloat(rng) - 2.0f;
        }
        std::vector<std::uint16_t> rowBf16(dim + 1);
        toBf16(b.data(), rowBf16.data(), dim + 1);
        // One float of offset: rows of a caller's buffer need not be aligned.
        for (const std::size_t off : {std::size_t{0}, std::size_t{1}}) {
            const float* pa = a.data() + off;
            const float* pb = b.data() + off;
            const float l2 = scalar::l2Squared(pa, pb, dim);
            const float ip = scalar::innerProduct(pa, pb, dim);
            float absIp = 0.0f;
            for (std::size_t i = 0; i < dim; ++i)
                absIp += std::abs(pa[i] * pb[i]);
            for (const auto& k : kernels) {
                const std::string what = std::string(k.name) + " at " + std::to_string(dim);
                require(close(k.l2Squared(pa, pb, dim), l2, l2), "l2Squared of " + what);
                require(close(k.innerProduct(pa, pb, dim), ip, absIp), "innerProduct of " + what);
                require(close(k.negatedInnerProduct(pa, pb, dim), -ip, absIp),
                        "negatedInnerProduct of " + what);
            }
            const std::uint16_t* row = rowBf16.data() + off;
            const float l2b = scalar::l2SquaredBf16(pa, row, dim);
            const float ipb = scalar::innerProductBf16(pa, row, dim);
            for (const auto& k : bf16) {
                const std::string what = std::string(k.name) + " at " + std::to_string(dim);
                require(close(k.l2Squared(pa, row, dim), l2b, l2b), "bf16 l2Squared of " + what);
                require(close(k.innerProduct(pa, row, dim), ipb, absIp),
                        "bf16 innerProduct of " + what);
            }
        }
    }
    // The nearest of k centroids on short vectors (PQ's sub-spaces), dimension-major: the same
    // distance as the plain scan.
    for (const std::uint32_t k : {7u, 16u, 256u}) {
        for (std::size_t dim = 1; dim <= kTransposedMaxDim; ++dim) {
            std::vector<float> centroids(k * dim);
            for (float& c : centroids)
                c = 2.0f * unitFloat(rng) - 1.0f;
            const std::vector<float> t = transposeCentroids(centroids.data(), k, dim);
            std::vector<float> v(dim);
            std::vector<float> scratch(k);
            for (int trial = 0; trial < 20; ++trial) {
                for (float& x : v)
                    x = 2.0f * unitFloat(rng) - 1.0f;
                float want = 0;
                float got = 0;
                nearestCentroid(v.data(), centroids.data(), k, dim, &want);
                nearestTransposed(v.data(), t.data(), k, dim, scratch.data(), &got);
                require(close(got, want, want), "nearest of " + std::to_string(k) +
                                                    " transposed centroids at " +
                                                    std::to_string(dim));
            }
        }
    }
    std::string names;
    for (const auto& k : kernels)
        names += std::string(names.empty() ? "" : ",") + k.name;
    passed("distance kernels (" + names +
           ") match the scalar ones; dispatched: " + activeKernels().name);
}

void checkGraph() {
    const std::vector<float> points = clusteredPoints(kPoints, 1);
    const std::vector<std::uint64_t> ids = idsFrom(1000, kPoints);
    const std::vector<float> queries = clusteredPoints(kQueries, 2);
    BuildParams params;
    params.maxDegree = 32;
    params.buildListSize = 64;
    params.threads = 2;
    params.exactSearchBelow = 0;
    VamanaIndex index(Metric::L2, kDim, params);
    require(index.build(points, ids) == BuildStatus::Completed, "the graph build did not complete");
    double recall = 0;
    for (std::uint32_t q = 0; q < kQueries; ++q) {
        const std::span<const float> query(queries.data() + std::size_t{q} * kDim, kDim);
        recall += overlap(index.search(query, kK, 64), exactTop(points, ids, query.data()));
    }
    recall /= kQueries;
    require(recall >= 0.95, "graph recall@10 " + std::to_string(recall) + " < 0.95");
    passed("graph build and search, recall@10 " + std::to_string(recall));

    // Updates: a tenth removed, new points inserted; none of the removed ever comes back.
    std::unordered_set<std::uint64_t> gone;
    for (std::uint32_t i = 0; i < kPoints; i += 10) {
        require(index.remove(ids[i]), "remove refused a present id");
        gone.insert(ids[i]);
    }
    const std::vector<float> more = clusteredPoints(300, 3);
    for (std::uint32_t i = 0; i < 300; ++i)
        require(index.insert(50000 + i, std::span<const float>(more.data() + i * kDim, kDim)),
                "insert refused a new id");
    index.consolidate();
    for (std::uint32_t i = 0; i < 300; ++i) {
        const auto top = index.search(std::span<const float>(more.data() + i * kDim, kDim), 1, 64);
        require(!top.empty() && top.front().id == 50000 + i, "an inserted point is not found");
    }
    for (std::uint32_t q = 0; q < kQueries; ++q) {
        for (const auto& r : index.search(
                 std::span<const float>(queries.data() + std::size_t{q} * kDim, kDim), kK, 64))
            require(!gone.count(r.id), "a removed point was returned");
    }
    passed("graph insert, remove and consolidate");
}

std::unique_ptr<VamanaIndex> referenceGraph(const std::vector<float>& points,
                                            const std::vector<std::uint64_t>& ids) {
    BuildParams params;
    params.maxDegree = 32;
    params.buildListSize = 64;
    params.threads = 2;
    params.exactSearchBelow = 0;
    auto graph = std::make_unique<VamanaIndex>(Metric::L2, kDim, params);
    std::vector<std::vector<std::uint32_t>> labels(ids.size());
    for (std::size_t i = 0; i < ids.size(); ++i)
        labels[i] = {static_cast<std::uint32_t>(i % 3)};
    require(graph->build(points, ids, labels) == BuildStatus::Completed,
            "the graph build did not complete");
    return graph;
}

double diskRecall(const DiskIndex& index, const std::vector<float>& points,
                  const std::vector<std::uint64_t>& ids, const std::vector<float>& queries,
                  std::uint32_t L, const std::unordered_set<std::uint64_t>& gone = {}) {
    SearchFilter filter;
    filter.deleted = &gone;
    double recall = 0;
    for (std::uint32_t q = 0; q < kQueries; ++q) {
        const float* query = queries.data() + std::size_t{q} * kDim;
        const auto got = index.search(query, kK, L, 4, filter);
        for (const auto& r : got)
            require(!gone.count(r.id), "a deleted point was returned by the disk index");
        recall += overlap(got, exactTop(points, ids, query, gone));
    }
    return recall / kQueries;
}

void checkDiskIndex(const std::filesystem::path& dir) {
    const std::vector<float> points = clusteredPoints(kPoints, 1);
    const std::vector<std::uint64_t> ids = idsFrom(1000, kPoints);
    const std::vector<float> queries = clusteredPoints(kQueries, 2);
    const auto graph = referenceGraph(points, ids);
    const std::string path = (dir / "check.qdx").string();
    DiskIndexBuildOptions write;
    write.threads = 2;
    writeDiskIndex(path, graph->graphView(), write);
    auto index = DiskIndex::open(path);
    require(index->verify().ok(), "the written index file does not verify");
    const double recall = diskRecall(*index, points, ids, queries, 64);
    require(recall >= 0.9, "disk recall@10 " + std::to_string(recall) + " < 0.9");
    SearchFilter label;
    label.label = 1u;
    for (const auto& r : index->search(queries.data(), kK, 64, 4, label))
        require((r.id - 1000) % 3 == 1, "the label filter let another label through");
    passed("disk index write, verify, search (recall@10 " + std::to_string(recall) +
           ") and label filter");

    // A merge streams the file, drops deleted points and places new ones.
    std::unordered_set<std::uint64_t> deleted;
    for (std::uint32_t i = 0; i < kPoints; i += 7)
        deleted.insert(ids[i]);
    const std::vector<float> more = clusteredPoints(200, 4);
    const std::vector<std::uint64_t> moreIds = idsFrom(90000, 200);
    const std::uint32_t zero = 0;
    MergeDelta delta;
    delta.metric = Metric::L2;
    delta.dimension = kDim;
    delta.count = 200;
    delta.vector = [&](std::uint32_t i) { return more.data() + std::size_t{i} * kDim; };
    delta.labels = [&](std::uint32_t) { return std::span<const std::uint32_t>(&zero, 1); };
    delta.externalId = [&](std::uint32_t i) { return moreIds[i]; };
    DiskIndexMergeOptions mergeOptions;
    mergeOptions.threads = 2;
    const std::string merged = (dir / "merged.qdx").string();
    mergeDiskIndex(path, merged, delta, deleted, mergeOptions);
    index.reset();
    auto after = DiskIndex::open(merged);
    require(after->verify().ok(), "the merged index file does not verify");
    std::vector<float> all = points;
    all.insert(all.end(), more.begin(), more.end());
    std::vector<std::uint64_t> allIds = ids;
    allIds.insert(allIds.end(), moreIds.begin(), moreIds.end());
    const double mergedRecall = diskRecall(*after, all, allIds, queries, 128, deleted);
    require(mergedRecall >= 0.9, "merged recall@10 " + std::to_string(mergedRecall) + " < 0.9");
    for (std::uint32_t i = 0; i < 200; i += 20) {
        const auto top = after->search(more.data() + std::size_t{i} * kDim, 1, 64, 4);
        require(!top.empty() && top.front().id == moreIds[i], "a merged-in point is not found");
    }
    passed("disk index merge (recall@10 " + std::to_string(mergedRecall) + ")");
}

// The host's answers, one line per query: "id distance" pairs.
void writeReference(const std::filesystem::path& dir) {
    const std::vector<float> points = clusteredPoints(kPoints, 5);
    const auto graph = referenceGraph(points, idsFrom(1000, kPoints));
    DiskIndexBuildOptions write;
    write.threads = 2;
    writeDiskIndex((dir / "reference.qdx").string(), graph->graphView(), write);
    const auto index = DiskIndex::open((dir / "reference.qdx").string());
    const std::vector<float> queries = clusteredPoints(kQueries, 6);
    std::ofstream out(dir / "reference.txt");
    out.precision(9);
    for (std::uint32_t q = 0; q < kQueries; ++q) {
        for (const auto& r : index->search(queries.data() + std::size_t{q} * kDim, kK, 64, 4))
            out << r.id << ' ' << r.distance << ' ';
        out << '\n';
    }
    require(static_cast<bool>(out), "cannot write the reference answers");
    passed("reference index and answers written");
}

void checkReference(const std::filesystem::path& dir) {
    const auto index = DiskIndex::open((dir / "reference.qdx").string());
    require(index->verify().ok(), "the reference index file does not verify here");
    const std::vector<float> queries = clusteredPoints(kQueries, 6);
    std::ifstream in(dir / "reference.txt");
    require(static_cast<bool>(in), "cannot read the reference answers");
    std::string line;
    double same = 0;
    std::uint32_t q = 0;
    for (; q < kQueries && std::getline(in, line); ++q) {
        std::vector<SearchResult> want;
        std::istringstream fields(line);
        SearchResult r;
        while (fields >> r.id >> r.distance)
            want.push_back(r);
        const auto got = index->search(queries.data() + std::size_t{q} * kDim, kK, 64, 4);
        same += overlap(got, want);
        // Distances of the ids both found agree up to the kernels' rounding.
        for (const auto& g : got) {
            for (const auto& w : want) {
                if (g.id == w.id)
                    require(std::abs(g.distance - w.distance) <=
                                1e-4f * std::max(1.0f, std::abs(w.distance)),
                            "distance of id " + std::to_string(g.id) +
                                " differs: " + std::to_string(g.distance) + " here, " +
                                std::to_string(w.distance) + " on the host");
            }
        }
    }
    require(q == kQueries, "the reference answers are incomplete");
    same /= kQueries;
    // Ties broken by rounding may swap the last places; anything more is a real difference.
    require(same >= 0.98, "only " + std::to_string(same) + " of the host's answers found here");
    passed("index written on the host read here, answers agree (" + std::to_string(same) + ")");
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr,
                     "usage: engine_check <folder> [--write-reference | --check-reference]\n");
        return 2;
    }
    const std::filesystem::path dir(argv[1]);
    const std::string mode = argc > 2 ? argv[2] : "";
    try {
        std::filesystem::create_directories(dir);
        if (mode == "--write-reference") {
            writeReference(dir);
        } else {
            checkKernels();
            checkGraph();
            checkDiskIndex(dir);
            if (mode == "--check-reference")
                checkReference(dir);
            else
                require(mode.empty(), "unknown option " + mode);
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "engine_check FAILED: %s\n", e.what());
        return 1;
    }
    std::printf("engine_check: %d checks passed\n", g_checks);
    return 0;
}
