#pragma once

// Searches and pruning of in-place updates (internal to DiskIndexUpdater).

#include "core/diskann/disk_index_impl.h"
#include "core/diskann/update_pages.h"

#include <cstdint>
#include <vector>

namespace quiver::diskann {

struct VisitedNode {
    float distance; // exact, to the query
    std::uint32_t slot;
};

// A beam search of the file for `query` (normalised already for Cosine): list of L steered by
// PQ distances, W records read per round, through deleted nodes too. Returns every node whose
// record was read, nearest first; the records stay available through `pages`.
std::vector<VisitedNode> updateSearch(const DiskIndex::Impl& d, UpdatePages& pages,
                                      const float* query, std::uint32_t L, std::uint32_t W);

struct PruneCandidate {
    float distance; // squared L2 to the node being linked
    std::uint32_t slot;
    const float* vector; // exact, or a PQ reconstruction
    // Already a neighbour: pruned against one another once with exact vectors, so
    // reconstructions do not reopen that decision.
    bool settled = false;
};

// DiskANN's robust prune: candidates nearest first; one is kept unless a kept one is closer
// to it, by a factor alpha, than the node is. At most R kept.
std::vector<std::uint32_t> robustPrune(std::vector<PruneCandidate> candidates, float alpha,
                                       std::uint32_t R, std::uint32_t dim);

} // namespace quiver::diskann
