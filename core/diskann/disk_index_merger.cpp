#include "core/diskann/disk_index_merger.h"

#include "core/diskann/disk_index.h"
#include "core/diskann/disk_index_impl.h"
#include "core/diskann/index_file_writer.h"
#include "core/diskann/parallel_for.h"
#include "core/diskann/vamana_index.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <numeric>
#include <stdexcept>
#include <unordered_map>
#include <vector>

namespace quiver::diskann {

namespace {

constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();
// Candidates a prune looks at, nearest first (DiskANN's cap on the delete phase's pools).
constexpr std::size_t kMaxPool = 512;

struct PoolEntry {
    float distance;
    std::uint32_t slot; // in the merged file
    const float* vector;
    // Kept from the node's old list: the build pruned those against each other with exact
    // distances, so approximate ones do not reopen that decision.
    bool settled = false;
};

void sortPool(std::vector<PoolEntry>& pool) {
    std::sort(pool.begin(), pool.end(), [](const PoolEntry& a, const PoolEntry& b) {
        return a.distance < b.distance || (a.distance == b.distance && a.slot < b.slot);
    });
}

// DiskANN's robust prune over a pool sorted by distance to the node: a candidate is kept unless
// a kept one is closer to it, by a factor alpha, than the node is. As the in-memory builder
// does, a quarter of the row is kept for the farthest unoccluded candidates, so that rows in
// tight clusters keep edges out of them. Distances are squared L2 (the graph's geometry).
void robustPrune(const std::vector<PoolEntry>& pool, float alpha, std::uint32_t degree,
                 std::uint32_t dim, std::vector<std::uint32_t>& out) {
    out.clear();
    // Over the cap, the nearest candidates and a tail of the farthest: a repaired node's pool
    // (its neighbours' neighbours) is large, and its farthest members are the edges to other
    // clusters that a search needs to leave this one.
    std::vector<std::uint32_t> order;
    const std::size_t tail = kMaxPool / 4;
    for (std::size_t i = 0; i < pool.size(); ++i)
        if (pool.size() <= kMaxPool || i < kMaxPool - tail || i >= pool.size() - tail)
            order.push_back(static_cast<std::uint32_t>(i));
    const std::size_t n = order.size();
    std::vector<std::uint32_t> picked; // positions in order
    const auto occludedBy = [&](std::size_t j, std::size_t from, std::size_t to) {
        const PoolEntry& c = pool[order[j]];
        for (std::size_t p = from; p < to; ++p) {
            const PoolEntry& k = pool[order[picked[p]]];
            if (!(k.settled && c.settled) &&
                alpha * l2Squared(k.vector, c.vector, dim) <= c.distance)
                return true;
        }
        return false;
    };
    const std::size_t reserved = degree >= 8 ? degree / 4 : 0;
    const std::size_t nearQuota = degree - reserved;
    std::size_t i = 0;
    for (; i < n && picked.size() < nearQuota; ++i)
        if (!occludedBy(i, 0, picked.size()))
            picked.push_back(static_cast<std::uint32_t>(i));
    const std::size_t nearPicks = picked.size();
    for (std::size_t j = n; j > i && picked.size() < degree; --j)
        if (!occludedBy(j - 1, nearPicks, picked.size()) && !occludedBy(j - 1, 0, nearPicks))
            picked.push_back(static_cast<std::uint32_t>(j - 1));
    for (const std::uint32_t p : picked)
        out.push_back(pool[order[p]].slot);
}

// Progress and cancellation, reported from whichever thread finished a unit of work.
class MergeProgress {
public:
    explicit MergeProgress(const std::function<bool(double)>& callback)
        : callback_(callback) {}

