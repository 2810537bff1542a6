#include "core/search/result_hydrator.h"

#include "core/db/pg_connection.h"
#include "core/search/search_filter_sql.h"

#include <QHash>

namespace quiver {

std::vector<SearchHit> hydrateResults(PgConnection& conn, const std::vector<RankedChunk>& ranked,
                                      const SearchFilters& filters, int limit) {
    if (ranked.empty() || limit <= 0)
        return {};
    QList<qint64> ids;
    QHash<qint64, double> scores;
    ids.reserve(static_cast<qsizetype>(ranked.size()));
    for (const RankedChunk& r : ranked) {
        ids.append(r.chunkId);
        scores.insert(r.chunkId, r.score);
    }
    QVariantList params{bigintArrayLiteral(ids), limit};
    const QString condition = searchFilterCondition(filters, params);
    const PgResult r = conn.exec(
        QStringLiteral("SELECT c.id, c.document_id, c.ordinal, c.text, d.path, d.title, d.mime, "
                       "col.name, c.page "
                       "FROM unnest($1::bigint[]) WITH ORDINALITY AS u(id, pos) "
                       "JOIN quiver.chunks c ON c.id = u.id "
                       "JOIN quiver.documents d ON d.id = c.document_id "
                       "JOIN quiver.collections col ON col.id = d.collection_id "
                       "WHERE %1 ORDER BY u.pos LIMIT $2")
            .arg(condition),
        params);
    std::vector<SearchHit> hits;
    hits.reserve(static_cast<std::size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i) {
        SearchHit h;
        h.chunkId = r.toInt64(i, 0);
        h.documentId = r.toInt64(i, 1);
        h.ordinal = static_cast<int>(r.toInt64(i, 2));
        h.text = r.text(i, 3);
        h.path = r.text(i, 4);
        h.title = r.text(i, 5);
        h.mime = r.text(i, 6);
        h.collection = r.text(i, 7);
        if (!r.isNull(i, 8))
            h.page = static_cast<int>(r.toInt64(i, 8));
        h.score = scores.value(h.chunkId);
        hits.push_back(std::move(h));
    }
    return hits;
}

} // namespace quiver
