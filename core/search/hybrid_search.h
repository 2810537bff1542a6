#pragma once

#include "core/search/search_types.h"

#include <functional>
#include <stdexcept>
#include <vector>

namespace quiver {

class Embedder;
class PgConnection;
class SearchIndex;

// A search that cannot run as asked: no embedder or index for semantic search, a query vector
// of the wrong size. The message says what to do.
class SearchError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Turns the query text into a vector with the model that embedded the collection.
using QueryEmbedder = std::function<std::vector<float>(const QString& text)>;
QueryEmbedder queryEmbedderFor(Embedder& embedder);

// Query -> (embed -> vector index) + (PostgreSQL full-text) -> reciprocal rank fusion ->
// rows hydrated from the database. Keyword mode needs neither index nor embedder.
// Blocking; runs on the thread that owns conn.
class HybridSearch {
public:
    HybridSearch(PgConnection& conn, SearchIndex* index, QueryEmbedder embed);

    // Candidates taken from each ranking before fusion, as a multiple of k.
    void setCandidateFactor(int factor) { m_candidateFactor = factor; }

    std::vector<SearchHit> search(const SearchRequest& request);
    // The chunks nearest to a stored chunk's own vector (the chunk itself left out).
    std::vector<SearchHit> moreLikeThis(qint64 chunkId, int k, const SearchFilters& filters = {});

private:
    std::vector<RankedChunk> semantic(const std::vector<float>& query, int candidates,
                                      const SearchFilters& filters);

    PgConnection& m_conn;
    SearchIndex* m_index = nullptr;
    QueryEmbedder m_embed;
    int m_candidateFactor = 4;
};

} // namespace quiver
