#include "core/db/private_cluster.h"

#include "core/db/cluster_error.h"
#include "core/db/file_lock.h"
#include "core/db/os_user.h"
#include "core/db/pg_binaries.h"
#include "core/db/postmaster_pid_file.h"
#include "core/util/app_paths.h"
#include "core/util/redact.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSaveFile>
#include <QScopeGuard>
#include <QThread>
#include <QtDebug>

#include <libpq-fe.h>

#include <memory>

namespace quiver {

namespace {

constexpr int kPort = 5432;
constexpr int kInitdbTimeoutMs = 300'000;
constexpr int kPgCtlWaitSeconds = 120;
constexpr int kPgCtlTimeoutMs = (kPgCtlWaitSeconds + 30) * 1000;
constexpr int kJoinTimeoutMs = 60'000;
constexpr int kOrphanTimeoutMs = 30'000;
constexpr int kPollIntervalMs = 50;
constexpr int kLogTailLines = 20;
constexpr qint64 kLogRotateBytes = 10 * 1024 * 1024;
// sun_path holds 104 (macOS) to 108 (Linux) bytes including the socket's file name.
constexpr qsizetype kMaxSocketPathBytes = 100;

QString socketFileName(int port) {
    return QStringLiteral(".s.PGSQL.%1").arg(port);
}

// ---- child processes ------------------------------------------------------------------------

// The user's PG* variables (PGDATA, PGPORT, PGOPTIONS, ...) must not steer our server tools,
// and Quiver's own (QUIVER_API_KEY among them) are none of the server's business: a server
// outlives the app, and its environment is readable in /proc by its user's other processes.
QProcessEnvironment toolEnvironment() {
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    const QStringList keys = env.keys();
    for (const QString& key : keys) {
        if (key.startsWith(QLatin1String("PG")) || key.startsWith(QLatin1String("QUIVER_")))
            env.remove(key);
    }
    return env;
}

struct ToolRun {
    bool ok = false;
    QString output;
    QString failure; // why it did not run or finish; empty when it ran to completion
    int exitCode = -1;
};

ToolRun runTool(const QString& program, const QStringList& args, const QString& workDir,
                int timeoutMs) {
    ToolRun run;
    QProcess p;
    p.setProcessEnvironment(toolEnvironment());
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.setStandardInputFile(QProcess::nullDevice());
    p.setWorkingDirectory(workDir);
    p.start(program, args);
    if (!p.waitForStarted(30'000)) {
        run.failure = QStringLiteral("could not run %1: %2").arg(program, p.errorString());
        return run;
    }
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished(5'000);
        run.failure = QStringLiteral("%1 did not finish within %2 seconds")
                          .arg(QFileInfo(program).fileName())
                          .arg(timeoutMs / 1000);
    }
    run.output = QString::fromLocal8Bit(p.readAll()).trimmed();
    run.exitCode = p.exitCode();
    run.ok = run.failure.isEmpty() && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
    if (run.failure.isEmpty() && p.exitStatus() != QProcess::NormalExit)
        run.failure = QStringLiteral("%1 crashed").arg(QFileInfo(program).fileName());
    return run;
}

QString lastLines(const QString& text, int count) {
    QStringList lines = text.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    if (lines.size() > count)
        lines = lines.mid(lines.size() - count);
    return redactSecrets(lines.join(QLatin1Char('\n')));
}

// ---- conninfo -------------------------------------------------------------------------------

QString conninfoValue(const QString& v) {
    static const QRegularExpression needsQuotes(QStringLiteral("[\\s'\\\\]"));
    if (!v.isEmpty() && !v.contains(needsQuotes))
        return v;
    QString escaped = v;
    escaped.replace(QLatin1Char('\\'), QStringLiteral("\\\\"));
    escaped.replace(QLatin1Char('\''), QStringLiteral("\\'"));
    return QLatin1Char('\'') + escaped + QLatin1Char('\'');
}

QString makeConninfo(const QString& socketDir, int port, const QString& user, const QString& db,
                     const QString& passFile) {
    QString info = QStringLiteral("host=%1 port=%2 user=%3 dbname=%4")
                       .arg(conninfoValue(socketDir))
                       .arg(port)
                       .arg(conninfoValue(user), conninfoValue(db));
    if (!passFile.isEmpty())
        info += QStringLiteral(" passfile=") + conninfoValue(passFile);
    return info;
}

// 256 random bits; hexadecimal needs no escaping in a password file.
QByteArray newPassword() {
    QByteArray bytes(32, Qt::Uninitialized);
    QRandomGenerator::system()->generate(reinterpret_cast<quint32*>(bytes.data()),
                                         reinterpret_cast<quint32*>(bytes.data() + bytes.size()));
    return bytes.toHex();
}

constexpr QFileDevice::Permissions kOwnerReadWrite =
    QFileDevice::ReadOwner | QFileDevice::WriteOwner;

// Created with the owner's permissions only, never over an existing file.
bool writePrivateFile(const QString& path, const QByteArray& content, QString* error) {
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::NewOnly, kOwnerReadWrite) ||
        file.write(content) != content.size() || !file.flush()) {
        *error = file.errorString();
        return false;
    }
    return true;
}

// A value for postgresql.conf: a single-quoted string.
QString confString(const QString& v) {
    QString escaped = v;
    escaped.replace(QLatin1Char('\''), QStringLiteral("''"));
    return QLatin1Char('\'') + escaped + QLatin1Char('\'');
}

struct PgConnDeleter {
    void operator()(PGconn* c) const { PQfinish(c); }
};
struct PgResultDeleter {
    void operator()(PGresult* r) const { PQclear(r); }
};
using ConnPtr = std::unique_ptr<PGconn, PgConnDeleter>;
using ResultPtr = std::unique_ptr<PGresult, PgResultDeleter>;

QString rootRefusal() {
    return QStringLiteral("Quiver's private database cannot run as root. Start Quiver as a normal "
                          "user, or point it at a PostgreSQL server with --db / QUIVER_DB.");
}

} // namespace

