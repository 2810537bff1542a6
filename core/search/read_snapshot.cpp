#include "core/search/read_snapshot.h"

#include "core/db/pg_connection.h"

namespace quiver {

ReadSnapshot::ReadSnapshot(PgConnection& conn)
    : m_conn(conn) {
    conn.beginTransaction();
    try {
        conn.exec(QStringLiteral("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"));
        m_xmin = conn.exec(QStringLiteral("SELECT pg_snapshot_xmin(pg_current_snapshot())::text"))
                     .text(0, 0)
                     .toULongLong();
    } catch (...) {
        conn.rollbackTransaction();
        throw;
    }
}

ReadSnapshot::~ReadSnapshot() {
    m_conn.rollbackTransaction(); // read only: nothing to commit
}

} // namespace quiver
