#include "core/search/keyword_search.h"

#include "core/db/pg_connection.h"
#include "core/search/search_filter_sql.h"

namespace quiver {

std::vector<RankedChunk> keywordSearch(PgConnection& conn, const QString& text,
                                       const SearchFilters& filters, int limit) {
    if (text.trimmed().isEmpty() || limit <= 0)
        return {};
    QVariantList params{text, limit};
    const QString condition = searchFilterCondition(filters, params);
    // Two arms: indexed chunks through the GIN index on chunks.tsv (the tsquery is a scalar
    // expression, not a joined row, so the planner can use it), and chunks the text indexer
    // has not reached yet, found through the partial index on the pending rows and read by
    // computing their tsvector here, so that a chunk is searchable the moment it is stored.
    const PgResult r = conn.exec(
        QStringLiteral(
            "WITH cfg AS MATERIALIZED (SELECT quiver.text_search_config() AS config) "
            "SELECT id, score FROM ("
            "  SELECT c.id, ts_rank_cd(c.tsv, websearch_to_tsquery(quiver.text_search_config(),"
            "                                                      $1)) AS score"
            "  FROM quiver.chunks c JOIN quiver.documents d ON d.id = c.document_id"
            "  WHERE c.tsv @@ websearch_to_tsquery(quiver.text_search_config(), $1) AND %1"
            "  UNION ALL"
            "  SELECT c.id, ts_rank_cd(v.tsv, websearch_to_tsquery(cfg.config, $1))"
            "  FROM cfg, quiver.chunks c JOIN quiver.documents d ON d.id = c.document_id"
            "  CROSS JOIN LATERAL (SELECT to_tsvector(cfg.config, c.text) AS tsv) v"
            "  WHERE c.tsv IS NULL AND v.tsv @@ websearch_to_tsquery(cfg.config, $1) AND %1"
            ") hits ORDER BY score DESC, id LIMIT $2")
            .arg(condition),
        params);
    std::vector<RankedChunk> out;
    out.reserve(static_cast<std::size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i)
        out.push_back({r.toInt64(i, 0), r.toDouble(i, 1)});
    return out;
}

} // namespace quiver
