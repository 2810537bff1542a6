#include "core/ingest/document_store.h"

#include "core/db/db_error.h"
#include "core/db/pg_connection.h"

#include <QJsonDocument>
#include <QStringList>

namespace quiver {

namespace {

QByteArray field(const QString& s) {
    return PgConnection::copyTextField(s);
}

QByteArray number(qint64 n) {
    return QByteArray::number(n);
}

// Appends one COPY text row.
void appendRow(QByteArray& out, std::initializer_list<QByteArray> fields) {
    bool firstField = true;
    for (const QByteArray& f : fields) {
        if (!firstField)
            out.append('\t');
        out.append(f);
        firstField = false;
    }
    out.append('\n');
}

QString idArray(const QList<qint64>& ids) {
    QStringList parts;
    parts.reserve(ids.size());
    for (qint64 id : ids)
        parts.append(QString::number(id));
    return QStringLiteral("{%1}").arg(parts.join(QLatin1Char(',')));
}

} // namespace

DocumentStore::DocumentStore(PgConnection& conn)
    : m_conn(conn) {
    // Scratch space of this session for the vectors a replaced document hands on.
    m_conn.exec(QStringLiteral("CREATE TEMP TABLE IF NOT EXISTS quiver_reused_embeddings ("
                               " document_id bigint, sha256 text, model text, dimensions integer,"
                               " vector real[], created_at timestamptz) ON COMMIT DELETE ROWS"));
}

qint64 DocumentStore::ensureCollection(const QString& name) {
    const PgResult r = m_conn.exec(
        QStringLiteral("INSERT INTO quiver.collections (name) VALUES ($1) "
                       "ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING id"),
        {name});
    return r.toInt64(0, 0);
}

QHash<QString, QString> DocumentStore::storedHashes(qint64 collectionId) {
    const PgResult r = m_conn.exec(
        QStringLiteral("SELECT path, sha256 FROM quiver.documents WHERE collection_id = $1"),
        {collectionId});
    QHash<QString, QString> out;
    out.reserve(r.rows());
    for (int i = 0; i < r.rows(); ++i)
        out.insert(r.text(i, 0), r.text(i, 1));
    return out;
}

DocumentStore::BatchOutcome DocumentStore::writeEach(qint64 collectionId,
                                                     const QList<PreparedDocument>& docs,
                                                     qint64 runId, const std::atomic<bool>* stop) {
    BatchOutcome out;
    out.documents.resize(docs.size());
    const auto lose = [&out](const DbError& e) {
        out.connectionLost = true;
        out.lostMessage = e.message();
    };
    try {
        const QList<Written> written = writeBatch(collectionId, docs, runId);
        for (qsizetype i = 0; i < written.size(); ++i)
            out.documents[i] = {DocumentOutcome::State::Written, written[i], {}};
        return out;
    } catch (const DbError& e) {
        if (!m_conn.isOpen()) {
            lose(e);
            return out;
        }
    }
    const auto stopped = [&]() { return stop && stop->load(); };
    for (qsizetype i = 0; i < docs.size(); ++i) {
        if (stopped()) {
            out.stopped = true;
            break;
        }
        try {
            const QList<Written> one = writeBatch(collectionId, {docs[i]}, runId);
            out.documents[i] = {DocumentOutcome::State::Written, one[0], {}};
        } catch (const DbError& e) {
            if (!m_conn.isOpen()) {
                lose(e);
                break;
            }
            if (stopped()) {
                out.stopped = true; // cancelled, not refused
                break;
            }
            out.documents[i] = {DocumentOutcome::State::Refused, {}, e.message()};
        }
    }
    return out;
}

bool DocumentStore::deleteDocument(qint64 documentId) {
    return m_conn.exec(QStringLiteral("DELETE FROM quiver.documents WHERE id = $1"), {documentId})
               .affectedRows() > 0;
}

QList<DocumentStore::Written>
DocumentStore::writeBatch(qint64 collectionId, const QList<PreparedDocument>& docs, qint64 runId) {
    QList<Written> written;
    if (docs.isEmpty())
        return written;
    m_conn.transaction([&]() {
        QStringList paths;
        for (const PreparedDocument& d : docs)
            paths.append(d.path);
        // Documents already stored at these paths are replaced in place; lock them first.
        const PgResult existing = m_conn.exec(
            QStringLiteral("SELECT path, id FROM quiver.documents "
                           "WHERE collection_id = $1 AND path = ANY($2::text[]) FOR UPDATE"),
            {collectionId, paths});
        QHash<QString, qint64> existingIds;
        QList<qint64> replacedIds;
        for (int i = 0; i < existing.rows(); ++i) {
            existingIds.insert(existing.text(i, 0), existing.toInt64(i, 1));
            replacedIds.append(existing.toInt64(i, 1));
        }
        const int fresh = static_cast<int>(docs.size() - existingIds.size());
        QList<qint64> newIds;
        if (fresh > 0) {
            // Ids up front, so that documents and chunks can both go in with COPY.
            const PgResult ids = m_conn.exec(
                QStringLiteral("SELECT nextval(pg_get_serial_sequence('quiver.documents', 'id')) "
                               "FROM generate_series(1, $1)"),
                {fresh});
            for (int i = 0; i < ids.rows(); ++i)
                newIds.append(ids.toInt64(i, 0));
        }

        if (!replacedIds.isEmpty()) {
            // Keep the vectors of the old chunks by the hash of their embedded text.
            m_conn.exec(QStringLiteral(
                            "INSERT INTO quiver_reused_embeddings "
                            "SELECT DISTINCT ON (c.document_id, c.sha256, e.model) c.document_id, "
                            "c.sha256, e.model, e.dimensions, e.vector, e.created_at "
                            "FROM quiver.chunks c JOIN quiver.embeddings e ON e.chunk_id = c.id "
                            "WHERE c.document_id = ANY($1::bigint[]) AND c.sha256 IS NOT NULL"),
                        {idArray(replacedIds)});
            m_conn.exec(
                QStringLiteral("DELETE FROM quiver.chunks WHERE document_id = ANY($1::bigint[])"),
                {idArray(replacedIds)});
        }

        QByteArray docRows;
        qsizetype nextNew = 0;
        QList<qint64> docIds;
        for (const PreparedDocument& d : docs) {
            const auto it = existingIds.constFind(d.path);
            const QString metadata =
                QString::fromUtf8(QJsonDocument(d.metadata).toJson(QJsonDocument::Compact));
            const QString mtime =
                d.mtime.isValid() ? d.mtime.toUTC().toString(Qt::ISODateWithMs) : QString();
            if (it != existingIds.constEnd()) {
                m_conn.exec(QStringLiteral(
                                "UPDATE quiver.documents SET title = $2, mime = $3, sha256 = $4, "
                                "size_bytes = $5, mtime = $6::timestamptz, imported_at = now(), "
                                "metadata = $7::jsonb WHERE id = $1"),
                            {*it, d.title, d.mime, d.sha256, d.sizeBytes,
                             mtime.isEmpty() ? QVariant() : QVariant(mtime), metadata});
                docIds.append(*it);
                written.append({d.path, *it, true, 0});
                continue;
            }
            const qint64 id = newIds.at(nextNew++);
            docIds.append(id);
            written.append({d.path, id, false, 0});
            appendRow(docRows,
                      {number(id), number(collectionId), field(d.path), field(d.title),
                       field(d.mime), field(d.sha256), number(d.sizeBytes),
                       mtime.isEmpty() ? QByteArray("\\N") : field(mtime), field(metadata)});
        }
        if (!docRows.isEmpty()) {
            bool sent = false;
            m_conn.copyIn(QStringLiteral("COPY quiver.documents (id, collection_id, path, title, "
                                         "mime, sha256, size_bytes, mtime, metadata) FROM STDIN"),
                          [&](QByteArray& chunk) {
                              if (sent)
                                  return false;
                              chunk = docRows;
                              sent = true;
                              return true;
                          });
        }

        // Chunks of every document, streamed in slices so a big batch never sits in memory
        // twice.
        qsizetype docIndex = 0;
        qsizetype chunkIndex = 0;
        m_conn.copyIn(
            QStringLiteral("COPY quiver.chunks (document_id, ordinal, text, char_start, char_end, "
                           "token_estimate, sha256, page, ocr) FROM STDIN"),
            [&](QByteArray& out) {
                out.clear();
                while (docIndex < docs.size() && out.size() < (1 << 20)) {
                    const PreparedDocument& d = docs[docIndex];
                    if (chunkIndex >= d.chunks.size()) {
                        ++docIndex;
                        chunkIndex = 0;
                        continue;
                    }
                    const PreparedChunk& c = d.chunks[chunkIndex];
                    appendRow(out,
                              {number(docIds[docIndex]), number(chunkIndex), field(c.text),
                               number(c.charStart), number(c.charEnd), number(c.tokens),
                               field(c.sha256), c.page > 0 ? number(c.page) : QByteArray("\\N"),
                               c.ocr ? QByteArray("t") : QByteArray("f")});
                    ++chunkIndex;
                }
                return !out.isEmpty();
            });

        if (!replacedIds.isEmpty()) {
            const PgResult reused = m_conn.exec(
                QStringLiteral(
                    "WITH ins AS (INSERT INTO quiver.embeddings "
                    "(chunk_id, model, dimensions, vector, created_at) "
                    "SELECT DISTINCT ON (c.id, r.model) c.id, r.model, r.dimensions, r.vector, "
                    "r.created_at FROM quiver.chunks c JOIN quiver_reused_embeddings r "
                    "ON r.document_id = c.document_id AND r.sha256 = c.sha256 "
                    "WHERE c.document_id = ANY($1::bigint[]) RETURNING chunk_id) "
                    "SELECT c.document_id, count(*) FROM ins JOIN quiver.chunks c "
                    "ON c.id = ins.chunk_id GROUP BY c.document_id"),
                {idArray(replacedIds)});
            for (int i = 0; i < reused.rows(); ++i) {
                const qint64 docId = reused.toInt64(i, 0);
                for (Written& w : written) {
                    if (w.documentId == docId)
                        w.reusedEmbeddings = reused.toInt64(i, 1);
                }
            }
        }
        if (runId > 0)
            m_conn.exec(QStringLiteral("UPDATE quiver.import_files SET state = 'imported', "
                                       "reason = NULL, updated_at = now() "
                                       "WHERE run_id = $1 AND path = ANY($2::text[])"),
                        {runId, paths});
        m_conn.notify(QString::fromLatin1(kChunksChannel), QString::number(collectionId));
    });
    return written;
}

} // namespace quiver