    bool report(double fraction) {
        if (!callback_)
            return true;
        const std::lock_guard lock(mutex_);
        // Threads finish their chunks out of order: the caller sees a fraction that only grows.
        last_ = std::max(last_, fraction);
        if (!cancelled_.load() && !callback_(last_))
            cancelled_.store(true);
        return !cancelled_.load();
    }
    void check() const {
        if (cancelled_.load())
            throw DiskIndexError("index merge cancelled");
    }
    void at(double fraction) {
        report(fraction);
        check();
    }

private:
    const std::function<bool(double)>& callback_;
    std::mutex mutex_;
    double last_ = 0.0;
    std::atomic<bool> cancelled_{false};
};

// The delta, checked and copied: vectors normalised for Cosine, labels sorted and distinct.
struct Delta {
    std::uint32_t count = 0;
    std::vector<float> vectors;
    std::vector<std::vector<std::uint32_t>> labels;
    std::vector<std::uint64_t> ids;
    std::unordered_set<std::uint64_t> idSet;
    std::uint32_t maxLabels = 0;

    const float* vector(std::uint32_t i, std::uint32_t dim) const {
        return vectors.data() + std::size_t{i} * dim;
    }
    std::size_t bytes() const {
        std::size_t b = vectors.capacity() * sizeof(float) + ids.capacity() * 8 +
                        idSet.size() * 32 + labels.capacity() * sizeof(labels[0]);
        for (const auto& l : labels)
            b += l.capacity() * 4;
        return b;
    }
};

Delta checkDelta(const MergeDelta& in, const FileHeader& h, const std::string& basePath) {
    Delta d;
    d.count = in.count;
    if (in.count == 0)
        return d;
    if (!in.vector || !in.externalId)
        throw std::invalid_argument("merge: the inserted points have no vector or id accessor");
    if (in.metric != h.metric)
        throw std::invalid_argument("merge: the inserted points' metric differs from that of " +
                                    basePath);
    if (in.dimension != h.dimension)
        throw std::invalid_argument("merge: the inserted points have dimension " +
                                    std::to_string(in.dimension) + ", " + basePath + " has " +
                                    std::to_string(h.dimension));
    if (std::uint64_t{h.count} + in.count > std::numeric_limits<std::uint32_t>::max())
        throw std::invalid_argument("merge: more than 2^32 points");
    const std::uint32_t dim = h.dimension;
    d.vectors.resize(std::size_t{in.count} * dim);
    d.labels.resize(in.count);
    d.ids.resize(in.count);
    d.idSet.reserve(in.count);
    for (std::uint32_t i = 0; i < in.count; ++i) {
        const std::uint64_t id = in.externalId(i);
        d.ids[i] = id;
        if (!d.idSet.insert(id).second)
            throw std::invalid_argument("merge: external id " + std::to_string(id) +
                                        " is inserted twice");
        const float* v = in.vector(i);
        if (!v)
            throw std::invalid_argument("merge: inserted point " + std::to_string(id) +
                                        " has no vector");
        for (std::uint32_t c = 0; c < dim; ++c)
            if (!std::isfinite(v[c]))
                throw std::invalid_argument("merge: inserted point " + std::to_string(id) +
                                            " has a non-finite component");
        float* out = d.vectors.data() + std::size_t{i} * dim;
        std::copy_n(v, dim, out);
        if (h.metric == Metric::Cosine)
            normalize(out, dim);
        if (in.labels) {
            const auto l = in.labels(i);
            auto& mine = d.labels[i];
            mine.assign(l.begin(), l.end());
            std::sort(mine.begin(), mine.end());
            mine.erase(std::unique(mine.begin(), mine.end()), mine.end());
            if (mine.size() > kMaxLabelsPerNode)
                throw std::invalid_argument("merge: inserted point " + std::to_string(id) +
                                            " carries more than " +
                                            std::to_string(kMaxLabelsPerNode) + " labels");
            d.maxLabels = std::max(d.maxLabels, static_cast<std::uint32_t>(mine.size()));
        }
    }
    return d;
}

// The merge's state: the base reader and what the passes gather.
class Merger {
public:
    Merger(const std::string& basePath, const MergeDelta& inserts,
           const std::unordered_set<std::uint64_t>& deleted, const DiskIndexMergeOptions& options)
        : base_(DiskIndex::open(basePath))
        , d_(base_->internals())
        , h_(d_.header)
        , dim_(h_.dimension)
        , R_(h_.maxDegree)
        , deletedIds_(deleted)
        , options_(options)
        , threads_(resolveThreadCount(options.threads))
        , progress_(options.progress)
        , delta_(checkDelta(inserts, h_, basePath)) {}

