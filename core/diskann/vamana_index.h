#pragma once

#include "core/diskann/aligned_buffer.h"
#include "core/diskann/bf16_distance.h"
#include "core/diskann/build_params.h"
#include "core/diskann/distance.h"
#include "core/diskann/function_ref.h"
#include "core/diskann/graph_view.h"
#include "core/diskann/label_filter.h"
#include "core/diskann/metric.h"
#include "core/diskann/search_result.h"
#include "core/diskann/writer_priority_mutex.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

namespace quiver::diskann {

struct SearchScratch;
struct Neighbor;

// An in-memory Vamana graph (DiskANN) with FreshDiskANN updates and Filtered-DiskANN labels.
//
// Storage is flat: vectors live in one 64-byte aligned array, one zero-padded row per slot;
// adjacency lives in a second array of fixed-capacity rows (count, then neighbour slots).
// The graph geometry is always squared L2 (Cosine vectors are unit length, so the ranking is
// the same); queries rank by the index's metric.
//
// Thread safety: searches may run concurrently with each other; build, insert, remove and
// consolidate take the index exclusively (a build is itself multi-threaded).
class VamanaIndex {
public:
    VamanaIndex(Metric metric, std::uint32_t dimension, BuildParams params = {});
    ~VamanaIndex();
    VamanaIndex(const VamanaIndex&) = delete;
    VamanaIndex& operator=(const VamanaIndex&) = delete;

    Metric metric() const { return metric_; }
    std::uint32_t dimension() const { return dimension_; }
    const BuildParams& params() const { return params_; }

    // Live (not deleted) points.
    std::size_t size() const;
    // Deleted points still occupying slots until consolidate().
    std::size_t pendingDeletes() const;
    bool contains(std::uint64_t id) const;
    // Bytes held by vectors, graph, ids and labels.
    std::size_t memoryBytes() const;

    // Replaces the whole content by a graph over `vectors` (row-major, ids.size() rows of
    // dimension() floats). ids must be unique; labels is empty or holds one set per row.
    // On cancellation the index is left empty. Throws std::invalid_argument on bad input.
    BuildStatus build(std::span<const float> vectors, std::span<const std::uint64_t> ids,
                      std::span<const std::vector<std::uint32_t>> labels = {},
                      const BuildControl& control = {});

    // The k nearest live points (only points carrying `label` when given), best first, using a
    // beam of searchListSize candidates (raised to k if smaller). Writes at most k results to
    // out and returns how many; allocates nothing once the calling thread has warmed up.
    std::size_t search(const float* query, std::size_t k, std::uint32_t searchListSize,
                       SearchResult* out, std::optional<std::uint32_t> label = {}) const;
    std::vector<SearchResult> search(std::span<const float> query, std::size_t k,
                                     std::uint32_t searchListSize,
                                     std::optional<std::uint32_t> label = {}) const;
    // The k nearest live points that pass `filter` (core/diskann/label_filter.h). One label is
    // the search above; a rare set of matches is scanned exactly; a common one is searched with
    // a list widened in proportion to its rarity, then scanned if that finds fewer than k.
    std::size_t search(const float* query, std::size_t k, std::uint32_t searchListSize,
                       SearchResult* out, const LabelFilter& filter) const;
    std::vector<SearchResult> search(std::span<const float> query, std::size_t k,
                                     std::uint32_t searchListSize, const LabelFilter& filter) const;
    // Exact answer by scanning every live point (with the label when given).
    std::vector<SearchResult> searchExact(std::span<const float> query, std::size_t k,
                                          std::optional<std::uint32_t> label = {}) const;

    // Adds one point without a rebuild. Returns false if the id is already present.
    bool insert(std::uint64_t id, std::span<const float> vector,
                std::span<const std::uint32_t> labels = {});
    // Tombstones a point: it is never returned again. Returns false for an unknown id.
    bool remove(std::uint64_t id);
    // Reconnects the neighbours of deleted points and frees their slots for reuse.
    // Returns the number of slots freed.
    std::size_t consolidate();

    // The graph as the disk writer reads it. Requires pendingDeletes() == 0 (throws
    // std::logic_error otherwise). Slots in the view are dense; the view shares no mutable
    // state with the index but must not outlive it, and the index must not change meanwhile.
    GraphView graphView() const;

private:
    enum class SlotState : std::uint8_t { Free = 0, Live = 1, Deleted = 2 };
    struct LabelInfo {
        std::vector<std::uint32_t> members;
        std::uint32_t start = 0;
    };

    float* vectorAt(std::uint32_t slot) { return vectors_.data() + std::size_t{slot} * rowFloats_; }
    const float* vectorAt(std::uint32_t slot) const {
        return vectors_.data() + std::size_t{slot} * rowFloats_;
    }
    const std::uint16_t* compactAt(std::uint32_t slot) const {
        return compact_.data() + std::size_t{slot} * rowFloats_;
    }
    std::uint32_t* adjacencyAt(std::uint32_t slot) {
        return graph_.data() + std::size_t{slot} * adjacencyStride_;
    }
    const std::uint32_t* adjacencyAt(std::uint32_t slot) const {
        return graph_.data() + std::size_t{slot} * adjacencyStride_;
    }
    bool hasLabel(std::uint32_t slot, std::uint32_t label) const;

