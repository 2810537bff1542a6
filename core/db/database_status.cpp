#include "core/db/database_status.h"

#include "core/db/db_error.h"
#include "core/db/migrations.h"
#include "core/db/pg_connection.h"

namespace quiver {

DatabaseStatus readDatabaseStatus(PgConnection& conn) {
    DatabaseStatus s;
    s.serverVersion = conn.serverVersion();
    s.describe = conn.describe();
    s.latestSchemaVersion = Migrations::latestVersion();
    s.schemaVersion = Migrations::currentVersion(conn);
    if (s.schemaVersion < 1)
        return s;
    try {
        // One statement, so that every count comes from the same snapshot.
        const PgResult r =
            conn.exec(QStringLiteral("SELECT (SELECT count(*) FROM quiver.collections),"
                                     "       (SELECT count(*) FROM quiver.documents),"
                                     "       (SELECT count(*) FROM quiver.chunks),"
                                     "       (SELECT count(*) FROM quiver.embeddings),"
                                     "       (SELECT count(*) FROM quiver.jobs),"
                                     "       (SELECT count(*) FROM quiver.job_runs),"
                                     "       (SELECT count(*) FROM quiver.chunks c"
                                     "         WHERE NOT EXISTS (SELECT 1 FROM quiver.embeddings e"
                                     "                            WHERE e.chunk_id = c.id))"));
        s.collections = r.toInt64(0, 0);
        s.documents = r.toInt64(0, 1);
        s.chunks = r.toInt64(0, 2);
        s.embeddings = r.toInt64(0, 3);
        s.jobs = r.toInt64(0, 4);
        s.jobRuns = r.toInt64(0, 5);
        s.pendingChunks = r.toInt64(0, 6);
    } catch (const DbError& e) {
        // A newer Quiver may have reshaped these tables; the versions are still worth showing.
        if (e.kind() != DbError::Kind::Query || s.schemaVersion <= s.latestSchemaVersion)
            throw;
    }
    return s;
}

} // namespace quiver
