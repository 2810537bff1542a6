#include "core/search/hybrid_search.h"

#include "core/db/pg_connection.h"
#include "core/embed/embedder.h"
#include "core/search/keyword_search.h"
#include "core/search/result_hydrator.h"
#include "core/search/rrf_fusion.h"
#include "core/search/search_index.h"

#include <algorithm>

namespace quiver {

QueryEmbedder queryEmbedderFor(Embedder& embedder) {
    return [&embedder](const QString& text) {
        auto vectors = embedder.embed(QStringList{text});
        if (vectors.size() != 1)
            throw SearchError("the embedder returned no vector for the query");
        return std::move(vectors.front());
    };
}

HybridSearch::HybridSearch(PgConnection& conn, SearchIndex* index, QueryEmbedder embed)
    : m_conn(conn)
    , m_index(index)
    , m_embed(std::move(embed)) {}

std::vector<RankedChunk> HybridSearch::semantic(const std::vector<float>& query, int candidates,
                                                const SearchFilters& filters) {
    if (!m_index || !m_index->isOpen())
        throw SearchError("semantic search needs the vector index, which is not open yet");
    m_index->sync(m_conn);
    // One collection is the index's label filter; several are filtered while hydrating, so
    // more candidates are taken.
    if (filters.collectionIds.size() == 1)
        return m_index->search(query, candidates, filters.collectionIds.front());
    const int factor = filters.isEmpty() ? 1 : 4;
    return m_index->search(query, candidates * factor);
}

std::vector<SearchHit> HybridSearch::search(const SearchRequest& request) {
    if (request.text.trimmed().isEmpty() || request.k <= 0)
        return {};
    const int candidates = std::max(request.k * m_candidateFactor, 50);
    std::vector<std::vector<RankedChunk>> lists;
    if (request.mode != SearchMode::Keyword) {
        if (!m_embed)
            throw SearchError("no embedder available for semantic search: add an embedding "
                              "profile, or search with --mode keyword");
        lists.push_back(semantic(m_embed(request.text), candidates, request.filters));
    }
    if (request.mode != SearchMode::Semantic)
        lists.push_back(keywordSearch(m_conn, request.text, request.filters, candidates));
    // A single ranking keeps its own scores (cosine similarity, ts_rank_cd); several are fused.
    const std::vector<RankedChunk> ranked =
        lists.size() == 1 ? lists.front() : fuseReciprocalRanks(lists);
    return hydrateResults(m_conn, ranked, request.filters, request.k);
}

std::vector<SearchHit> HybridSearch::moreLikeThis(qint64 chunkId, int k,
                                                  const SearchFilters& filters) {
    if (!m_index || !m_index->isOpen())
        throw SearchError("\"more like this\" needs the vector index, which is not open yet");
    const PgResult r = m_conn.exec(
        QStringLiteral("SELECT vector FROM quiver.embeddings WHERE chunk_id = $1 AND model = $2"),
        {chunkId, m_index->model()});
    if (r.rows() == 0)
        throw SearchError("this passage has no embedding yet");
    const QList<float> v = r.toFloatArray(0, 0);
    std::vector<RankedChunk> ranked = semantic(std::vector<float>(v.begin(), v.end()),
                                               std::max(k * m_candidateFactor, 50) + 1, filters);
    std::erase_if(ranked, [chunkId](const RankedChunk& c) { return c.chunkId == chunkId; });
    return hydrateResults(m_conn, ranked, filters, k);
}

} // namespace quiver
