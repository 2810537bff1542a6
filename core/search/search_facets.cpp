#include "core/search/search_facets.h"

#include "core/db/pg_connection.h"

namespace quiver {

SearchFacets readSearchFacets(PgConnection& conn) {
    SearchFacets facets;
    const PgResult collections = conn.exec(
        QStringLiteral("SELECT id, name FROM quiver.collections ORDER BY lower(name), id"));
    for (int i = 0; i < collections.rows(); ++i)
        facets.collections.append({collections.toInt64(i, 0), collections.text(i, 1)});
    const PgResult types = conn.exec(QStringLiteral(
        "SELECT DISTINCT mime FROM quiver.documents WHERE mime IS NOT NULL ORDER BY mime"));
    for (int i = 0; i < types.rows(); ++i)
        facets.mimeTypes.append(types.text(i, 0));
    return facets;
}

} // namespace quiver
