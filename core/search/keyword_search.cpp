#include "core/search/keyword_search.h"

#include "core/db/pg_connection.h"
#include "core/search/search_filter_sql.h"

#include <unordered_set>

namespace quiver {

std::vector<KeywordMatch> keywordSearch(PgConnection& conn, KeywordIndex& index,
                                        const QString& text, const SearchFilters& filters,
                                        int limit) {
    if (text.trimmed().isEmpty() || limit <= 0)
        return {};
    index.sync(conn);
    if (filters.isEmpty())
        return index.search(text, limit);
    QVariantList params;
    const QString condition = searchFilterCondition(filters, params);
    const PgResult r = conn.exec(
        QStringLiteral("SELECT d.id FROM quiver.documents d WHERE %1").arg(condition), params);
    std::unordered_set<qint64> allowed;
    allowed.reserve(static_cast<std::size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i)
        allowed.insert(r.toInt64(i, 0));
    if (allowed.empty())
        return {};
    return index.search(text, limit,
                        [&allowed](qint64 document) { return allowed.contains(document); });
}

} // namespace quiver
