#pragma once

#include "core/search/search_types.h"

#include <vector>

namespace quiver {

class PgConnection;

// Reads the rows behind ranked chunk ids in one query, keeps the ranking's order and scores,
// drops chunks the filters exclude (or that were deleted meanwhile), and stops at limit.
std::vector<SearchHit> hydrateResults(PgConnection& conn, const std::vector<RankedChunk>& ranked,
                                      const SearchFilters& filters, int limit);

} // namespace quiver
