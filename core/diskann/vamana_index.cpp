#include "core/diskann/vamana_index.h"

#include "core/diskann/brute_force.h"
#include "core/diskann/kmeans.h"
#include "core/diskann/neighbor_list.h"
#include "core/diskann/parallel_for.h"
#include "core/diskann/prefetch.h"
#include "core/diskann/visited_set.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <limits>
#include <mutex>
#include <numeric>
#include <random>
#include <stdexcept>

namespace quiver::diskann {

// Working memory of one search or one node insertion, reused across calls by its thread.
struct SearchScratch {
    VisitedSet visited;
    NeighborList list;
    std::vector<Neighbor> expanded;
    std::vector<std::uint32_t> ids;
    std::vector<std::uint32_t> adjacencyCopy;
    AlignedBuffer<float> query;
    std::vector<Neighbor> pool;
    std::vector<std::uint32_t> pruned;
    std::vector<Neighbor> reversePool;
    std::vector<std::uint32_t> reversePruned;
    std::vector<std::uint32_t> picked;
    std::vector<Neighbor> rerank;
};

// Striped mutexes guarding adjacency rows during a concurrent build or insert.
class NodeLocks {
public:
    std::mutex& of(std::uint32_t slot) { return stripes_[slot & (kStripes - 1)]; }

private:
    static constexpr std::size_t kStripes = 4096;
    std::array<std::mutex, kStripes> stripes_;
};

namespace {

constexpr std::size_t kFloatsPerLine = 64 / sizeof(float);
constexpr std::size_t kIdsPerLine = 64 / sizeof(std::uint32_t);
// Bounds the candidate pool RobustPrune sees: it costs O(R * pool) distances.
constexpr std::size_t kMaxPool = 750;
// Entry points scanned per search, and how many of the closest go into the beam.
constexpr std::size_t kMaxEntryPoints = 256;
constexpr std::size_t kSeeds = 3;

std::size_t roundUp(std::size_t v, std::size_t m) {
    return (v + m - 1) / m * m;
}

SearchScratch& threadScratch() {
    thread_local SearchScratch scratch;
    return scratch;
}

bool sortedContains(const std::vector<std::uint32_t>& v, std::uint32_t x) {
    return std::binary_search(v.begin(), v.end(), x);
}

bool sharesAny(const std::vector<std::uint32_t>& a, const std::vector<std::uint32_t>& b) {
    auto i = a.begin();
    auto j = b.begin();
    while (i != a.end() && j != b.end()) {
        if (*i == *j)
            return true;
        if (*i < *j)
            ++i;
        else
            ++j;
    }
    return false;
}

template <typename T>
void prefetchRow(const T* row, std::size_t elements) {
    const char* p = reinterpret_cast<const char*>(row);
    const std::size_t bytes = elements * sizeof(T);
    for (std::size_t off = 0; off < bytes; off += 64)
        prefetchForRead(p + off);
}

// Below this many dimensions a float row is a few cache lines: halving it bought nothing on
// 128-d data (7% slower where the rows fit the cache), 1.35-1.6x at 512 and 4096 dimensions.
constexpr std::uint32_t kCompactSteeringFrom = 256;

} // namespace

VamanaIndex::VamanaIndex(Metric metric, std::uint32_t dimension, BuildParams params)
    : metric_(metric)
    , dimension_(dimension)
    , params_(params)
    , rowFloats_(roundUp(dimension, kFloatsPerLine))
    , slackDegree_(0)
    , adjacencyStride_(0)
    , queryDistance_(distanceFunction(metric))
    , graphDistance_(distanceFunction(Metric::L2))
    , locks_(std::make_unique<NodeLocks>()) {
    if (dimension == 0)
        throw std::invalid_argument("dimension must be positive");
    if (params_.maxDegree == 0 || params_.buildListSize == 0)
        throw std::invalid_argument("maxDegree and buildListSize must be positive");
    if (!(params_.alpha >= 1.0f))
        throw std::invalid_argument("alpha must be at least 1");
    // Reverse edges are appended without pruning until a row holds 1.3 R: pruning on every
    // overflow would cost O(R^2) distances per edge.
    slackDegree_ = params_.maxDegree + std::max(1u, (params_.maxDegree * 3 + 9) / 10);
    adjacencyStride_ = roundUp(std::size_t{slackDegree_} + 1, kIdsPerLine);
    if (params_.compactSteering && dimension >= kCompactSteeringFrom &&
        bf16DistanceFunction(Metric::L2)) {
        compactQueryDistance_ = bf16DistanceFunction(metric);
        compactGraphDistance_ = bf16DistanceFunction(Metric::L2);
    }
}

VamanaIndex::~VamanaIndex() = default;

std::size_t VamanaIndex::size() const {
    const std::shared_lock lock(mutex_);
    return liveCount_;
}

std::size_t VamanaIndex::pendingDeletes() const {
    const std::shared_lock lock(mutex_);
    return deletedCount_;
}

bool VamanaIndex::contains(std::uint64_t id) const {
    const std::shared_lock lock(mutex_);
    return slotOfId_.contains(id);
}

std::size_t VamanaIndex::memoryBytes() const {
    const std::shared_lock lock(mutex_);
    std::size_t bytes = vectors_.size() * sizeof(float) + compact_.size() * sizeof(std::uint16_t) +
                        graph_.size() * sizeof(std::uint32_t) + state_.capacity() +
                        externalIds_.capacity() * sizeof(std::uint64_t) +
                        labels_.capacity() * sizeof(std::vector<std::uint32_t>) +
                        slotOfId_.size() * (sizeof(std::uint64_t) + sizeof(std::uint32_t) + 16) +
                        entries_.capacity() * sizeof(std::uint32_t) +
                        entryVectors_.size() * sizeof(float);
    for (const auto& l : labels_)
        bytes += l.capacity() * sizeof(std::uint32_t);
    for (const auto& [label, info] : labelIndex_)
        bytes += sizeof(label) + sizeof(info) + info.members.capacity() * sizeof(std::uint32_t);
    return bytes;
}

bool VamanaIndex::hasLabel(std::uint32_t slot, std::uint32_t label) const {
    return sortedContains(labels_[slot], label);
}

void VamanaIndex::clear() {
    vectors_ = AlignedBuffer<float>();
    compact_ = AlignedBuffer<std::uint16_t>();
    graph_ = AlignedBuffer<std::uint32_t>();
    state_.clear();
    externalIds_.clear();
    labels_.clear();
    slotOfId_.clear();
    labelIndex_.clear();
    freeSlots_.clear();
    usedSlots_ = 0;
    liveCount_ = 0;
    deletedCount_ = 0;
    medoid_ = 0;
    entries_.clear();
    entryVectors_ = AlignedBuffer<float>();
    entriesChosenFor_ = 0;
    hasLabels_ = false;
}

void VamanaIndex::reserveSlots(std::size_t capacity) {
    if (capacity <= state_.size())
        return;
    if (capacity > std::size_t{0xFFFFFFF0u})
        throw std::length_error("too many points for 32-bit slots");
    vectors_.resize(capacity * rowFloats_);
    if (compactGraphDistance_)
        compact_.resize(capacity * rowFloats_);
    graph_.resize(capacity * adjacencyStride_);
    state_.resize(capacity, SlotState::Free);
    externalIds_.resize(capacity, 0);
    labels_.resize(capacity);
}

std::uint32_t VamanaIndex::allocateSlot() {
    if (!freeSlots_.empty()) {
        const std::uint32_t slot = freeSlots_.back();
        freeSlots_.pop_back();
        return slot;
    }
    if (usedSlots_ == state_.size())
        reserveSlots(std::max<std::size_t>(64, state_.size() * 2));
    return usedSlots_++;
}

void VamanaIndex::storeVector(std::uint32_t slot, const float* v) {
    float* row = vectorAt(slot);
    std::memcpy(row, v, dimension_ * sizeof(float));
    std::fill(row + dimension_, row + rowFloats_, 0.0f);
    if (metric_ == Metric::Cosine)
        normalize(row, dimension_);
    if (compactGraphDistance_)
        toBf16(row, compact_.data() + std::size_t{slot} * rowFloats_, rowFloats_);
}

void VamanaIndex::storeLabels(std::uint32_t slot, std::span<const std::uint32_t> labels) {
    auto& mine = labels_[slot];
    mine.assign(labels.begin(), labels.end());
    std::sort(mine.begin(), mine.end());
    mine.erase(std::unique(mine.begin(), mine.end()), mine.end());
    for (const std::uint32_t l : mine) {
        auto [it, fresh] = labelIndex_.try_emplace(l);
        if (fresh)
            it->second.start = slot;
        it->second.members.push_back(slot);
    }
    if (!mine.empty())
        hasLabels_ = true;
}

std::uint32_t VamanaIndex::closestToCentroid(std::span<const std::uint32_t> slots) const {
    std::vector<double> sum(dimension_, 0.0);
    for (const std::uint32_t s : slots) {
        const float* v = vectorAt(s);
        for (std::uint32_t d = 0; d < dimension_; ++d)
            sum[d] += static_cast<double>(v[d]);
    }
    AlignedBuffer<float> centroid(rowFloats_);
    for (std::uint32_t d = 0; d < dimension_; ++d)
        centroid[d] = static_cast<float>(sum[d] / static_cast<double>(slots.size()));
    std::uint32_t best = slots.front();
    float bestDistance = graphDistance_(centroid.data(), vectorAt(best), rowFloats_);
    for (const std::uint32_t s : slots) {
        const float d = graphDistance_(centroid.data(), vectorAt(s), rowFloats_);
        if (d < bestDistance || (d == bestDistance && s < best)) {
            best = s;
            bestDistance = d;
        }
    }
    return best;
}

void VamanaIndex::chooseStartNodes() {
    for (auto& [label, info] : labelIndex_)
        info.start = closestToCentroid(info.members);
}

void VamanaIndex::chooseEntryPoints(std::span<const std::uint32_t> live) {
    // One entry per k-means cell of a sample (the sample point nearest each centroid), about
    // sqrt(n)/2 of them: a flat top layer that a search scans entirely before descending into
    // the graph. On data made of many far-apart clusters a single medoid cannot reach every
    // cluster through greedy steps, because inter-cluster distances carry almost no direction.
    // Entries that are still live are kept: the graph has grown its long edges around them.
    const std::size_t n = live.size();
    std::vector<std::uint32_t> chosen{medoid_};
    for (const std::uint32_t e : entries_)
        if (e != medoid_ && state_[e] == SlotState::Live)
            chosen.push_back(e);
    entriesChosenFor_ = n;
    const auto wanted = std::clamp<std::size_t>(
        static_cast<std::size_t>(std::lround(std::sqrt(static_cast<double>(n)) / 2.0)), 1,
        kMaxEntryPoints);
    if (wanted > 1) {
        const std::size_t m = std::min(n, std::max<std::size_t>(wanted * 16, 2048));
        std::vector<std::uint32_t> sample(live.begin(), live.end());
        std::mt19937_64 rng(params_.seed ^ 0x9E3779B97F4A7C15ULL);
        for (std::size_t i = 0; i < m; ++i) {
            std::uniform_int_distribution<std::size_t> pick(i, n - 1);
            std::swap(sample[i], sample[pick(rng)]);
        }
        sample.resize(m);
        std::vector<float> rows(m * rowFloats_);
        for (std::size_t i = 0; i < m; ++i)
            std::memcpy(rows.data() + i * rowFloats_, vectorAt(sample[i]),
                        rowFloats_ * sizeof(float));
        KMeansOptions options;
        options.iterations = 4;
        options.seed = params_.seed;
        const auto k = static_cast<std::uint32_t>(wanted);
        const std::vector<float> centroids = trainKMeans(rows.data(), m, rowFloats_, k, options);
        std::vector<float> bestDistance(k, std::numeric_limits<float>::infinity());
        std::vector<std::uint32_t> best(k, medoid_);
        for (std::size_t i = 0; i < m; ++i) {
            float d = 0.0f;
            const std::uint32_t c =
                nearestCentroid(rows.data() + i * rowFloats_, centroids.data(), k, rowFloats_, &d);
            if (d < bestDistance[c]) {
                bestDistance[c] = d;
                best[c] = sample[i];
            }
        }
        std::sort(best.begin(), best.end());
        best.erase(std::unique(best.begin(), best.end()), best.end());
        for (const std::uint32_t b : best)
            if (chosen.size() < kMaxEntryPoints &&
                std::find(chosen.begin(), chosen.end(), b) == chosen.end())
                chosen.push_back(b);
    }
    entries_ = std::move(chosen);
    entryVectors_.resize(entries_.size() * rowFloats_);
    for (std::size_t i = 0; i < entries_.size(); ++i)
        std::memcpy(entryVectors_.data() + i * rowFloats_, vectorAt(entries_[i]),
                    rowFloats_ * sizeof(float));
}

template <typename Accept>
std::size_t VamanaIndex::nearestEntryPoints(const float* query, DistanceFn dist,
                                            const Accept& accept, std::uint32_t* seeds) const {
    // Keeps the kSeeds closest entries by insertion into a tiny sorted array.
    std::array<float, kSeeds> best{};
    std::size_t count = 0;
    const std::size_t n = entries_.size();
    for (std::size_t i = 0; i < n; ++i) {
        if (i + 1 < n)
            prefetchRow(entryVectors_.data() + (i + 1) * rowFloats_, rowFloats_);
        if (!accept(entries_[i]))
            continue;
        const float d = dist(query, entryVectors_.data() + i * rowFloats_, rowFloats_);
        if (count == kSeeds && !(d < best[kSeeds - 1]))
            continue;
        std::size_t at = count < kSeeds ? count++ : kSeeds - 1;
        while (at > 0 && d < best[at - 1]) {
            best[at] = best[at - 1];
            seeds[at] = seeds[at - 1];
            --at;
        }
        best[at] = d;
        seeds[at] = entries_[i];
    }
    return count;
}

std::size_t VamanaIndex::repairConnectivity(SearchScratch& s) {
    // Greedy search only finds what the entry can reach. Pruning can leave a cluster with no
    // edge pointing into it, so every live node not reachable from the medoid (the single
    // entry of the disk index, which reaches every other entry point this way) is attached
    // to its nearest reachable node, as in NSG's spanning step.
    if (liveCount_ == 0)
        return 0;
    std::vector<std::uint8_t> reached(usedSlots_, 0);
    std::vector<std::uint32_t> stack;
    const auto flood = [&](std::uint32_t from) {
        reached[from] = 1;
        stack.push_back(from);
        while (!stack.empty()) {
            const std::uint32_t u = stack.back();
            stack.pop_back();
            const std::uint32_t* row = adjacencyAt(u);
            for (std::uint32_t j = 0; j < row[0]; ++j) {
                const std::uint32_t v = row[j + 1];
                if (reached[v] == 0 && state_[v] == SlotState::Live) {
                    reached[v] = 1;
                    stack.push_back(v);
                }
            }
        }
    };
    flood(medoid_);
    std::size_t added = 0;
    const auto live = [&](std::uint32_t n) { return state_[n] == SlotState::Live; };
    std::array<std::uint32_t, kSeeds> seeds{};
    for (std::uint32_t slot = 0; slot < usedSlots_; ++slot) {
        if (reached[slot] != 0 || state_[slot] != SlotState::Live)
            continue;
        const float* v = vectorAt(slot);
        const std::size_t seedCount = nearestEntryPoints(v, graphDistance_, live, seeds.data());
        greedySearch<false>(v, std::span(seeds.data(), seedCount), params_.buildListSize,
                            graphDistance_, compactGraphDistance_, live, s, true);
        std::uint32_t parent = medoid_;
        float parentDistance = std::numeric_limits<float>::infinity();
        for (const Neighbor& c : s.expanded)
            if (c.slot != slot && reached[c.slot] != 0 &&
                adjacencyAt(c.slot)[0] < params_.maxDegree && c.distance < parentDistance) {
                parent = c.slot;
                parentDistance = c.distance;
            }
        if (!(parentDistance < std::numeric_limits<float>::infinity())) {
            // The search never met a reachable node with room: scan for the closest one.
            for (std::uint32_t c = 0; c < usedSlots_; ++c) {
                if (reached[c] == 0 || adjacencyAt(c)[0] >= params_.maxDegree)
                    continue;
                const float d = graphDistance_(v, vectorAt(c), rowFloats_);
                if (d < parentDistance) {
                    parent = c;
                    parentDistance = d;
                }
            }
        }
        std::uint32_t* row = adjacencyAt(parent);
        if (row[0] < slackDegree_) {
            row[row[0] + 1] = slot;
            ++row[0];
        } else {
            row[row[0]] = slot;
        }
        flood(slot);
        ++added;
    }
    return added;
}

template <bool kLocked, typename Accept>
void VamanaIndex::greedySearch(const float* query, std::span<const std::uint32_t> starts,
                               std::uint32_t listSize, DistanceFn dist, Bf16DistanceFn compactDist,
                               const Accept& accept, SearchScratch& s, bool recordExpanded) const {
    const auto distanceTo = [&](std::uint32_t n) {
        return compactDist ? compactDist(query, compactAt(n), rowFloats_)
                           : dist(query, vectorAt(n), rowFloats_);
    };
    const auto prefetchFirstLine = [&](std::uint32_t n) {
        if (compactDist)
            prefetchForRead(compactAt(n));
        else
            prefetchForRead(vectorAt(n));
    };
    const auto prefetchWhole = [&](std::uint32_t n) {
        if (compactDist)
            prefetchRow(compactAt(n), rowFloats_);
        else
            prefetchRow(vectorAt(n), rowFloats_);
    };
    s.visited.reset(usedSlots_);
    s.list.reset(listSize);
    s.expanded.clear();
    if (s.ids.size() < slackDegree_) {
        s.ids.resize(slackDegree_);
        s.adjacencyCopy.resize(slackDegree_);
    }
    for (const std::uint32_t start : starts)
        if (s.visited.insert(start))
            s.list.insert(start, distanceTo(start));

    std::uint32_t* ids = s.ids.data();
    while (s.list.hasUnexpanded()) {
        const Neighbor current = s.list.popClosestUnexpanded();
        if (recordExpanded)
            s.expanded.push_back(current);
        const std::uint32_t* row = adjacencyAt(current.slot);
        const std::uint32_t* neighbors = row + 1;
        std::uint32_t count = 0;
        if constexpr (kLocked) {
            const std::lock_guard lock(locks_->of(current.slot));
            count = row[0];
            std::copy(row + 1, row + 1 + count, s.adjacencyCopy.data());
            neighbors = s.adjacencyCopy.data();
        } else {
            count = row[0];
        }
        std::size_t fresh = 0;
        for (std::uint32_t i = 0; i < count; ++i) {
            const std::uint32_t n = neighbors[i];
            if (!s.visited.insert(n) || !accept(n))
                continue;
            ids[fresh++] = n;
            prefetchFirstLine(n);
        }
        for (std::size_t i = 0; i < fresh; ++i) {
            if (i + 1 < fresh)
                prefetchWhole(ids[i + 1]);
            const float d = distanceTo(ids[i]);
            if (!s.list.full() || d < s.list.worstDistance())
                s.list.insert(ids[i], d);
        }
    }
}

// Prunes a row that has grown past R (build slack or inserts) back to R neighbours, into
// s.reversePruned; the row itself is left for the caller to rewrite.
void VamanaIndex::pruneRowToDegree(std::uint32_t slot, SearchScratch& s) const {
    const std::uint32_t* row = adjacencyAt(slot);
    auto& pool = s.reversePool;
    pool.clear();
    for (std::uint32_t j = 0; j < row[0]; ++j)
        pool.push_back(
            {row[j + 1], graphDistance_(vectorAt(slot), vectorAt(row[j + 1]), rowFloats_)});
    std::sort(pool.begin(), pool.end(), [](const Neighbor& a, const Neighbor& b) {
        return a.distance < b.distance || (a.distance == b.distance && a.slot < b.slot);
    });
    robustPrune(slot, pool, params_.alpha, params_.maxDegree, s.reversePruned, s);
}

void VamanaIndex::robustPrune(std::uint32_t slot, std::vector<Neighbor>& pool, float alpha,
                              std::uint32_t degree, std::vector<std::uint32_t>& out,
                              SearchScratch& s) const {
    // pool: distinct live candidates other than slot, sorted by distance to slot.
    out.clear();
    if (pool.size() > kMaxPool)
        pool.resize(kMaxPool);
    const auto& mine = labels_[slot];
    const bool filtered = hasLabels_ && params_.labelAwareEdges && !mine.empty();
    // Filtered-DiskANN: a candidate may only be shadowed by a node that carries every label
    // the candidate shares with slot, so each label keeps a path.
    const auto mayOcclude = [&](std::size_t i, std::size_t j) {
        if (!filtered)
            return true;
        const auto& li = labels_[pool[i].slot];
        const auto& lj = labels_[pool[j].slot];
        for (const std::uint32_t l : mine)
            if (sortedContains(lj, l) && !sortedContains(li, l))
                return false;
        return true;
    };
    // Occlusion is tested lazily, candidate against the picks made so far, stopping at the
    // first pick that occludes it: the same selection as testing every pick against every
    // later candidate, but candidates past the point where the row is full cost nothing.
    // Where nothing occludes anything this is R^2/2 distances instead of R * |pool|.
    auto& picked = s.picked;
    picked.clear();
    const auto occludedBy = [&](std::size_t j, std::size_t from, std::size_t to) {
        const float* vj = vectorAt(pool[j].slot);
        const float limit = pool[j].distance;
        for (std::size_t p = from; p < to; ++p) {
            const std::size_t i = picked[p];
            if (!mayOcclude(i, j))
                continue;
            if (alpha * graphDistance_(vectorAt(pool[i].slot), vj, rowFloats_) <= limit)
                return true;
        }
        return false;
    };
    // When nothing occludes anything (points of one cluster in high dimension are nearly
    // equidistant), the nearest candidates alone would fill the row and every edge would stay
    // inside the cluster. Some slots are therefore kept for the farthest unoccluded
    // candidates, which are the far side of the search path that led here.
    const std::size_t reserved = degree >= 8 ? degree / 4 : 0;
    const std::size_t nearQuota = degree - reserved;
    std::size_t i = 0;
    for (; i < pool.size() && picked.size() < nearQuota; ++i)
        if (!occludedBy(i, 0, picked.size()))
            picked.push_back(static_cast<std::uint32_t>(i));
    const std::size_t nearPicks = picked.size();
    for (std::size_t j = pool.size(); j > i && picked.size() < degree; --j) {
        // Far picks are tested first: a far candidate is most often shadowed by a farther one.
        if (occludedBy(j - 1, nearPicks, picked.size()) || occludedBy(j - 1, 0, nearPicks))
            continue;
        picked.push_back(static_cast<std::uint32_t>(j - 1));
    }
    out.reserve(picked.size());
    for (const std::uint32_t p : picked)
        out.push_back(pool[p].slot);
}

void VamanaIndex::linkNode(std::uint32_t slot, float alpha, std::uint32_t listSize,
                           SearchScratch& s, bool locked) {
    const float* v = vectorAt(slot);
    auto& pool = s.pool;
    pool.clear();
    const auto acceptAll = [](std::uint32_t) { return true; };
    std::array<std::uint32_t, kSeeds> seeds{};
    const std::span<const std::uint32_t> entry(
        seeds.data(), nearestEntryPoints(v, graphDistance_, acceptAll, seeds.data()));
    if (locked)
        greedySearch<true>(v, entry, listSize, graphDistance_, compactGraphDistance_, acceptAll, s,
                           true);
    else
        greedySearch<false>(v, entry, listSize, graphDistance_, compactGraphDistance_, acceptAll, s,
                            true);
    pool.insert(pool.end(), s.expanded.begin(), s.expanded.end());

    const auto& mine = labels_[slot];
    if (hasLabels_ && params_.labelAwareEdges && !mine.empty()) {
        const auto acceptShared = [&](std::uint32_t n) { return sharesAny(labels_[n], mine); };
        std::vector<std::uint32_t> starts;
        starts.reserve(mine.size() + kSeeds);
        for (const std::uint32_t l : mine) {
            const auto it = labelIndex_.find(l);
            if (it != labelIndex_.end() && it->second.start != slot)
                starts.push_back(it->second.start);
        }
        if (!starts.empty()) {
            // The label starts plus the nearest entries sharing a label: one start per label
            // reaches only that label's cluster around it when the points form clusters.
            std::array<std::uint32_t, kSeeds> near{};
            const std::size_t count =
                nearestEntryPoints(v, graphDistance_, acceptShared, near.data());
            for (std::size_t i = 0; i < count; ++i)
                if (near[i] != slot)
                    starts.push_back(near[i]);
            if (locked)
                greedySearch<true>(v, starts, listSize, graphDistance_, compactGraphDistance_,
                                   acceptShared, s, true);
            else
                greedySearch<false>(v, starts, listSize, graphDistance_, compactGraphDistance_,
                                    acceptShared, s, true);
            pool.insert(pool.end(), s.expanded.begin(), s.expanded.end());
        }
    }

    {
        const std::lock_guard lock(locks_->of(slot));
        const std::uint32_t* row = adjacencyAt(slot);
        for (std::uint32_t i = 0; i < row[0]; ++i)
            pool.push_back({row[i + 1], -1.0f});
    }
    std::sort(pool.begin(), pool.end(),
              [](const Neighbor& a, const Neighbor& b) { return a.slot < b.slot; });
    // Keep the copy with a computed distance (>= 0) when a slot appears twice.
    std::size_t w = 0;
    for (std::size_t i = 0; i < pool.size(); ++i) {
        const Neighbor& c = pool[i];
        if (c.slot == slot || state_[c.slot] != SlotState::Live)
            continue;
        if (w > 0 && pool[w - 1].slot == c.slot) {
            if (pool[w - 1].distance < 0.0f)
                pool[w - 1] = c;
            continue;
        }
        pool[w++] = c;
    }
    pool.resize(w);
    for (auto& c : pool)
        if (c.distance < 0.0f)
            c.distance = graphDistance_(v, vectorAt(c.slot), rowFloats_);
    std::sort(pool.begin(), pool.end(), [](const Neighbor& a, const Neighbor& b) {
        return a.distance < b.distance || (a.distance == b.distance && a.slot < b.slot);
    });

    robustPrune(slot, pool, alpha, params_.maxDegree, s.pruned, s);
    {
        const std::lock_guard lock(locks_->of(slot));
        std::uint32_t* row = adjacencyAt(slot);
        row[0] = static_cast<std::uint32_t>(s.pruned.size());
        std::copy(s.pruned.begin(), s.pruned.end(), row + 1);
    }
    for (const std::uint32_t n : s.pruned)
        addReverseEdge(n, slot, alpha, slackDegree_, s);
}

void VamanaIndex::addReverseEdge(std::uint32_t from, std::uint32_t to, float alpha,
                                 std::uint32_t limit, SearchScratch& s) {
    const std::lock_guard lock(locks_->of(from));
    std::uint32_t* row = adjacencyAt(from);
    const std::uint32_t count = row[0];
    if (std::find(row + 1, row + 1 + count, to) != row + 1 + count)
        return;
    if (count < limit) {
        row[count + 1] = to;
        row[0] = count + 1;
        return;
    }
    const float* v = vectorAt(from);
    auto& pool = s.reversePool;
    pool.clear();
    for (std::uint32_t i = 0; i < count; ++i)
        if (state_[row[i + 1]] == SlotState::Live)
            pool.push_back({row[i + 1], graphDistance_(v, vectorAt(row[i + 1]), rowFloats_)});
    pool.push_back({to, graphDistance_(v, vectorAt(to), rowFloats_)});
    std::sort(pool.begin(), pool.end(), [](const Neighbor& a, const Neighbor& b) {
        return a.distance < b.distance || (a.distance == b.distance && a.slot < b.slot);
    });
    robustPrune(from, pool, alpha, params_.maxDegree, s.reversePruned, s);
    row[0] = static_cast<std::uint32_t>(s.reversePruned.size());
    std::copy(s.reversePruned.begin(), s.reversePruned.end(), row + 1);
}

BuildStatus VamanaIndex::build(std::span<const float> vectors, std::span<const std::uint64_t> ids,
                               std::span<const std::vector<std::uint32_t>> labels,
                               const BuildControl& control) {
    const std::unique_lock lock(mutex_);
    const std::size_t n = ids.size();
    if (vectors.size() != n * dimension_)
        throw std::invalid_argument("vectors and ids disagree on the number of points");
    if (!labels.empty() && labels.size() != n)
        throw std::invalid_argument("labels must be empty or one set per point");
    clear();
    reserveSlots(n);
    for (std::size_t i = 0; i < n; ++i) {
        const auto slot = static_cast<std::uint32_t>(i);
        if (!slotOfId_.emplace(ids[i], slot).second) {
            clear();
            throw std::invalid_argument("duplicate id");
        }
        storeVector(slot, vectors.data() + i * dimension_);
        externalIds_[i] = ids[i];
        state_[i] = SlotState::Live;
        if (!labels.empty())
            storeLabels(slot, labels[i]);
    }
    usedSlots_ = static_cast<std::uint32_t>(n);
    liveCount_ = n;
    if (n == 0)
        return BuildStatus::Completed;

    std::vector<std::uint32_t> all(n);
    std::iota(all.begin(), all.end(), 0u);
    medoid_ = closestToCentroid(all);
    chooseStartNodes();
    chooseEntryPoints(all);

    // A sparse random graph to start from (Vamana's random initialisation); the first pass
    // replaces it with real neighbourhoods.
    std::mt19937_64 rng(params_.seed);
    const std::uint32_t initialDegree =
        static_cast<std::uint32_t>(std::min<std::size_t>(n - 1, std::min(params_.maxDegree, 16u)));
    for (std::uint32_t slot = 0; slot < n; ++slot) {
        std::uint32_t* row = adjacencyAt(slot);
        row[0] = 0;
        while (row[0] < initialDegree) {
            const auto c = static_cast<std::uint32_t>(rng() % n);
            if (c == slot || std::find(row + 1, row + 1 + row[0], c) != row + 1 + row[0])
                continue;
            row[++row[0]] = c;
        }
    }
    std::vector<std::uint32_t> order = all;
    std::shuffle(order.begin(), order.end(), rng);

    const unsigned threads = resolveThreadCount(params_.threads);
    std::vector<SearchScratch> scratch(threads);
    std::mutex progressMutex;
    double lastReported = 0.0;
    std::atomic<bool> cancelled{false};
    const auto checkCancel = [&]() {
        if (control.cancel != nullptr && control.cancel->load(std::memory_order_relaxed))
            cancelled.store(true);
        return !cancelled.load();
    };
    const auto report = [&](double fraction) {
        if (!control.progress)
            return;
        const std::lock_guard guard(progressMutex);
        if (fraction < lastReported || cancelled.load())
            return;
        lastReported = fraction;
        if (!control.progress(fraction))
            cancelled.store(true);
    };

    // Pass 1 with alpha = 1 builds short-range structure, pass 2 with alpha > 1 keeps the
    // long-range edges that make greedy search converge in few hops.
    constexpr std::size_t kChunk = 64;
    for (int pass = 0; pass < 2 && checkCancel(); ++pass) {
        const float alpha = pass == 0 ? 1.0f : params_.alpha;
        // Pass 1 only has to replace the random graph by a rough neighbourhood graph, which
        // pass 2 refines: half the beam there costs little recall and about 20% of the time.
        const std::uint32_t listSize =
            pass == 0 ? (params_.buildListSize + 1) / 2 : params_.buildListSize;
        parallelFor(
            n, threads, kChunk,
            [&](std::size_t begin, std::size_t end, unsigned worker) {
                for (std::size_t i = begin; i < end; ++i)
                    linkNode(order[i], alpha, listSize, scratch[worker], true);
            },
            [&](std::size_t done) {
                report((static_cast<double>(pass) * static_cast<double>(n) +
                        static_cast<double>(done)) /
                       (2.0 * static_cast<double>(n)));
                return checkCancel();
            });
    }
    if (!checkCancel()) {
        clear();
        return BuildStatus::Cancelled;
    }

    // Rows may hold up to the slack degree; bring every one down to R.
    parallelFor(n, threads, 256, [&](std::size_t begin, std::size_t end, unsigned worker) {
        auto& s = scratch[worker];
        for (std::size_t i = begin; i < end; ++i) {
            const auto slot = static_cast<std::uint32_t>(i);
            std::uint32_t* row = adjacencyAt(slot);
            if (row[0] <= params_.maxDegree)
                continue;
            pruneRowToDegree(slot, s);
            row[0] = static_cast<std::uint32_t>(s.reversePruned.size());
            std::copy(s.reversePruned.begin(), s.reversePruned.end(), row + 1);
        }
    });
    repairConnectivity(scratch[0]);
    report(1.0);
    return BuildStatus::Completed;
}

std::size_t VamanaIndex::finishSearch(SearchScratch& s, std::size_t k, SearchResult* out,
                                      FunctionRef<bool(std::uint32_t)> keep,
                                      const float* rerankQuery) const {
    if (rerankQuery) {
        auto& ranked = s.rerank;
        ranked.clear();
        for (std::size_t i = 0; i < s.list.size(); ++i) {
            const std::uint32_t slot = s.list[i].slot;
            if (state_[slot] != SlotState::Live || !keep(slot))
                continue;
            ranked.push_back({slot, queryDistance_(rerankQuery, vectorAt(slot), rowFloats_)});
        }
        const std::size_t n = std::min(k, ranked.size());
        std::partial_sort(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(n),
                          ranked.end(), [](const Neighbor& a, const Neighbor& b) {
                              return a.distance < b.distance ||
                                     (a.distance == b.distance && a.slot < b.slot);
                          });
        for (std::size_t i = 0; i < n; ++i)
            out[i] = SearchResult{externalIds_[ranked[i].slot], ranked[i].distance};
        return n;
    }
    std::size_t written = 0;
    for (std::size_t i = 0; i < s.list.size() && written < k; ++i) {
        const Neighbor& n = s.list[i];
        if (state_[n.slot] != SlotState::Live || !keep(n.slot))
            continue;
        out[written++] = SearchResult{externalIds_[n.slot], n.distance};
    }
    return written;
}

std::size_t VamanaIndex::exactSearch(const float* query, std::size_t k, SearchResult* out,
                                     std::optional<std::uint32_t> label) const {
    SearchScratch& s = threadScratch();
    const auto distanceOf = [&](std::uint32_t slot) {
        return queryDistance_(query, vectorAt(slot), rowFloats_);
    };
    const auto live = [&](std::uint32_t slot) { return state_[slot] == SlotState::Live; };
    if (label) {
        const auto it = labelIndex_.find(*label);
        if (it == labelIndex_.end())
            return 0;
        bruteForceTopK(it->second.members, k, distanceOf, s.list, live);
    } else {
        bruteForceTopK(SlotSequence(usedSlots_), k, distanceOf, s.list, live);
    }
    return finishSearch(s, k, out,
                        [&](std::uint32_t slot) { return !label || hasLabel(slot, *label); });
}

std::size_t VamanaIndex::exactSearchOf(const float* query, std::size_t k, SearchResult* out,
                                       std::span<const std::uint32_t> slots,
                                       FunctionRef<bool(std::uint32_t)> keep) const {
    SearchScratch& s = threadScratch();
    const auto distanceOf = [&](std::uint32_t slot) {
        return queryDistance_(query, vectorAt(slot), rowFloats_);
    };
    bruteForceTopK(slots, k, distanceOf, s.list,
                   [&](std::uint32_t slot) { return state_[slot] == SlotState::Live; });
    return finishSearch(s, k, out, keep);
}

namespace {
// Copies a query into the thread's aligned, zero-padded buffer (normalised for Cosine), so
// that kernels run over whole padded rows.
const float* prepareQuery(SearchScratch& s, const float* query, std::uint32_t dimension,
                          std::size_t rowFloats, Metric metric) {
    if (s.query.size() != rowFloats)
        s.query.resize(rowFloats);
    std::memcpy(s.query.data(), query, dimension * sizeof(float));
    std::fill(s.query.data() + dimension, s.query.data() + rowFloats, 0.0f);
    if (metric == Metric::Cosine)
        normalize(s.query.data(), dimension);
    return s.query.data();
}
} // namespace

std::size_t VamanaIndex::search(const float* query, std::size_t k, std::uint32_t searchListSize,
                                SearchResult* out, std::optional<std::uint32_t> label) const {
    const std::shared_lock lock(mutex_);
    if (k == 0 || liveCount_ == 0)
        return 0;
    SearchScratch& s = threadScratch();
    const float* q = prepareQuery(s, query, dimension_, rowFloats_, metric_);
    if (liveCount_ <= params_.exactSearchBelow)
        return exactSearch(q, k, out, label);
    if (label && !params_.labelAwareEdges)
        return searchLabelGroups(q, k, searchListSize, out, LabelFilter(*label));
    const auto listSize =
        static_cast<std::uint32_t>(std::max<std::size_t>(k, std::max(1u, searchListSize)));
    if (label) {
        const auto it = labelIndex_.find(*label);
        if (it == labelIndex_.end())
            return 0;
        if (it->second.members.size() <= params_.filterBruteForceBelow)
            return exactSearch(q, k, out, label);
        // Filtered-DiskANN search: enter at the label's start node (and the nearest entry
        // points carrying the label) and only ever admit points carrying the label, so the
        // beam is never diluted by non-matching points.
        const std::uint32_t wanted = *label;
        const auto carriesLabel = [&](std::uint32_t n) { return hasLabel(n, wanted); };
        std::array<std::uint32_t, kSeeds + 1> seeds{};
        seeds[0] = it->second.start;
        const std::size_t count =
            1 + nearestEntryPoints(q, queryDistance_, carriesLabel, seeds.data() + 1);
        greedySearch<false>(q, std::span<const std::uint32_t>(seeds.data(), count), listSize,
                            queryDistance_, compactQueryDistance_, carriesLabel, s, false);
    } else {
        const auto acceptAll = [](std::uint32_t) { return true; };
        std::array<std::uint32_t, kSeeds> seeds{};
        const std::span<const std::uint32_t> entry(
            seeds.data(), nearestEntryPoints(q, queryDistance_, acceptAll, seeds.data()));
        greedySearch<false>(q, entry, listSize, queryDistance_, compactQueryDistance_, acceptAll, s,
                            false);
    }
    return finishSearch(
        s, k, out, [&](std::uint32_t slot) { return !label || hasLabel(slot, *label); },
        compactQueryDistance_ ? q : nullptr);
}

std::size_t VamanaIndex::search(const float* query, std::size_t k, std::uint32_t searchListSize,
                                SearchResult* out, const LabelFilter& filter) const {
    if (filter.passesAll() || filter.singleLabel())
        return search(query, k, searchListSize, out, filter.singleLabel());
    if (filter.passesNone())
        return 0;
    const std::shared_lock lock(mutex_);
    if (k == 0 || liveCount_ == 0)
        return 0;
    SearchScratch& s = threadScratch();
    return searchLabelGroups(prepareQuery(s, query, dimension_, rowFloats_, metric_), k,
                             searchListSize, out, filter);
}

std::size_t VamanaIndex::searchLabelGroups(const float* q, std::size_t k,
                                           std::uint32_t searchListSize, SearchResult* out,
                                           const LabelFilter& filter) const {
    SearchScratch& s = threadScratch();
    static const std::vector<std::uint32_t> kNone;
    const auto carriers = [this](std::uint32_t l) -> const std::vector<std::uint32_t>& {
        const auto it = labelIndex_.find(l);
        return it == labelIndex_.end() ? kNone : it->second.members;
    };
    const auto keepAll = [](std::uint32_t) { return true; };
    const auto scan = [&] {
        const std::vector<std::uint32_t> passing = slotsPassing(filter, usedSlots_, carriers);
        return exactSearchOf(q, k, out, passing, keepAll);
    };
    // Listing the matches costs a pass over their labels' members: only a scan needs it.
    const double expected =
        estimatedShare(filter, liveCount_, [&](std::uint32_t l) { return carriers(l).size(); }) *
        static_cast<double>(liveCount_);
    if (liveCount_ <= params_.exactSearchBelow || expected <= params_.filterBruteForceBelow ||
        expected * 8 <= static_cast<double>(liveCount_))
        return scan();
    // Common enough to meet on the way: walk the whole graph with a list widened by the
    // filter's rarity (at most 8x), keeping only what passes.
    const double widened = std::ceil(static_cast<double>(std::max<std::size_t>(k, searchListSize)) *
                                     static_cast<double>(liveCount_) / expected);
    const auto listSize = static_cast<std::uint32_t>(std::min<double>(widened, liveCount_));
    std::array<std::uint32_t, kSeeds> seeds{};
    const auto acceptAll = [](std::uint32_t) { return true; };
    const std::span<const std::uint32_t> entry(
        seeds.data(), nearestEntryPoints(q, queryDistance_, acceptAll, seeds.data()));
    greedySearch<false>(q, entry, listSize, queryDistance_, compactQueryDistance_, acceptAll, s,
                        false);
    const auto keep = [&](std::uint32_t slot) { return passes(slot, filter); };
    const std::size_t found = finishSearch(s, k, out, keep, compactQueryDistance_ ? q : nullptr);
    if (found >= k)
        return found;
    return scan();
}

std::vector<SearchResult> VamanaIndex::search(std::span<const float> query, std::size_t k,
                                              std::uint32_t searchListSize,
                                              std::optional<std::uint32_t> label) const {
    if (query.size() != dimension_)
        throw std::invalid_argument("query dimension mismatch");
    std::vector<SearchResult> out(k);
    out.resize(search(query.data(), k, searchListSize, out.data(), label));
    return out;
}

std::vector<SearchResult> VamanaIndex::search(std::span<const float> query, std::size_t k,
                                              std::uint32_t searchListSize,
                                              const LabelFilter& filter) const {
    if (query.size() != dimension_)
        throw std::invalid_argument("query dimension mismatch");
    std::vector<SearchResult> out(k);
    out.resize(search(query.data(), k, searchListSize, out.data(), filter));
    return out;
}

std::vector<SearchResult> VamanaIndex::searchExact(std::span<const float> query, std::size_t k,
                                                   std::optional<std::uint32_t> label) const {
    if (query.size() != dimension_)
        throw std::invalid_argument("query dimension mismatch");
    const std::shared_lock lock(mutex_);
    std::vector<SearchResult> out(k);
    if (k == 0 || liveCount_ == 0)
        return {};
    SearchScratch& s = threadScratch();
    const float* q = prepareQuery(s, query.data(), dimension_, rowFloats_, metric_);
    out.resize(exactSearch(q, k, out.data(), label));
    return out;
}

bool VamanaIndex::insert(std::uint64_t id, std::span<const float> vector,
                         std::span<const std::uint32_t> labels) {
    if (vector.size() != dimension_)
        throw std::invalid_argument("vector dimension mismatch");
    const std::unique_lock lock(mutex_);
    if (slotOfId_.contains(id))
        return false;
    const std::uint32_t slot = allocateSlot();
    storeVector(slot, vector.data());
    storeLabels(slot, labels);
    externalIds_[slot] = id;
    state_[slot] = SlotState::Live;
    adjacencyAt(slot)[0] = 0;
    slotOfId_.emplace(id, slot);
    ++liveCount_;
    if (liveCount_ == 1) {
        // The only live point: it becomes the entry, whatever tombstones remain.
        medoid_ = slot;
        entries_.clear();
        const std::array<std::uint32_t, 1> only{slot};
        chooseEntryPoints(only);
        return true;
    }
    linkNode(slot, params_.alpha, params_.buildListSize, threadScratch(), false);
    if (liveCount_ >= 2 * entriesChosenFor_ && liveCount_ >= 64) {
        // The index has doubled since the entry points were chosen: choose again (amortised
        // O(1) per insert), so that an index grown by inserts gets spread-out entries too.
        std::vector<std::uint32_t> live;
        live.reserve(liveCount_);
        for (std::uint32_t i = 0; i < usedSlots_; ++i)
            if (state_[i] == SlotState::Live)
                live.push_back(i);
        chooseEntryPoints(live);
    }
    return true;
}

bool VamanaIndex::remove(std::uint64_t id) {
    const std::unique_lock lock(mutex_);
    const auto it = slotOfId_.find(id);
    if (it == slotOfId_.end())
        return false;
    // Tombstone only: the node keeps routing searches until consolidate() repairs around it.
    state_[it->second] = SlotState::Deleted;
    slotOfId_.erase(it);
    --liveCount_;
    ++deletedCount_;
    return true;
}

std::size_t VamanaIndex::consolidate() {
    const std::unique_lock lock(mutex_);
    const unsigned threads = resolveThreadCount(params_.threads);
    std::vector<SearchScratch> scratch(threads);
    // FreshDiskANN delete consolidation: every live node that points at a deleted one takes
    // the deleted node's live neighbours as candidates and is pruned again. Each worker
    // writes only the rows of its own nodes and reads only deleted rows, so no locks.
    parallelFor(usedSlots_, threads, 256, [&](std::size_t begin, std::size_t end, unsigned w) {
        SearchScratch& s = scratch[w];
        for (std::size_t i = begin; i < end; ++i) {
            const auto slot = static_cast<std::uint32_t>(i);
            if (state_[slot] != SlotState::Live)
                continue;
            std::uint32_t* row = adjacencyAt(slot);
            const std::uint32_t count = row[0];
            bool touchesDeleted = false;
            for (std::uint32_t j = 0; j < count; ++j)
                touchesDeleted |= state_[row[j + 1]] != SlotState::Live;
            if (!touchesDeleted && count <= params_.maxDegree)
                continue;
            s.visited.reset(usedSlots_);
            s.visited.insert(slot);
            auto& pool = s.pool;
            pool.clear();
            const float* v = vectorAt(slot);
            const auto consider = [&](std::uint32_t c) {
                if (state_[c] == SlotState::Live && s.visited.insert(c))
                    pool.push_back({c, graphDistance_(v, vectorAt(c), rowFloats_)});
            };
            for (std::uint32_t j = 0; j < count; ++j) {
                const std::uint32_t n = row[j + 1];
                if (state_[n] == SlotState::Live) {
                    consider(n);
                } else if (state_[n] == SlotState::Deleted) {
                    const std::uint32_t* deadRow = adjacencyAt(n);
                    for (std::uint32_t m = 0; m < deadRow[0]; ++m)
                        consider(deadRow[m + 1]);
                }
            }
            std::sort(pool.begin(), pool.end(), [](const Neighbor& a, const Neighbor& b) {
                return a.distance < b.distance || (a.distance == b.distance && a.slot < b.slot);
            });
            robustPrune(slot, pool, params_.alpha, params_.maxDegree, s.pruned, s);
            row[0] = static_cast<std::uint32_t>(s.pruned.size());
            std::copy(s.pruned.begin(), s.pruned.end(), row + 1);
        }
    });

    std::size_t freed = 0;
    for (std::uint32_t slot = 0; slot < usedSlots_; ++slot) {
        if (state_[slot] != SlotState::Deleted)
            continue;
        state_[slot] = SlotState::Free;
        adjacencyAt(slot)[0] = 0;
        labels_[slot].clear();
        freeSlots_.push_back(slot);
        ++freed;
    }
    // Hand out low slots first so the graph stays compact.
    std::sort(freeSlots_.begin(), freeSlots_.end(), std::greater<>());
    deletedCount_ = 0;

    for (auto it = labelIndex_.begin(); it != labelIndex_.end();) {
        auto& members = it->second.members;
        std::erase_if(members, [&](std::uint32_t m) { return state_[m] != SlotState::Live; });
        if (members.empty()) {
            it = labelIndex_.erase(it);
            continue;
        }
        if (state_[it->second.start] != SlotState::Live)
            it->second.start = closestToCentroid(members);
        ++it;
    }
    if (freed > 0 && liveCount_ > 0) {
        std::vector<std::uint32_t> live;
        live.reserve(liveCount_);
        for (std::uint32_t slot = 0; slot < usedSlots_; ++slot)
            if (state_[slot] == SlotState::Live)
                live.push_back(slot);
        if (state_[medoid_] != SlotState::Live)
            medoid_ = closestToCentroid(live);
        // Deletions may have emptied whole clusters of entries: spread them again.
        chooseEntryPoints(live);
        repairConnectivity(threadScratch());
    }
    return freed;
}

GraphView VamanaIndex::graphView() const {
    const std::shared_lock lock(mutex_);
    if (deletedCount_ != 0)
        throw std::logic_error("graphView needs a consolidated index");

    struct Dense {
        std::vector<std::uint32_t> slotOf;    // dense -> slot
        std::vector<std::uint32_t> adjacency; // dense rows of (R + 1): count, neighbours
        std::size_t stride = 0;
    };
    auto dense = std::make_shared<Dense>();
    dense->stride = std::size_t{params_.maxDegree} + 1;
    std::vector<std::uint32_t> denseOf(usedSlots_, 0);
    for (std::uint32_t slot = 0; slot < usedSlots_; ++slot)
        if (state_[slot] == SlotState::Live) {
            denseOf[slot] = static_cast<std::uint32_t>(dense->slotOf.size());
            dense->slotOf.push_back(slot);
        }
    const auto count = static_cast<std::uint32_t>(dense->slotOf.size());
    dense->adjacency.assign(std::size_t{count} * dense->stride, 0);
    SearchScratch& s = threadScratch();
    for (std::uint32_t d = 0; d < count; ++d) {
        const std::uint32_t slot = dense->slotOf[d];
        const std::uint32_t* row = adjacencyAt(slot);
        std::uint32_t* out = dense->adjacency.data() + std::size_t{d} * dense->stride;
        if (row[0] <= params_.maxDegree) {
            out[0] = row[0];
            for (std::uint32_t j = 0; j < row[0]; ++j)
                out[j + 1] = denseOf[row[j + 1]];
            continue;
        }
        // Rows grown by inserts past R are pruned for the view; the index keeps its slack.
        pruneRowToDegree(slot, s);
        out[0] = static_cast<std::uint32_t>(s.reversePruned.size());
        for (std::size_t j = 0; j < s.reversePruned.size(); ++j)
            out[j + 1] = denseOf[s.reversePruned[j]];
    }

    GraphView view;
    view.metric = metric_;
    view.dimension = dimension_;
    view.count = count;
    view.maxDegree = params_.maxDegree;
    view.medoid = count > 0 ? denseOf[medoid_] : 0;
    for (const std::uint32_t e : entries_)
        if (e < usedSlots_ && state_[e] == SlotState::Live)
            view.entryPoints.push_back(denseOf[e]);
    view.vector = [this, dense](std::uint32_t d) { return vectorAt(dense->slotOf.at(d)); };
    view.neighbors = [dense](std::uint32_t d) {
        const std::uint32_t* row = dense->adjacency.data() + std::size_t{d} * dense->stride;
        return std::span<const std::uint32_t>(row + 1, row[0]);
    };
    view.labels = [this, dense](std::uint32_t d) {
        const auto& l = labels_[dense->slotOf.at(d)];
        return std::span<const std::uint32_t>(l.data(), l.size());
    };
    view.externalId = [this, dense](std::uint32_t d) { return externalIds_[dense->slotOf.at(d)]; };
    return view;
}

} // namespace quiver::diskann
