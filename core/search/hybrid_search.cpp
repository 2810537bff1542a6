#include "core/search/hybrid_search.h"

#include "core/db/pg_connection.h"
#include "core/embed/embedder.h"
#include "core/search/keyword_search.h"
#include "core/search/result_hydrator.h"
#include "core/search/search_index.h"

#include <QHash>

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

HybridSearch::HybridSearch(PgConnection& conn, KeywordIndex* keywords, SearchIndex* index,
                           QueryEmbedder embed)
    : m_conn(conn)
    , m_keywords(keywords)
    , m_index(index)
    , m_embed(std::move(embed)) {}

std::vector<RankedChunk> HybridSearch::semantic(const std::vector<float>& query, int candidates,
                                                const SearchFilters& filters) {
    if (!m_index || !m_index->isOpen())
        throw SearchError("semantic search needs the vector index, which is not open yet");
    m_index->sync(m_conn);
    // Every filter is a label filter inside the index's search, so a selective one still yields
    // its candidates; hydration applies the exact conditions.
    return m_index->search(query, candidates, filters);
}

ArmRankings HybridSearch::rankings(const SearchRequest& request, int candidates) {
    ArmRankings arms;
    if (request.mode != SearchMode::Keyword) {
        if (!m_embed)
            throw SearchError("no embedder available for semantic search: add an embedding "
                              "profile, or search with --mode keyword");
        arms.semantic = semantic(m_embed(request.text), candidates, request.filters);
    }
    if (request.mode != SearchMode::Semantic) {
        if (!m_keywords || !m_keywords->isOpen())
            throw SearchError("keyword search needs the keyword index, which is not open yet");
        arms.keywordMatches =
            keywordSearch(m_conn, *m_keywords, request.text, request.filters, candidates);
        arms.keyword.reserve(arms.keywordMatches.size());
        for (const KeywordMatch& m : arms.keywordMatches)
            arms.keyword.push_back({m.chunkId, m.score});
    }
    return arms;
}

std::vector<SearchHit> HybridSearch::search(const SearchRequest& request) {
    if (request.text.trimmed().isEmpty() || request.k <= 0)
        return {};
    const int candidates = std::max(request.k * m_candidateFactor, m_minCandidates);
    const ArmRankings arms = rankings(request, candidates);
    std::vector<FusedChunk> fused;
    if (request.mode == SearchMode::Hybrid) {
        fused = fuseRankings(arms.keyword, arms.semantic, m_fusion);
    } else {
        // One arm keeps its own scores (BM25, cosine similarity).
        const bool keyword = request.mode == SearchMode::Keyword;
        const std::vector<RankedChunk>& list = keyword ? arms.keyword : arms.semantic;
        fused.reserve(list.size());
        for (std::size_t i = 0; i < list.size(); ++i) {
            const ArmRank rank{static_cast<int>(i + 1), list[i].score};
            fused.push_back({list[i].chunkId, list[i].score,
                             keyword ? std::optional(rank) : std::nullopt,
                             keyword ? std::nullopt : std::optional(rank)});
        }
    }
    std::vector<RankedChunk> ranked;
    ranked.reserve(fused.size());
    QHash<qint64, const FusedChunk*> byId;
    for (const FusedChunk& f : fused) {
        ranked.push_back({f.chunkId, f.score});
        byId.insert(f.chunkId, &f);
    }
    QHash<qint64, const KeywordMatch*> matches;
    for (const KeywordMatch& m : arms.keywordMatches)
        matches.insert(m.chunkId, &m);
    // With a limit per document, every candidate is read, so that the limit can make room.
    std::vector<SearchHit> hits =
        hydrateResults(m_conn, ranked, request.filters,
                       request.perDocument > 0 ? static_cast<int>(ranked.size()) : request.k);
    std::vector<SearchHit> out;
    QHash<qint64, int> perDocument;
    for (SearchHit& h : hits) {
        if (static_cast<int>(out.size()) == request.k)
            break;
        if (request.perDocument > 0 && ++perDocument[h.documentId] > request.perDocument)
            continue;
        if (const FusedChunk* f = byId.value(h.chunkId)) {
            h.keyword = f->keyword;
            h.semantic = f->semantic;
        }
        if (const KeywordMatch* m = matches.value(h.chunkId))
            h.matched = m->matched;
        out.push_back(std::move(h));
    }
    return out;
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
    std::vector<RankedChunk> ranked =
        semantic(std::vector<float>(v.begin(), v.end()),
                 std::max(k * m_candidateFactor, m_minCandidates) + 1, filters);
    std::erase_if(ranked, [chunkId](const RankedChunk& c) { return c.chunkId == chunkId; });
    return hydrateResults(m_conn, ranked, filters, k);
}

} // namespace quiver
