#include "core/diskann/disk_index.h"

#include "core/diskann/aligned_buffer.h"
#include "core/diskann/checksum.h"
#include "core/diskann/disk_index_error.h"
#include "core/diskann/disk_index_impl.h"
#include "core/diskann/distance.h"
#include "core/diskann/file_format.h"
#include "core/diskann/file_reader.h"
#include "core/diskann/product_quantizer.h"
#include "core/diskann/read_queue.h"
#include "core/diskann/rotation.h"
#include "core/diskann/vector_codec.h"
#include "core/diskann/write_ahead_log.h"

#include <queue>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <deque>
#include <limits>
#include <shared_mutex>
#include <stdexcept>
#include <unordered_map>

namespace quiver::diskann {

using detail::kInfinity;
using detail::kMaxReportedProblems;
using detail::kSeeds;

VectorCodec DiskIndex::Impl::loadCodec(ProductQuantizer pq) const {
    Rotation rotation;
    {
        const std::vector<std::uint8_t> bytes = readSection(Section::Rotation);
        const std::uint32_t kind = loadLe32(bytes.data());
        const std::size_t expected = kind == 0   ? 8
                                     : kind == 1 ? 8 + 4 * std::size_t{dim()}
                                     : kind == 2 ? 8 + 4 * std::size_t{dim()} * dim()
                                                 : 0;
        if (expected == 0 || bytes.size() != expected || loadLe32(bytes.data() + 4) != dim())
            throw DiskIndexError("invalid section rotation: kind " + num(kind) + " of " +
                                 num(bytes.size()) + " bytes");
        try {
            if (kind == 0) {
                rotation = Rotation::identity(dim());
            } else if (kind == 1) {
                std::vector<std::uint32_t> order(dim());
                for (std::uint32_t i = 0; i < dim(); ++i)
                    order[i] = loadLe32(bytes.data() + 8 + 4 * std::size_t{i});
                rotation = Rotation::permutation(std::move(order));
            } else {
                std::vector<float> matrix(std::size_t{dim()} * dim());
                std::memcpy(matrix.data(), bytes.data() + 8, matrix.size() * sizeof(float));
                rotation = Rotation::dense(dim(), std::move(matrix));
            }
        } catch (const std::invalid_argument& e) {
            throw DiskIndexError(std::string("invalid section rotation: ") + e.what());
        }
    }
    const std::vector<std::uint8_t> bytes = readSection(Section::Coarse);
    if (loadLe32(bytes.data()) != header.coarseCount)
        throw DiskIndexError("invalid section coarse: " + num(loadLe32(bytes.data())) +
                             " centroids, header says " + num(header.coarseCount));
    std::vector<float> coarse(std::size_t{header.coarseCount} * dim());
    std::memcpy(coarse.data(), bytes.data() + 4, coarse.size() * sizeof(float));
    try {
        return VectorCodec(
            header.metric == Metric::InnerProduct ? Metric::InnerProduct : Metric::L2,
            std::move(rotation), header.coarseCount, std::move(coarse), std::move(pq));
    } catch (const std::invalid_argument& e) {
        throw DiskIndexError(std::string("invalid section coarse: ") + e.what());
    }
}

void DiskIndex::Impl::load(const DiskIndexOpenOptions& options) {
    {
        std::vector<std::uint8_t> first(
            static_cast<std::size_t>(std::min<std::uint64_t>(file.size(), kSectorBytes)));
        file.readAt(0, first.data(), first.size());
        header = decodeHeader(first.data(), first.size(), file.size());
    }

    {
        const std::vector<std::uint8_t> bytes = readSection(Section::PqCodebook);
        const std::uint32_t M = loadLe32(bytes.data());
        if (M != header.pqSubspaces)
            throw DiskIndexError("invalid section pq_codebook: " + num(M) +
                                 " sub-spaces, header says " + num(header.pqSubspaces));
        std::vector<std::uint32_t> offsets(M + 1);
        for (std::uint32_t m = 0; m <= M; ++m)
            offsets[m] = loadLe32(bytes.data() + 4 + 4 * m);
        std::vector<float> centroids(std::size_t{kPqCentroids} * dim());
        std::memcpy(centroids.data(), bytes.data() + 4 + 4 * (M + 1),
                    centroids.size() * sizeof(float));
        ProductQuantizer pq;
        try {
            pq = ProductQuantizer(dim(), std::move(offsets), std::move(centroids));
        } catch (const std::invalid_argument& e) {
            throw DiskIndexError(std::string("invalid section pq_codebook: ") + e.what());
        }
        codec = loadCodec(std::move(pq));
    }
    codes = readSection(Section::PqCodes);
    {
        const std::vector<std::uint8_t> bytes = readSection(Section::PointTerms);
        const std::size_t n = header.capacity;
        coarseIds.resize(n);
        biases.resize(n);
        const std::uint8_t* b = bytes.data() + pointTermsBiasOffset(header.capacity);
        for (std::size_t i = 0; i < n; ++i) {
            coarseIds[i] = static_cast<std::uint16_t>(bytes[2 * i] | bytes[2 * i + 1] << 8);
            if (coarseIds[i] >= header.coarseCount)
                throw DiskIndexError("invalid section point_terms: coarse id " + num(coarseIds[i]) +
                                     " out of range");
            std::memcpy(&biases[i], b + 4 * i, sizeof(float));
        }
    }

    {
        const std::vector<std::uint8_t> bytes = readSection(Section::Labels);
        const auto bad = [](const std::string& what) {
            return DiskIndexError("invalid section labels: " + what);
        };
        const std::uint64_t n = loadLe32(bytes.data());
        if (n != header.labelCount)
            throw bad(num(n) + " labels, header says " + num(header.labelCount));
        if (bytes.size() < 8 + 16 * n)
            throw bad("too short for " + num(n) + " labels");
        const std::uint64_t total = loadLe32(bytes.data() + 4 + 16 * n);
        if (bytes.size() != 8 + 16 * n + 4 * total)
            throw bad("size does not match " + num(total) + " entries");
        labels.resize(n);
        labelSlots.resize(total);
        std::uint64_t start = 0;
        for (std::size_t i = 0; i < n; ++i) {
            const std::uint8_t* e = bytes.data() + 4 + 16 * i;
            LabelEntry& l = labels[i];
            l = {loadLe32(e), loadLe32(e + 4), loadLe32(e + 8), loadLe32(e + 12)};
            if (i > 0 && l.label <= labels[i - 1].label)
                throw bad("labels out of order");
            if (l.start != start || l.size == 0 || l.size > total - start)
                throw bad("list of label " + num(l.label) + " out of range");
            start += l.size;
        }
        if (start != total)
            throw bad("lists do not cover the entries");
        const std::uint8_t* slots = bytes.data() + 8 + 16 * n;
        for (std::size_t i = 0; i < total; ++i)
            labelSlots[i] = loadLe32(slots + 4 * i);
        for (const LabelEntry& l : labels) {
            const auto first = labelSlots.begin() + l.start;
            const auto last = first + l.size;
            for (auto it = first; it != last; ++it)
                if (*it >= header.count || (it != first && *it <= *(it - 1)))
                    throw bad("list of label " + num(l.label) + " is not sorted slots in range");
            if (!std::binary_search(first, last, l.entry))
                throw bad("entry of label " + num(l.label) + " does not carry it");
        }
    }

    {
        const std::vector<std::uint8_t> bytes = readSection(Section::EntryPoints);
        const std::uint32_t n = loadLe32(bytes.data());
        if (n == 0 || bytes.size() != 4 + std::uint64_t{4} * n)
            throw DiskIndexError("invalid section entry_points: size does not match " + num(n) +
                                 " entries");
        entries.resize(n);
        std::unordered_map<std::uint32_t, bool> distinct;
        for (std::uint32_t i = 0; i < n; ++i) {
            entries[i] = loadLe32(bytes.data() + 4 + 4 * i);
            if (entries[i] >= header.count || !distinct.emplace(entries[i], true).second)
                throw DiskIndexError("invalid section entry_points: entry " + num(entries[i]) +
                                     " out of range or repeated");
        }
        if (entries.front() != header.medoid)
            throw DiskIndexError("invalid section entry_points: the medoid is not first");
    }

    loadLabelOverlay();

    // Cache: breadth-first from the entry points, the nodes nearly every search passes through.
    const std::uint32_t target = cacheTarget(options, ramBytesWithoutCache());
    if (target > 0) {
        cacheRecords.reserve(std::size_t{target} * layout().nodeBytes);
        cacheIndex.reserve(target);
        std::deque<std::uint32_t> queue(entries.begin(), entries.end());
        std::unordered_map<std::uint32_t, bool> queued;
        for (const std::uint32_t e : entries)
            queued.emplace(e, true);
        SectorBuffer buffer(spanBytes());
        while (!queue.empty() && cacheIndex.size() < target) {
            const std::uint32_t slot = queue.front();
            queue.pop_front();
            file.readAt(nodesOffset() + layout().sectorOffset(slot), buffer.data(), spanBytes());
            const std::uint8_t* record = buffer.data() + layout().offsetInSector(slot);
            const NodeRecord r = parse(slot, record);
            cacheIndex.emplace(slot, static_cast<std::uint32_t>(cacheIndex.size()));
            cacheRecords.insert(cacheRecords.end(), record, record + layout().nodeBytes);
            for (std::uint32_t i = 0; i < r.degree; ++i)
                if (queued.emplace(r.neighbor(i), true).second)
                    queue.push_back(r.neighbor(i));
        }
    }
}

void DiskIndex::Impl::loadLabelOverlay() {
    overlayLabels.clear();
    overlaySlots.clear();
    if (header.overlayCount == 0)
        return;
    const std::vector<std::uint8_t> bytes = readSection(Section::LabelOverlay);
    SectorBuffer buffer(spanBytes());
    std::vector<std::uint32_t> nodeLabels;
    for (std::uint32_t i = 0; i < header.overlayCount; ++i) {
        const std::uint32_t slot = loadLe32(bytes.data() + 4 * std::size_t{i});
        if (slot >= header.count)
            throw DiskIndexError("invalid section label_overlay: slot " + num(slot) +
                                 " out of range");
        overlaySlots.push_back(slot);
        file.readAt(nodesOffset() + layout().sectorOffset(slot), buffer.data(), spanBytes());
        const NodeRecord r = parse(slot, buffer.data() + layout().offsetInSector(slot));
        nodeLabels.resize(r.labelCount);
        for (std::uint32_t j = 0; j < r.labelCount; ++j)
            nodeLabels[j] = loadLe32(r.labels + 4 * j);
        addOverlayLabels(slot, nodeLabels);
    }
}

void DiskIndex::Impl::addOverlayLabels(std::uint32_t slot,
                                       std::span<const std::uint32_t> nodeLabels) {
    for (const std::uint32_t l : nodeLabels) {
        auto [it, added] = overlayLabels.try_emplace(l);
        OverlayLabel& o = it->second;
        if (added) {
            const LabelEntry* base = findLabelInLists(l);
            if (base)
                o.slots.assign(labelSlots.begin() + base->start,
                               labelSlots.begin() + base->start + base->size);
            o.entry = {l, base ? base->entry : slot, 0, 0};
        }
        const auto at = std::lower_bound(o.slots.begin(), o.slots.end(), slot);
        if (at == o.slots.end() || *at != slot)
            o.slots.insert(at, slot);
        o.entry.size = static_cast<std::uint32_t>(o.slots.size());
    }
}

std::uint32_t DiskIndex::Impl::cacheTarget(const DiskIndexOpenOptions& options,
                                           std::size_t ramWithoutCache) {
    const double raw = static_cast<double>(header.count) * dim() * sizeof(float);
    ramBudgetBytes = static_cast<std::size_t>(std::max(0.0, options.ramBudget) * raw);
    if (options.cacheNodes)
        return std::min(*options.cacheNodes, header.count);
    const std::size_t room =
        ramBudgetBytes > ramWithoutCache ? ramBudgetBytes - ramWithoutCache : 0;
    std::uint64_t fits = room / cacheBytesPerNode();
    if (header.cacheNodesHint > 0)
        fits = std::min<std::uint64_t>(fits, header.cacheNodesHint);
    return static_cast<std::uint32_t>(std::min<std::uint64_t>(fits, header.count));
}

std::size_t DiskIndex::Impl::ramBytesWithoutCache() const {
    return sizeof(DiskIndex) + sizeof(Impl) + codes.capacity() + codec.memoryBytes() +
           coarseIds.capacity() * sizeof(std::uint16_t) + biases.capacity() * sizeof(float) +
           labels.capacity() * sizeof(LabelEntry) + labelSlots.capacity() * sizeof(std::uint32_t) +
           entries.capacity() * sizeof(std::uint32_t);
}

void DiskIndex::Impl::seed(CandidateList& list, const float* table, std::uint32_t W,
                           const LabelEntry* label) const {
    const auto offer = [&](std::uint32_t slot) {
        if (!list.seen(slot))
            list.offer(slot, pqDistance(table, slot));
    };
    if (label) {
        offer(header.medoid);
        offer(label->entry);
        return;
    }
    // Start from the entry points nearest the query: on data made of far-apart clusters
    // greedy steps from one medoid reach the right cluster poorly.
    std::vector<Scored> ranked(entries.size());
    for (std::size_t i = 0; i < entries.size(); ++i)
        ranked[i] = {pqDistance(table, entries[i]), entries[i]};
    const std::size_t seeds = std::min<std::size_t>(ranked.size(), std::max(W, kSeeds));
    std::partial_sort(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(seeds),
                      ranked.end());
    for (std::size_t i = 0; i < seeds; ++i)
        offer(ranked[i].slot);
}

void DiskIndex::Impl::readNode(const float* q, const float* table, std::uint32_t slot,
                               const std::uint8_t* record, const CandidateList& list, ReadNode& out,
                               std::vector<float>& v) const {
    const NodeRecord& r = out.record = parse(slot, record);
    out.exact = exactDistance(q, r, v);
    out.neighborPq.resize(r.degree);
    for (std::uint32_t j = 0; j < r.degree; ++j)
        if (!list.seen(r.neighbor(j)))
            out.neighborPq[j] = pqDistance(table, r.neighbor(j));
}

void DiskIndex::Impl::keep(std::uint32_t slot, const ReadNode& node, const SearchFilter& f,
                           CandidateList& list, std::vector<Result>& results,
                           std::vector<float>* vectors) const {
    if (accepted(node.record, f)) {
        results.push_back({node.exact, slot, node.record.externalId});
        if (vectors) {
            const std::size_t at = vectors->size();
            vectors->resize(at + dim());
            std::memcpy(vectors->data() + at, node.record.vector, dim() * sizeof(float));
        }
    }
    list.setDistance(slot, node.exact);
}

std::vector<Result> DiskIndex::Impl::roundSearch(const float* q, const float* table,
                                                 std::uint32_t L, std::uint32_t W,
                                                 const SearchFilter& f, const LabelEntry* label,
                                                 ReadQueue& queue, SearchStats& stats,
                                                 std::vector<float>* vectors) const {
    CandidateList list(L);
    seed(list, table, W, label);
    std::vector<Result> results;
    std::vector<std::uint32_t> frontier;
    std::vector<const std::uint8_t*> records;
    std::vector<ReadNode> nodes;
    SectorBuffer buffer;
    std::vector<float> v(dim());
    for (;;) {
        frontier.clear();
        while (frontier.size() < W)
            if (const std::optional<std::uint32_t> slot = list.takeBest())
                frontier.push_back(*slot);
            else
                break;
        if (frontier.empty())
            break;
        ++stats.rounds;
        if (nodes.size() < frontier.size())
            nodes.resize(frontier.size());
        // Each record is checked, its exact distance and its unseen neighbours' PQ distances
        // taken as its read completes, while the others are still in flight.
        fetch(frontier, queue, buffer, records, stats, [&](std::size_t i) {
            readNode(q, table, frontier[i], records[i], list, nodes[i], v);
        });
        // The full vector of every node read is in hand: its exact distance replaces the PQ
        // estimate as its key (PQ keys only for the unread frontier), before its neighbours
        // can push it out of the list. In frontier order, so the result does not depend on the
        // order the reads completed in.
        for (std::size_t i = 0; i < frontier.size(); ++i)
            keep(frontier[i], nodes[i], f, list, results, vectors);
        list.reorder();
        // Seen only grows, so a neighbour unseen now was unseen when its distance was taken.
        for (std::size_t i = 0; i < frontier.size(); ++i)
            for (std::uint32_t j = 0; j < nodes[i].record.degree; ++j)
                list.offer(nodes[i].record.neighbor(j), nodes[i].neighborPq[j]);
    }
    return results;
}

std::vector<Result> DiskIndex::Impl::slotScan(const float* q, const float* table, std::uint32_t k,
                                              std::uint32_t L, std::uint32_t W,
                                              const SearchFilter& f,
                                              std::span<const std::uint32_t> slots,
                                              ReadQueue& queue, SearchStats& stats) const {
    // Rank every slot by PQ distance, then re-rank the best exactly. Slots are sorted only as
    // far as they are read: most searches stop after the best L.
    std::vector<Scored> ranked(slots.size());
    for (std::size_t i = 0; i < slots.size(); ++i)
        ranked[i] = {pqDistance(table, slots[i]), slots[i]};
    const std::size_t atLeast = std::min<std::size_t>(ranked.size(), std::max(L, k));
    std::size_t sorted = atLeast;
    std::partial_sort(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(sorted),
                      ranked.end());
    std::vector<Result> results;
    std::vector<std::uint32_t> batch;
    std::vector<const std::uint8_t*> records;
    std::vector<Result> found;
    std::vector<char> keepFound;
    SectorBuffer buffer;
    std::vector<float> v(dim());
    // Deleted (or otherwise refused) slots do not count: reading goes on past the best L while
    // fewer than k were accepted, so a rare filter keeps k results while k live matches exist.
    for (std::size_t first = 0; first < ranked.size(); first += W) {
        if (first >= atLeast && results.size() >= k)
            break;
        if (first + W > sorted && sorted < ranked.size()) {
            const std::size_t more = std::min(ranked.size(), std::max(first + W, 2 * sorted));
            std::partial_sort(ranked.begin() + static_cast<std::ptrdiff_t>(sorted),
                              ranked.begin() + static_cast<std::ptrdiff_t>(more), ranked.end());
            sorted = more;
        }
        batch.clear();
        for (std::size_t i = first; i < std::min(sorted, first + W); ++i)
            batch.push_back(ranked[i].slot);
        ++stats.rounds;
        found.assign(batch.size(), Result{});
        keepFound.assign(batch.size(), 0);
        fetch(batch, queue, buffer, records, stats, [&](std::size_t i) {
            const NodeRecord r = parse(batch[i], records[i]);
            if (accepted(r, f)) {
                found[i] = {exactDistance(q, r, v), batch[i], r.externalId};
                keepFound[i] = 1;
            }
        });
        for (std::size_t i = 0; i < batch.size(); ++i)
            if (keepFound[i])
                results.push_back(found[i]);
    }
    return results;
}

std::vector<Result> DiskIndex::Impl::filteredSearch(const float* q, const float* table,
                                                    std::uint32_t k, std::uint32_t L,
                                                    std::uint32_t W, const SearchFilter& f,
                                                    const LabelFilter& wanted, ReadQueue& queue,
                                                    SearchStats& stats) const {
    const std::optional<std::uint32_t> single = wanted.singleLabel();
    const LabelEntry* label = single ? findLabel(*single) : nullptr;
    if (single && !label)
        return {};
    // One label's carriers are listed in the file; for several groups the list is made only
    // when it is needed (a scan).
    std::vector<std::uint32_t> computed;
    const auto passing = [&]() -> std::span<const std::uint32_t> {
        if (label)
            return carriers(*single);
        if (computed.empty())
            computed =
                slotsPassing(wanted, header.count, [this](std::uint32_t l) { return carriers(l); });
        return computed;
    };
    const double expected = label ? static_cast<double>(label->size)
                                  : estimatedShare(wanted, header.count, [this](std::uint32_t l) {
                                        return carriers(l).size();
                                    }) * static_cast<double>(header.count);
    const bool rare =
        expected * 8 <= static_cast<double>(header.count) || expected <= static_cast<double>(L) * 4;
    if (rare)
        return slotScan(q, table, k, L, W, f, passing(), queue, stats);
    const double widened = std::ceil(static_cast<double>(L) * header.count / expected);
    std::vector<Result> results =
        graphSearch(q, table, static_cast<std::uint32_t>(std::min<double>(widened, header.count)),
                    W, f, label, queue, stats);
    if (results.size() < k)
        results = slotScan(q, table, k, L, W, f, passing(), queue, stats);
    return results;
}

DiskIndex::DiskIndex(std::unique_ptr<Impl> impl)
    : impl_(std::move(impl)) {}

DiskIndex::~DiskIndex() = default;

std::unique_ptr<DiskIndex> DiskIndex::open(const std::string& path,
                                           const DiskIndexOpenOptions& options) {
    // An update interrupted by a crash is redone (or dropped, if its log record is torn) first.
    WriteAheadLog::recover(path);
    auto impl = std::make_unique<Impl>(path, options);
    impl->load(options);
    return std::unique_ptr<DiskIndex>(new DiskIndex(std::move(impl)));
}

std::vector<SearchResult> DiskIndex::search(const float* query, std::uint32_t k, std::uint32_t L,
                                            std::uint32_t W, const SearchFilter& filter,
                                            SearchStats* statsOut) const {
    if (!query)
        throw std::invalid_argument("search: no query vector");
    SearchStats stats;
    std::vector<SearchResult> hits;
    const Impl& d = *impl_;
    std::shared_lock lock(d.updateLock);
    if (k == 0) {
        if (statsOut)
            *statsOut = stats;
        return hits;
    }
    // A list longer than the index buys nothing (and must not size allocations).
    L = std::min(std::max(L, k), d.header.count);
    W = std::clamp(W, 1u, L);

    std::vector<float> q(query, query + d.dim());
    if (d.header.metric == Metric::Cosine)
        normalize(q.data(), q.size());
    // Cosine steers by squared L2 between unit vectors (2 - 2 cos, the same order): the error
    // of L2 ADC shrinks with the distance to the query, that of inner-product ADC does not.
    std::vector<float> table(d.codec.tableSize());
    d.codec.computeTable(q.data(), table.data());

    // Per thread: a ring is never shared between searching threads.
    ReadQueue& queue = readQueueForThisThread(d.parallelReads);
    std::vector<Result> results;
    LabelFilter wanted = filter.labels;
    if (filter.label)
        wanted.anyOf({*filter.label});
    if (!wanted.passesAll()) {
        if (!wanted.passesNone())
            results =
                d.filteredSearch(q.data(), table.data(), k, L, W, filter, wanted, queue, stats);
    } else {
        results = d.graphSearch(q.data(), table.data(), L, W, filter, nullptr, queue, stats);
        // Deleted nodes are walked through but not returned: where they crowd the list, a
        // wider one reaches past them, up to the whole index.
        while (results.size() < k && L < d.header.count) {
            L = static_cast<std::uint32_t>(
                std::min<std::uint64_t>(std::uint64_t{L} * 2, d.header.count));
            results = d.graphSearch(q.data(), table.data(), L, W, filter, nullptr, queue, stats);
        }
    }

    const std::size_t n = std::min<std::size_t>(k, results.size());
    std::partial_sort(results.begin(), results.begin() + static_cast<std::ptrdiff_t>(n),
                      results.end());
    hits.reserve(n);
    for (std::size_t i = 0; i < n; ++i)
        hits.push_back({results[i].id, results[i].distance});
    if (statsOut)
        *statsOut = stats;
    return hits;
}

std::vector<SearchResult> DiskIndex::exactSearch(const float* query, std::uint32_t k,
                                                 const SearchFilter& filter) const {
    if (!query)
        throw std::invalid_argument("exactSearch: no query vector");
    const Impl& d = *impl_;
    std::shared_lock lock(d.updateLock);
    std::vector<float> q(query, query + d.dim());
    if (d.header.metric == Metric::Cosine)
        normalize(q.data(), q.size());
    std::vector<float> v(d.dim());
    std::priority_queue<Result> best; // worst of the best k on top
    if (k > 0)
        d.forEachNode(
            [&](std::uint32_t slot, const std::uint8_t* record) {
                const NodeRecord r = d.parse(slot, record);
                if (!d.accepted(r, filter))
                    return;
                const Result res{d.exactDistance(q.data(), r, v), slot, r.externalId};
                if (best.size() < k) {
                    best.push(res);
                } else if (res < best.top()) {
                    best.pop();
                    best.push(res);
                }
            },
            [](const std::uint8_t*, std::size_t) {});
    std::vector<SearchResult> hits(best.size());
    for (std::size_t i = hits.size(); i-- > 0; best.pop())
        hits[i] = {best.top().id, best.top().distance};
    return hits;
}

VerifyReport DiskIndex::verify() const {
    const Impl& d = *impl_;
    std::shared_lock lock(d.updateLock);
    VerifyReport report;
    const auto problem = [&](std::string text) {
        if (report.problems.size() < kMaxReportedProblems)
            report.problems.push_back(std::move(text));
        ++report.problemCount;
    };
    for (Section s :
         {Section::PqCodebook, Section::PqCodes, Section::Labels, Section::EntryPoints,
          Section::Rotation, Section::Coarse, Section::PointTerms, Section::LabelOverlay}) {
        try {
            d.readSection(s);
        } catch (const DiskIndexError& e) {
            problem(e.what());
        }
    }

    std::uint64_t labelRefs = 0;
    // The nodes section has no section checksum (records are rewritten in place): the bytes
    // outside the used records must be zero instead.
    bool paddingOk = true;
    const auto zero = [](const std::uint8_t* p, std::size_t n) {
        return std::all_of(p, p + n, [](std::uint8_t b) { return b == 0; });
    };
    const NodeLayout& layout = d.layout();
    d.forEachNode(
        [&](std::uint32_t slot, const std::uint8_t* record) {
            ++report.nodesChecked;
            const bool lastInSpan = layout.nodesPerSector == 0 || slot + 1 == d.header.count ||
                                    (slot + 1) % layout.nodesPerSector == 0;
            if (lastInSpan) {
                const std::size_t used = layout.offsetInSector(slot) + layout.nodeBytes;
                paddingOk = paddingOk && zero(record + layout.nodeBytes, d.spanBytes() - used);
            }
            NodeRecord r;
            if (std::string p = d.check(slot, record, r); !p.empty()) {
                problem(p);
                return;
            }
            report.edges += r.degree;
            for (std::uint32_t i = 0; i < r.labelCount; ++i) {
                const std::uint32_t l = loadLe32(r.labels + 4 * i);
                const std::span<const std::uint32_t> listedSlots = d.carriers(l);
                const bool listed =
                    std::binary_search(listedSlots.begin(), listedSlots.end(), slot);
                if (!listed)
                    problem("node " + num(slot) + ": label " + num(l) +
                            " missing from the label lists");
                ++labelRefs;
            }
            for (std::uint32_t i = 0; i < d.dim(); ++i) {
                float x;
                std::memcpy(&x, r.vector + 4 * i, sizeof x);
                if (!std::isfinite(x)) {
                    problem("node " + num(slot) + ": non-finite vector component");
                    break;
                }
            }
        },
        [](const std::uint8_t*, std::size_t) {});
    {
        // The spare slots beyond the last one in use.
        const std::uint64_t begin = layout.sectionBytes(d.header.count);
        const std::uint64_t end = d.header.section(Section::Nodes).bytes;
        std::vector<std::uint8_t> chunk(1 << 20);
        for (std::uint64_t at = begin; at < end && paddingOk; at += chunk.size()) {
            const auto n =
                static_cast<std::size_t>(std::min<std::uint64_t>(chunk.size(), end - at));
            d.file.readAt(d.nodesOffset() + at, chunk.data(), n);
            paddingOk = zero(chunk.data(), n);
        }
    }
    if (!paddingOk)
        problem("non-zero padding in section nodes");
    // A slot deleted and reused in place stays in the lists of its old labels (searches check
    // the record), so the lists may hold more entries than the nodes carry, never fewer.
    std::uint64_t listed = 0;
    for (const LabelEntry& e : d.labels)
        listed += d.carriers(e.label).size();
    for (const auto& [label, o] : d.overlayLabels)
        listed += d.findLabelInLists(label) ? 0 : o.slots.size();
    if (labelRefs > listed)
        problem("label lists hold " + num(listed) + " entries, nodes carry " + num(labelRefs));
    return report;
}

std::size_t DiskIndex::ramBytes() const {
    return impl_->ramBytesWithoutCache() + impl_->cacheBytes();
}

std::uint64_t DiskIndex::fileBytes() const {
    return impl_->header.fileBytes;
}

IndexInfo DiskIndex::info() const {
    const Impl& d = *impl_;
    std::shared_lock lock(d.updateLock);
    IndexInfo i;
    i.formatVersion = d.header.formatVersion;
    i.metric = d.header.metric;
    i.dimension = d.header.dimension;
    i.count = d.header.count;
    i.capacity = d.header.capacity;
    i.maxDegree = d.header.maxDegree;
    i.medoid = d.header.medoid;
    i.entryPoints = static_cast<std::uint32_t>(d.entries.size());
    i.pqSubspaces = d.header.pqSubspaces;
    i.coarseCentroids = d.header.coarseCount;
    const Rotation::Kind kind = d.codec.rotation().kind();
    i.rotation = kind == Rotation::Kind::Dense         ? "dense"
                 : kind == Rotation::Kind::Permutation ? "permutation"
                                                       : "identity";
    i.nodeBytes = d.layout().nodeBytes;
    i.nodesPerSector = d.layout().nodesPerSector;
    i.sectorsPerNode = d.layout().sectorsPerNode;
    i.maxLabelsPerNode = d.header.maxLabels;
    i.labelCount = d.header.labelCount;
    i.cachedNodes = static_cast<std::uint32_t>(d.cacheIndex.size());
    i.cacheBytes = d.cacheBytes();
    i.ramBudgetBytes = d.ramBudgetBytes;
    i.fileBytes = d.header.fileBytes;
    i.rawVectorBytes = std::uint64_t{d.header.count} * d.header.dimension * sizeof(float);
    i.ramBytes = ramBytes();
    i.directIo = d.file.directIo();
    i.directIoFallback = d.file.directIoFallback();
    i.readEngine = readEngineName(readQueueForThisThread(d.parallelReads).engine());
    return i;
}

} // namespace quiver::diskann
