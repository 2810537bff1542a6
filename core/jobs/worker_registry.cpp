#include "core/jobs/worker_registry.h"

#include "core/db/pg_connection.h"

namespace quiver {

qint64 WorkerRegistry::registerWorker(const QString& host, int pid, const QString& kind,
                                      const QString& profile) {
    return m_conn
        .exec(QStringLiteral("INSERT INTO quiver.workers (host, pid, kind, profile) "
                             "VALUES ($1, $2, $3, $4) RETURNING id"),
              {host, pid, kind, profile})
        .toInt64(0, 0);
}

void WorkerRegistry::beat(qint64 id, qint64 doneDelta, qint64 errorsDelta,
                          const QString& lastError) {
    m_conn.exec(QStringLiteral("UPDATE quiver.workers SET last_seen = now(), done = done + $2,"
                               "  errors = errors + $3,"
                               "  last_error = coalesce(NULLIF($4, ''), last_error) "
                               "WHERE id = $1"),
                {id, doneDelta, errorsDelta, lastError});
}

void WorkerRegistry::stop(qint64 id) {
    m_conn.exec(QStringLiteral("UPDATE quiver.workers SET last_seen = now(), stopped_at = now() "
                               "WHERE id = $1"),
                {id});
}

QList<WorkerRegistry::Worker> WorkerRegistry::active(int withinSeconds) {
    const PgResult r = m_conn.exec(
        QStringLiteral("SELECT id, host, pid, kind, profile,"
                       "  to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
                       "  to_char(last_seen AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
                       "  done, errors, coalesce(last_error, ''),"
                       "  extract(epoch FROM now() - last_seen)::float8 "
                       "FROM quiver.workers "
                       "WHERE stopped_at IS NULL AND last_seen > now() - make_interval(secs => $1) "
                       "ORDER BY last_seen DESC, id"),
        {withinSeconds});
    QList<Worker> out;
    for (int i = 0; i < r.rows(); ++i) {
        out.append(Worker{r.toInt64(i, 0), r.text(i, 1), static_cast<int>(r.toInt64(i, 2)),
                          r.text(i, 3), r.text(i, 4), r.text(i, 5), r.text(i, 6), r.toInt64(i, 7),
                          r.toInt64(i, 8), r.text(i, 9), r.toDouble(i, 10)});
    }
    return out;
}

} // namespace quiver