    MergeReport run(const std::string& outPath);

private:
    std::uint32_t total() const { return live_ + delta_.count; }
    bool isDeleted(std::uint32_t oldSlot) const { return deletedSlot_[oldSlot] != 0; }
    void scanBase();
    void placeInserts();
    void linkInserts();
    // The new neighbour list of the live base node `slot` whose record is `r`.
    // Returns whether it differs from the old one (beyond renumbering).
    bool repair(std::uint32_t slot, const NodeRecord& r, std::vector<std::uint32_t>& out,
                std::vector<float>& scratch, std::vector<PoolEntry>& pool) const;
    // A merged node's reconstruction in the codec's rotated space. Inserted points are
    // reconstructed too, though their vectors are in memory: a reconstruction lies farther from
    // a node than the point does, so mixing exact and reconstructed candidates in one prune
    // would favour the exact ones.
    void rotatedVector(std::uint32_t slot, float* out) const;
    // Robust prune of `candidates` (distinct) around `self`, in the rotated space; `settled`,
    // when given, is sorted and names candidates that never occlude one another.
    void pruneRotated(const float* self, std::vector<std::uint32_t>& candidates,
                      std::vector<std::uint32_t>& out, std::vector<float>& scratch,
                      std::vector<PoolEntry>& pool,
                      const std::vector<std::uint32_t>* settled = nullptr) const;
    std::vector<std::uint32_t> entryPoints() const;
    void writeMerged(const std::string& outPath);
    std::uint64_t workingSetBytes() const;

    std::unique_ptr<DiskIndex> base_;
    const DiskIndex::Impl& d_;
    const FileHeader& h_;
    std::uint32_t dim_;
    std::uint32_t R_;
    const std::unordered_set<std::uint64_t>& deletedIds_;
    const DiskIndexMergeOptions& options_;
    unsigned threads_;
    MergeProgress progress_;
    Delta delta_;

