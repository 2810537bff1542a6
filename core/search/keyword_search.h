#pragma once

#include "core/search/keyword_index.h"
#include "core/search/search_types.h"

#include <vector>

namespace quiver {

class PgConnection;

// BM25 keyword search (KeywordIndex) restricted by the search filters: the documents that pass
// them are read from the database first, so a selective filter still fills the list. Brings
// the index up to date with the database before searching. Returns at most limit chunks, best
// first.
std::vector<KeywordMatch> keywordSearch(PgConnection& conn, KeywordIndex& index,
                                        const QString& text, const SearchFilters& filters,
                                        int limit);

} // namespace quiver
