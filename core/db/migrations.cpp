#include "core/db/migrations.h"

#include "core/db/db_error.h"
#include "core/db/pg_connection.h"

#include <QFile>

#include <array>

// The SQL lives in core/db/migrations/*.sql, compiled in as Qt resources (core/db/CMakeLists.txt).
static void initMigrationResources() {
    Q_INIT_RESOURCE(quiver_db_migrations);
}

namespace quiver {

namespace {

struct Migration {
    int version;
    const char* name;
    const char* resource;
};

// Append only: a released migration is never edited, a change is a new migration.
constexpr std::array kMigrations{
    Migration{1, "initial", ":/quiver/db/migrations/0001_initial.sql"},
    Migration{2, "providers", ":/quiver/db/migrations/0002_providers.sql"},
    Migration{3, "jobs", ":/quiver/db/migrations/0003_jobs.sql"},
    Migration{4, "import", ":/quiver/db/migrations/0004_import.sql"},
    Migration{5, "search", ":/quiver/db/migrations/0005_search.sql"},
    Migration{6, "search_tsv_generated", ":/quiver/db/migrations/0006_search_tsv_generated.sql"},
    Migration{7, "deletion_log_pruning", ":/quiver/db/migrations/0007_deletion_log_pruning.sql"},
    Migration{8, "sha256_checks", ":/quiver/db/migrations/0008_sha256_checks.sql"},
    Migration{9, "deferred_text_index", ":/quiver/db/migrations/0009_deferred_text_index.sql"},
    Migration{10, "chunk_document_triggers",
              ":/quiver/db/migrations/0010_chunk_document_triggers.sql"},
    Migration{11, "chunk_sha256_hash_index",
              ":/quiver/db/migrations/0011_chunk_sha256_hash_index.sql"},
    Migration{12, "keyword_index", ":/quiver/db/migrations/0012_keyword_index.sql"},
    Migration{13, "trash", ":/quiver/db/migrations/0013_trash.sql"},
    Migration{14, "library_notifications", ":/quiver/db/migrations/0014_library_notifications.sql"},
};

// Key of the advisory lock that serialises migrations across processes: "quiver" in ASCII.
constexpr qint64 kMigrationLockKey = 0x717569766572;

const Migration* find(int version) {
    for (const Migration& m : kMigrations) {
        if (m.version == version)
            return &m;
    }
    return nullptr;
}

} // namespace

int Migrations::latestVersion() {
    return kMigrations.back().version;
}

QString Migrations::name(int version) {
    const Migration* m = find(version);
    return m ? QString::fromUtf8(m->name) : QString();
}

QString Migrations::sql(int version) {
    const Migration* m = find(version);
    if (!m)
        return {};
    static const bool initialised = (initMigrationResources(), true);
    Q_UNUSED(initialised);
    QFile file(QString::fromUtf8(m->resource));
    if (!file.open(QIODevice::ReadOnly))
        throw DbError(DbError::Kind::Query,
                      QStringLiteral("migration %1 is missing from this build (%2)")
                          .arg(version)
                          .arg(file.fileName()));
    return QString::fromUtf8(file.readAll());
}

namespace {

struct SchemaState {
    bool exists = false; // quiver.schema_version exists
    int version = 0;
    bool operator==(const SchemaState&) const = default;
};

bool versionTableExists(PgConnection& conn) {
    // A scan of pg_catalog sees what is committed; to_regclass() consults the backend's catalog
    // cache, which inside a transaction may not yet know of DDL another session just committed.
    return conn
        .exec(QStringLiteral("SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_class c "
                             "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                             "WHERE n.nspname = 'quiver' AND c.relname = 'schema_version')"))
        .toBool(0, 0);
}

SchemaState readState(PgConnection& conn) {
    SchemaState state;
    state.exists = versionTableExists(conn);
    if (state.exists) {
        const PgResult r = conn.exec(
            QStringLiteral("SELECT coalesce(max(version), 0) FROM quiver.schema_version"));
        state.version = static_cast<int>(r.toInt64(0, 0));
    }
    return state;
}

} // namespace

int Migrations::currentVersion(PgConnection& conn) {
    return readState(conn).version;
}

int Migrations::apply(PgConnection& conn) {
    if (conn.transactionDepth() > 0)
        throw DbError(DbError::Kind::Query,
                      QStringLiteral("migrations must run outside a transaction"));
    const int latest = latestVersion();
    for (;;) {
        // Read in a transaction of its own: the migration transaction below starts after it,
        // so its catalog cache is at least as new as what was seen here.
        const SchemaState seen = readState(conn);
        if (seen.version > latest)
            throw DbError::schemaTooNew(seen.version, latest);
        if (seen.version == latest)
            return latest;
        conn.transaction([&]() {
            // Held until this transaction ends, so migrators take turns.
            conn.exec(QStringLiteral("SELECT pg_advisory_xact_lock($1)"), {kMigrationLockKey});
            // If another session created the table while we waited, its name may be unknown to
            // this transaction's catalog cache: look again in a fresh transaction.
            if (versionTableExists(conn) != seen.exists)
                return;
            if (!(readState(conn) == seen))
                return; // someone else migrated; the loop looks again
            const int next = seen.version + 1;
            if (!find(next))
                throw DbError(DbError::Kind::Query,
                              QStringLiteral("migration %1 is missing from this build").arg(next));
            conn.execScript(sql(next));
            conn.exec(QStringLiteral("INSERT INTO quiver.schema_version (version, name) "
                                     "VALUES ($1, $2)"),
                      {next, name(next)});
        });
    }
}

} // namespace quiver
