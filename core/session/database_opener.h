#pragma once

#include "core/db/pg_connection.h"
#include "core/session/database_target.h"

#include <QString>

#include <functional>
#include <memory>

namespace quiver {

class PrivateCluster;

// Turns a DatabaseTarget into an open, migrated connection: starts or joins the private
// cluster, fetches a server password from the keychain. Blocking; the GUI calls it from its
// session thread, the CLI directly. Throws DbError, or std::runtime_error subclasses carrying
// a user message (cluster and keychain problems).
class DatabaseOpener {
public:
    DatabaseOpener();
    ~DatabaseOpener();
    DatabaseOpener(const DatabaseOpener&) = delete;
    DatabaseOpener& operator=(const DatabaseOpener&) = delete;

    std::function<void(const QString& step)> onProgress;

    // The conninfo to use for the target (may start the private cluster).
    QString conninfoFor(const DatabaseTarget& target);
    // conninfoFor + connect + migrate.
    PgConnection open(const DatabaseTarget& target);
    // Leaves the private cluster if this opener started or joined it.
    void release();
    // The conninfo of the last successful open() (may hold a password: never log it).
    QString conninfo() const { return m_conninfo; }

private:
    void report(const QString& step) const;

    std::unique_ptr<PrivateCluster> m_cluster;
    QString m_conninfo;
};

// A message for the user from any exception Quiver's core throws.
QString userMessageFor(const std::exception& e);

} // namespace quiver