    void clear();
    void reserveSlots(std::size_t capacity);
    std::uint32_t allocateSlot();
    void storeVector(std::uint32_t slot, const float* v);
    void storeLabels(std::uint32_t slot, std::span<const std::uint32_t> labels);
    std::uint32_t closestToCentroid(std::span<const std::uint32_t> slots) const;
    void chooseStartNodes();
    void chooseEntryPoints(std::span<const std::uint32_t> live);
    // Writes the (at most 3) entry points closest to query that pass accept to seeds, closest
    // first, and returns how many.
    template <typename Accept>
    std::size_t nearestEntryPoints(const float* query, DistanceFn dist, const Accept& accept,
                                   std::uint32_t* seeds) const;
    std::size_t repairConnectivity(SearchScratch& s);

    // dist steers the search over float rows, or compactDist (when not null) over the bf16 rows.
    template <bool kLocked, typename Accept>
    void greedySearch(const float* query, std::span<const std::uint32_t> starts,
                      std::uint32_t listSize, DistanceFn dist, Bf16DistanceFn compactDist,
                      const Accept& accept, SearchScratch& s, bool recordExpanded) const;
    void candidatePool(std::uint32_t slot, SearchScratch& s, bool locked) const;
    void robustPrune(std::uint32_t slot, std::vector<Neighbor>& pool, float alpha,
                     std::uint32_t degree, std::vector<std::uint32_t>& out, SearchScratch& s) const;
    void pruneRowToDegree(std::uint32_t slot, SearchScratch& s) const;
    void linkNode(std::uint32_t slot, float alpha, std::uint32_t listSize, SearchScratch& s,
                  bool locked);
    void addReverseEdge(std::uint32_t from, std::uint32_t to, float alpha, std::uint32_t limit,
                        SearchScratch& s);
    // The k best of the search list that are live (and carry label). rerankQuery: the list was
    // steered by bf16 rows, so its entries are ranked again by float distances to it first.
    std::size_t finishSearch(SearchScratch& s, std::size_t k, SearchResult* out,
                             FunctionRef<bool(std::uint32_t)> keep,
                             const float* rerankQuery = nullptr) const;
    std::size_t exactSearch(const float* query, std::size_t k, SearchResult* out,
                            std::optional<std::uint32_t> label) const;
    // search() for a filter that passes neither all points nor none, under the read lock, with
    // the query prepared: the walk or the scan of the matches, chosen by their estimated share.
    std::size_t searchLabelGroups(const float* q, std::size_t k, std::uint32_t searchListSize,
                                  SearchResult* out, const LabelFilter& filter) const;
    // Exact top k of `slots` that are live and pass keep.
    std::size_t exactSearchOf(const float* query, std::size_t k, SearchResult* out,
                              std::span<const std::uint32_t> slots,
                              FunctionRef<bool(std::uint32_t)> keep) const;
    bool passes(std::uint32_t slot, const LabelFilter& filter) const {
        const std::vector<std::uint32_t>& mine = labels_[slot];
        return filter.passes(mine.size(), [&mine](std::size_t i) { return mine[i]; });
    }

    Metric metric_;
    std::uint32_t dimension_;
    BuildParams params_;
    std::size_t rowFloats_;       // dimension rounded up to a whole number of cache lines
    std::uint32_t slackDegree_;   // adjacency capacity: R plus room to defer pruning
    std::size_t adjacencyStride_; // count + slackDegree_, rounded up to cache lines
    DistanceFn queryDistance_;
    DistanceFn graphDistance_;
    // bf16 kernels matching the two above; null when compact steering is off.
    Bf16DistanceFn compactQueryDistance_ = nullptr;
    Bf16DistanceFn compactGraphDistance_ = nullptr;

    mutable WriterPriorityMutex mutex_;
    AlignedBuffer<float> vectors_;
    AlignedBuffer<std::uint16_t> compact_; // bf16 rows beside vectors_; empty when steering is off
    AlignedBuffer<std::uint32_t> graph_;
    std::vector<SlotState> state_;
    std::vector<std::uint64_t> externalIds_;
    std::vector<std::vector<std::uint32_t>> labels_;
    std::unordered_map<std::uint64_t, std::uint32_t> slotOfId_;
    std::unordered_map<std::uint32_t, LabelInfo> labelIndex_;
    std::vector<std::uint32_t> freeSlots_;
    std::uint32_t usedSlots_ = 0; // slots 0..usedSlots_-1 have been handed out
    std::size_t liveCount_ = 0;
    std::size_t deletedCount_ = 0;
    std::uint32_t medoid_ = 0;
    // Entry points spread over the data (medoid first): every unfiltered search, at build and
    // at query time, starts from the few of them closest to its target, so that well separated
    // clusters are reached directly. Their vectors are copied contiguously for a fast scan.
    std::vector<std::uint32_t> entries_;
    AlignedBuffer<float> entryVectors_;
    std::size_t entriesChosenFor_ = 0; // live count when the entry points were last chosen
    bool hasLabels_ = false;
    // Per-node locks for the concurrent build, striped to keep them small.
    std::unique_ptr<class NodeLocks> locks_;
};

} // namespace quiver::diskann
