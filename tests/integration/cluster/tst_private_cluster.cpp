// Integration test of the private PostgreSQL cluster: runs real initdb, pg_ctl and postgres
// (from QUIVER_PG_BINDIR or the installed server binaries) in temporary data directories, and
// the cluster_client helper as other "Quiver processes".
#include "core/db/cluster_error.h"
#include "core/db/pg_binaries.h"
#include "core/db/private_cluster.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QtTest>

#include <libpq-fe.h>

#include <memory>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace quiver;

namespace {

const QString kCreating = QStringLiteral("Creating the database\u2026");
const QString kStarting = QStringLiteral("Starting the database\u2026");

// First column of the first row; throws with the server's message.
QString queryOne(const QString& conninfo, const QString& sql, const QByteArrayList& params = {}) {
    std::unique_ptr<PGconn, decltype(&PQfinish)> conn(PQconnectdb(conninfo.toUtf8().constData()),
                                                      &PQfinish);
    if (PQstatus(conn.get()) != CONNECTION_OK)
        throw std::runtime_error(PQerrorMessage(conn.get()));
    std::vector<const char*> values;
    for (const QByteArray& p : params)
        values.push_back(p.constData());
    std::unique_ptr<PGresult, decltype(&PQclear)> r(
        PQexecParams(conn.get(), sql.toUtf8().constData(), static_cast<int>(values.size()), nullptr,
                     values.data(), nullptr, nullptr, 0),
        &PQclear);
    const auto status = PQresultStatus(r.get());
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK)
        throw std::runtime_error(PQerrorMessage(conn.get()));
    if (status == PGRES_COMMAND_OK || PQntuples(r.get()) == 0)
        return {};
    return QString::fromUtf8(PQgetvalue(r.get(), 0, 0));
}

qint64 postmasterPid(const QString& dataDir) {
    QFile f(dataDir + QStringLiteral("/postmaster.pid"));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    return f.readLine().trimmed().toLongLong();
}

// Gone, or killed and not yet reaped.
bool processGone(qint64 pid) {
    if (::kill(static_cast<pid_t>(pid), 0) != 0)
        return true;
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return true;
    const QByteArray s = stat.readAll();
    const qsizetype close = s.lastIndexOf(')');
    return close >= 0 && close + 2 < s.size() && s.at(close + 2) == 'Z';
}

QString userName() {
    const passwd* pw = ::getpwuid(::geteuid());
    return pw ? QString::fromLocal8Bit(pw->pw_name) : QString();
}

// Reads lines until one starts with `prefix`; returns it, or an empty string if the process
// ended or the time ran out.
QString waitForLine(QProcess& p, const QString& prefix, int timeoutMs = 90'000) {
    QDeadlineTimer deadline(timeoutMs);
    for (;;) {
        while (p.canReadLine()) {
            const QString line = QString::fromUtf8(p.readLine()).trimmed();
            if (line.startsWith(prefix))
                return line;
        }
        if (deadline.hasExpired() || p.state() == QProcess::NotRunning)
            return {};
        if (!p.waitForReadyRead(static_cast<int>(std::max<qint64>(1, deadline.remainingTime()))) &&
            p.state() == QProcess::NotRunning && !p.canReadLine())
            return {};
    }
}

QString expectError(const std::function<void()>& f) {
    try {
        f();
    } catch (const ClusterError& e) {
        return e.userMessage();
    }
    return {};
}

} // namespace

class TestPrivateCluster : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void firstStartCreatesClusterServingOnlyTheSocket();
    void startIsIdempotentAndJoinsTheRunningServer();
    void passwordClusterTrustsNobodyWithoutItsPassword();
    void restartsAfterPostmasterKilled();
    void recoversPidFileNamingAnUnrelatedProcess();
    void recoversPidFileNamingAProgramInTheDataDirectory();
    void recoversPidFileNamingAnotherClustersServer();
    void recoversPidFileNamingAProcessItCannotInspect();
    void survivesKillOfTheApp();
    void twoProcessesShareOneCluster();
    void refusesRoot();
    void missingBinariesSayWhatToInstall();
    void versionMismatchIsExplained();
    void refusesDirectoryThatIsNoCluster();

