#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace quiver {

class PgConnection;

struct CollectionFacet {
    qint64 id = 0;
    QString name;
};

// What a search can be narrowed to: the collections and the document types that are stored.
struct SearchFacets {
    QList<CollectionFacet> collections; // by name
    QStringList mimeTypes;              // the distinct documents.mime values, sorted
};

SearchFacets readSearchFacets(PgConnection& conn);

} // namespace quiver
