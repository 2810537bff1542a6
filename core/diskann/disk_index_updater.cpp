#include "core/diskann/disk_index_updater.h"

#include "core/diskann/disk_index_impl.h"
#include "core/diskann/update_pages.h"
#include "core/diskann/update_search.h"
#include "core/diskann/write_ahead_log.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>

namespace quiver::diskann {

struct DiskIndexUpdater::State {
    State(const std::string& path, const DiskIndexUpdateOptions& o)
        : options(o)
        , log(path) {
        log.beforeStep = o.beforeWriteStep;
    }

    DiskIndexUpdateOptions options;
    WriteAheadLog log;
    std::unordered_map<std::uint64_t, std::uint32_t> slotOf; // live external ids
    std::vector<char> deleted;                               // per slot in use
    std::vector<std::uint32_t> free;                         // deleted slots to reuse
    std::unordered_set<std::uint32_t> entries;               // never reused: searches start there
    std::vector<std::uint8_t> termsImage;                    // the point_terms section
    std::vector<std::uint8_t> overlayImage;                  // the label_overlay section
    bool broken = false;
};

namespace {

// The sectors of a section that hold bytes [begin, end) of its image, as page images.
void addSectionPages(const DiskIndex::Impl& d, Section s, const std::vector<std::uint8_t>& image,
                     std::uint64_t begin, std::uint64_t end,
                     std::map<std::uint64_t, PageImage>& pages) {
    const std::uint64_t base = d.header.section(s).offset;
    for (std::uint64_t sector = begin / kSectorBytes; sector * kSectorBytes < end; ++sector) {
        const std::uint64_t at = sector * kSectorBytes;
        PageImage page{base + at, std::vector<std::uint8_t>(kSectorBytes, 0)};
        const std::size_t n =
            static_cast<std::size_t>(std::min<std::uint64_t>(kSectorBytes, image.size() - at));
        std::memcpy(page.bytes.data(), image.data() + at, n);
        pages[page.offset] = std::move(page);
    }
}

struct NodeFields {
    std::uint64_t id = 0;
    bool deleted = false;
    std::vector<float> vector;
    std::vector<std::uint32_t> neighbors;
    std::vector<std::uint32_t> labels;
};

NodeFields readFields(const DiskIndex::Impl& d, std::uint32_t slot, const std::uint8_t* record) {
    const NodeRecord r = d.parse(slot, record);
    NodeFields f;
    f.id = r.externalId;
    f.deleted = r.deleted;
    f.vector.resize(d.dim());
    std::memcpy(f.vector.data(), r.vector, std::size_t{d.dim()} * sizeof(float));
    for (std::uint32_t i = 0; i < r.degree; ++i)
        f.neighbors.push_back(r.neighbor(i));
    for (std::uint32_t i = 0; i < r.labelCount; ++i)
        f.labels.push_back(loadLe32(r.labels + 4 * i));
    return f;
}

void writeFields(const DiskIndex::Impl& d, UpdatePages& pages, std::uint32_t slot,
                 const NodeFields& f) {
    std::uint8_t* r = pages.writable(slot);
    std::memset(r, 0, d.layout().nodeBytes);
    storeLe64(r, f.id);
    storeLe32(r + 8,
              static_cast<std::uint32_t>(f.neighbors.size()) | (f.deleted ? kDeletedFlag : 0));
    storeLe32(r + 12, static_cast<std::uint32_t>(f.labels.size()));
    std::memcpy(r + 16, f.vector.data(), std::size_t{d.dim()} * sizeof(float));
    std::uint8_t* p = r + 16 + std::size_t{d.dim()} * 4;
    for (std::size_t i = 0; i < f.neighbors.size(); ++i)
        storeLe32(p + 4 * i, f.neighbors[i]);
    p += std::size_t{d.header.maxDegree} * 4;
    for (std::size_t i = 0; i < f.labels.size(); ++i)
        storeLe32(p + 4 * i, f.labels[i]);
    pages.seal(slot);
}

} // namespace

DiskIndexUpdater::DiskIndexUpdater(std::unique_ptr<DiskIndex> index, std::unique_ptr<State> state)
    : index_(std::move(index))
    , state_(std::move(state)) {}

DiskIndexUpdater::~DiskIndexUpdater() = default;

std::unique_ptr<DiskIndexUpdater> DiskIndexUpdater::open(const std::string& path,
                                                         const DiskIndexUpdateOptions& options) {
    if (options.L == 0 || options.W == 0 || !(options.alpha >= 1.0f))
        throw std::invalid_argument("index updater: L and W must be positive and alpha at least 1");
    auto index = DiskIndex::open(path, options.open);
    auto state = std::make_unique<State>(path, options);
    DiskIndex::Impl& d = *index->impl_;
    state->deleted.assign(d.header.count, 0);
    state->entries.insert(d.entries.begin(), d.entries.end());
    d.forEachNode(
        [&](std::uint32_t slot, const std::uint8_t* record) {
            const NodeRecord r = d.parse(slot, record);
            if (r.deleted) {
                state->deleted[slot] = 1;
                if (!state->entries.count(slot))
                    state->free.push_back(slot);
            } else if (!state->slotOf.emplace(r.externalId, slot).second) {
                throw DiskIndexError("external id " + num(r.externalId) + " is live twice");
            }
        },
        [](const std::uint8_t*, std::size_t) {});
    state->termsImage = d.readSection(Section::PointTerms);
    state->overlayImage = d.readSection(Section::LabelOverlay);
    return std::unique_ptr<DiskIndexUpdater>(
        new DiskIndexUpdater(std::move(index), std::move(state)));
}

bool DiskIndexUpdater::contains(std::uint64_t externalId) const {
    std::shared_lock lock(index_->impl_->updateLock);
    return state_->slotOf.count(externalId) != 0;
}

std::uint32_t DiskIndexUpdater::liveCount() const {
    std::shared_lock lock(index_->impl_->updateLock);
    return static_cast<std::uint32_t>(state_->slotOf.size());
}

std::uint32_t DiskIndexUpdater::freeSlots() const {
    std::shared_lock lock(index_->impl_->updateLock);
    const FileHeader& h = index_->impl_->header;
    return static_cast<std::uint32_t>(state_->free.size()) + (h.capacity - h.count);
}

void DiskIndexUpdater::insert(std::uint64_t externalId, const float* vector,
                              std::span<const std::uint32_t> labels) {
    DiskIndex::Impl& d = *index_->impl_;
    State& s = *state_;
    if (!vector)
        throw std::invalid_argument("insert: no vector");
    std::vector<std::uint32_t> sortedLabels(labels.begin(), labels.end());
    std::sort(sortedLabels.begin(), sortedLabels.end());
    sortedLabels.erase(std::unique(sortedLabels.begin(), sortedLabels.end()), sortedLabels.end());
    NodeFields node;
    node.id = externalId;
    node.vector.assign(vector, vector + d.dim());
    node.labels = sortedLabels;
    if (!std::all_of(node.vector.begin(), node.vector.end(),
                     [](float x) { return std::isfinite(x); }))
        throw std::invalid_argument("insert: non-finite vector component");
    if (node.labels.size() > d.header.maxLabels)
        throw std::invalid_argument("insert: " + num(node.labels.size()) +
                                    " labels, the file's records hold " + num(d.header.maxLabels));
    if (d.header.metric == Metric::Cosine)
        normalize(node.vector.data(), node.vector.size());

    std::unique_lock lock(d.updateLock);
    if (s.broken)
        throw DiskIndexError("index updater: an earlier update failed; reopen the index");
    if (s.slotOf.count(externalId))
        throw std::invalid_argument("insert: external id " + num(externalId) + " is already live");
    if (s.free.empty() && d.header.count == d.header.capacity)
        throw DiskIndexError("index full: no free slot among " + num(d.header.capacity) +
                             "; compact it with the streaming merge");
    s.broken = true; // until this update is committed
    const std::uint32_t slot = s.free.empty() ? d.header.count : s.free.back();
    const std::uint32_t R = d.header.maxDegree;
    const std::uint32_t dim = d.dim();
    UpdatePages pages(d);

    // Neighbours: the visited nodes, robust-pruned with exact vectors.
    const std::vector<VisitedNode> visited =
        updateSearch(d, pages, node.vector.data(), s.options.L, s.options.W);
    std::vector<std::vector<float>> vectors;
    vectors.reserve(visited.size());
    std::vector<PruneCandidate> pool;
    for (const VisitedNode& v : visited) {
        if (v.slot == slot || (v.slot < s.deleted.size() && s.deleted[v.slot]))
            continue;
        const NodeRecord r = d.parse(v.slot, pages.record(v.slot));
        vectors.emplace_back(dim);
        std::memcpy(vectors.back().data(), r.vector, std::size_t{dim} * sizeof(float));
        pool.push_back({l2Squared(node.vector.data(), vectors.back().data(), dim), v.slot,
                        vectors.back().data(), false});
    }
    node.neighbors = robustPrune(pool, s.options.alpha, R, dim);

    // Back-edges; a full list is pruned again, its members by their PQ reconstructions.
    std::vector<float> recon;
    for (const std::uint32_t n : node.neighbors) {
        NodeFields f = readFields(d, n, pages.record(n));
        if (std::find(f.neighbors.begin(), f.neighbors.end(), slot) != f.neighbors.end())
            continue;
        if (f.neighbors.size() >= R)
            std::erase_if(f.neighbors,
                          [&](std::uint32_t x) { return x < s.deleted.size() && s.deleted[x]; });
        if (f.neighbors.size() < R) {
            f.neighbors.push_back(slot);
        } else {
            recon.resize(std::size_t{dim} * f.neighbors.size());
            std::vector<PruneCandidate> candidates;
            for (std::size_t i = 0; i < f.neighbors.size(); ++i) {
                const std::uint32_t x = f.neighbors[i];
                float* y = recon.data() + i * dim;
                d.codec.decode(d.codes.data() + std::size_t{x} * d.codec.codeBytes(),
                               d.coarseIds[x], y);
                candidates.push_back({l2Squared(f.vector.data(), y, dim), x, y, true});
            }
            candidates.push_back({l2Squared(f.vector.data(), node.vector.data(), dim), slot,
                                  node.vector.data(), false});
            f.neighbors = robustPrune(std::move(candidates), s.options.alpha, R, dim);
        }
        writeFields(d, pages, n, f);
    }
    writeFields(d, pages, slot, node);

    // PQ code and point terms from the file's codec.
    const std::uint32_t M = d.codec.codeBytes();
    const VectorCodec::PointTerms terms =
        d.codec.encode(node.vector.data(), d.codes.data() + std::size_t{slot} * M);
    d.coarseIds[slot] = terms.coarse;
    d.biases[slot] = terms.bias;
    s.termsImage[2 * std::size_t{slot}] = static_cast<std::uint8_t>(terms.coarse);
    s.termsImage[2 * std::size_t{slot} + 1] = static_cast<std::uint8_t>(terms.coarse >> 8);
    const std::uint64_t biasAt = pointTermsBiasOffset(d.header.capacity) + 4 * std::uint64_t{slot};
    std::memcpy(s.termsImage.data() + biasAt, &terms.bias, sizeof(float));

    std::map<std::uint64_t, PageImage> sectionPages;
    addSectionPages(d, Section::PqCodes, d.codes, std::uint64_t{slot} * M,
                    std::uint64_t{slot + 1} * M, sectionPages);
    addSectionPages(d, Section::PointTerms, s.termsImage, 2 * std::uint64_t{slot},
                    2 * std::uint64_t{slot} + 2, sectionPages);
    addSectionPages(d, Section::PointTerms, s.termsImage, biasAt, biasAt + 4, sectionPages);
    if (!node.labels.empty() &&
        std::find(d.overlaySlots.begin(), d.overlaySlots.end(), slot) == d.overlaySlots.end()) {
        const std::uint64_t at = 4 * std::uint64_t{d.header.overlayCount};
        storeLe32(s.overlayImage.data() + at, slot);
        addSectionPages(d, Section::LabelOverlay, s.overlayImage, at, at + 4, sectionPages);
        d.overlaySlots.push_back(slot);
        ++d.header.overlayCount;
    }
    if (!node.labels.empty())
        d.addOverlayLabels(slot, node.labels);
    d.header.count = std::max(d.header.count, slot + 1);
    d.header.section(Section::PqCodes).crc = crc32c(d.codes.data(), d.codes.size());
    d.header.section(Section::PointTerms).crc = crc32c(s.termsImage.data(), s.termsImage.size());
    d.header.section(Section::LabelOverlay).crc =
        crc32c(s.overlayImage.data(), s.overlayImage.size());

    std::vector<PageImage> images;
    images.push_back({0, encodeHeader(d.header)});
    for (auto& [offset, page] : sectionPages)
        images.push_back(std::move(page));
    pages.collect(images);
    UpdateIo io;
    io.updates = 1;
    io.sectorsRead = pages.sectorsRead();
    for (const PageImage& p : images)
        io.sectorsWritten += p.bytes.size() / kSectorBytes;
    io.logBytes = s.log.commit(images);

    if (slot == s.deleted.size())
        s.deleted.push_back(0);
    else
        s.free.pop_back();
    s.deleted[slot] = 0;
    s.slotOf[externalId] = slot;
    last_ = io;
    total_ += io;
    s.broken = false;
}

bool DiskIndexUpdater::remove(std::uint64_t externalId) {
    DiskIndex::Impl& d = *index_->impl_;
    State& s = *state_;
    std::unique_lock lock(d.updateLock);
    if (s.broken)
        throw DiskIndexError("index updater: an earlier update failed; reopen the index");
    const auto found = s.slotOf.find(externalId);
    if (found == s.slotOf.end())
        return false;
    s.broken = true; // until this update is committed
    const std::uint32_t p = found->second;
    const std::uint32_t R = d.header.maxDegree;
    const std::uint32_t dim = d.dim();
    UpdatePages pages(d);
    NodeFields gone = readFields(d, p, pages.record(p));
    const auto isDeleted = [&](std::uint32_t x) { return x == p || s.deleted[x]; };
    std::vector<std::uint32_t> outNeighbors;
    for (const std::uint32_t x : gone.neighbors)
        if (!isDeleted(x))
            outNeighbors.push_back(x);

    // In-neighbours: the nodes a search near the deleted vector reads that link to it. Each
    // drops the edge and gains its nearest few of the deleted node's out-neighbours.
    const std::vector<VisitedNode> visited =
        updateSearch(d, pages, gone.vector.data(), s.options.L, s.options.W);
    std::vector<float> table(d.codec.tableSize());
    std::vector<float> recon;
    for (const VisitedNode& v : visited) {
        if (isDeleted(v.slot))
            continue;
        NodeFields z = readFields(d, v.slot, pages.record(v.slot));
        if (std::find(z.neighbors.begin(), z.neighbors.end(), p) == z.neighbors.end())
            continue;
        std::erase_if(z.neighbors, isDeleted);
        d.codec.computeTable(z.vector.data(), table.data());
        std::vector<Scored> offers;
        for (const std::uint32_t x : outNeighbors)
            if (x != v.slot &&
                std::find(z.neighbors.begin(), z.neighbors.end(), x) == z.neighbors.end())
                offers.push_back({d.pqDistance(table.data(), x), x});
        std::sort(offers.begin(), offers.end());
        offers.resize(std::min<std::size_t>(offers.size(), s.options.repairEdges));
        const std::size_t kept = z.neighbors.size();
        for (const Scored& o : offers)
            z.neighbors.push_back(o.slot);
        if (z.neighbors.size() > R) {
            recon.resize(std::size_t{dim} * z.neighbors.size());
            std::vector<PruneCandidate> candidates;
            for (std::size_t i = 0; i < z.neighbors.size(); ++i) {
                const std::uint32_t x = z.neighbors[i];
                float* y = recon.data() + i * dim;
                d.codec.decode(d.codes.data() + std::size_t{x} * d.codec.codeBytes(),
                               d.coarseIds[x], y);
                candidates.push_back({l2Squared(z.vector.data(), y, dim), x, y, i < kept});
            }
            z.neighbors = robustPrune(std::move(candidates), s.options.alpha, R, dim);
        }
        writeFields(d, pages, v.slot, z);
    }
    // Flagged, not cleared: searches still pass through it until the slot is reused.
    gone.deleted = true;
    writeFields(d, pages, p, gone);

    std::vector<PageImage> images;
    pages.collect(images);
    UpdateIo io;
    io.updates = 1;
    io.sectorsRead = pages.sectorsRead();
    for (const PageImage& img : images)
        io.sectorsWritten += img.bytes.size() / kSectorBytes;
    io.logBytes = s.log.commit(images);

    s.deleted[p] = 1;
    s.slotOf.erase(found);
    if (!s.entries.count(p))
        s.free.push_back(p);
    last_ = io;
    total_ += io;
    s.broken = false;
    return true;
}

} // namespace quiver::diskann
