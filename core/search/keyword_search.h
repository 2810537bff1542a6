#pragma once

#include "core/search/search_types.h"

#include <vector>

namespace quiver {

class PgConnection;

// PostgreSQL full-text search over quiver.chunks.tsv: the query is parsed by
// websearch_to_tsquery (quoted phrases, OR, -word) with the database's text-search
// configuration, matches are found through the GIN index and ranked by ts_rank_cd. Chunks the
// text indexer has not reached yet (see TextIndexer) are read too, with the same ranks.
// Returns at most limit chunks, best first.
std::vector<RankedChunk> keywordSearch(PgConnection& conn, const QString& text,
                                       const SearchFilters& filters, int limit);

} // namespace quiver
