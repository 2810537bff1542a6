#pragma once

#include "core/jobs/embedding_queue.h"
#include "core/jobs/job.h"
#include "core/jobs/worker_registry.h"

#include <QHash>
#include <QList>
#include <QMetaType>
#include <QString>

namespace quiver {

class PgConnection;

// The backlog of one profile's model: how much is left, how fast it goes, when it ends.
struct ProfileBacklog {
    QString profile;
    QString model; // Embedder::modelId() of the profile
    EmbeddingQueue::Backlog backlog;
    double chunksPerSecond = 0; // over the time the last five minutes' work took
    qint64 etaSeconds = -1;     // -1: unknown (nothing moving) ; 0: done
};

// Everything the Jobs page shows, read in one go.
struct JobsOverview {
    QList<Job> jobs;
    QList<JobRun> runs;
    QList<WorkerRegistry::Worker> workers;
    QList<ProfileBacklog> backlogs;
    QString chartModel;                        // the model of chunksPerMinute
    QList<qint64> chunksPerMinute;             // last 30 minutes, oldest first
    QList<EmbeddingQueue::FailedChunk> failed; // of every backlog's model
    QList<QString> failedModels;               // the model of each failed chunk
};

// Reads a JobsOverview on the caller's connection (blocking; throws DbError). Model ids are
// found by making each profile's embedder once (no network is used) and kept.
class JobsOverviewReader {
public:
    explicit JobsOverviewReader(PgConnection& conn)
        : m_conn(conn) {}
    JobsOverview read();

private:
    QString modelFor(const struct EmbeddingProfile& profile);

    PgConnection& m_conn;
    QHash<QString, QString> m_models; // profile fingerprint -> model id
};

} // namespace quiver

Q_DECLARE_METATYPE(quiver::JobsOverview)