// ---- PrivateCluster -------------------------------------------------------------------------

struct PrivateCluster::Private {
    QString dataDir;
    QString parentDir;
    QString baseName;
    QString socketDir; // planned; replaced by the running server's when joining
    int port = kPort;
    PrivateCluster::Auth auth = PrivateCluster::Auth::Peer;
    QString osUser;
    QString conninfo;
    PgBinaries binaries;
    bool haveBinaries = false;
    FileLock clientLock;
    QString clientPath;
    bool registered = false;

    QString controlLockPath() const {
        return parentDir + QLatin1Char('/') + baseName + QStringLiteral(".lock");
    }
    QString clientsDir() const {
        return parentDir + QLatin1Char('/') + baseName + QStringLiteral("-clients");
    }
    QString pidFilePath() const { return dataDir + QStringLiteral("/postmaster.pid"); }
    QString passFilePath() const { return dataDir + QStringLiteral("/quiver.pgpass"); }
    // The password file goes into every conninfo of a cluster that has one, whichever Auth this
    // object was made with: the cluster's own pg_hba.conf decides.
    QString conninfoFor(const QString& socket, int serverPort, const QString& db) const {
        return makeConninfo(socket, serverPort, osUser, db,
                            QFileInfo::exists(passFilePath()) ? passFilePath() : QString());
    }
    QString logPath() const { return dataDir + QStringLiteral("/server.log"); }
    QString canonicalDataDir() const { return QFileInfo(dataDir).canonicalFilePath(); }

    QString plannedSocketDir() const;
    void lockControl(FileLock& lock) const;
    int dataMajorVersion() const;
    const PgBinaries& serverBinaries(int preferredMajor);
    void initdb(const PgBinaries& bin);
    QStringList authArguments(const QString& passwordPath) const;
    void ensureSocketDir() const;
    void writeServerConfig() const;
    void recoverStaleLockFiles() const;
    bool joinRunningServer();
    void startServer(const PgBinaries& bin);
    void ensureDatabase() const;
    void registerClient();
    bool otherClientsAlive() const;
    void stopServer();
    QString logTailSince(qint64 offset) const;
    QString unidentifiedServerMessage(qint64 pid, const QString& socket) const;
};

