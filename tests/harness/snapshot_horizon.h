#pragma once

#include "core/db/pg_connection.h"

namespace quiver::test {

// True once every transaction still running on the server is newer than txid, i.e. rows
// written by txid lie behind the snapshot horizon, the watermark a search index syncs to.
// Transactions of other tests on the same server can hold the horizon back for a moment; a test
// that needs its rows behind it waits with QTRY_VERIFY_WITH_TIMEOUT(snapshotHorizonPast(...)).
inline bool snapshotHorizonPast(PgConnection& conn, const QString& txid) {
    return conn
        .exec(QStringLiteral("SELECT pg_snapshot_xmin(pg_current_snapshot()) > $1::text::xid8"),
              {txid})
        .toBool(0, 0);
}

} // namespace quiver::test
