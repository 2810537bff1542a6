#include "core/ingest/library_reader.h"

#include "core/db/pg_connection.h"
#include "core/ingest/document_trash.h"

#include <QHash>

namespace quiver {

LibraryReader::LibraryReader(PgConnection& conn)
    : m_conn(conn) {}

QList<LibraryCollection> LibraryReader::read() {
    QList<LibraryCollection> out;
    QHash<qint64, qsizetype> index;
    const PgResult collections =
        m_conn.exec(QStringLiteral("SELECT id, name FROM quiver.collections ORDER BY name"));
    for (int i = 0; i < collections.rows(); ++i) {
        index.insert(collections.toInt64(i, 0), out.size());
        out.append({collections.toInt64(i, 0), collections.text(i, 1), {}});
    }
    // One pass over chunks and embeddings, grouped per document.
    const PgResult docs = m_conn.exec(
        QStringLiteral("SELECT d.id, d.collection_id, coalesce(d.title, ''), d.path, "
                       "coalesce(d.metadata->>'format', ''), coalesce(d.size_bytes, 0), "
                       "coalesce((d.metadata->>'pages')::int, 0), coalesce(s.chunks, 0), "
                       "coalesce(s.embedded, 0), to_char(d.imported_at AT TIME ZONE 'UTC', "
                       "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') "
                       "FROM quiver.documents d LEFT JOIN ("
                       "  SELECT c.document_id, count(*) AS chunks, "
                       "  count(*) FILTER (WHERE EXISTS (SELECT 1 FROM quiver.embeddings e "
                       "                                 WHERE e.chunk_id = c.id)) AS embedded "
                       "  FROM quiver.chunks c GROUP BY c.document_id) s ON s.document_id = d.id "
                       "ORDER BY d.collection_id, d.path"));
    for (int i = 0; i < docs.rows(); ++i) {
        const auto it = index.constFind(docs.toInt64(i, 1));
        if (it == index.constEnd())
            continue;
        LibraryDocument d;
        d.id = docs.toInt64(i, 0);
        d.title = docs.text(i, 2);
        d.path = docs.text(i, 3);
        d.format = docs.text(i, 4);
        d.sizeBytes = docs.toInt64(i, 5);
        d.pages = static_cast<int>(docs.toInt64(i, 6));
        d.chunks = docs.toInt64(i, 7);
        d.embeddedChunks = docs.toInt64(i, 8);
        d.importedAt = QDateTime::fromString(docs.text(i, 9), Qt::ISODate);
        out[*it].documents.append(d);
    }
    return out;
}

qint64 LibraryReader::trashDocuments(const QList<qint64>& ids) {
    return DocumentTrash(m_conn).moveDocuments(ids, QStringLiteral("deleted in the Library"),
                                               QStringLiteral("quiver"));
}

qint64 LibraryReader::trashCollection(qint64 id) {
    return DocumentTrash(m_conn).moveCollection(id, QStringLiteral("its collection was deleted"),
                                                QStringLiteral("quiver"));
}

} // namespace quiver
