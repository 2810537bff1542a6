#pragma once

// The reader's state, shared by DiskIndex and the streaming merge (disk_index_merger.cpp).
// Internal to this library.

#include "core/diskann/aligned_buffer.h"
#include "core/diskann/candidate_list.h"
#include "core/diskann/checksum.h"
#include "core/diskann/disk_index.h"
#include "core/diskann/disk_index_error.h"
#include "core/diskann/distance.h"
#include "core/diskann/file_format.h"
#include "core/diskann/file_reader.h"
#include "core/diskann/read_queue.h"
#include "core/diskann/vector_codec.h"
#include "core/diskann/writer_priority_mutex.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace quiver::diskann {

namespace detail {

inline constexpr float kInfinity = std::numeric_limits<float>::infinity();
inline constexpr std::size_t kMaxReportedProblems = 100;
// Entry points a search starts from (at least; W when wider).
inline constexpr std::uint32_t kSeeds = 4;

// A NaN distance would break the orderings below; it ranks last instead.
inline float sane(float d) {
    return std::isnan(d) ? kInfinity : d;
}

inline std::string num(std::uint64_t v) {
    return std::to_string(v);
}

struct LabelEntry {
    std::uint32_t label = 0;
    std::uint32_t entry = 0;
    std::uint32_t start = 0;
    std::uint32_t size = 0;
};

// A node record whose checksum and fields have been checked.
struct NodeRecord {
    std::uint64_t externalId = 0;
    std::uint32_t degree = 0;
    std::uint32_t labelCount = 0;
    bool deleted = false; // kDeletedFlag: walked through, never returned
    const std::uint8_t* vector = nullptr;
    const std::uint8_t* neighbors = nullptr;
    const std::uint8_t* labels = nullptr;

    std::uint32_t neighbor(std::uint32_t i) const { return loadLe32(neighbors + 4 * i); }
    bool hasLabel(std::uint32_t label) const {
        for (std::uint32_t i = 0; i < labelCount; ++i)
            if (loadLe32(labels + 4 * i) == label)
                return true;
        return false;
    }
};

struct Scored {
    float distance;
    std::uint32_t slot;
    bool operator<(const Scored& o) const {
        return distance < o.distance || (distance == o.distance && slot < o.slot);
    }
};

// A node read by a graph search: its record, exact distance, and the PQ distances of its
// neighbours not yet seen when it was read (the others' entries are left unset).
struct ReadNode {
    NodeRecord record;
    float exact = kInfinity;
    std::vector<float> neighborPq;
};

// Node reads land here: sector-aligned so direct I/O can fill it in place.
using SectorBuffer = AlignedBuffer<std::uint8_t, FileReader::kDirectAlignment>;

struct Result {
    float distance;
    std::uint32_t slot;
    std::uint64_t id;
    bool operator<(const Result& o) const {
        return distance < o.distance || (distance == o.distance && slot < o.slot);
    }
};

} // namespace detail

using detail::LabelEntry;
using detail::NodeRecord;
using detail::num;
using detail::ReadNode;
using detail::Result;
using detail::sane;
using detail::Scored;
using detail::SectorBuffer;

struct DiskIndex::Impl {
    Impl(const std::string& path, const DiskIndexOpenOptions& options)
        : file(path, FileReaderOptions{.directIo = options.directIo})
        , parallelReads(options.parallelReads)
        , pipelinedReads(options.pipelinedReads) {}

    FileReader file;
    bool parallelReads = true;
    bool pipelinedReads = false;
    FileHeader header;
    VectorCodec codec;
    std::vector<std::uint8_t> codes;      // capacity x M PQ codes of the residuals
    std::vector<std::uint16_t> coarseIds; // capacity coarse centroid ids
    std::vector<float> biases;            // capacity per-point distance terms
    std::vector<LabelEntry> labels;
    std::vector<std::uint32_t> labelSlots;
    // Labels of points inserted in place (label_overlay): per label touched, its carriers from
    // the inverted lists and from the overlay together (sorted), and an entry describing them.
    struct OverlayLabel {
        LabelEntry entry;
        std::vector<std::uint32_t> slots;
    };
    std::map<std::uint32_t, OverlayLabel> overlayLabels;
    std::vector<std::uint32_t> overlaySlots; // the label_overlay section's listed slots
    // Searches hold it shared, DiskIndexUpdater's inserts and deletes exclusively.
    mutable WriterPriorityMutex updateLock;
    std::vector<std::uint32_t> entries; // the medoid first
    std::vector<std::uint8_t> cacheRecords;
    std::unordered_map<std::uint32_t, std::uint32_t> cacheIndex;
    std::size_t ramBudgetBytes = 0;

