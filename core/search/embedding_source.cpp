#include "core/search/embedding_source.h"

#include "core/db/pg_connection.h"
#include "core/search/embedding_copy_parser.h"
#include "core/search/read_snapshot.h"

namespace quiver {

std::optional<std::uint64_t> EmbeddingSource::readAll(PgConnection& conn, const QString& model,
                                                      const RowFn& onRow,
                                                      const ProgressFn& progress) {
    const ReadSnapshot snapshot(conn);
    const std::uint64_t watermark = snapshot.xmin();
    const qint64 total = count(conn, model);
    // COPY takes no parameters: the model travels as a transaction-local setting instead of
    // being spliced into the statement.
    conn.exec(QStringLiteral("SELECT set_config('quiver.index_model', $1, true)"), {model});
    qint64 done = 0;
    bool cancelled = false;
    EmbeddingCopyParser parser([&](const PassageKeys& keys, const std::vector<float>& v) {
        onRow(keys, v);
        ++done;
        if (progress && done % 1024 == 0 && !progress(done, total))
            cancelled = true;
    });
    const qint64 copied =
        conn.copyOut(QStringLiteral("COPY (SELECT %1, e.vector "
                                    "FROM quiver.embeddings e "
                                    "JOIN quiver.chunks c ON c.id = e.chunk_id "
                                    "JOIN quiver.documents d ON d.id = c.document_id "
                                    "WHERE e.model = current_setting('quiver.index_model')) "
                                    "TO STDOUT (FORMAT binary)")
                         .arg(QLatin1String(kPassageKeyColumns)),
                     [&](const char* data, int size) {
                         parser.feed(data, size);
                         return !cancelled;
                     });
    if (copied < 0 || cancelled)
        return std::nullopt;
    if (progress)
        progress(done, total);
    return watermark;
}

EmbeddingChanges EmbeddingSource::readChanges(PgConnection& conn, const QString& model,
                                              std::uint64_t since) {
    EmbeddingChanges changes;
    const ReadSnapshot snapshot(conn);
    changes.watermark = snapshot.xmin();
    const QString mark = QString::number(since);
    const PgResult rows =
        conn.exec(QStringLiteral("SELECT %1, e.vector "
                                 "FROM quiver.embeddings e "
                                 "JOIN quiver.chunks c ON c.id = e.chunk_id "
                                 "JOIN quiver.documents d ON d.id = c.document_id "
                                 "WHERE e.model = $1 AND e.txid >= $2::text::xid8")
                      .arg(QLatin1String(kPassageKeyColumns)),
                  {model, mark});
    changes.upserts.reserve(static_cast<std::size_t>(rows.rows()));
    for (int i = 0; i < rows.rows(); ++i) {
        const QList<float> v = rows.toFloatArray(i, 4);
        changes.upserts.push_back(
            {{rows.toInt64(i, 0), rows.toInt64(i, 1), rows.toInt64(i, 2), rows.toInt64(i, 3)},
             std::vector<float>(v.begin(), v.end())});
    }
    // A logged deletion counts only if the embedding is still gone: it may have been
    // written again since, and that newer row is among the upserts.
    const PgResult gone =
        conn.exec(QStringLiteral("SELECT DISTINCT l.chunk_id FROM quiver.embedding_deletions l "
                                 "WHERE l.model = $1 AND l.txid >= $2::text::xid8 "
                                 "AND NOT EXISTS (SELECT 1 FROM quiver.embeddings e "
                                 "WHERE e.chunk_id = l.chunk_id AND e.model = l.model)"),
                  {model, mark});
    changes.deleted.reserve(static_cast<std::size_t>(gone.rows()));
    for (int i = 0; i < gone.rows(); ++i)
        changes.deleted.push_back(gone.toInt64(i, 0));
    return changes;
}

std::uint64_t EmbeddingSource::currentXmax(PgConnection& conn) {
    return conn.exec(QStringLiteral("SELECT pg_snapshot_xmax(pg_current_snapshot())::text"))
        .text(0, 0)
        .toULongLong();
}

QString EmbeddingSource::dominantModel(PgConnection& conn) {
    const PgResult r = conn.exec(QStringLiteral("SELECT model FROM quiver.embeddings GROUP BY "
                                                "model ORDER BY count(*) DESC, model LIMIT 1"));
    return r.rows() ? r.text(0, 0) : QString();
}

qint64 EmbeddingSource::count(PgConnection& conn, const QString& model) {
    return conn
        .exec(QStringLiteral("SELECT count(*) FROM quiver.embeddings WHERE model = $1"), {model})
        .toInt64(0, 0);
}

qint64 EmbeddingSource::pruneDeletionLog(PgConnection& conn, int keepDays) {
    return conn
        .exec(QStringLiteral(
                  "SELECT quiver.prune_embedding_deletions(make_interval(days => $1::int))"),
              {keepDays})
        .toInt64(0, 0);
}

std::optional<std::uint64_t> EmbeddingSource::prunedDeletionsThrough(PgConnection& conn) {
    const PgResult r =
        conn.exec(QStringLiteral("SELECT max_txid::text FROM quiver.embedding_deletions_pruned"));
    if (r.rows() == 0)
        return std::nullopt;
    return r.text(0, 0).toULongLong();
}

} // namespace quiver