QString PrivateCluster::Private::plannedSocketDir() const {
    auto fits = [](const QString& dir) {
        return dir.toUtf8().size() + 1 + socketFileName(kPort).size() < kMaxSocketPathBytes;
    };
    const QString beside = parentDir + QLatin1Char('/') + baseName + QStringLiteral("-socket");
    if (fits(beside))
        return beside;
    // The data directory's path is too long for a socket: use a short, per-user directory named
    // after the data directory, so that every process of this cluster finds the same one.
    const QString hash = QString::fromLatin1(
        QCryptographicHash::hash(dataDir.toUtf8(), QCryptographicHash::Sha256).toHex().left(12));
    const QString runtime = qEnvironmentVariable("XDG_RUNTIME_DIR");
    if (!runtime.isEmpty() && QDir::isAbsolutePath(runtime) && QFileInfo(runtime).isDir()) {
        const QString dir = QDir::cleanPath(runtime) + QStringLiteral("/quiver-") + hash;
        if (fits(dir))
            return dir;
    }
    return QDir::cleanPath(QDir::tempPath()) +
           QStringLiteral("/quiver-%1-%2").arg(osUserTag(), hash);
}

// Start and stop decisions of all processes are serialised by this lock, so two processes never
// both run initdb or pg_ctl, and the set of registered clients only changes under it.
void PrivateCluster::Private::lockControl(FileLock& lock) const {
    if (!QDir().mkpath(parentDir))
        throw ClusterError(QStringLiteral("Cannot create the directory %1 for Quiver's private "
                                          "database. Check that it is writable.")
                               .arg(QDir::toNativeSeparators(parentDir)));
    QString error;
    if (lock.acquire(controlLockPath(), true, &error) != FileLock::Result::Locked)
        throw ClusterError(QStringLiteral("Cannot lock %1: %2")
                               .arg(QDir::toNativeSeparators(controlLockPath()), error));
}

// 0 when there is no cluster yet.
int PrivateCluster::Private::dataMajorVersion() const {
    const QDir dir(dataDir);
    if (!dir.exists())
        return 0;
    QFile versionFile(dataDir + QStringLiteral("/PG_VERSION"));
    if (!versionFile.exists()) {
        if (dir.isEmpty(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System))
            return 0;
        throw ClusterError(
            QStringLiteral("%1 exists but does not hold a PostgreSQL database cluster (it has no "
                           "PG_VERSION file). Move it away so that Quiver can create its database "
                           "there, or point Quiver at a PostgreSQL server with --db / QUIVER_DB.")
                .arg(QDir::toNativeSeparators(dataDir)));
    }
    if (!versionFile.open(QIODevice::ReadOnly))
        throw ClusterError(
            QStringLiteral("Cannot read %1: %2")
                .arg(QDir::toNativeSeparators(versionFile.fileName()), versionFile.errorString()));
    const QString text = QString::fromLatin1(versionFile.readAll()).trimmed();
    bool ok = false;
    const int major = text.section(QLatin1Char('.'), 0, 0).toInt(&ok);
    if (!ok || major <= 0)
        throw ClusterError(
            QStringLiteral("%1 holds an unreadable version (\"%2\").")
                .arg(QDir::toNativeSeparators(versionFile.fileName()), text.left(20)));
    return major;
}

const PgBinaries& PrivateCluster::Private::serverBinaries(int preferredMajor) {
    if (!haveBinaries || (preferredMajor != 0 && binaries.majorVersion() != preferredMajor)) {
        binaries = PgBinaries::locate(preferredMajor);
        haveBinaries = true;
    }
    return binaries;
}