    std::vector<std::uint8_t> deletedSlot_;
    std::unordered_map<std::uint32_t, std::vector<std::uint32_t>> deletedAdjacency_;
    std::uint64_t deletedEdges_ = 0;
    std::vector<std::uint32_t> newSlot_; // old slot -> merged slot, kNone when deleted
    std::vector<std::uint32_t> oldSlot_; // merged slot of a kept point -> old slot
    std::uint32_t live_ = 0;
    std::vector<std::vector<std::uint32_t>> insertEdges_; // per inserted point
    std::vector<std::uint8_t> deltaCodes_;                // the inserted points' codes
    std::vector<VectorCodec::PointTerms> deltaTerms_;
    std::unordered_map<std::uint32_t, std::vector<std::uint32_t>> backEdges_; // kept -> inserted
    std::uint64_t backEdgeCount_ = 0;
    std::size_t deltaGraphBytes_ = 0;
    std::size_t scratchBytes_ = 0;
    std::size_t labelBytes_ = 0;
    std::uint32_t repaired_ = 0;
    mutable std::atomic<std::size_t> largestPool_{0}; // candidates of the largest prune
};

void Merger::scanBase() {
    const std::uint32_t n = h_.count;
    deletedSlot_.assign(n, 0);
    std::uint32_t seen = 0;
    d_.forEachNode(
        [&](std::uint32_t slot, const std::uint8_t* record) {
            const NodeRecord r = d_.parse(slot, record);
            if (r.deleted || deletedIds_.count(r.externalId)) {
                deletedSlot_[slot] = 1;
                auto& adjacency = deletedAdjacency_[slot];
                adjacency.resize(r.degree);
                for (std::uint32_t i = 0; i < r.degree; ++i)
                    adjacency[i] = r.neighbor(i);
                deletedEdges_ += r.degree;
            } else if (delta_.idSet.count(r.externalId)) {
                throw std::invalid_argument(
                    "merge: external id " + std::to_string(r.externalId) +
                    " is inserted but already in the index and not deleted");
            }
            if (++seen % 4096 == 0)
                progress_.at(0.1 * seen / n);
        },
        [](const std::uint8_t*, std::size_t) {});
    newSlot_.assign(n, kNone);
    for (std::uint32_t s = 0; s < n; ++s)
        if (!isDeleted(s)) {
            newSlot_[s] = live_++;
            oldSlot_.push_back(s);
        }
    if (total() == 0)
        throw std::invalid_argument(
            "merge: every point would be deleted; an index cannot be empty");
}

void Merger::placeInserts() {
    const std::uint32_t n = delta_.count;
    insertEdges_.assign(n, {});
    if (n == 0)
        return;
    std::unique_ptr<VamanaIndex> deltaGraph;
    if (n > options_.bruteForceDeltaBelow) {
        BuildParams params;
        params.maxDegree = std::min(R_, 64u);
        params.buildListSize = std::max(options_.L, params.maxDegree);
        params.alpha = options_.alpha;
        params.threads = threads_;
        params.exactSearchBelow = 0; // always the graph: exact scans are this graph's alternative
        deltaGraph = std::make_unique<VamanaIndex>(h_.metric, dim_, params);
        std::vector<std::uint64_t> ids(n);
        std::iota(ids.begin(), ids.end(), std::uint64_t{0});
        BuildControl control;
        control.progress = [&](double f) { return progress_.report(0.1 + 0.1 * f); };
        if (deltaGraph->build(delta_.vectors, ids, {}, control) == BuildStatus::Cancelled)
            progress_.check();
        deltaGraphBytes_ = deltaGraph->memoryBytes();
    }
    const std::uint32_t searchL = live_ > 0 ? std::min(options_.L, h_.count) : 0;
    const std::uint32_t searchW = std::clamp(options_.W, 1u, std::max(searchL, 1u));
    const std::uint32_t deltaL = std::min(std::max(options_.L, R_), n);
    scratchBytes_ = std::size_t{threads_} * ((std::size_t{searchL} * 2 + deltaL) * dim_ * 4 +
                                             d_.codec.tableSize() * 4 + std::size_t{n} * 8);
    const double from = deltaGraph ? 0.2 : 0.1;
    struct Scratch {
        std::vector<float> table;
        std::vector<float> vectors;
        std::vector<PoolEntry> pool;
        std::vector<std::pair<float, std::uint32_t>> near;
    };
    std::vector<Scratch> scratch(threads_);
    SearchFilter filter;
    filter.deleted = &deletedIds_;
    parallelFor(
        n, threads_, 8,
        [&](std::size_t begin, std::size_t end, unsigned w) {
            Scratch& s = scratch[w];
            s.table.resize(d_.codec.tableSize());
            for (std::size_t j = begin; j < end; ++j) {
                const auto me = static_cast<std::uint32_t>(j);
                const float* x = delta_.vector(me, dim_);
                s.pool.clear();
                s.vectors.clear();
                if (searchL > 0) {
                    // The base on disk: deleted nodes are walked through, never returned.
                    d_.codec.computeTable(x, s.table.data());
                    SearchStats stats;
                    const std::vector<Result> found =
                        d_.graphSearch(x, s.table.data(), searchL, searchW, filter, nullptr,
                                       readQueueForThisThread(d_.parallelReads), stats, &s.vectors);
                    for (std::size_t i = 0; i < found.size(); ++i) {
                        const float* v = s.vectors.data() + i * dim_;
                        s.pool.push_back({l2Squared(x, v, dim_), newSlot_[found[i].slot], v});
                    }
                }
                // The other inserted points.
                s.near.clear();
                if (deltaGraph) {
                    for (const SearchResult& r :
                         deltaGraph->search(std::span<const float>(x, dim_), deltaL, deltaL))
                        if (r.id != me)
                            s.near.emplace_back(0.0f, static_cast<std::uint32_t>(r.id));
                } else {
                    for (std::uint32_t o = 0; o < n; ++o)
                        if (o != me)
                            s.near.emplace_back(l2Squared(x, delta_.vector(o, dim_), dim_), o);
                    const std::size_t keep = std::min<std::size_t>(s.near.size(), deltaL);
                    std::partial_sort(s.near.begin(),
                                      s.near.begin() + static_cast<std::ptrdiff_t>(keep),
                                      s.near.end());
                    s.near.resize(keep);
                }
                for (const auto& [dist, o] : s.near) {
                    const float* v = delta_.vector(o, dim_);
                    s.pool.push_back({l2Squared(x, v, dim_), live_ + o, v});
                }
                sortPool(s.pool);
                robustPrune(s.pool, options_.alpha, R_, dim_, insertEdges_[j]);
            }
        },
        [&](std::size_t done) { return progress_.report(from + (0.55 - from) * done / n); });
    progress_.check();
}

void Merger::rotatedVector(std::uint32_t slot, float* out) const {
    if (slot < live_) {
        const std::uint32_t old = oldSlot_[slot];
        d_.codec.decodeRotated(d_.codes.data() + std::size_t{old} * d_.codec.codeBytes(),
                               d_.coarseIds[old], out);
    } else {
        const std::uint32_t j = slot - live_;
        d_.codec.decodeRotated(deltaCodes_.data() + std::size_t{j} * d_.codec.codeBytes(),
                               deltaTerms_[j].coarse, out);
    }
}

void Merger::pruneRotated(const float* self, std::vector<std::uint32_t>& candidates,
                          std::vector<std::uint32_t>& out, std::vector<float>& scratch,
                          std::vector<PoolEntry>& pool,
                          const std::vector<std::uint32_t>* settled) const {
    scratch.resize(candidates.size() * dim_);
    pool.clear();
    for (std::size_t seen = largestPool_.load();
         seen < candidates.size() &&
         !largestPool_.compare_exchange_weak(seen, candidates.size());) {
    }
    for (std::size_t i = 0; i < candidates.size(); ++i) {
        float* v = scratch.data() + i * dim_;
        rotatedVector(candidates[i], v);
        const bool old =
            settled && std::binary_search(settled->begin(), settled->end(), candidates[i]);
        pool.push_back({l2Squared(self, v, dim_), candidates[i], v, old});
    }
    sortPool(pool);
    robustPrune(pool, options_.alpha, R_, dim_, out);
}

void Merger::linkInserts() {
    deltaCodes_.resize(std::size_t{delta_.count} * d_.codec.codeBytes());
    deltaTerms_.resize(delta_.count);
    if (delta_.count > 0)
        d_.codec.encodeBatch(delta_.vectors.data(), delta_.count, deltaCodes_.data(),
                             deltaTerms_.data(), threads_);
    // Each inserted point's edges point at kept or inserted nodes; the reverse edges are added
    // to those nodes: kept ones when they are written, inserted ones here.
    std::vector<std::vector<std::uint32_t>> incoming(delta_.count);
    for (std::uint32_t j = 0; j < delta_.count; ++j)
        for (const std::uint32_t t : insertEdges_[j]) {
            if (t < live_)
                backEdges_[t].push_back(live_ + j);
            else
                incoming[t - live_].push_back(live_ + j);
            ++backEdgeCount_;
        }
    struct Scratch {
        std::vector<float> self, vectors;
        std::vector<PoolEntry> pool;
        std::vector<std::uint32_t> candidates;
    };
    std::vector<Scratch> scratch(threads_);
    parallelFor(
        delta_.count, threads_, 64,
        [&](std::size_t begin, std::size_t end, unsigned w) {
            Scratch& s = scratch[w];
            for (std::size_t j = begin; j < end; ++j) {
                auto& c = s.candidates;
                c = insertEdges_[j];
                c.insert(c.end(), incoming[j].begin(), incoming[j].end());
                std::sort(c.begin(), c.end());
                c.erase(std::unique(c.begin(), c.end()), c.end());
                if (c.size() <= R_) {
                    insertEdges_[j] = c;
                    continue;
                }
                s.self.resize(dim_);
                d_.codec.rotation().apply(delta_.vector(static_cast<std::uint32_t>(j), dim_),
                                          s.self.data());
                pruneRotated(s.self.data(), c, insertEdges_[j], s.vectors, s.pool);
            }
        },
        [&](std::size_t) { return progress_.report(0.57); });
    progress_.check();
}

bool Merger::repair(std::uint32_t slot, const NodeRecord& r, std::vector<std::uint32_t>& out,
                    std::vector<float>& scratch, std::vector<PoolEntry>& pool) const {
    // FreshDiskANN's delete phase: a deleted neighbour is replaced by its own live neighbours,
    // then the inserted points that chose this node are added; pruned back to R when over.
    out.clear();
    bool changed = false;
    const std::uint32_t me = newSlot_[slot];
    for (std::uint32_t i = 0; i < r.degree; ++i) {
        const std::uint32_t nb = r.neighbor(i);
        if (!isDeleted(nb)) {
            out.push_back(newSlot_[nb]);
            continue;
        }
        changed = true;
        for (const std::uint32_t nb2 : deletedAdjacency_.at(nb))
            if (!isDeleted(nb2) && nb2 != slot)
                out.push_back(newSlot_[nb2]);
    }
    if (const auto it = backEdges_.find(me); it != backEdges_.end()) {
        changed = true;
        out.insert(out.end(), it->second.begin(), it->second.end());
    }
    if (!changed)
        return false;
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    if (out.size() <= R_)
        return true;
    // The node's own exact vector is in the record; the candidates' are reconstructions.
    std::vector<std::uint32_t> settled;
    for (std::uint32_t i = 0; i < r.degree; ++i)
        if (!isDeleted(r.neighbor(i)))
            settled.push_back(newSlot_[r.neighbor(i)]);
    std::sort(settled.begin(), settled.end());
    std::vector<float> self(dim_), rotated(dim_);
    std::memcpy(self.data(), r.vector, std::size_t{dim_} * sizeof(float));
    d_.codec.rotation().apply(self.data(), rotated.data());
    std::vector<std::uint32_t> candidates;
    candidates.swap(out);
    pruneRotated(rotated.data(), candidates, out, scratch, pool, &settled);
    return true;
}

std::vector<std::uint32_t> Merger::entryPoints() const {
    // The base's entry points (medoid first), a deleted one replaced by a live neighbour.
    std::vector<std::uint32_t> entries;
    const auto add = [&](std::uint32_t s) {
        if (std::find(entries.begin(), entries.end(), s) == entries.end()) {
            entries.push_back(s);
            return true;
        }
        return false;
    };
    for (const std::uint32_t e : d_.entries) {
        if (!isDeleted(e)) {
            add(newSlot_[e]);
            continue;
        }
        for (const std::uint32_t nb : deletedAdjacency_.at(e))
            if (!isDeleted(nb) && add(newSlot_[nb]))
                break;
    }
    if (entries.empty())
        entries.push_back(0);
    return entries;
}

void Merger::writeMerged(const std::string& outPath) {
    const std::uint32_t count = total();
    const std::uint32_t M = d_.codec.codeBytes();
    const std::vector<std::uint32_t> entries = entryPoints();
    FileHeader header;
    header.metric = h_.metric;
    header.dimension = dim_;
    header.count = count;
    header.capacity = options_.capacity;
    header.maxDegree = R_;
    header.medoid = entries.front();
    header.maxLabels = std::max(h_.maxLabels, delta_.maxLabels);
    header.cacheNodesHint = h_.cacheNodesHint;
    IndexFileWriter out(outPath, header);

    // Codes: the kept points' as they are (the codec is the same), the inserted points' new.
    std::vector<std::uint8_t> codes(std::size_t{count} * M);
    std::vector<VectorCodec::PointTerms> terms(count);
    for (std::uint32_t s = 0; s < live_; ++s) {
        const std::uint32_t old = oldSlot_[s];
        std::memcpy(codes.data() + std::size_t{s} * M, d_.codes.data() + std::size_t{old} * M, M);
        terms[s] = {d_.coarseIds[old], d_.biases[old]};
    }
    std::copy(deltaCodes_.begin(), deltaCodes_.end(), codes.begin() + std::size_t{live_} * M);
    std::copy(deltaTerms_.begin(), deltaTerms_.end(), terms.begin() + live_);

    std::map<std::uint32_t, LabelList> labels;
    const NodeLayout& layout = d_.layout();
    const std::uint32_t block = layout.nodesPerSector > 0 ? layout.nodesPerSector * 256 : 64;
    SectorBuffer chunk;
    std::vector<std::vector<std::uint32_t>> adjacency(block);
    struct Scratch {
        std::vector<float> vectors;
        std::vector<PoolEntry> pool;
    };
    std::vector<Scratch> scratch(threads_);
    std::atomic<std::uint32_t> repaired{0};
    std::vector<float> vector(dim_);
    std::vector<std::uint32_t> nodeLabels;
    for (std::uint32_t first = 0; first < h_.count; first += block) {
        const std::uint32_t last = std::min(h_.count, first + block);
        const std::uint64_t begin = layout.sectorOffset(first);
        const std::uint64_t end =
            last == h_.count ? layout.sectionBytes(h_.count) : layout.sectorOffset(last);
        const auto bytes = static_cast<std::size_t>(end - begin);
        if (chunk.size() < bytes)
            chunk.resize(bytes);
        d_.file.readAt(d_.nodesOffset() + begin, chunk.data(), bytes);
        const auto recordOf = [&](std::uint32_t slot) {
            return d_.parse(slot, chunk.data() + (layout.sectorOffset(slot) - begin) +
                                      layout.offsetInSector(slot));
        };
        parallelFor(last - first, threads_, 32, [&](std::size_t b, std::size_t e, unsigned w) {
            std::uint32_t changed = 0;
            for (std::size_t i = b; i < e; ++i) {
                const auto slot = static_cast<std::uint32_t>(first + i);
                if (isDeleted(slot))
                    continue;
                changed +=
                    repair(slot, recordOf(slot), adjacency[i], scratch[w].vectors, scratch[w].pool);
            }
            repaired.fetch_add(changed);
        });
        for (std::uint32_t slot = first; slot < last; ++slot) {
            if (isDeleted(slot))
                continue;
            const NodeRecord r = recordOf(slot);
            std::memcpy(vector.data(), r.vector, std::size_t{dim_} * sizeof(float));
            nodeLabels.resize(r.labelCount);
            for (std::uint32_t i = 0; i < r.labelCount; ++i) {
                nodeLabels[i] = loadLe32(r.labels + 4 * i);
                labels[nodeLabels[i]].slots.push_back(newSlot_[slot]);
            }
            out.addNode({r.externalId, vector.data(), adjacency[slot - first], nodeLabels});
        }
        progress_.at(0.6 + 0.3 * last / h_.count);
    }
    for (std::uint32_t j = 0; j < delta_.count; ++j) {
        for (const std::uint32_t l : delta_.labels[j])
            labels[l].slots.push_back(live_ + j);
        out.addNode({delta_.ids[j], delta_.vector(j, dim_), insertEdges_[j], delta_.labels[j]});
    }
    repaired_ = repaired.load();
    progress_.at(0.93);

    // Label entries: the base's where it is kept, else the carrier nearest the carriers' mean
    // (by reconstructions: the base's vectors are not in memory).
    for (auto& [label, list] : labels) {
        list.entry = kNone;
        labelBytes_ += list.slots.capacity() * 4 + 48;
    }
    // An entry slot deleted and reused in place may no longer carry its label.
    for (const LabelEntry& e : d_.labels) {
        if (isDeleted(e.entry))
            continue;
        const auto it = labels.find(e.label);
        if (it != labels.end() &&
            std::binary_search(it->second.slots.begin(), it->second.slots.end(), newSlot_[e.entry]))
            it->second.entry = newSlot_[e.entry];
    }
    std::vector<float> mean(dim_), v(dim_);
    for (auto& [label, list] : labels) {
        if (list.entry != kNone)
            continue;
        std::fill(mean.begin(), mean.end(), 0.0f);
        for (const std::uint32_t s : list.slots) {
            rotatedVector(s, v.data());
            for (std::uint32_t c = 0; c < dim_; ++c)
                mean[c] += v[c];
        }
        for (float& m : mean)
            m /= static_cast<float>(list.slots.size());
        float best = std::numeric_limits<float>::infinity();
        for (const std::uint32_t s : list.slots) {
            rotatedVector(s, v.data());
            const float dist = l2Squared(mean.data(), v.data(), dim_);
            if (list.entry == kNone || dist < best) {
                best = dist;
                list.entry = s;
            }
        }
    }
    progress_.at(0.95);
    out.finish(d_.codec, codes, terms, labels, entries);
}

std::uint64_t Merger::workingSetBytes() const {
    std::uint64_t bytes = base_->ramBytes() + delta_.bytes();
    bytes += deletedSlot_.capacity() + (newSlot_.capacity() + oldSlot_.capacity()) * 4;
    bytes += deletedAdjacency_.size() * 64 + deletedEdges_ * 4;
    for (const auto& e : insertEdges_)
        bytes += e.capacity() * 4 + sizeof(e);
    bytes += backEdges_.size() * 64 + backEdgeCount_ * 4;
    bytes += std::uint64_t{total()} * (d_.codec.codeBytes() + sizeof(VectorCodec::PointTerms));
    bytes += labelBytes_ + deltaGraphBytes_ + scratchBytes_;
    const NodeLayout& layout = d_.layout();
    const std::uint32_t block = layout.nodesPerSector > 0 ? layout.nodesPerSector * 256 : 64;
    bytes += layout.sectionBytes(block) + std::uint64_t{block} * R_ * 4 * 2;
    bytes += std::uint64_t{threads_} * std::max(largestPool_.load(), kMaxPool) *
             (dim_ * 4 + sizeof(PoolEntry) + 4);
    return bytes;
}

MergeReport Merger::run(const std::string& outPath) {
    const auto start = std::chrono::steady_clock::now();
    progress_.at(0.0);
    scanBase();
    placeInserts();
    linkInserts();
    writeMerged(outPath);
    MergeReport report;
    report.baseCount = h_.count;
    report.kept = live_;
    report.deleted = h_.count - live_;
    report.inserted = delta_.count;
    report.count = total();
    report.repaired = repaired_;
    report.workingSetBytes = workingSetBytes();
    report.deltaBytes = delta_.bytes();
    report.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (options_.progress)
        options_.progress(1.0); // too late to cancel: the merged index is in place
    return report;
}

} // namespace

MergeReport mergeDiskIndex(const std::string& basePath, const std::string& outPath,
                           const MergeDelta& inserts,
                           const std::unordered_set<std::uint64_t>& deleted,
                           const DiskIndexMergeOptions& options) {
    if (options.L == 0 || options.W == 0 || !(options.alpha >= 1.0f))
        throw std::invalid_argument("merge: L and W must be positive and alpha at least 1");
    Merger merger(basePath, inserts, deleted, options);
    return merger.run(outPath);
}

} // namespace quiver::diskann