    // RAM of the cache: records, and per entry a hash node (about a pointer and the pair) and
    // a bucket.
    std::size_t cacheBytes() const {
        return cacheRecords.capacity() +
               cacheIndex.size() *
                   (sizeof(std::pair<const std::uint32_t, std::uint32_t>) + 2 * sizeof(void*)) +
               cacheIndex.bucket_count() * sizeof(void*);
    }
    // The cache's cost per node, at most (the map is reserved to fit, at about a bucket per
    // entry; two are counted).
    std::size_t cacheBytesPerNode() const {
        return layout().nodeBytes + sizeof(std::pair<const std::uint32_t, std::uint32_t>) +
               4 * sizeof(void*);
    }

    std::uint32_t dim() const { return header.dimension; }
    const NodeLayout& layout() const { return header.layout; }
    std::uint64_t nodesOffset() const { return header.section(Section::Nodes).offset; }
    std::size_t spanBytes() const { return std::size_t{layout().sectorsPerNode} * kSectorBytes; }

    std::vector<std::uint8_t> readSection(Section s) const {
        const SectionRef& ref = header.section(s);
        std::vector<std::uint8_t> bytes(ref.bytes);
        file.readAt(ref.offset, bytes.data(), bytes.size());
        if (crc32c(bytes.data(), bytes.size()) != ref.crc)
            throw DiskIndexError("checksum mismatch in section " + std::string(sectionName(s)));
        return bytes;
    }

    // Empty string when the record is sound, else what is wrong with it.
    std::string check(std::uint32_t slot, const std::uint8_t* r, NodeRecord& out) const {
        const std::uint32_t bytes = layout().nodeBytes;
        std::uint8_t seed[4];
        storeLe32(seed, slot);
        if (loadLe32(r + bytes - 4) != crc32c(r, bytes - 4, crc32c(seed, sizeof seed)))
            return "checksum mismatch in section nodes (node " + num(slot) + ")";
        out.externalId = loadLe64(r);
        out.degree = loadLe32(r + 8);
        out.deleted = (out.degree & kDeletedFlag) != 0;
        out.degree &= ~kDeletedFlag;
        out.labelCount = loadLe32(r + 12);
        out.vector = r + 16;
        out.neighbors = out.vector + std::size_t{dim()} * 4;
        out.labels = out.neighbors + std::size_t{header.maxDegree} * 4;
        if (out.degree > header.maxDegree)
            return "invalid node " + num(slot) + ": degree " + num(out.degree) + " above R";
        if (out.labelCount > header.maxLabels)
            return "invalid node " + num(slot) + ": " + num(out.labelCount) + " labels";
        for (std::uint32_t i = 0; i < out.degree; ++i)
            if (out.neighbor(i) >= header.count)
                return "invalid node " + num(slot) + ": neighbour " + num(out.neighbor(i)) +
                       " out of range";
        return {};
    }

    NodeRecord parse(std::uint32_t slot, const std::uint8_t* record) const {
        NodeRecord r;
        if (std::string problem = check(slot, record, r); !problem.empty())
            throw DiskIndexError(problem);
        return r;
    }