void PrivateCluster::Private::initdb(const PgBinaries& bin) {
    // initdb works in a side directory that is renamed into place when complete: a first start
    // interrupted half-way leaves no half-made cluster behind.
    const QString work = dataDir + QStringLiteral(".initdb");
    QStringList locales;
#if defined(Q_OS_LINUX)
    locales << QStringLiteral("C.UTF-8");
#endif
#if !defined(Q_OS_WIN)
    for (const char* var : {"LC_ALL", "LC_CTYPE", "LANG"}) {
        const QString value = qEnvironmentVariable(var);
        if (value.contains(QLatin1String("UTF-8"), Qt::CaseInsensitive) ||
            value.contains(QLatin1String("utf8"), Qt::CaseInsensitive)) {
            locales << value;
            break;
        }
    }
    locales << QStringLiteral("en_US.UTF-8") << QStringLiteral("C");
#else
    locales << QString(); // initdb picks the system's
#endif
    locales.removeDuplicates();

    // initdb reads the superuser's password from a file; it lives beside the data directory (in
    // the user's private application folder) only while initdb runs.
    const QString passwordPath =
        parentDir + QLatin1Char('/') + baseName + QStringLiteral(".initdb-password");
    const auto removePassword = qScopeGuard([&] { QFile::remove(passwordPath); });
    QByteArray password;
    if (auth == PrivateCluster::Auth::Password) {
        password = newPassword();
        QFile::remove(passwordPath); // left by an initdb that was killed
        if (QString error; !writePrivateFile(passwordPath, password + '\n', &error))
            throw ClusterError(QStringLiteral("Cannot write %1: %2")
                                   .arg(QDir::toNativeSeparators(passwordPath), error));
    }

    ToolRun run;
    for (const QString& locale : std::as_const(locales)) {
        QDir(work).removeRecursively();
        QStringList args{QStringLiteral("-D"),
                         work,
                         QStringLiteral("-U"),
                         osUser,
                         QStringLiteral("-E"),
                         QStringLiteral("UTF8"),
                         QStringLiteral("--data-checksums")};
        args << authArguments(passwordPath);
        if (!locale.isEmpty())
            args << QStringLiteral("--locale=") + locale;
        run = runTool(bin.program(QStringLiteral("initdb")), args, parentDir, kInitdbTimeoutMs);
        if (run.ok || !run.output.contains(QLatin1String("locale"), Qt::CaseInsensitive))
            break;
    }
    if (!run.ok) {
        QDir(work).removeRecursively();
        throw ClusterError(
            QStringLiteral("Could not create Quiver's private database in %1 "
                           "(initdb failed%2):\n%3")
                .arg(QDir::toNativeSeparators(dataDir),
                     run.failure.isEmpty() ? QString() : QStringLiteral(": ") + run.failure,
                     lastLines(run.output, kLogTailLines)));
    }

    if (auth == PrivateCluster::Auth::Password) {
        // Written before the rename: a cluster in place always has the password it was made with.
        QString error;
        if (!writePrivateFile(work + QStringLiteral("/quiver.pgpass"),
                              QByteArrayLiteral("*:*:*:*:") + password + '\n', &error))
            throw ClusterError(
                QStringLiteral("Cannot write the password file of the new database in %1: %2")
                    .arg(QDir::toNativeSeparators(work), error));
    }

    QFile conf(work + QStringLiteral("/postgresql.conf"));
    if (!conf.open(QIODevice::Append | QIODevice::Text) ||
        conf.write("\n# Quiver: socket-only settings, rewritten before every start.\n"
                   "include = 'quiver.conf'\n") < 0)
        throw ClusterError(
            QStringLiteral("Cannot write %1: %2").arg(conf.fileName(), conf.errorString()));
    conf.close();

    if (QDir(dataDir).exists() && !QDir().rmdir(dataDir))
        throw ClusterError(QStringLiteral("Cannot replace the empty directory %1.")
                               .arg(QDir::toNativeSeparators(dataDir)));
    if (!QDir().rename(work, dataDir))
        throw ClusterError(
            QStringLiteral("Cannot move the new database cluster from %1 to %2.")
                .arg(QDir::toNativeSeparators(work), QDir::toNativeSeparators(dataDir)));
}

// TCP is off (listen_addresses is empty) and refused by pg_hba.conf as well.
QStringList PrivateCluster::Private::authArguments(const QString& passwordPath) const {
    switch (auth) {
    case PrivateCluster::Auth::Peer:
        return {QStringLiteral("--auth-local=peer"), QStringLiteral("--auth-host=reject")};
    case PrivateCluster::Auth::Password:
        return {QStringLiteral("--auth-local=scram-sha-256"), QStringLiteral("--auth-host=reject"),
                QStringLiteral("--pwfile=") + passwordPath};
    }
    return {};
}

