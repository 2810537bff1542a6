#pragma once

#include "core/diskann/label_filter.h"
#include "core/diskann/metric.h"
#include "core/diskann/search_result.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

namespace quiver::diskann {

struct DiskIndexOpenOptions {
    // Nodes kept in memory, gathered breadth-first from the medoid. Unset: as many as keep the
    // index's RAM (ramBytes()) within ramBudget x the raw vectors' bytes, and no more than the
    // file's hint where it gives one.
    std::optional<std::uint32_t> cacheNodes = std::nullopt;
    // Read around the operating system's page cache (O_DIRECT; F_NOCACHE on macOS), as a cold
    // disk would be read. Where the file system refuses, reads stay cached and IndexInfo says
    // why. Off by default: the page cache makes repeated searches of a hot index fast.
    bool directIo = false;
    // Issue the W reads of a beam round together (io_uring on Linux). Off, or where a thread
    // cannot set up a ring: one read after another. Results are identical either way.
    bool parallelReads = true;
    // Keep W reads in flight and expand each node as its read lands, reading the next best
    // candidate in its place, instead of rounds of W reads each waiting for its slowest one.
    // Nodes are still expanded in the order they were taken, so results do not depend on the
    // read engine or the disk's timing; with W = 1 they are the rounds' results. With W > 1
    // the expansion order differs from the rounds', and so may the results, slightly.
    bool pipelinedReads = false;
    // The default cache's bound, as a share of count x dimension x 4 bytes. The rest of the
    // index (codes, codebooks) is not bounded by it: where that alone exceeds the budget the
    // cache is empty.
    double ramBudget = 0.10;
};

struct SearchFilter {
    // Only points carrying this label are returned; the search may pass through others.
    std::optional<std::uint32_t> label;
    // Only points that pass these label groups too (core/diskann/label_filter.h).
    LabelFilter labels = {};
    // External ids that must never be returned (deleted since the file was written).
    const std::unordered_set<std::uint64_t>* deleted = nullptr;
};

struct SearchStats {
    std::uint32_t sectorsRead = 0; // 4 KiB sectors fetched from the file
    std::uint32_t nodesRead = 0;   // node records fetched from the file
    std::uint32_t cacheHits = 0;   // node records served from the in-memory cache
    std::uint32_t rounds = 0; // beam-search rounds (batches of reads); pipelined: waits for reads
};

struct IndexInfo {
    std::uint32_t formatVersion = 0;
    Metric metric = Metric::L2;
    std::uint32_t dimension = 0;
    std::uint32_t count = 0;    // slots in use, deleted ones included
    std::uint32_t capacity = 0; // slots the file has room for (in-place inserts)
    std::uint32_t maxDegree = 0;
    std::uint32_t medoid = 0;
    std::uint32_t entryPoints = 0; // where unfiltered searches may start, the medoid included
    std::uint32_t pqSubspaces = 0; // bytes per PQ code
    std::uint32_t coarseCentroids = 0;
    std::string rotation; // "identity", "permutation" or "dense"
    std::uint32_t nodeBytes = 0;
    std::uint32_t nodesPerSector = 0; // 0 when a node spans several sectors
    std::uint32_t sectorsPerNode = 0;
    std::uint32_t maxLabelsPerNode = 0;
    std::uint32_t labelCount = 0; // distinct labels
    std::uint32_t cachedNodes = 0;
    std::size_t cacheBytes = 0;     // the cached records and their index
    std::size_t ramBudgetBytes = 0; // what the default cache fills up to (ramBudget x raw)
    std::uint64_t fileBytes = 0;
    std::uint64_t rawVectorBytes = 0; // count x dimension x 4
    std::size_t ramBytes = 0;
    bool directIo = false;        // reads bypass the page cache
    std::string directIoFallback; // why direct I/O was asked for but is not in effect
    std::string readEngine;       // "io_uring" or "pread": how the opening thread reads a round
};

struct VerifyReport {
    std::uint64_t nodesChecked = 0;
    std::uint64_t edges = 0;
    std::uint64_t problemCount = 0;
    std::vector<std::string> problems; // the first 100 problems found
    bool ok() const { return problemCount == 0; }
};

// A DiskANN index on disk. In memory: the vector codec (rotation, coarse centroids, PQ
// codebook) and per point its code, coarse id and bias, the label lists and a cache
// of hot nodes; full-precision vectors and adjacency lists are read from the file as a search
// needs them. Opening validates the header and every section's checksum; node records are
// checked whenever read. A damaged file raises DiskIndexError ("not a Quiver index",
// "unsupported format version N", "file truncated: ...", "checksum mismatch in section ...").
// All const members may be called from many threads at once; they hold the index's update lock
// shared, so a DiskIndexUpdater's inserts and deletes (exclusive) happen between searches.
class DiskIndexUpdater;
class DiskIndex {
public:
    static std::unique_ptr<DiskIndex> open(const std::string& path,
                                           const DiskIndexOpenOptions& options = {});
    ~DiskIndex();
    DiskIndex(const DiskIndex&) = delete;
    DiskIndex& operator=(const DiskIndex&) = delete;

    // The k nearest points (closest first): beam search of width W (nodes read per round)
    // with a candidate list of L, steered by PQ distances, re-ranked by exact distances.
    std::vector<SearchResult> search(const float* query, std::uint32_t k, std::uint32_t L,
                                     std::uint32_t W, const SearchFilter& filter = {},
                                     SearchStats* stats = nullptr) const;
    // Exact k nearest by a scan over every vector in the file: for verification, not speed.
    std::vector<SearchResult> exactSearch(const float* query, std::uint32_t k,
                                          const SearchFilter& filter = {}) const;
    // Reads the whole file: section checksums, every node's checksum, degree, neighbour ids and
    // labels. Problems are reported, not thrown (except when the file cannot be read).
    VerifyReport verify() const;

    std::size_t ramBytes() const;
    std::uint64_t fileBytes() const;
    IndexInfo info() const;

    struct Impl;
    // The reader's state (core/diskann/disk_index_impl.h), for the streaming merge.
    const Impl& internals() const { return *impl_; }

private:
    friend class DiskIndexUpdater;
    explicit DiskIndex(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

} // namespace quiver::diskann
