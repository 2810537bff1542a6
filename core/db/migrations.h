#pragma once

#include <QString>

namespace quiver {

class PgConnection;

// Versioned schema migrations for schema `quiver`, compiled into the binary.
class Migrations {
public:
    static int latestVersion(); // the versions this build knows
    // 0 when schema quiver or table quiver.schema_version is absent.
    static int currentVersion(PgConnection& conn);
    // Applies the missing migrations in order, each once in its own transaction, recording
    // (version, name, applied_at). Serialised with pg_advisory_xact_lock, so concurrent
    // processes do not collide. Throws DbError(Kind::SchemaTooNew) if the database is newer
    // than latestVersion(). Returns the resulting version.
    static int apply(PgConnection& conn);

    static QString name(int version); // e.g. "initial"; empty if unknown
    static QString sql(int version);  // the migration's DDL; empty if unknown
};

} // namespace quiver