    // Fetches the records of `slots` (from the cache or the file, each sector read once, the
    // reads in flight together); records[i] points into the cache or into `buffer`.
    // onReady(i) runs for each slot as soon as its record is in memory: cached ones while the
    // reads are in flight, the others in the order their reads complete.
    template <typename OnReady>
    void fetch(const std::vector<std::uint32_t>& slots, ReadQueue& queue, SectorBuffer& buffer,
               std::vector<const std::uint8_t*>& records, SearchStats& stats,
               OnReady&& onReady) const {
        records.assign(slots.size(), nullptr);
        std::vector<std::size_t> cached;
        std::vector<std::pair<std::uint64_t, std::size_t>> reads; // sector offset, index
        for (std::size_t i = 0; i < slots.size(); ++i) {
            if (auto it = cacheIndex.find(slots[i]); it != cacheIndex.end()) {
                records[i] = cacheRecords.data() + std::size_t{it->second} * layout().nodeBytes;
                ++stats.cacheHits;
                cached.push_back(i);
            } else {
                reads.emplace_back(layout().sectorOffset(slots[i]), i);
            }
        }
        std::sort(reads.begin(), reads.end());
        std::size_t spans = 0;
        for (std::size_t j = 0; j < reads.size(); ++j)
            spans += j == 0 || reads[j].first != reads[j - 1].first;
        if (buffer.size() < spans * spanBytes())
            buffer.resize(spans * spanBytes());
        std::vector<ReadRequest> requests;
        requests.reserve(spans);
        std::vector<std::size_t> spanStart; // spanStart[s]: first of reads in span s
        spanStart.reserve(spans + 1);
        for (std::size_t j = 0; j < reads.size(); ++j) {
            if (j == 0 || reads[j].first != reads[j - 1].first) {
                spanStart.push_back(j);
                requests.push_back({nodesOffset() + reads[j].first,
                                    buffer.data() + requests.size() * spanBytes(), spanBytes()});
                stats.sectorsRead += layout().sectorsPerNode;
            }
            const std::size_t i = reads[j].second;
            records[i] = requests.back().buffer + layout().offsetInSector(slots[i]);
            ++stats.nodesRead;
        }
        spanStart.push_back(reads.size());
        queue.read(
            file, requests,
            [&] {
                for (const std::size_t i : cached)
                    onReady(i);
            },
            [&](std::size_t span) {
                for (std::size_t j = spanStart[span]; j < spanStart[span + 1]; ++j)
                    onReady(reads[j].second);
            });
    }

    const LabelEntry* findLabel(std::uint32_t label) const {
        if (!overlayLabels.empty())
            if (auto o = overlayLabels.find(label); o != overlayLabels.end())
                return &o->second.entry;
        return findLabelInLists(label);
    }
    // The label's entry in the inverted lists of the labels section, without the overlay.
    const LabelEntry* findLabelInLists(std::uint32_t label) const {
        auto it =
            std::lower_bound(labels.begin(), labels.end(), label,
                             [](const LabelEntry& e, std::uint32_t l) { return e.label < l; });
        return it != labels.end() && it->label == label ? &*it : nullptr;
    }

    float exactDistance(const float* query, const NodeRecord& r, std::vector<float>& v) const {
        std::memcpy(v.data(), r.vector, std::size_t{dim()} * sizeof(float));
        return sane(distanceFunction(header.metric)(query, v.data(), dim()));
    }

    float pqDistance(const float* table, std::uint32_t slot) const {
        return sane(codec.distance(table, codes.data() + std::size_t{slot} * codec.codeBytes(),
                                   {coarseIds[slot], biases[slot]}));
    }

    bool accepted(const NodeRecord& r, const SearchFilter& f) const {
        return !r.deleted && (!f.label || r.hasLabel(*f.label)) &&
               f.labels.passes(r.labelCount,
                               [&r](std::size_t i) { return loadLe32(r.labels + 4 * i); }) &&
               (!f.deleted || !f.deleted->count(r.externalId));
    }
    // The carriers of a label (sorted slots); empty for a label no point carries.
    std::span<const std::uint32_t> carriers(std::uint32_t label) const {
        if (!overlayLabels.empty())
            if (auto o = overlayLabels.find(label); o != overlayLabels.end())
                return o->second.slots;
        const LabelEntry* e = findLabelInLists(label);
        return e ? std::span<const std::uint32_t>(labelSlots.data() + e->start, e->size)
                 : std::span<const std::uint32_t>();
    }