void PrivateCluster::Private::ensureSocketDir() const {
    if (const QString problem = ensurePrivateDirectory(socketDir); !problem.isEmpty())
        throw ClusterError(
            QStringLiteral("Cannot use the socket directory %1: %2. Remove it and start Quiver "
                           "again.")
                .arg(socketDir, problem));
}

void PrivateCluster::Private::writeServerConfig() const {
    // Double quotes inside the value keep commas and spaces of the path intact.
    QString dirList = socketDir;
    dirList.replace(QLatin1Char('"'), QStringLiteral("\"\""));
    dirList = QLatin1Char('"') + dirList + QLatin1Char('"');
    const QString text =
        QStringLiteral("# Written by Quiver before every start of this server; edits are lost.\n"
                       "listen_addresses = ''\n"
                       "port = %1\n"
                       "unix_socket_directories = %2\n"
                       "unix_socket_permissions = 0700\n")
            .arg(kPort)
            .arg(confString(dirList));
    QSaveFile out(dataDir + QStringLiteral("/quiver.conf"));
    if (!out.open(QIODevice::WriteOnly | QIODevice::Text) || out.write(text.toUtf8()) < 0 ||
        !out.commit())
        throw ClusterError(
            QStringLiteral("Cannot write %1: %2").arg(out.fileName(), out.errorString()));

    // A cluster made by hand, or by an older Quiver, may lack the include line.
    QFile conf(dataDir + QStringLiteral("/postgresql.conf"));
    if (!conf.open(QIODevice::ReadWrite | QIODevice::Text))
        throw ClusterError(
            QStringLiteral("Cannot open %1: %2").arg(conf.fileName(), conf.errorString()));
    static const QRegularExpression include(QStringLiteral("^\\s*include\\s*=?\\s*'quiver\\.conf'"),
                                            QRegularExpression::MultilineOption);
    if (!QString::fromUtf8(conf.readAll()).contains(include)) {
        conf.seek(conf.size());
        conf.write("\ninclude = 'quiver.conf'\n");
    }
}

// After a crash the server's lock files may name a pid that now belongs to an unrelated process
// (or to a zombie); PostgreSQL then refuses to start. Remove such files, but never those of a
// live server of this data directory, and only once no process of the dead server is left.
void PrivateCluster::Private::recoverStaleLockFiles() const {
    const QString canonical = canonicalDataDir();
    const PidFile pf = readPidFile(pidFilePath());
    const bool stale = pf.present && !serverMayBeRunning(pf, classifyPid(pf.pid, canonical));
    if (stale) {
        if (sharedMemoryInUse(pf.shmId)) {
            // No event tells us when the orphaned server processes have exited: poll briefly.
            QDeadlineTimer deadline(kOrphanTimeoutMs);
            while (sharedMemoryInUse(pf.shmId) && !deadline.hasExpired())
                QThread::msleep(kPollIntervalMs);
            if (sharedMemoryInUse(pf.shmId))
                throw ClusterError(
                    QStringLiteral("Processes of an earlier database server are still running on "
                                   "%1 (its shared memory is in use). End the leftover "
                                   "`postgres` processes, then start Quiver again.")
                        .arg(QDir::toNativeSeparators(dataDir)));
        }
        if (!QFile::remove(pidFilePath()) && QFile::exists(pidFilePath()))
            throw ClusterError(QStringLiteral("Cannot remove the stale %1.").arg(pidFilePath()));
        qInfo("quiver: removed stale postmaster.pid (pid %lld is no server of this data directory)",
              pf.pid);
    }

    const QString socketLock =
        socketDir + QLatin1Char('/') + socketFileName(kPort) + QStringLiteral(".lock");
    QFile lock(socketLock);
    if (lock.open(QIODevice::ReadOnly)) {
        const qint64 pid = QString::fromLatin1(lock.readLine()).trimmed().toLongLong();
        lock.close();
        // The server that wrote the stale pid file wrote this one too.
        if ((stale && pid == pf.pid) || !isLive(classifyPid(pid, canonical))) {
            QFile::remove(socketLock);
            QFile::remove(socketDir + QLatin1Char('/') + socketFileName(kPort));
        }
    }
}

