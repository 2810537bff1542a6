#pragma once

#include "core/db/pg_connection.h"

#include <QString>

namespace quiver::test {

// Inserts one collection (Inbox unless named), one document and `count` chunks whose texts are
// distinct
// ("<prefix> chunk N ..."), with their sha256, as an importer would; returns the document id.
inline qint64 insertChunks(PgConnection& conn, int count,
                           const QString& prefix = QStringLiteral("doc"), int firstOrdinal = 0,
                           const QString& collection = QStringLiteral("Inbox")) {
    conn.exec(QStringLiteral("INSERT INTO quiver.collections (name) VALUES ($1) "
                             "ON CONFLICT (name) DO NOTHING"),
              {collection});
    const qint64 doc =
        conn.exec(QStringLiteral("INSERT INTO quiver.documents (collection_id, path) "
                                 "SELECT id, $1 FROM quiver.collections WHERE name = $2 "
                                 "ON CONFLICT (collection_id, path) DO UPDATE SET title = NULL "
                                 "RETURNING id"),
                  {QStringLiteral("/docs/%1.txt").arg(prefix), collection})
            .toInt64(0, 0);
    conn.exec(QStringLiteral("INSERT INTO quiver.chunks (document_id, ordinal, text, sha256) "
                             "SELECT $1, $4 + n, t, encode(sha256(convert_to(t, 'UTF8')), 'hex') "
                             "FROM generate_series(0, $2 - 1) n, "
                             "LATERAL (SELECT $3 || ' chunk ' || n || ' about topic '"
                             "                || (n % 97) || ' and more' AS t) x"),
              {doc, count, prefix, firstOrdinal});
    return doc;
}

} // namespace quiver::test
