#include "core/db/pg_cancel_handle.h"

#include "core/db/pg_connection.h"

#include <libpq-fe.h>

namespace quiver {

PgCancelHandle::PgCancelHandle(const PgConnection& conn)
    : m_cancel(conn.handle() ? PQgetCancel(conn.handle()) : nullptr) {}

PgCancelHandle::~PgCancelHandle() {
    if (m_cancel)
        PQfreeCancel(m_cancel);
}

bool PgCancelHandle::cancel() const {
    if (!m_cancel)
        return false;
    char error[256];
    return PQcancel(m_cancel, error, sizeof error) == 1;
}

} // namespace quiver
