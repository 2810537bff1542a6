// Workers outlive a restart of PostgreSQL: a private throwaway server (initdb + pg_ctl, Unix
// socket only, like the private cluster) is restarted with `pg_ctl restart -m fast` while two
// `quiver-cli worker` processes embed from the fake embeddings server; they reconnect with
// backoff and finish, every chunk has exactly one embedding, and the run history shows the
// interruption.
#include "core/db/migrations.h"
#include "core/db/pg_binaries.h"
#include "core/db/pg_connection.h"
#include "core/jobs/job_repository.h"
#include "tests/harness/fake_embeddings_server.h"
#include "tests/integration/jobs/jobs_test_data.h"
#include "tests/integration/jobs/worker_process.h"

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <pwd.h>
#include <unistd.h>

using namespace quiver;
using quiver::test::FakeEmbeddingsServer;
using quiver::test::scalar;

namespace {
const QByteArray kKey = "sk-restart-test-key-42";

QString userName() {
    const passwd* pw = ::getpwuid(::geteuid());
    return pw ? QString::fromLocal8Bit(pw->pw_name) : QString();
}

// Runs a server program to its end; its output on failure.
QString runTool(const QString& program, const QStringList& args) {
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(program, args);
    if (!p.waitForFinished(120000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
        return program + QStringLiteral(" failed: ") + QString::fromLocal8Bit(p.readAll());
    return {};
}
} // namespace

class TestWorkerRestart : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void workersReconnectAfterRestart();

private:
    QTemporaryDir m_dir{QStringLiteral("/tmp/qwr-XXXXXX")};
    PgBinaries m_bin;
    QString m_data;
    QString m_conninfo;
    bool m_started = false;
};

void TestWorkerRestart::initTestCase() {
    QVERIFY(m_dir.isValid());
    m_bin = PgBinaries::locate();
    m_data = m_dir.filePath(QStringLiteral("data"));
    const QString sock = m_dir.filePath(QStringLiteral("sock"));
    QVERIFY(QDir().mkpath(sock));
    QString problem =
        runTool(m_bin.program(QStringLiteral("initdb")),
                {QStringLiteral("-D"), m_data, QStringLiteral("-U"), userName(),
                 QStringLiteral("--auth=trust"), QStringLiteral("--no-sync"), QStringLiteral("-E"),
                 QStringLiteral("UTF8"), QStringLiteral("--locale=C.UTF-8")});
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    problem =
        runTool(m_bin.program(QStringLiteral("pg_ctl")),
                {QStringLiteral("-D"), m_data, QStringLiteral("-w"), QStringLiteral("-l"),
                 m_dir.filePath(QStringLiteral("server.log")), QStringLiteral("-o"),
                 QStringLiteral("-c listen_addresses='' -k %1 -p 5432 -c fsync=off").arg(sock),
                 QStringLiteral("start")});
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    m_started = true;
    m_conninfo = QStringLiteral("host=%1 port=5432 dbname=postgres user=%2").arg(sock, userName());
}

void TestWorkerRestart::cleanupTestCase() {
    if (m_started)
        runTool(m_bin.program(QStringLiteral("pg_ctl")),
                {QStringLiteral("-D"), m_data, QStringLiteral("-m"), QStringLiteral("immediate"),
                 QStringLiteral("stop")});
}

void TestWorkerRestart::workersReconnectAfterRestart() {
    constexpr int kChunks = 1500;
    FakeEmbeddingsServer::Config config;
    config.requiredKey = QString::fromLatin1(kKey);
    config.latencyMs = 30;
    FakeEmbeddingsServer server(config);
    QTemporaryDir keyDir;
    const QString keyFile = test::writeKeyFile(keyDir, kKey);
    {
        PgConnection conn = PgConnection::open(m_conninfo);
        Migrations::apply(conn);
        test::addFakeProfile(conn, server.baseUrl(), 10, 1);
        test::insertChunks(conn, kChunks);
    }
    // The key file's profile is approved for the fake server, in settings of the test's own.
    qputenv("XDG_CONFIG_HOME", QFile::encodeName(m_dir.filePath(QStringLiteral("config"))));
    const QByteArray refused = test::approveKeyOrigin(m_conninfo, QStringLiteral("fake"));
    QVERIFY2(refused.isEmpty(), refused.constData());
    std::vector<std::unique_ptr<QProcess>> workers;
    for (int i = 0; i < 2; ++i) {
        workers.push_back(test::startWorker(
            m_conninfo, {QStringLiteral("--profile"), QStringLiteral("fake"),
                         QStringLiteral("--once"), QStringLiteral("--lease"), QStringLiteral("20"),
                         QStringLiteral("--api-key-file"), keyFile}));
    }
    const auto embedded = [&] {
        PgConnection conn = PgConnection::open(m_conninfo);
        return scalar(conn, QStringLiteral("SELECT count(*) FROM quiver.embeddings"));
    };
    QTRY_VERIFY_WITH_TIMEOUT(embedded() >= 200, 60000);
    // Workers hold the key in memory: they never leave a core dump behind.
    for (auto& w : workers) {
        QFile limits(QStringLiteral("/proc/%1/limits").arg(w->processId()));
        QVERIFY(limits.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = limits.readAll().split('\n');
        const auto core = std::find_if(lines.begin(), lines.end(), [](const QByteArray& l) {
            return l.startsWith("Max core file size");
        });
        QVERIFY(core != lines.end());
        QCOMPARE(core->simplified(), QByteArray("Max core file size 0 0 bytes"));
    }
    const QString problem =
        runTool(m_bin.program(QStringLiteral("pg_ctl")),
                {QStringLiteral("-D"), m_data, QStringLiteral("-w"), QStringLiteral("-m"),
                 QStringLiteral("fast"), QStringLiteral("restart")});
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    for (auto& w : workers) {
        const bool clean = test::finishedCleanly(*w, 180000);
        const QByteArray log = w->readAllStandardError();
        QVERIFY2(clean, log.constData());
        QVERIFY2(log.contains("reconnecting") || log.contains("unavailable"), log.constData());
    }
    PgConnection conn = PgConnection::open(m_conninfo);
    QCOMPARE(scalar(conn, QStringLiteral("SELECT count(*) FROM quiver.embeddings")), kChunks);
    QCOMPARE(scalar(conn, QStringLiteral("SELECT count(DISTINCT chunk_id) FROM quiver.embeddings")),
             kChunks);
    QCOMPARE(scalar(conn, QStringLiteral("SELECT count(*) FROM quiver.embedding_queue")), 0);
    const QList<JobRun> runs = JobRepository(conn).history(0, 100);
    int interrupted = 0;
    for (const JobRun& r : runs) {
        if (r.status == QLatin1String("interrupted")) {
            ++interrupted;
            QVERIFY2(r.error.contains(QStringLiteral("connection to the database was lost")),
                     qPrintable(r.error));
        }
        QVERIFY(r.status != QLatin1String("running"));
    }
    QVERIFY(interrupted >= 1);
    QCOMPARE(scalar(conn, QStringLiteral("SELECT count(*) FROM quiver.workers "
                                         "WHERE stopped_at IS NOT NULL")),
             2);
}

QTEST_GUILESS_MAIN(TestWorkerRestart)
#include "tst_worker_restart.moc"