    void load(const DiskIndexOpenOptions& options);
    // How many nodes to cache: as asked, else what the RAM budget leaves room for.
    std::uint32_t cacheTarget(const DiskIndexOpenOptions& options, std::size_t ramWithoutCache);
    // RAM of everything but the cache.
    std::size_t ramBytesWithoutCache() const;
    // Reads the label_overlay slots' records and (re)builds overlayLabels from them.
    void loadLabelOverlay();
    // Adds `slot`, which carries `nodeLabels`, to overlayLabels.
    void addOverlayLabels(std::uint32_t slot, std::span<const std::uint32_t> nodeLabels);
    // The rotation and coarse sections around a loaded PQ codebook.
    VectorCodec loadCodec(ProductQuantizer pq) const;
    // Every node read that the filter accepts, with its exact distance; with `vectors`, their
    // full vectors are appended there in the same order. Rounds of W reads, or W reads kept in
    // flight (pipelinedReads): roundSearch or pipelinedSearch.
    std::vector<Result> graphSearch(const float* q, const float* table, std::uint32_t L,
                                    std::uint32_t W, const SearchFilter& f, const LabelEntry* label,
                                    ReadQueue& queue, SearchStats& stats,
                                    std::vector<float>* vectors = nullptr) const {
        return pipelinedReads ? pipelinedSearch(q, table, L, W, f, label, queue, stats, vectors)
                              : roundSearch(q, table, L, W, f, label, queue, stats, vectors);
    }
    // Each round takes the best W unexpanded candidates, reads them together, waits for all.
    std::vector<Result> roundSearch(const float* q, const float* table, std::uint32_t L,
                                    std::uint32_t W, const SearchFilter& f, const LabelEntry* label,
                                    ReadQueue& queue, SearchStats& stats,
                                    std::vector<float>* vectors) const;
    // Keeps W reads in flight: as the oldest completes its node is expanded and the best
    // candidate not yet taken is read in its place (disk_index_pipelined.cpp).
    std::vector<Result> pipelinedSearch(const float* q, const float* table, std::uint32_t L,
                                        std::uint32_t W, const SearchFilter& f,
                                        const LabelEntry* label, ReadQueue& queue,
                                        SearchStats& stats, std::vector<float>* vectors) const;
    // The first candidates: the label's entry and the medoid, or the entry points nearest q.
    void seed(CandidateList& list, const float* table, std::uint32_t W,
              const LabelEntry* label) const;
    // Checks a node's record, takes its exact distance and its unseen neighbours' PQ ones.
    void readNode(const float* q, const float* table, std::uint32_t slot,
                  const std::uint8_t* record, const CandidateList& list, ReadNode& out,
                  std::vector<float>& v) const;
    // A read node goes to the results if the filter accepts it, and its exact distance
    // replaces its PQ estimate as its key in the list (call list.reorder() after).
    void keep(std::uint32_t slot, const ReadNode& node, const SearchFilter& f, CandidateList& list,
              std::vector<Result>& results, std::vector<float>* vectors) const;
    // Reads the given slots best PQ distance first: at least the best L, then on until k of
    // them are accepted (deleted ones are read but not kept) or none are left.
    std::vector<Result> slotScan(const float* q, const float* table, std::uint32_t k,
                                 std::uint32_t L, std::uint32_t W, const SearchFilter& f,
                                 std::span<const std::uint32_t> slots, ReadQueue& queue,
                                 SearchStats& stats) const;
    // A search for what passes `wanted` (the filter's labels, neither passing all nor none): a
    // rare set is scanned, since the graph would have to be walked far to meet enough of it; a
    // common one widens the list in proportion, and is scanned after all if that finds fewer
    // than k. A single label's entry point seeds the walk.
    std::vector<Result> filteredSearch(const float* q, const float* table, std::uint32_t k,
                                       std::uint32_t L, std::uint32_t W, const SearchFilter& f,
                                       const LabelFilter& wanted, ReadQueue& queue,
                                       SearchStats& stats) const;
    // Reads the nodes section in large chunks: onChunk(data, bytes) per chunk, visit(slot,
    // record) per node.
    template <typename Visit, typename OnChunk>
    void forEachNode(Visit visit, OnChunk onChunk) const;
};

template <typename Visit, typename OnChunk>
void DiskIndex::Impl::forEachNode(Visit visit, OnChunk onChunk) const {
    // Whole groups of sectors at a time; a group always starts on a node boundary.
    const std::uint32_t nodesPerChunk =
        layout().nodesPerSector > 0 ? layout().nodesPerSector * 256 : 16;
    SectorBuffer chunk;
    for (std::uint32_t first = 0; first < header.count; first += nodesPerChunk) {
        const std::uint32_t last = std::min(header.count, first + nodesPerChunk);
        const std::uint64_t begin = layout().sectorOffset(first);
        const std::uint64_t end = last == header.count ? layout().sectionBytes(header.count)
                                                       : layout().sectorOffset(last);
        const auto bytes = static_cast<std::size_t>(end - begin);
        if (chunk.size() < bytes)
            chunk.resize(bytes);
        file.readAt(nodesOffset() + begin, chunk.data(), bytes);
        onChunk(chunk.data(), bytes);
        for (std::uint32_t slot = first; slot < last; ++slot)
            visit(slot, chunk.data() + (layout().sectorOffset(slot) - begin) +
                            layout().offsetInSector(slot));
    }
}

} // namespace quiver::diskann