bool PrivateCluster::Private::joinRunningServer() {
    const PidFile pf = readPidFile(pidFilePath());
    const PidOwner owner = classifyPid(pf.pid, canonicalDataDir());
    if (!serverMayBeRunning(pf, owner))
        return false;
    const QString socket = pf.socketDir.isEmpty() ? socketDir : pf.socketDir;
    const int serverPort = pf.port > 0 ? pf.port : kPort;
    const QByteArray ping = (conninfoFor(socket, serverPort, QStringLiteral("postgres")) +
                             QStringLiteral(" connect_timeout=10"))
                                .toUtf8();
    // A server that is still starting (or was started by hand) may not accept connections yet.
    QDeadlineTimer deadline(kJoinTimeoutMs);
    for (;;) {
        if (PQping(ping.constData()) == PQPING_OK)
            break;
        if (!serverMayBeRunning(pf, classifyPid(pf.pid, canonicalDataDir())))
            return false; // it went away: start it again
        if (deadline.hasExpired() && owner != PidOwner::ThisCluster)
            throw ClusterError(unidentifiedServerMessage(pf.pid, socket));
        if (deadline.hasExpired())
            throw ClusterError(
                QStringLiteral("A database server (pid %1) is running on %2 but does not accept "
                               "connections on %3. Stop it (pg_ctl stop -D %2) and start Quiver "
                               "again.\nLast lines of the server log:\n%4")
                    .arg(pf.pid)
                    .arg(QDir::toNativeSeparators(dataDir), socket, logTailSince(0)));
        QThread::msleep(kPollIntervalMs);
    }
    socketDir = socket;
    port = serverPort;
    return true;
}

// The pid is alive but cannot be shown to be this data directory's server: advice to stop or
// kill it could end an unrelated process, so the way out offered is the lock file itself.
QString PrivateCluster::Private::unidentifiedServerMessage(qint64 pid,
                                                           const QString& socket) const {
    const QString file = QDir::toNativeSeparators(pidFilePath());
    return QStringLiteral(
               "%1 names process %2, which is running, but Quiver cannot tell whether it "
               "is the database server of %3, and no server answers on %4. Do not stop "
               "or kill process %2 because of this file. If no PostgreSQL server is "
               "using %3 (see `ps -o pid,args -p %2`), the file is left over from a "
               "crash and is safe to remove: delete %1, then start Quiver again.")
        .arg(file)
        .arg(pid)
        .arg(QDir::toNativeSeparators(dataDir), socket);
}

QString PrivateCluster::Private::logTailSince(qint64 offset) const {
    QFile log(logPath());
    if (!log.open(QIODevice::ReadOnly))
        return {};
    const qint64 maxTail = 64 * 1024;
    log.seek(std::max(offset, log.size() - maxTail));
    return lastLines(QString::fromLocal8Bit(log.readAll()), kLogTailLines);
}

void PrivateCluster::Private::startServer(const PgBinaries& bin) {
    writeServerConfig();
    QFileInfo logInfo(logPath());
    if (logInfo.exists() && logInfo.size() > kLogRotateBytes) {
        QFile::remove(logPath() + QStringLiteral(".1"));
        QFile::rename(logPath(), logPath() + QStringLiteral(".1"));
    }
    const qint64 logStart = QFileInfo(logPath()).exists() ? QFileInfo(logPath()).size() : 0;
    const ToolRun run =
        runTool(bin.program(QStringLiteral("pg_ctl")),
                {QStringLiteral("start"), QStringLiteral("-D"), dataDir, QStringLiteral("-l"),
                 logPath(), QStringLiteral("-w"), QStringLiteral("-t"),
                 QString::number(kPgCtlWaitSeconds), QStringLiteral("-s")},
                parentDir, kPgCtlTimeoutMs);
    if (!run.ok)
        throw ClusterError(
            QStringLiteral("Quiver's private database server did not start (%1).\n%2\nLast lines "
                           "of the server log (%3):\n%4")
                .arg(run.failure.isEmpty() ? QStringLiteral("pg_ctl exit code %1").arg(run.exitCode)
                                           : run.failure,
                     lastLines(run.output, kLogTailLines), QDir::toNativeSeparators(logPath()),
                     logTailSince(logStart)));
    port = kPort;
}

