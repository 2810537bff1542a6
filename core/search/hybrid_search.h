#pragma once

#include "core/search/keyword_index.h"
#include "core/search/rank_fusion.h"
#include "core/search/search_types.h"

#include <functional>
#include <stdexcept>
#include <vector>

namespace quiver {

class Embedder;
class KeywordIndex;
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

// Both arms' candidates before fusion, best first.
struct ArmRankings {
    std::vector<RankedChunk> keyword;
    std::vector<RankedChunk> semantic;
    std::vector<KeywordMatch> keywordMatches; // the keyword arm's, with the words matched
};

// Query -> (BM25 over the keyword index) + (embed -> vector index) -> fusion (FusionParams) ->
// rows hydrated from the database. Keyword mode needs neither vector index nor embedder,
// semantic mode no keyword index. Blocking; runs on the thread that owns conn.
class HybridSearch {
public:
    HybridSearch(PgConnection& conn, KeywordIndex* keywords, SearchIndex* index,
                 QueryEmbedder embed);

    // Candidates taken from each ranking before fusion: at least this many, and at least
    // candidateFactor × k.
    void setCandidates(int minimum, int factor) {
        m_minCandidates = minimum;
        m_candidateFactor = factor;
    }
    void setFusion(const FusionParams& params) { m_fusion = params; }

    std::vector<SearchHit> search(const SearchRequest& request);
    // The arms' candidate lists for a request (those its mode uses), unfused.
    ArmRankings rankings(const SearchRequest& request, int candidates);
    // The chunks nearest to a stored chunk's own vector (the chunk itself left out).
    std::vector<SearchHit> moreLikeThis(qint64 chunkId, int k, const SearchFilters& filters = {});

private:
    std::vector<RankedChunk> semantic(const std::vector<float>& query, int candidates,
                                      const SearchFilters& filters);

    PgConnection& m_conn;
    KeywordIndex* m_keywords = nullptr;
    SearchIndex* m_index = nullptr;
    QueryEmbedder m_embed;
    int m_minCandidates = 100;
    int m_candidateFactor = 4;
    FusionParams m_fusion;
};

} // namespace quiver
