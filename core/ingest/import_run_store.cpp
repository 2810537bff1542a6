#include "core/ingest/import_run_store.h"

#include "core/db/pg_connection.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>

namespace quiver {

ImportRunStore::ImportRunStore(PgConnection& conn)
    : m_conn(conn) {}

ImportRunStore::Run ImportRunStore::begin(qint64 collectionId, QStringList roots,
                                          const QStringList& files, const QList<qint64>& sizes) {
    std::sort(roots.begin(), roots.end());
    Run run;
    m_conn.transaction([&]() {
        const PgResult open =
            m_conn.exec(QStringLiteral("SELECT id FROM quiver.import_runs WHERE collection_id = $1 "
                                       "AND finished_at IS NULL AND roots = $2::text[] "
                                       "ORDER BY id DESC LIMIT 1 FOR UPDATE"),
                        {collectionId, roots});
        if (open.rows() > 0) {
            run.id = open.toInt64(0, 0);
            run.resumed = true;
            // The stored document's size and mtime are those of the bytes that were read; a
            // skipped file has only the size the run first saw.
            const PgResult done = m_conn.exec(
                QStringLiteral(
                    "SELECT f.path, coalesce(d.size_bytes, f.size_bytes, -1), "
                    "coalesce((extract(epoch FROM d.mtime) * 1000)::bigint, -1) "
                    "FROM quiver.import_files f LEFT JOIN quiver.documents d "
                    "ON d.collection_id = $2 AND d.path = f.path "
                    "WHERE f.run_id = $1 AND f.state IN ('imported', 'unchanged', 'skipped')"),
                {run.id, collectionId});
            for (int i = 0; i < done.rows(); ++i)
                run.done.insert(done.text(i, 0), {done.toInt64(i, 1), done.toInt64(i, 2)});
        } else {
            run.id =
                m_conn
                    .exec(QStringLiteral("INSERT INTO quiver.import_runs (collection_id, roots) "
                                         "VALUES ($1, $2::text[]) RETURNING id"),
                          {collectionId, roots})
                    .toInt64(0, 0);
        }
        QStringList sizeText;
        sizeText.reserve(sizes.size());
        for (qint64 s : sizes)
            sizeText.append(QString::number(s));
        m_conn.exec(
            QStringLiteral("INSERT INTO quiver.import_files (run_id, path, size_bytes) "
                           "SELECT $1, p, s FROM unnest($2::text[], $3::bigint[]) AS f(p, s) "
                           "ON CONFLICT (run_id, path) DO NOTHING"),
            {run.id, files, sizeText});
    });
    return run;
}

bool ImportRunStore::Run::isDone(const QString& path, qint64 size, qint64 mtimeMs) const {
    const auto it = done.constFind(path);
    if (it == done.cend())
        return false;
    return it->size == size && (it->mtimeMs < 0 || it->mtimeMs == mtimeMs);
}

void ImportRunStore::mark(qint64 runId, const QString& path, const QString& state,
                          const QString& reason) {
    m_conn.exec(QStringLiteral("UPDATE quiver.import_files SET state = $3, reason = $4, "
                               "updated_at = now() WHERE run_id = $1 AND path = $2"),
                {runId, path, state, reason.isEmpty() ? QVariant() : QVariant(reason)});
}

void ImportRunStore::mark(qint64 runId, const QList<Mark>& marks) {
    if (marks.isEmpty())
        return;
    QStringList paths, states, reasons;
    for (const Mark& m : marks) {
        paths.append(m.path);
        states.append(m.state);
        reasons.append(m.reason);
    }
    m_conn.exec(
        QStringLiteral("UPDATE quiver.import_files f SET state = m.state, "
                       "reason = nullif(m.reason, ''), updated_at = now() "
                       "FROM unnest($2::text[], $3::text[], $4::text[]) AS m(path, state, reason) "
                       "WHERE f.run_id = $1 AND f.path = m.path"),
        {runId, paths, states, reasons});
}

void ImportRunStore::finish(qint64 runId) {
    m_conn.exec(QStringLiteral("UPDATE quiver.import_runs SET finished_at = now() WHERE id = $1"),
                {runId});
}

QList<ImportRunStore::PendingRun> ImportRunStore::unfinished() {
    const PgResult r = m_conn.exec(QStringLiteral(
        "SELECT r.id, c.name, array_to_json(r.roots)::text, "
        "(SELECT count(*) FROM quiver.import_files f WHERE f.run_id = r.id "
        " AND f.state IN ('pending', 'failed')) "
        "FROM quiver.import_runs r JOIN quiver.collections c ON c.id = r.collection_id "
        "WHERE r.finished_at IS NULL ORDER BY r.id"));
    QList<PendingRun> out;
    for (int i = 0; i < r.rows(); ++i) {
        PendingRun p;
        p.id = r.toInt64(i, 0);
        p.collection = r.text(i, 1);
        const QJsonArray roots = QJsonDocument::fromJson(r.text(i, 2).toUtf8()).array();
        for (const QJsonValue& root : roots)
            p.roots.append(root.toString());
        p.pendingFiles = r.toInt64(i, 3);
        out.append(p);
    }
    return out;
}

} // namespace quiver
