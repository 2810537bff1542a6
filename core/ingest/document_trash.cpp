#include "core/ingest/document_trash.h"

#include "core/db/pg_connection.h"

#include <QSettings>
#include <QStringList>

namespace quiver {

namespace {

constexpr int kDefaultKeepDays = 30;

// Ids travel as text[] (which PgConnection encodes) and are cast on the server.
QStringList idTexts(const QList<qint64>& ids) {
    QStringList out;
    out.reserve(ids.size());
    for (const qint64 id : ids)
        out.append(QString::number(id));
    return out;
}

} // namespace

int DocumentTrash::keepDays(const QSettings& settings) {
    bool ok = false;
    const int days = settings.value(daysKey(), kDefaultKeepDays).toInt(&ok);
    return ok && days >= 1 ? days : kDefaultKeepDays;
}

DocumentTrash::DocumentTrash(PgConnection& conn)
    : m_conn(conn) {}

qint64 DocumentTrash::moveDocuments(const QList<qint64>& ids, const QString& reason,
                                    const QString& by) {
    if (ids.isEmpty())
        return 0;
    const QStringList idList = idTexts(ids);
    return m_conn.transaction([&]() -> qint64 {
        // Locked first: an import writing chunks of these documents (its trigger takes KEY
        // SHARE) and a worker writing their embeddings (the foreign key locks the chunk) finish
        // before the copies are made, and none can add a row that the delete below would take
        // without it being copied.
        m_conn.exec(QStringLiteral("SELECT 1 FROM quiver.documents WHERE id = ANY($1::bigint[]) "
                                   "ORDER BY id FOR UPDATE"),
                    {idList});
        m_conn.exec(QStringLiteral("SELECT 1 FROM quiver.chunks WHERE document_id = "
                                   "ANY($1::bigint[]) ORDER BY id FOR UPDATE"),
                    {idList});
        const qint64 moved =
            m_conn
                .exec(QStringLiteral(
                          "INSERT INTO quiver.trash_documents (id, collection_id, "
                          "collection_name, path, title, mime, sha256, size_bytes, mtime, "
                          "imported_at, metadata, reason, trashed_by) "
                          "SELECT d.id, d.collection_id, c.name, d.path, d.title, d.mime, "
                          "d.sha256, d.size_bytes, d.mtime, d.imported_at, d.metadata, $2, "
                          "NULLIF($3, '') FROM quiver.documents d "
                          "JOIN quiver.collections c ON c.id = d.collection_id "
                          "WHERE d.id = ANY($1::bigint[])"),
                      {idList, reason, by})
                .affectedRows();
        m_conn.exec(QStringLiteral("INSERT INTO quiver.trash_chunks (id, document_id, ordinal, "
                                   "text, char_start, char_end, token_estimate, sha256, page, ocr) "
                                   "SELECT id, document_id, ordinal, text, char_start, char_end, "
                                   "token_estimate, sha256, page, ocr FROM quiver.chunks "
                                   "WHERE document_id = ANY($1::bigint[])"),
                    {idList});
        m_conn.exec(QStringLiteral("INSERT INTO quiver.trash_embeddings (chunk_id, model, "
                                   "dimensions, vector, created_at) "
                                   "SELECT e.chunk_id, e.model, e.dimensions, e.vector, "
                                   "e.created_at FROM quiver.embeddings e "
                                   "JOIN quiver.chunks c ON c.id = e.chunk_id "
                                   "WHERE c.document_id = ANY($1::bigint[])"),
                    {idList});
        // The chunks, embeddings and queue rows go with the documents (migration 10's trigger
        // and the foreign keys), each logged for the indexes as any delete is.
        m_conn.exec(QStringLiteral("DELETE FROM quiver.documents WHERE id = ANY($1::bigint[])"),
                    {idList});
        return moved;
    });
}

qint64 DocumentTrash::moveCollection(qint64 collectionId, const QString& reason,
                                     const QString& by) {
    return m_conn.transaction([&]() -> qint64 {
        const PgResult docs =
            m_conn.exec(QStringLiteral("SELECT id FROM quiver.documents WHERE collection_id = $1"),
                        {collectionId});
        QList<qint64> ids;
        for (int i = 0; i < docs.rows(); ++i)
            ids.append(docs.toInt64(i, 0));
        const qint64 moved = moveDocuments(ids, reason, by);
        m_conn.exec(QStringLiteral("DELETE FROM quiver.collections WHERE id = $1"), {collectionId});
        return moved;
    });
}

QList<TrashedDocument> DocumentTrash::list() {
    const PgResult r = m_conn.exec(
        QStringLiteral("SELECT t.id, t.collection_name, t.path, coalesce(t.title, ''), "
                       "(SELECT count(*) FROM quiver.trash_chunks c WHERE c.document_id = t.id), "
                       "(SELECT count(*) FROM quiver.trash_embeddings e JOIN quiver.trash_chunks c "
                       " ON c.id = e.chunk_id WHERE c.document_id = t.id), "
                       "(extract(epoch FROM t.trashed_at) * 1000)::bigint, t.reason "
                       "FROM quiver.trash_documents t ORDER BY t.trashed_at, t.id"));
    QList<TrashedDocument> out;
    out.reserve(r.rows());
    for (int i = 0; i < r.rows(); ++i) {
        TrashedDocument d;
        d.id = r.toInt64(i, 0);
        d.collection = r.text(i, 1);
        d.path = r.text(i, 2);
        d.title = r.text(i, 3);
        d.chunks = r.toInt64(i, 4);
        d.embeddings = r.toInt64(i, 5);
        d.trashedAt = QDateTime::fromMSecsSinceEpoch(r.toInt64(i, 6), Qt::UTC);
        d.reason = r.text(i, 7);
        out.append(d);
    }
    return out;
}

DocumentTrash::Restored DocumentTrash::restore(const QList<qint64>& ids) {
    Restored out;
    for (const qint64 id : ids) {
        if (const std::optional<QString> refusal = restoreOne(id))
            out.refused.append({id, *refusal});
        else
            out.restored.append(id);
    }
    return out;
}

std::optional<QString> DocumentTrash::restoreOne(qint64 id) {
    return m_conn.transaction([&]() -> std::optional<QString> {
        const PgResult doc =
            m_conn.exec(QStringLiteral("SELECT collection_id, collection_name, path FROM "
                                       "quiver.trash_documents WHERE id = $1 FOR UPDATE"),
                        {id});
        if (doc.rows() == 0)
            return QStringLiteral("there is no document %1 in the trash: see 'quiver-cli trash "
                                  "list'")
                .arg(id);
        // Its collection (even renamed), or one of its name, or a new one of that name.
        const PgResult existing = m_conn.exec(
            QStringLiteral("SELECT id FROM quiver.collections WHERE id = $1 OR name = $2 "
                           "ORDER BY id = $1 DESC LIMIT 1"),
            {doc.toInt64(0, 0), doc.text(0, 1)});
        const qint64 collection =
            existing.rows() > 0
                ? existing.toInt64(0, 0)
                : m_conn
                      .exec(QStringLiteral("INSERT INTO quiver.collections (name) VALUES ($1) "
                                           "ON CONFLICT (name) DO UPDATE SET name = "
                                           "EXCLUDED.name RETURNING id"),
                            {doc.text(0, 1)})
                      .toInt64(0, 0);
        // The file may have come back and been imported again since: that copy is newer and
        // stays; this one waits in the trash until the user empties it.
        if (m_conn
                .exec(QStringLiteral("SELECT 1 FROM quiver.documents WHERE collection_id = $1 "
                                     "AND path = $2"),
                      {collection, doc.text(0, 2)})
                .rows() > 0)
            return QStringLiteral("%1 is in the library again (imported since it was "
                                  "removed); the copy in the library is kept")
                .arg(doc.text(0, 2));
        m_conn.exec(QStringLiteral("INSERT INTO quiver.documents (id, collection_id, path, "
                                   "title, mime, sha256, size_bytes, mtime, imported_at, "
                                   "metadata) SELECT id, $2, path, title, mime, sha256, "
                                   "size_bytes, mtime, imported_at, metadata "
                                   "FROM quiver.trash_documents WHERE id = $1"),
                    {id, collection});
        // One statement per document: the chunk log records it as one id range, which a
        // keyword index reads again.
        m_conn.exec(QStringLiteral("INSERT INTO quiver.chunks (id, document_id, ordinal, text, "
                                   "char_start, char_end, token_estimate, sha256, page, ocr) "
                                   "SELECT id, document_id, ordinal, text, char_start, char_end, "
                                   "token_estimate, sha256, page, ocr FROM quiver.trash_chunks "
                                   "WHERE document_id = $1 ORDER BY id"),
                    {id});
        // The stored vectors, with a new transaction id (set by migration 5's trigger), so every
        // vector index reads them again.
        m_conn.exec(QStringLiteral("INSERT INTO quiver.embeddings (chunk_id, model, dimensions, "
                                   "vector, created_at) SELECT e.chunk_id, e.model, "
                                   "e.dimensions, e.vector, e.created_at "
                                   "FROM quiver.trash_embeddings e JOIN quiver.trash_chunks c "
                                   "ON c.id = e.chunk_id WHERE c.document_id = $1"),
                    {id});
        m_conn.exec(QStringLiteral("DELETE FROM quiver.trash_documents WHERE id = $1"), {id});
        return std::nullopt;
    });
}

qint64 DocumentTrash::empty(std::optional<int> olderThanDays) {
    return m_conn
        .exec(QStringLiteral("DELETE FROM quiver.trash_documents WHERE $1::int IS NULL "
                             "OR trashed_at < now() - make_interval(days => $1::int)"),
              {olderThanDays ? QVariant(*olderThanDays) : QVariant()})
        .affectedRows();
}

} // namespace quiver
