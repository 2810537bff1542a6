#pragma once

#include "core/map/map_clusters.h"

#include <cstdint>
#include <string>
#include <vector>

namespace quiver::map {

// Per point its analysed terms (already stemmed and stop-worded by the caller). Returns, per
// cluster, up to `perCluster` terms most distinctive of the cluster against the rest, best first:
// the log-odds ratio of the share of points carrying the term, with an informative Dirichlet prior
// (the term's share over all points), as a z-score. A term must be over-represented and carried
// by at least 2 points (1 in a cluster of one point) and 2% of the cluster. Ties go to the
// alphabetically first term. Points beyond clusters.clusterOf are ignored.
std::vector<std::vector<std::string>>
distinctiveTerms(const std::vector<std::vector<std::string>>& termsPerPoint,
                 const MapClusters& clusters, std::uint32_t perCluster);

} // namespace quiver::map