private:
    QProcess* startClient(const QStringList& args);
    int pgCtlStatus(const QString& dataDir) const;
    // The postmaster.pid of m_data as a server wrote it, taken from a start and a clean stop.
    QByteArrayList stoppedServerPidFile();
    // Writes it back naming `pid`: what a crash leaves once the pid is reused.
    bool writePidFile(QByteArrayList lines, qint64 pid) const;
    // Starts m_data, which must succeed, and stops it again.
    void startsDespiteStalePidFile();

    QTemporaryDir m_root;
    QString m_data;
    QString m_longData;
    QString m_otherData;
    QString m_passwordData;
    PgBinaries m_bin;
    std::vector<std::unique_ptr<QProcess>> m_clients;
};

void TestPrivateCluster::initTestCase() {
    QVERIFY2(::geteuid() != 0, "run through ctest, which runs this test as the postgres user");
    QVERIFY(m_root.isValid());
    m_data = m_root.path() + QStringLiteral("/data");
    // Long enough that its socket cannot live beside it.
    m_longData =
        m_root.path() + QLatin1Char('/') + QString(90, QLatin1Char('d')) + QStringLiteral("/data");
    m_otherData = m_root.path() + QStringLiteral("/other");
    m_passwordData = m_root.path() + QStringLiteral("/scram");
    try {
        m_bin = PgBinaries::locate();
    } catch (const ClusterError& e) {
        QFAIL(qPrintable(e.userMessage()));
    }
    QVERIFY(m_bin.majorVersion() >= PgBinaries::kMinimumMajorVersion);
}

void TestPrivateCluster::cleanupTestCase() {
    for (auto& client : m_clients) {
        if (client->state() != QProcess::NotRunning) {
            client->kill();
            client->waitForFinished();
        }
    }
    for (const QString& dir : {m_data, m_longData, m_otherData, m_passwordData}) {
        if (QFile::exists(dir + QStringLiteral("/postmaster.pid")))
            QProcess::execute(m_bin.program(QStringLiteral("pg_ctl")),
                              {QStringLiteral("stop"), QStringLiteral("-D"), dir,
                               QStringLiteral("-m"), QStringLiteral("immediate")});
    }
    QDir(PrivateCluster(m_longData).socketDirectory()).removeRecursively();
}

QProcess* TestPrivateCluster::startClient(const QStringList& args) {
    m_clients.push_back(std::make_unique<QProcess>());
    QProcess* p = m_clients.back().get();
    p->start(QString::fromUtf8(QUIVER_CLUSTER_CLIENT), args);
    return p;
}

int TestPrivateCluster::pgCtlStatus(const QString& dataDir) const {
    QProcess p;
    p.start(m_bin.program(QStringLiteral("pg_ctl")),
            {QStringLiteral("status"), QStringLiteral("-D"), dataDir});
    p.waitForFinished();
    return p.exitCode(); // 0 running, 3 not running
}

