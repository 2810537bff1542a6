#pragma once

#include <QString>

#include <functional>
#include <memory>

namespace quiver {

// Quiver's own PostgreSQL cluster, used when no server is configured: created with initdb on
// first use, reachable only through a Unix socket in a private directory (no TCP), shared by all
// Quiver processes of the user, and stopped when the last of them releases it.
//
// Every call blocks (initdb and a server start take seconds): call it off the GUI thread.
// Errors are thrown as ClusterError (core/db/cluster_error.h).
class PrivateCluster {
public:
    // How the server authenticates its users, fixed when the cluster is created. Peer asks the
    // kernel who is on the other end of the socket; where there is no peer authentication
    // (Windows), a random password is set at initdb and kept in a password file inside the data
    // directory, which only its owner can read. Never trust.
    enum class Auth { Peer, Password };
    static Auth defaultAuth();

    explicit PrivateCluster(QString dataDir = defaultDataDir(), Auth auth = defaultAuth());
    ~PrivateCluster(); // release()
    PrivateCluster(const PrivateCluster&) = delete;
    PrivateCluster& operator=(const PrivateCluster&) = delete;

    // <appDataDir()>/postgres (core/util/app_paths.h), after moving a legacy one into place.
    static QString defaultDataDir();

    // Creates the cluster if needed, starts the server or joins the one already running for this
    // data directory, creates the database `quiver`, and registers this object as a user of the
    // server. Idempotent. Returns the libpq conninfo of the database `quiver` (socket, port, the
    // OS user as database user and, for a cluster with a password, the password file's path:
    // never the password itself).
    QString start();
    // Leaves the cluster; stops the server when no other user (in any process) is left.
    // Never throws: problems are logged.
    void release();

    bool isRunning() const;
    // Valid before start(): where the server's socket is (to be) created.
    QString socketDirectory() const;
    QString dataDirectory() const;
    // <dataDirectory()>/quiver.pgpass; it exists only for a cluster created with Auth::Password.
    QString passwordFile() const;

    // Called with a short, translatable description of the step being taken ("Creating the
    // database…", "Starting the database…"), from the thread that called start().
    std::function<void(const QString& step)> onProgress;

    // Throws ClusterError with the user-facing explanation when effectiveUid is root: PostgreSQL
    // refuses to run as root.
    static void ensureNotRoot(unsigned effectiveUid);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace quiver
