#pragma once

#include <QList>
#include <QString>

namespace quiver {

class PgConnection;

// The heartbeat rows of quiver.workers: every worker (GUI or `quiver-cli worker`, on any
// machine) registers, refreshes last_seen with its counts while it runs, and marks itself
// stopped when it ends. Blocking, on the caller's connection; throws DbError.
class WorkerRegistry {
public:
    struct Worker {
        qint64 id = 0;
        QString host;
        int pid = 0;
        QString kind; // "cli" or "gui"
        QString profile;
        QString startedAt; // ISO 8601, UTC
        QString lastSeen;
        qint64 done = 0;
        qint64 errors = 0;
        QString lastError;
        double secondsSinceSeen = 0;
    };

    explicit WorkerRegistry(PgConnection& conn)
        : m_conn(conn) {}

    qint64 registerWorker(const QString& host, int pid, const QString& kind,
                          const QString& profile);
    // Adds to the counts and refreshes last_seen; lastError empty leaves the last one.
    void beat(qint64 id, qint64 doneDelta = 0, qint64 errorsDelta = 0,
              const QString& lastError = {});
    void stop(qint64 id);
    // Workers not stopped and seen within the last `withinSeconds` seconds, newest first.
    QList<Worker> active(int withinSeconds = 60);

private:
    PgConnection& m_conn;
};

} // namespace quiver
