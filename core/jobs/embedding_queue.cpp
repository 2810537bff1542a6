#include "core/jobs/embedding_queue.h"

#include "core/db/pg_connection.h"
#include "core/embed/embedder.h"
#include "core/ingest/import_settings.h"

#include <QSet>

#include <algorithm>

namespace quiver {

EmbeddingQueue::EmbeddingQueue(PgConnection& conn, QString model, QString claimer, qint64 workerId)
    : m_conn(conn)
    , m_model(std::move(model))
    , m_claimer(std::move(claimer))
    , m_workerId(workerId) {}

QString EmbeddingQueue::idArray(const QList<qint64>& ids) {
    QString out;
    out.reserve(ids.size() * 8 + 2);
    out += QLatin1Char('{');
    for (qsizetype i = 0; i < ids.size(); ++i) {
        if (i)
            out += QLatin1Char(',');
        out += QString::number(ids[i]);
    }
    out += QLatin1Char('}');
    return out;
}

QList<EmbeddingQueue::Chunk> EmbeddingQueue::claim(int limit, double leaseSeconds) {
    QList<qint64> ids = m_conn.transaction([&] {
        // The chunk rows are locked only for this short transaction, so that two workers never
        // pick the same chunk at once; the claim itself is the queue row, whose upsert refuses a
        // chunk another worker claimed after this statement's snapshot was taken.
        const PgResult claimed = m_conn.exec(
            QStringLiteral(
                "WITH picked AS ("
                "  SELECT c.id FROM quiver.chunks c"
                "  WHERE NOT EXISTS (SELECT 1 FROM quiver.embeddings e"
                "                    WHERE e.chunk_id = c.id AND e.model = $1)"
                "    AND NOT EXISTS (SELECT 1 FROM quiver.embedding_queue q"
                "                    WHERE q.chunk_id = c.id AND q.model = $1"
                "                      AND (q.failed_at IS NOT NULL OR q.lease_until > now()"
                "                           OR q.next_attempt_at > now()))"
                "    AND ($6::bigint = 0 OR c.document_id IN (SELECT d.id FROM quiver.documents d"
                "                                             WHERE d.collection_id = $6))"
                "  ORDER BY c.id LIMIT $4"
                "  FOR NO KEY UPDATE OF c SKIP LOCKED) "
                "INSERT INTO quiver.embedding_queue AS q"
                "  (chunk_id, model, claimed_by, worker_id, lease_until) "
                "SELECT id, $1, $2, NULLIF($3::bigint, 0), now() + make_interval(secs => $5) "
                "FROM picked "
                "ON CONFLICT (chunk_id, model) DO UPDATE"
                "  SET claimed_by = excluded.claimed_by, worker_id = excluded.worker_id,"
                "      lease_until = excluded.lease_until"
                "  WHERE q.failed_at IS NULL AND (q.lease_until IS NULL OR q.lease_until <= now())"
                "    AND (q.next_attempt_at IS NULL OR q.next_attempt_at <= now()) "
                "RETURNING q.chunk_id"),
            {m_model, m_claimer, m_workerId, limit, leaseSeconds, m_collectionId});
        QList<qint64> out;
        out.reserve(claimed.rows());
        for (int r = 0; r < claimed.rows(); ++r)
            out.append(claimed.toInt64(r, 0));
        if (out.isEmpty())
            return out;
        // A new snapshot: drop chunks whose embedding another worker committed while this claim
        // waited for its queue row, so no input reaches the provider twice.
        const PgResult done = m_conn.exec(
            QStringLiteral(
                "DELETE FROM quiver.embedding_queue q "
                "WHERE q.model = $1 AND q.claimed_by = $2 AND q.chunk_id = ANY($3::bigint[])"
                "  AND EXISTS (SELECT 1 FROM quiver.embeddings e"
                "              WHERE e.chunk_id = q.chunk_id AND e.model = q.model) "
                "RETURNING q.chunk_id"),
            {m_model, m_claimer, idArray(out)});
        for (int r = 0; r < done.rows(); ++r)
            out.removeAll(done.toInt64(r, 0));
        return out;
    });
    QList<Chunk> chunks;
    if (ids.isEmpty())
        return chunks;
    // What is embedded is the text the importer hashed: its template (documents.metadata)
    // filled with the title and the chunk. Chunks stored without a template embed as they are.
    const PgResult rows = m_conn.exec(
        QStringLiteral("SELECT c.id, c.text, coalesce(c.sha256, ''),"
                       "       d.metadata ->> 'embed_template', coalesce(d.title, '')"
                       "  FROM quiver.chunks c JOIN quiver.documents d ON d.id = c.document_id"
                       " WHERE c.id = ANY($1::bigint[]) ORDER BY c.id"),
        {idArray(ids)});
    chunks.reserve(rows.rows());
    for (int r = 0; r < rows.rows(); ++r) {
        const QString text =
            rows.isNull(r, 3) ? rows.text(r, 1)
                              : renderEmbedText(rows.text(r, 3), rows.text(r, 4), rows.text(r, 1));
        chunks.append(Chunk{rows.toInt64(r, 0), text, rows.text(r, 2)});
    }
    return chunks;
}

QList<EmbeddingQueue::Chunk> EmbeddingQueue::reuseExisting(const QList<Chunk>& claimed) {
    QList<qint64> withHash;
    for (const Chunk& c : claimed) {
        if (!c.sha256.isEmpty())
            withHash.append(c.id);
    }
    if (withHash.isEmpty())
        return claimed;
    const PgResult reused = m_conn.exec(
        QStringLiteral(
            "WITH copied AS ("
            "  INSERT INTO quiver.embeddings (chunk_id, model, dimensions, vector)"
            "  SELECT c.id, $1, src.dimensions, src.vector"
            "  FROM quiver.chunks c"
            "  JOIN quiver.embedding_queue q"
            "    ON q.chunk_id = c.id AND q.model = $1 AND q.claimed_by = $2"
            "  CROSS JOIN LATERAL (SELECT e.dimensions, e.vector"
            "                      FROM quiver.chunks c2"
            "                      JOIN quiver.embeddings e ON e.chunk_id = c2.id AND e.model = $1"
            "                      WHERE c2.sha256 = c.sha256 LIMIT 1) src"
            "  WHERE c.id = ANY($3::bigint[])"
            "  ON CONFLICT (chunk_id, model) DO NOTHING"
            "  RETURNING chunk_id) "
            "DELETE FROM quiver.embedding_queue q USING copied "
            "WHERE q.chunk_id = copied.chunk_id AND q.model = $1 "
            "RETURNING q.chunk_id"),
        {m_model, m_claimer, idArray(withHash)});
    if (reused.rows() == 0)
        return claimed;
    QSet<qint64> done;
    for (int r = 0; r < reused.rows(); ++r)
        done.insert(reused.toInt64(r, 0));
    QList<Chunk> rest;
    for (const Chunk& c : claimed) {
        if (!done.contains(c.id))
            rest.append(c);
    }
    return rest;
}

void EmbeddingQueue::checkLengths(const std::vector<std::vector<float>>& vectors) {
    const std::size_t length = vectors.front().size();
    std::size_t fixed = static_cast<std::size_t>(std::max(0, m_dimensions));
    QString why = QStringLiteral("the profile's dimensions");
    if (fixed == 0) {
        // The first vector stored for the model fixed its length.
        const PgResult r = m_conn.exec(QStringLiteral("SELECT dimensions FROM quiver.embeddings "
                                                      "WHERE model = $1 LIMIT 1"),
                                       {m_model});
        fixed = r.rows() > 0 ? static_cast<std::size_t>(r.toInt64(0, 0)) : length;
        why = QStringLiteral("the vectors already stored");
    }
    for (const std::vector<float>& v : vectors) {
        if (!v.empty() && v.size() == fixed)
            continue;
        throw EmbedError(EmbedError::Kind::BadResponse,
                         QStringLiteral("refused to store a vector of %1 dimensions for model %2, "
                                        "whose vectors have %3 (%4); nothing was stored. The "
                                        "provider now answers with another length: check the "
                                        "profile's model and dimensions, and give a different "
                                        "model a profile of its own")
                             .arg(v.size())
                             .arg(m_model)
                             .arg(fixed)
                             .arg(why));
    }
}

int EmbeddingQueue::write(const QList<qint64>& chunkIds,
                          const std::vector<std::vector<float>>& vectors) {
    if (chunkIds.isEmpty())
        return 0;
    checkLengths(vectors);
    // One statement, so one short transaction: the claims are ended and the vectors stored
    // together, and only for the chunks whose queue row still names this worker.
    QString sql = QStringLiteral(
        "WITH held AS ("
        "  DELETE FROM quiver.embedding_queue q"
        "  WHERE q.model = $1 AND q.claimed_by = $2 AND q.chunk_id = ANY($3::bigint[])"
        "  RETURNING q.chunk_id), "
        "v (chunk_id, vec) AS (VALUES ");
    QVariantList params{m_model, m_claimer, idArray(chunkIds)};
    params.reserve(3 + chunkIds.size() * 2);
    for (qsizetype i = 0; i < chunkIds.size(); ++i) {
        if (i)
            sql += QLatin1Char(',');
        const auto p = params.size();
        sql += QStringLiteral("($%1::bigint, $%2::real[])").arg(p + 1).arg(p + 2);
        params.append(chunkIds[i]);
        params.append(QVariant::fromValue(vectors[static_cast<std::size_t>(i)]));
    }
    sql += QStringLiteral(
        ") INSERT INTO quiver.embeddings (chunk_id, model, dimensions, vector) "
        "SELECT v.chunk_id, $1, cardinality(v.vec), v.vec FROM v JOIN held USING (chunk_id) "
        "ON CONFLICT (chunk_id, model) DO NOTHING");
    return static_cast<int>(m_conn.exec(sql, params).affectedRows());
}

int EmbeddingQueue::writeRevalidated(const QList<Chunk>& chunks,
                                     const std::vector<std::vector<float>>& vectors) {
    if (chunks.isEmpty())
        return 0;
    checkLengths(vectors);
    // A chunk's text never changes under its id (edits replace the rows), yet the hash is
    // compared too: a vector is only ever stored for the content that was sent.
    QString sql = QStringLiteral("WITH v (chunk_id, sha256, vec) AS (VALUES ");
    QVariantList params{m_model, m_claimer};
    params.reserve(2 + chunks.size() * 3);
    for (qsizetype i = 0; i < chunks.size(); ++i) {
        if (i)
            sql += QLatin1Char(',');
        const auto p = params.size();
        sql += QStringLiteral("($%1::bigint, $%2::text, $%3::real[])")
                   .arg(p + 1)
                   .arg(p + 2)
                   .arg(p + 3);
        params.append(chunks[i].id);
        params.append(chunks[i].sha256);
        params.append(QVariant::fromValue(vectors[static_cast<std::size_t>(i)]));
    }
    sql += QStringLiteral(
        "), ok AS ("
        "  SELECT v.chunk_id, v.vec FROM v"
        "  JOIN quiver.chunks c ON c.id = v.chunk_id"
        "  LEFT JOIN quiver.embedding_queue q ON q.chunk_id = v.chunk_id AND q.model = $1"
        "  WHERE (q.claimed_by = $2"
        "         OR (v.sha256 <> '' AND c.sha256 = v.sha256"
        "             AND (q.chunk_id IS NULL"
        "                  OR (q.failed_at IS NULL"
        "                      AND (q.lease_until IS NULL OR q.lease_until <= now())))))"
        "    AND NOT EXISTS (SELECT 1 FROM quiver.embeddings e"
        "                    WHERE e.chunk_id = v.chunk_id AND e.model = $1)), "
        "ended AS (DELETE FROM quiver.embedding_queue q USING ok"
        "          WHERE q.chunk_id = ok.chunk_id AND q.model = $1) "
        "INSERT INTO quiver.embeddings (chunk_id, model, dimensions, vector) "
        "SELECT ok.chunk_id, $1, cardinality(ok.vec), ok.vec FROM ok "
        "ON CONFLICT (chunk_id, model) DO NOTHING");
    return static_cast<int>(m_conn.exec(sql, params).affectedRows());
}

void EmbeddingQueue::release(const QList<qint64>& chunkIds) {
    if (chunkIds.isEmpty())
        return;
    // A chunk never tried keeps no row; one with a failure history keeps its attempts.
    m_conn.transaction([&] {
        m_conn.exec(QStringLiteral("DELETE FROM quiver.embedding_queue "
                                   "WHERE model = $1 AND claimed_by = $2 AND attempts = 0"
                                   "  AND chunk_id = ANY($3::bigint[])"),
                    {m_model, m_claimer, idArray(chunkIds)});
        m_conn.exec(QStringLiteral("UPDATE quiver.embedding_queue SET claimed_by = NULL,"
                                   "  worker_id = NULL, lease_until = NULL "
                                   "WHERE model = $1 AND claimed_by = $2"
                                   "  AND chunk_id = ANY($3::bigint[])"),
                    {m_model, m_claimer, idArray(chunkIds)});
    });
}

int EmbeddingQueue::releaseAll() {
    return m_conn.transaction([&] {
        const qint64 deleted =
            m_conn
                .exec(QStringLiteral("DELETE FROM quiver.embedding_queue "
                                     "WHERE model = $1 AND claimed_by = $2 AND attempts = 0"),
                      {m_model, m_claimer})
                .affectedRows();
        const qint64 updated =
            m_conn
                .exec(QStringLiteral("UPDATE quiver.embedding_queue SET claimed_by = NULL,"
                                     "  worker_id = NULL, lease_until = NULL "
                                     "WHERE model = $1 AND claimed_by = $2"),
                      {m_model, m_claimer})
                .affectedRows();
        return static_cast<int>(deleted + updated);
    });
}

bool EmbeddingQueue::fail(qint64 chunkId, const QString& error, int maxAttempts,
                          qint64 retryPeriodMs) {
    const PgResult r = m_conn.exec(
        QStringLiteral(
            "UPDATE quiver.embedding_queue SET attempts = attempts + 1, last_error = $3,"
            "  claimed_by = NULL, worker_id = NULL, lease_until = NULL,"
            "  failed_at = CASE WHEN attempts + 1 >= $4 THEN now() END,"
            "  next_attempt_at = CASE WHEN attempts + 1 >= $4 THEN NULL"
            "    ELSE now() + make_interval(secs => least(3600.0,"
            "                                             $5::float8 / 1000 * power(2, attempts)))"
            "  END "
            "WHERE chunk_id = $1 AND model = $2 AND claimed_by = $6 "
            "RETURNING failed_at IS NOT NULL"),
        {chunkId, m_model, error, qMax(1, maxAttempts), retryPeriodMs, m_claimer});
    return r.rows() == 1 && r.toBool(0, 0);
}

namespace {
// One row of counts: total, embedded, claimed, failed.
EmbeddingQueue::Backlog backlogFrom(const PgResult& r) {
    EmbeddingQueue::Backlog b;
    b.total = r.toInt64(0, 0);
    b.embedded = r.toInt64(0, 1);
    b.claimed = r.toInt64(0, 2);
    b.failed = r.toInt64(0, 3);
    b.pending = qMax<qint64>(0, b.total - b.embedded - b.failed);
    return b;
}
} // namespace

EmbeddingQueue::Backlog EmbeddingQueue::backlog() {
    if (m_collectionId != 0)
        return collectionBacklog();
    const PgResult r = m_conn.exec(
        QStringLiteral("SELECT (SELECT count(*) FROM quiver.chunks),"
                       "  (SELECT count(*) FROM quiver.embeddings WHERE model = $1),"
                       "  (SELECT count(*) FROM quiver.embedding_queue q"
                       "   WHERE q.model = $1 AND q.lease_until > now()),"
                       "  (SELECT count(*) FROM quiver.embedding_queue q"
                       "   WHERE q.model = $1 AND q.failed_at IS NOT NULL"
                       "     AND NOT EXISTS (SELECT 1 FROM quiver.embeddings e"
                       "                     WHERE e.chunk_id = q.chunk_id AND e.model = $1))"),
        {m_model});
    return backlogFrom(r);
}

EmbeddingQueue::Backlog EmbeddingQueue::collectionBacklog() {
    const PgResult r = m_conn.exec(
        QStringLiteral(
            "WITH c AS (SELECT c.id FROM quiver.chunks c"
            "           JOIN quiver.documents d ON d.id = c.document_id"
            "           WHERE d.collection_id = $2) "
            "SELECT (SELECT count(*) FROM c),"
            "  (SELECT count(*) FROM quiver.embeddings e JOIN c ON c.id = e.chunk_id"
            "   WHERE e.model = $1),"
            "  (SELECT count(*) FROM quiver.embedding_queue q JOIN c ON c.id = q.chunk_id"
            "   WHERE q.model = $1 AND q.lease_until > now()),"
            "  (SELECT count(*) FROM quiver.embedding_queue q JOIN c ON c.id = q.chunk_id"
            "   WHERE q.model = $1 AND q.failed_at IS NOT NULL"
            "     AND NOT EXISTS (SELECT 1 FROM quiver.embeddings e"
            "                     WHERE e.chunk_id = q.chunk_id AND e.model = $1))"),
        {m_model, m_collectionId});
    return backlogFrom(r);
}

QList<EmbeddingQueue::FailedChunk> EmbeddingQueue::failedChunks(int limit) {
    const PgResult r = m_conn.exec(
        QStringLiteral(
            "SELECT q.chunk_id, d.path, q.attempts, coalesce(q.last_error, ''),"
            "  to_char(q.failed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') "
            "FROM quiver.embedding_queue q "
            "JOIN quiver.chunks c ON c.id = q.chunk_id "
            "JOIN quiver.documents d ON d.id = c.document_id "
            "WHERE q.model = $1 AND q.failed_at IS NOT NULL "
            "ORDER BY q.failed_at DESC, q.chunk_id LIMIT $2"),
        {m_model, limit});
    QList<FailedChunk> out;
    for (int i = 0; i < r.rows(); ++i) {
        out.append(FailedChunk{r.toInt64(i, 0), r.text(i, 1), static_cast<int>(r.toInt64(i, 2)),
                               r.text(i, 3), r.text(i, 4)});
    }
    return out;
}

int EmbeddingQueue::retryFailed(const QList<qint64>& chunkIds) {
    const PgResult r =
        m_conn.exec(QStringLiteral("DELETE FROM quiver.embedding_queue "
                                   "WHERE model = $1 AND failed_at IS NOT NULL"
                                   "  AND ($2::bigint[] IS NULL OR chunk_id = ANY($2::bigint[]))"),
                    {m_model, chunkIds.isEmpty() ? QVariant() : QVariant(idArray(chunkIds))});
    return static_cast<int>(r.affectedRows());
}

QList<qint64> EmbeddingQueue::embeddedPerMinute(int minutes) {
    const PgResult r = m_conn.exec(
        QStringLiteral("SELECT m, count(e.chunk_id) "
                       "FROM generate_series(date_trunc('minute', now())"
                       "                       - make_interval(mins => $2 - 1),"
                       "                     date_trunc('minute', now()), interval '1 minute') m "
                       "LEFT JOIN quiver.embeddings e ON e.model = $1 AND e.created_at >= m"
                       "  AND e.created_at < m + interval '1 minute' "
                       "GROUP BY m ORDER BY m"),
        {m_model, qMax(1, minutes)});
    QList<qint64> out;
    for (int i = 0; i < r.rows(); ++i)
        out.append(r.toInt64(i, 1));
    return out;
}

} // namespace quiver