void PrivateCluster::Private::ensureDatabase() const {
    const QByteArray info = (conninfoFor(socketDir, port, QStringLiteral("postgres")) +
                             QStringLiteral(" connect_timeout=30"))
                                .toUtf8();
    ConnPtr conn(PQconnectdb(info.constData()));
    if (!conn || PQstatus(conn.get()) != CONNECTION_OK)
        throw ClusterError(
            QStringLiteral("Cannot connect to Quiver's private database server: %1")
                .arg(redactSecrets(QString::fromLocal8Bit(PQerrorMessage(conn.get())).trimmed())));
    const char* params[] = {"quiver"};
    ResultPtr found(PQexecParams(conn.get(), "SELECT 1 FROM pg_database WHERE datname = $1", 1,
                                 nullptr, params, nullptr, nullptr, 0));
    if (PQresultStatus(found.get()) != PGRES_TUPLES_OK)
        throw ClusterError(QStringLiteral("Cannot list the databases of the private server: %1")
                               .arg(QString::fromLocal8Bit(PQerrorMessage(conn.get())).trimmed()));
    if (PQntuples(found.get()) > 0)
        return;
    ResultPtr created(PQexecParams(conn.get(), "CREATE DATABASE quiver", 0, nullptr, nullptr,
                                   nullptr, nullptr, 0));
    if (PQresultStatus(created.get()) != PGRES_COMMAND_OK)
        throw ClusterError(QStringLiteral("Cannot create the database `quiver`: %1")
                               .arg(QString::fromLocal8Bit(PQerrorMessage(conn.get())).trimmed()));
}