void TestPrivateCluster::firstStartCreatesClusterServingOnlyTheSocket() {
    QVERIFY(!QFileInfo::exists(m_data));
    PrivateCluster cluster(m_data);
    QStringList steps;
    cluster.onProgress = [&](const QString& step) { steps << step; };
    QString conninfo;
    // A key given to this process for one command is not handed on to the server it starts.
    const QByteArray key = "sk-not-for-the-server-7f3a";
    qputenv("QUIVER_API_KEY", key);
    try {
        conninfo = cluster.start();
    } catch (const ClusterError& e) {
        qunsetenv("QUIVER_API_KEY");
        QFAIL(qPrintable(e.userMessage()));
    }
    qunsetenv("QUIVER_API_KEY");
    QFile serverEnvFile(QStringLiteral("/proc/%1/environ").arg(postmasterPid(m_data)));
    QVERIFY(serverEnvFile.open(QIODevice::ReadOnly));
    const QByteArray serverEnv = serverEnvFile.readAll();
    QVERIFY(serverEnv.contains("PATH=")); // it is the server's environment that was read
    QVERIFY(!serverEnv.contains(key));
    QVERIFY(!serverEnv.contains("QUIVER_API_KEY"));
    QCOMPARE(steps, QStringList({kCreating, kStarting}));
    QVERIFY(QFileInfo::exists(m_data + QStringLiteral("/PG_VERSION")));
    QVERIFY(QFileInfo::exists(m_data + QStringLiteral("/server.log")));
    QVERIFY(cluster.isRunning());
    QCOMPARE(pgCtlStatus(m_data), 0);
    QVERIFY2(conninfo.contains(QStringLiteral("host=") + cluster.socketDirectory()),
             qPrintable(conninfo));
    QVERIFY(conninfo.contains(QStringLiteral("dbname=quiver")));

    QCOMPARE(queryOne(conninfo, QStringLiteral("SHOW listen_addresses")), QString());
    QCOMPARE(queryOne(conninfo, QStringLiteral("SELECT inet_server_addr() IS NULL")),
             QStringLiteral("t"));
    QCOMPARE(queryOne(conninfo, QStringLiteral("SELECT current_database()")),
             QStringLiteral("quiver"));
    QCOMPARE(queryOne(conninfo, QStringLiteral("SELECT current_user")), userName());
    QCOMPARE(queryOne(conninfo, QStringLiteral("SHOW data_checksums")), QStringLiteral("on"));
    QCOMPARE(queryOne(conninfo, QStringLiteral("SHOW server_encoding")), QStringLiteral("UTF8"));
    QCOMPARE(queryOne(conninfo, QStringLiteral("SHOW unix_socket_directories")),
             QStringLiteral("\"%1\"").arg(cluster.socketDirectory()));

    struct stat st;
    QCOMPARE(::stat(QFile::encodeName(cluster.socketDirectory()).constData(), &st), 0);
    QCOMPARE(st.st_mode & 07777, 0700u);
    QVERIFY(cluster.socketDirectory().toUtf8().size() < 100);

    cluster.release();
    QVERIFY(!cluster.isRunning());
    QVERIFY(!QFileInfo::exists(m_data + QStringLiteral("/postmaster.pid")));
    QCOMPARE(pgCtlStatus(m_data), 3);
}

void TestPrivateCluster::startIsIdempotentAndJoinsTheRunningServer() {
    PrivateCluster first(m_data);
    QStringList steps;
    first.onProgress = [&](const QString& step) { steps << step; };
    const QString conninfo = first.start();
    QCOMPARE(steps, QStringList{kStarting}); // no second initdb
    const qint64 pid = postmasterPid(m_data);
    QVERIFY(pid > 0);
    QCOMPARE(first.start(), conninfo);
    QCOMPARE(postmasterPid(m_data), pid);

    {
        PrivateCluster second(m_data);
        QStringList secondSteps;
        second.onProgress = [&](const QString& step) { secondSteps << step; };
        QCOMPARE(second.start(), conninfo);
        QVERIFY(secondSteps.isEmpty()); // joined, started nothing
        QCOMPARE(postmasterPid(m_data), pid);
        second.release();
    }
    // `first` still uses the server.
    QVERIFY(first.isRunning());
    QCOMPARE(postmasterPid(m_data), pid);
    QCOMPARE(queryOne(conninfo, QStringLiteral("SELECT 1")), QStringLiteral("1"));

    first.release();
    first.release(); // idempotent too
    QVERIFY(!first.isRunning());
    QCOMPARE(pgCtlStatus(m_data), 3);
}

