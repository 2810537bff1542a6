#pragma once

#include <QString>

namespace quiver {

class PgConnection;

struct DatabaseStatus {
    QString serverVersion;
    QString describe;
    int schemaVersion = 0;
    int latestSchemaVersion = 0;
    qint64 collections = 0, documents = 0, chunks = 0, embeddings = 0, jobs = 0, jobRuns = 0;
    qint64 pendingChunks = 0; // chunks with no embedding
};

// Counts are left at 0 when the schema is absent (schemaVersion 0).
DatabaseStatus readDatabaseStatus(PgConnection& conn);

} // namespace quiver