// One locked file per user of the server. A process that dies loses its lock with it, so its
// file no longer counts.
void PrivateCluster::Private::registerClient() {
    const QString dir = clientsDir();
    if (!QDir().mkpath(dir))
        throw ClusterError(QStringLiteral("Cannot create %1.").arg(QDir::toNativeSeparators(dir)));
    QFile::setPermissions(dir,
                          QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    clientPath = dir + QStringLiteral("/%1-%2.client")
                           .arg(QCoreApplication::applicationPid())
                           .arg(QRandomGenerator::system()->generate64(), 16, 16, QLatin1Char('0'));
    QString error;
    if (clientLock.acquire(clientPath, false, &error) != FileLock::Result::Locked)
        throw ClusterError(QStringLiteral("Cannot lock %1: %2").arg(clientPath, error));
    registered = true;
}

bool PrivateCluster::Private::otherClientsAlive() const {
    const QDir dir(clientsDir());
    const QStringList files = dir.entryList({QStringLiteral("*.client")}, QDir::Files);
    int alive = 0;
    for (const QString& name : files) {
        const QString path = dir.absoluteFilePath(name);
        FileLock probe;
        switch (probe.acquire(path, false, nullptr)) {
        case FileLock::Result::Locked:
            QFile::remove(path); // left by a process that died
            break;
        case FileLock::Result::Busy:
            ++alive;
            break;
        case FileLock::Result::Error:
            break;
        }
    }
    return alive > 0;
}

void PrivateCluster::Private::stopServer() {
    const PidFile pf = readPidFile(pidFilePath());
    if (!serverMayBeRunning(pf, classifyPid(pf.pid, canonicalDataDir())))
        return; // not running; a stale pid file is dealt with at the next start
    const PgBinaries& bin = serverBinaries(dataMajorVersion());
    auto stop = [&](const QString& mode) {
        return runTool(bin.program(QStringLiteral("pg_ctl")),
                       {QStringLiteral("stop"), QStringLiteral("-D"), dataDir, QStringLiteral("-m"),
                        mode, QStringLiteral("-w"), QStringLiteral("-t"),
                        QString::number(kPgCtlWaitSeconds), QStringLiteral("-s")},
                       parentDir, kPgCtlTimeoutMs);
    };
    const ToolRun fast = stop(QStringLiteral("fast"));
    if (fast.ok) {
        // Empty now; the next start creates it again. Keeps /tmp tidy when it lives there.
        QDir().rmdir(pf.socketDir.isEmpty() ? socketDir : pf.socketDir);
        return;
    }
    qWarning("quiver: stopping the private database server failed (%s): %s",
             qUtf8Printable(fast.failure), qUtf8Printable(fast.output));
    const ToolRun immediate = stop(QStringLiteral("immediate"));
    if (!immediate.ok)
        qWarning("quiver: immediate stop failed too: %s", qUtf8Printable(immediate.output));
}

PrivateCluster::Auth PrivateCluster::defaultAuth() {
#ifdef Q_OS_WIN
    return Auth::Password; // no peer authentication on Windows
#else
    return Auth::Peer;
#endif
}

PrivateCluster::PrivateCluster(QString dataDir, Auth auth)
    : d(std::make_unique<Private>()) {
    d->auth = auth;
    const QFileInfo info(dataDir);
    d->dataDir = QDir::cleanPath(info.absoluteFilePath());
    d->parentDir = QFileInfo(d->dataDir).absolutePath();
    d->baseName = QFileInfo(d->dataDir).fileName();
    d->osUser = osUserName();
    d->socketDir = d->plannedSocketDir();
}

PrivateCluster::~PrivateCluster() {
    release();
}

QString PrivateCluster::defaultDataDir() {
    if (const QString legacy = migrateLegacyDataDir(); !legacy.isEmpty())
        return legacy;
    return appDataDir() + QStringLiteral("/postgres");
}

void PrivateCluster::ensureNotRoot(unsigned effectiveUid) {
    if (effectiveUid == 0)
        throw ClusterError(rootRefusal());
}

QString PrivateCluster::start() {
    if (d->registered && isRunning())
        return d->conninfo;
    if (const auto uid = effectiveUserId())
        ensureNotRoot(*uid);
    auto progress = [this](const QString& step) {
        if (onProgress)
            onProgress(step);
    };

    FileLock control;
    d->lockControl(control);

    const int dataMajor = d->dataMajorVersion();
    const PgBinaries& bin = d->serverBinaries(dataMajor);
    if (dataMajor != 0 && bin.majorVersion() != dataMajor)
        throw ClusterError(
            QStringLiteral("Quiver's private database in %1 was created by PostgreSQL %2, but the "
                           "server binaries found are PostgreSQL %3 (%4). Install the PostgreSQL "
                           "%2 server binaries (and set QUIVER_PG_BINDIR to their directory), or "
                           "upgrade the data directory with pg_upgrade.")
                .arg(QDir::toNativeSeparators(d->dataDir))
                .arg(dataMajor)
                .arg(bin.version(), QDir::toNativeSeparators(bin.binDir())));

    if (dataMajor == 0) {
        progress(QStringLiteral("Creating the database\u2026"));
        d->initdb(bin);
    }
    d->socketDir = d->plannedSocketDir();
    d->ensureSocketDir();
    d->recoverStaleLockFiles();
    bool startedHere = false;
    if (!d->joinRunningServer()) {
        progress(QStringLiteral("Starting the database\u2026"));
        d->startServer(bin);
        startedHere = true;
    }
    try {
        d->ensureDatabase();
        if (!d->registered)
            d->registerClient();
    } catch (const ClusterError&) {
        // Do not leave a server behind that nobody uses.
        if (startedHere && !d->registered && !d->otherClientsAlive())
            d->stopServer();
        throw;
    }
    d->conninfo = d->conninfoFor(d->socketDir, d->port, QStringLiteral("quiver"));
    return d->conninfo;
}

void PrivateCluster::release() {
    if (!d->registered)
        return;
    try {
        FileLock control;
        d->lockControl(control);
        d->clientLock.release();
        QFile::remove(d->clientPath);
        d->registered = false;
        if (!d->otherClientsAlive())
            d->stopServer();
    } catch (const ClusterError& e) {
        d->registered = false;
        qWarning("quiver: leaving the private database: %s", qUtf8Printable(e.userMessage()));
    }
}

bool PrivateCluster::isRunning() const {
    const PidFile pf = readPidFile(d->pidFilePath());
    return serverMayBeRunning(pf, classifyPid(pf.pid, d->canonicalDataDir()));
}

QString PrivateCluster::socketDirectory() const {
    return d->socketDir;
}

QString PrivateCluster::dataDirectory() const {
    return d->dataDir;
}

QString PrivateCluster::passwordFile() const {
    return d->passFilePath();
}

} // namespace quiver