// The way the cluster is made where there is no peer authentication (Windows), run here so that
// it is tested: a password set at initdb, kept in a file only the owner reads, named (not
// quoted) by the conninfo; no connection without it.
void TestPrivateCluster::passwordClusterTrustsNobodyWithoutItsPassword() {
    PrivateCluster cluster(m_passwordData, PrivateCluster::Auth::Password);
    QString conninfo;
    try {
        conninfo = cluster.start();
    } catch (const ClusterError& e) {
        QFAIL(qPrintable(e.userMessage()));
    }
    const auto release = qScopeGuard([&] { cluster.release(); });
    QCOMPARE(queryOne(conninfo, QStringLiteral("SELECT current_user")), userName());
    QCOMPARE(queryOne(conninfo, QStringLiteral("SHOW password_encryption")),
             QStringLiteral("scram-sha-256"));

    QFile passFile(cluster.passwordFile());
    QVERIFY(passFile.open(QIODevice::ReadOnly));
    const QByteArray line = passFile.readAll().trimmed();
    const QByteArray password = line.mid(line.lastIndexOf(':') + 1);
    QCOMPARE(password.size(), 64);
    QVERIFY2(conninfo.contains(QStringLiteral("passfile=") + cluster.passwordFile()),
             qPrintable(conninfo));
    QVERIFY(!conninfo.toUtf8().contains(password));
    struct stat st;
    QCOMPARE(::stat(QFile::encodeName(cluster.passwordFile()).constData(), &st), 0);
    QCOMPARE(st.st_mode & 07777, 0600u);
    const QStringList leftovers =
        QDir(m_root.path()).entryList({QStringLiteral("*initdb-password*")}, QDir::Files);
    QVERIFY2(leftovers.isEmpty(), qPrintable(leftovers.join(QLatin1Char(' '))));

    QFile hba(m_passwordData + QStringLiteral("/pg_hba.conf"));
    QVERIFY(hba.open(QIODevice::ReadOnly | QIODevice::Text));
    int localRules = 0;
    for (const QByteArray& raw : hba.readAll().split('\n')) {
        const qsizetype comment = raw.indexOf('#');
        const QByteArray rule = (comment < 0 ? raw : raw.left(comment)).simplified();
        if (rule.isEmpty())
            continue;
        const QByteArray method = rule.split(' ').last();
        QVERIFY2(method == "scram-sha-256" || method == "reject", rule.constData());
        localRules += rule.startsWith("local ") && method == "scram-sha-256";
    }
    QVERIFY(localRules > 0);

    // The same socket and user without the file: refused for want of a password.
    QString without = conninfo;
    without.replace(cluster.passwordFile(), m_root.path() + QStringLiteral("/no-such-pgpass"));
    std::unique_ptr<PGconn, decltype(&PQfinish)> refused(PQconnectdb(without.toUtf8().constData()),
                                                         &PQfinish);
    QCOMPARE(PQstatus(refused.get()), CONNECTION_BAD);
    QVERIFY2(QByteArray(PQerrorMessage(refused.get())).contains("password"),
             PQerrorMessage(refused.get()));

    // A process that does not know how the cluster was made still gets in: the file decides.
    PrivateCluster other(m_passwordData, PrivateCluster::Auth::Peer);
    const QString otherInfo = other.start();
    QCOMPARE(queryOne(otherInfo, QStringLiteral("SELECT 1")), QStringLiteral("1"));
    other.release();
    QVERIFY(cluster.isRunning());
}

