#include "core/diskann/update_search.h"

#include "core/diskann/candidate_list.h"

#include <algorithm>
#include <optional>

namespace quiver::diskann {

std::vector<VisitedNode> updateSearch(const DiskIndex::Impl& d, UpdatePages& pages,
                                      const float* query, std::uint32_t L, std::uint32_t W) {
    L = std::clamp(L, 1u, d.header.count);
    W = std::max(W, 1u);
    std::vector<float> table(d.codec.tableSize());
    d.codec.computeTable(query, table.data());
    CandidateList list(L);
    const auto offer = [&](std::uint32_t slot) {
        if (!list.seen(slot))
            list.offer(slot, d.pqDistance(table.data(), slot));
    };
    // The entry points nearest the query, as the reader's searches start.
    std::vector<Scored> ranked(d.entries.size());
    for (std::size_t i = 0; i < d.entries.size(); ++i)
        ranked[i] = {d.pqDistance(table.data(), d.entries[i]), d.entries[i]};
    std::sort(ranked.begin(), ranked.end());
    for (std::size_t i = 0; i < std::min<std::size_t>(ranked.size(), std::max(W, 4u)); ++i)
        offer(ranked[i].slot);

    const DistanceFn distance = distanceFunction(d.header.metric);
    std::vector<float> v(d.dim());
    std::vector<VisitedNode> visited;
    for (;;) {
        std::vector<std::uint32_t> frontier;
        while (frontier.size() < W) {
            const std::optional<std::uint32_t> next = list.takeBest();
            if (!next)
                break;
            frontier.push_back(*next);
        }
        if (frontier.empty())
            break;
        for (const std::uint32_t slot : frontier) {
            const NodeRecord r = d.parse(slot, pages.record(slot));
            std::memcpy(v.data(), r.vector, std::size_t{d.dim()} * sizeof(float));
            const float exact = sane(distance(query, v.data(), d.dim()));
            visited.push_back({exact, slot});
            list.setDistance(slot, exact);
            for (std::uint32_t j = 0; j < r.degree; ++j)
                offer(r.neighbor(j));
        }
        list.reorder();
    }
    std::sort(visited.begin(), visited.end(), [](const VisitedNode& a, const VisitedNode& b) {
        return a.distance < b.distance || (a.distance == b.distance && a.slot < b.slot);
    });
    return visited;
}

std::vector<std::uint32_t> robustPrune(std::vector<PruneCandidate> candidates, float alpha,
                                       std::uint32_t R, std::uint32_t dim) {
    std::sort(candidates.begin(), candidates.end(),
              [](const PruneCandidate& a, const PruneCandidate& b) {
                  return a.distance < b.distance || (a.distance == b.distance && a.slot < b.slot);
              });
    std::vector<const PruneCandidate*> kept;
    std::vector<std::uint32_t> out;
    for (const PruneCandidate& c : candidates) {
        if (kept.size() == R)
            break;
        if (std::any_of(out.begin(), out.end(), [&](std::uint32_t s) { return s == c.slot; }))
            continue;
        const bool occluded = std::any_of(kept.begin(), kept.end(), [&](const PruneCandidate* k) {
            return !(k->settled && c.settled) &&
                   alpha * l2Squared(k->vector, c.vector, dim) <= c.distance;
        });
        if (!occluded) {
            kept.push_back(&c);
            out.push_back(c.slot);
        }
    }
    return out;
}

} // namespace quiver::diskann