void TestPrivateCluster::restartsAfterPostmasterKilled() {
    auto crashed = std::make_unique<PrivateCluster>(m_data);
    const QString conninfo = crashed->start();
    queryOne(conninfo, QStringLiteral("CREATE TABLE survivor (v text)"));
    queryOne(conninfo, QStringLiteral("INSERT INTO survivor (v) VALUES ($1)"),
             {"before the crash"});
    const qint64 pid = postmasterPid(m_data);
    QVERIFY(pid > 0);
    QCOMPARE(::kill(static_cast<pid_t>(pid), SIGKILL), 0);
    QTRY_VERIFY_WITH_TIMEOUT(processGone(pid), 10'000);
    QVERIFY(QFileInfo::exists(m_data + QStringLiteral("/postmaster.pid"))); // stale now
    QVERIFY(!crashed->isRunning());

    PrivateCluster fresh(m_data);
    QString again;
    try {
        again = fresh.start();
    } catch (const ClusterError& e) {
        QFAIL(qPrintable(e.userMessage()));
    }
    QVERIFY(postmasterPid(m_data) != pid);
    QCOMPARE(queryOne(again, QStringLiteral("SELECT v FROM survivor")),
             QStringLiteral("before the crash"));

    crashed.reset(); // still registered: leaving must not stop the server `fresh` uses
    QVERIFY(fresh.isRunning());
    fresh.release();
    QVERIFY(!fresh.isRunning());
}

void TestPrivateCluster::recoversPidFileNamingAnUnrelatedProcess() {
    PrivateCluster cluster(m_data);
    cluster.start();
    QFile pidFile(m_data + QStringLiteral("/postmaster.pid"));
    QVERIFY(pidFile.open(QIODevice::ReadOnly));
    QByteArrayList lines = pidFile.readAll().split('\n');
    pidFile.close();
    const QString socketLock = cluster.socketDirectory() + QStringLiteral("/.s.PGSQL.5432.lock");
    QFile sockLockFile(socketLock);
    QVERIFY(sockLockFile.open(QIODevice::ReadOnly));
    QByteArrayList sockLines = sockLockFile.readAll().split('\n');
    sockLockFile.close();
    cluster.release();
    QVERIFY(!cluster.isRunning());

    // After a machine crash the old pid can belong to any live process of the same user.
    QProcess unrelated;
    unrelated.start(QStringLiteral("cat"), QStringList{});
    QVERIFY(unrelated.waitForStarted());
    lines[0] = QByteArray::number(unrelated.processId());
    sockLines[0] = lines[0];
    QVERIFY(pidFile.open(QIODevice::WriteOnly));
    pidFile.write(lines.join('\n'));
    pidFile.close();
    // A crash leaves the socket directory and its lock file behind; a clean stop removed them.
    QVERIFY(QDir().mkpath(cluster.socketDirectory()));
    QVERIFY(QFile::setPermissions(cluster.socketDirectory(), QFileDevice::ReadOwner |
                                                                 QFileDevice::WriteOwner |
                                                                 QFileDevice::ExeOwner));
    QVERIFY(sockLockFile.open(QIODevice::WriteOnly));
    sockLockFile.write(sockLines.join('\n'));
    sockLockFile.close();
    QCOMPARE(pgCtlStatus(m_data), 0); // pg_ctl is fooled: the pid is alive

    PrivateCluster again(m_data);
    QString conninfo;
    try {
        conninfo = again.start();
    } catch (const ClusterError& e) {
        QFAIL(qPrintable(e.userMessage()));
    }
    QVERIFY(postmasterPid(m_data) != unrelated.processId());
    QCOMPARE(queryOne(conninfo, QStringLiteral("SELECT count(*) FROM survivor")),
             QStringLiteral("1"));
    QCOMPARE(unrelated.state(), QProcess::Running); // left alone
    again.release();
    QVERIFY(!again.isRunning());
    unrelated.closeWriteChannel();
    QVERIFY(unrelated.waitForFinished());
}

QByteArrayList TestPrivateCluster::stoppedServerPidFile() {
    PrivateCluster cluster(m_data);
    try {
        cluster.start();
    } catch (const ClusterError& e) {
        qWarning("%s", qPrintable(e.userMessage()));
        return {};
    }
    QFile pidFile(m_data + QStringLiteral("/postmaster.pid"));
    QByteArrayList lines;
    if (pidFile.open(QIODevice::ReadOnly))
        lines = pidFile.readAll().split('\n');
    cluster.release();
    return lines;
}

bool TestPrivateCluster::writePidFile(QByteArrayList lines, qint64 pid) const {
    if (lines.isEmpty())
        return false;
    lines[0] = QByteArray::number(pid);
    QFile pidFile(m_data + QStringLiteral("/postmaster.pid"));
    return pidFile.open(QIODevice::WriteOnly) && pidFile.write(lines.join('\n')) > 0;
}

void TestPrivateCluster::startsDespiteStalePidFile() {
    const qint64 stalePid = postmasterPid(m_data);
    PrivateCluster cluster(m_data);
    QString conninfo;
    try {
        conninfo = cluster.start();
    } catch (const ClusterError& e) {
        QFAIL(qPrintable(e.userMessage()));
    }
    QVERIFY(postmasterPid(m_data) != stalePid);
    QCOMPARE(queryOne(conninfo, QStringLiteral("SELECT count(*) FROM survivor")),
             QStringLiteral("1"));
    cluster.release();
    QVERIFY(!cluster.isRunning());
}

void TestPrivateCluster::recoversPidFileNamingAProgramInTheDataDirectory() {
    const QByteArrayList lines = stoppedServerPidFile();
    // A reused pid may belong to a shell that sits in the data directory: it is no server.
    QProcess shell;
    shell.setWorkingDirectory(m_data);
    shell.start(QStringLiteral("cat"), QStringList{});
    QVERIFY(shell.waitForStarted());
    QVERIFY(writePidFile(lines, shell.processId()));
    startsDespiteStalePidFile();
    QCOMPARE(shell.state(), QProcess::Running); // never signalled
    shell.closeWriteChannel();
    QVERIFY(shell.waitForFinished());
    QCOMPARE(shell.exitStatus(), QProcess::NormalExit);
}

void TestPrivateCluster::recoversPidFileNamingAnotherClustersServer() {
    const QByteArrayList lines = stoppedServerPidFile();
    // After a crash the pid can be another PostgreSQL server's: that of another data directory.
    PrivateCluster other(m_otherData);
    QString otherConninfo;
    try {
        otherConninfo = other.start();
    } catch (const ClusterError& e) {
        QFAIL(qPrintable(e.userMessage()));
    }
    const qint64 otherPid = postmasterPid(m_otherData);
    QVERIFY(otherPid > 0);
    QVERIFY(writePidFile(lines, otherPid));
    startsDespiteStalePidFile();
    // The other server was left alone and still serves.
    QVERIFY(!processGone(otherPid));
    QCOMPARE(postmasterPid(m_otherData), otherPid);
    QCOMPARE(queryOne(otherConninfo, QStringLiteral("SELECT 1")), QStringLiteral("1"));
    other.release();
    QTRY_VERIFY(processGone(otherPid));
}

void TestPrivateCluster::recoversPidFileNamingAProcessItCannotInspect() {
    const QByteArrayList lines = stoppedServerPidFile();
    // A process of ours called `postgres` whose working directory cannot be read (it made
    // itself undumpable): it cannot be identified, but the shared memory its server would keep
    // attached is gone, so the file is provably stale.
    const pid_t child = ::fork();
    QVERIFY(child >= 0);
    if (child == 0) {
        ::prctl(PR_SET_NAME, "postgres", 0, 0, 0);
        ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
        for (;;)
            ::pause();
    }
    const auto reap = qScopeGuard([child] {
        ::kill(child, SIGKILL);
        ::waitpid(child, nullptr, 0);
    });
    const QString proc = QStringLiteral("/proc/%1/").arg(child);
    const auto disguised = [&] {
        QFile comm(proc + QStringLiteral("comm"));
        struct stat st;
        return comm.open(QIODevice::ReadOnly) && comm.readAll().trimmed() == "postgres" &&
               ::stat(QFile::encodeName(proc + QStringLiteral("cwd")).constData(), &st) != 0;
    };
    QTRY_VERIFY_WITH_TIMEOUT(disguised(), 30'000);
    QVERIFY(writePidFile(lines, child));
    startsDespiteStalePidFile();
    QVERIFY(!processGone(child)); // never signalled
}

void TestPrivateCluster::survivesKillOfTheApp() {
    QProcess* app =
        startClient({m_data, QStringLiteral("--insert"), QStringLiteral("from the app")});
    const QString ready = waitForLine(*app, QStringLiteral("ready "));
    QVERIFY2(!ready.isEmpty(), app->readAllStandardError().constData());
    const qint64 pid = ready.section(QLatin1Char(' '), 1).toLongLong();
    QCOMPARE(postmasterPid(m_data), pid);

    app->kill(); // SIGKILL: no release
    QVERIFY(app->waitForFinished());
    QVERIFY(!processGone(pid)); // the server outlives the app

    PrivateCluster next(m_data);
    QStringList steps;
    next.onProgress = [&](const QString& step) { steps << step; };
    const QString conninfo = next.start();
    QVERIFY(steps.isEmpty()); // joined the running server
    QCOMPARE(postmasterPid(m_data), pid);
    QCOMPARE(queryOne(conninfo, QStringLiteral("SELECT count(*) FROM helper_rows WHERE v = $1"),
                      {"from the app"}),
             QStringLiteral("1"));

    // The killed app's registration no longer counts: the last user leaving stops the server.
    next.release();
    QVERIFY(processGone(pid));
    QVERIFY(!QFileInfo::exists(m_data + QStringLiteral("/postmaster.pid")));
}

void TestPrivateCluster::twoProcessesShareOneCluster() {
    // Both start at the same instant on a cluster that does not exist yet; the data directory's
    // path is too long for a socket beside it.
    QVERIFY(!QFileInfo::exists(m_longData));
    QProcess* a = startClient({m_longData});
    QProcess* b = startClient({m_longData});
    const QString readyA = waitForLine(*a, QStringLiteral("ready "));
    QVERIFY2(!readyA.isEmpty(), a->readAllStandardError().constData());
    const QString readyB = waitForLine(*b, QStringLiteral("ready "));
    QVERIFY2(!readyB.isEmpty(), b->readAllStandardError().constData());
    const qint64 pid = readyA.section(QLatin1Char(' '), 1).toLongLong();
    QVERIFY(pid > 0);
    QCOMPARE(readyB.section(QLatin1Char(' '), 1).toLongLong(), pid);

    const QString socketDir = PrivateCluster(m_longData).socketDirectory();
    QVERIFY(!socketDir.startsWith(m_root.path()));
    QVERIFY(socketDir.toUtf8().size() < 100);
    QVERIFY(QFileInfo::exists(socketDir + QStringLiteral("/.s.PGSQL.5432")));

    a->write("quit\n");
    QVERIFY(!waitForLine(*a, QStringLiteral("released")).isEmpty());
    QVERIFY(a->waitForFinished());
    QCOMPARE(a->exitCode(), 0);
    QVERIFY(!processGone(pid)); // b still uses it
    QCOMPARE(pgCtlStatus(m_longData), 0);

    b->closeWriteChannel(); // end of input: also leaves
    QVERIFY(!waitForLine(*b, QStringLiteral("released")).isEmpty());
    QVERIFY(b->waitForFinished());
    QCOMPARE(b->exitCode(), 0);
    QTRY_VERIFY(processGone(pid));
    QVERIFY(!QFileInfo::exists(m_longData + QStringLiteral("/postmaster.pid")));
    QVERIFY(!QFileInfo::exists(socketDir)); // removed with the server, not left in /tmp
}

void TestPrivateCluster::refusesRoot() {
    const QString message = expectError([] { PrivateCluster::ensureNotRoot(0); });
    QCOMPARE(message,
             QStringLiteral("Quiver's private database cannot run as root. Start Quiver as "
                            "a normal user, or point it at a PostgreSQL server with --db "
                            "/ QUIVER_DB."));
    QCOMPARE(expectError([] { PrivateCluster::ensureNotRoot(1000); }), QString());
}

void TestPrivateCluster::missingBinariesSayWhatToInstall() {
    QCOMPARE(expectError([] { PgBinaries::locateIn({QStringLiteral("/nonexistent")}); }),
             QStringLiteral("PostgreSQL server binaries not found: install the `postgresql` "
                            "package, or set QUIVER_PG_BINDIR."));

    const QString dir = m_root.path() + QStringLiteral("/no-binaries");
    qputenv("QUIVER_PG_BINDIR", "/nonexistent");
    const QString message = expectError([&] { PrivateCluster(dir).start(); });
    qunsetenv("QUIVER_PG_BINDIR");
    QVERIFY2(message.startsWith(QStringLiteral("PostgreSQL server binaries not found in "
                                               "QUIVER_PG_BINDIR (/nonexistent)")),
             qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("`postgresql` package")), qPrintable(message));
    QVERIFY(!QFileInfo::exists(dir));
}

void TestPrivateCluster::versionMismatchIsExplained() {
    const QString dir = m_root.path() + QStringLiteral("/old");
    QVERIFY(QDir().mkpath(dir));
    QFile version(dir + QStringLiteral("/PG_VERSION"));
    QVERIFY(version.open(QIODevice::WriteOnly));
    version.write("11\n");
    version.close();
    const QString message = expectError([&] { PrivateCluster(dir).start(); });
    QVERIFY2(message.contains(QStringLiteral("created by PostgreSQL 11")), qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("PostgreSQL %1").arg(m_bin.version())),
             qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("pg_upgrade")), qPrintable(message));
}

void TestPrivateCluster::refusesDirectoryThatIsNoCluster() {
    const QString dir = m_root.path() + QStringLiteral("/documents");
    QVERIFY(QDir().mkpath(dir));
    QFile mine(dir + QStringLiteral("/notes.txt"));
    QVERIFY(mine.open(QIODevice::WriteOnly));
    mine.write("keep me");
    mine.close();
    const QString message = expectError([&] { PrivateCluster(dir).start(); });
    QVERIFY2(message.contains(QStringLiteral("does not hold a PostgreSQL database cluster")),
             qPrintable(message));
    QVERIFY(QFileInfo::exists(dir + QStringLiteral("/notes.txt")));
}

QTEST_GUILESS_MAIN(TestPrivateCluster)
#include "tst_private_cluster.moc"
