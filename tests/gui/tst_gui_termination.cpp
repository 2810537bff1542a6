// The `quiver` GUI binary treats SIGTERM, SIGINT and SIGHUP as Quit: its background worker
// (which embeds new chunks on a thread and connection of its own) ends its run and heartbeat,
// and the private database stops when Quiver was its only user. Runs the real binary on the
// offscreen platform, against the test server and against a private cluster of its own.
#include "core/db/migrations.h"
#include "core/db/pg_connection.h"
#include "core/db/postmaster_pid_file.h"
#include "core/embed/profile_repository.h"
#include "tests/harness/test_postgres.h"
#include "tests/integration/jobs/jobs_test_data.h"

#include <QDirIterator>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <signal.h>

using namespace quiver;
using quiver::test::TestPostgres;

class TestGuiTermination : public QObject {
    Q_OBJECT
private slots:
    void backgroundWorkerEmbedsAndStopsOnSigterm();
    void privateDatabaseStopsOnSignal_data();
    void privateDatabaseStopsOnSignal();

private:
    static QString findPostmasterPid(const QString& root) {
        QDirIterator it(root, {QStringLiteral("postmaster.pid")}, QDir::Files | QDir::Hidden,
                        QDirIterator::Subdirectories);
        return it.hasNext() ? it.next() : QString();
    }
    // initdb's single-user backends hold postmaster.pid for a moment too, with their pid
    // negated; only a postmaster's lock file stays until the server stops.
    static bool postmasterStarted(const QString& root) {
        const QString path = findPostmasterPid(root);
        return !path.isEmpty() && readPidFile(path).pid > 0;
    }
    static void startGui(QProcess& p, const QTemporaryDir& home, const QStringList& args) {
        auto env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("QUIVER_DB"));
        env.insert(QStringLiteral("HOME"), home.path());
        env.insert(QStringLiteral("XDG_DATA_HOME"), home.filePath(QStringLiteral("data")));
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), home.filePath(QStringLiteral("config")));
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        p.setProcessEnvironment(env);
        p.start(qEnvironmentVariable("QUIVER_BINARY_DIR") + QStringLiteral("/app/quiver"), args);
    }
};

void TestGuiTermination::backgroundWorkerEmbedsAndStopsOnSigterm() {
    const QString conninfo = TestPostgres::instance().createDatabase(QStringLiteral("guiworker"));
    {
        PgConnection conn = PgConnection::open(conninfo);
        Migrations::apply(conn);
        ProfileRepository(conn).setDefault(QStringLiteral("lexical"));
        test::insertChunks(conn, 300);
    }
    QTemporaryDir home;
    QProcess gui;
    startGui(gui, home, {QStringLiteral("--db"), conninfo});
    QVERIFY(gui.waitForStarted());
    PgConnection conn = PgConnection::open(conninfo);
    const auto count = [&](const char* sql) {
        return conn.exec(QString::fromLatin1(sql)).toInt64(0, 0);
    };
    QTRY_COMPARE_WITH_TIMEOUT(count("SELECT count(*) FROM quiver.embeddings"), 300, 60000);
    QCOMPARE(count("SELECT count(*) FROM quiver.workers WHERE kind = 'gui' AND stopped_at IS NULL"),
             1);
    ::kill(static_cast<pid_t>(gui.processId()), SIGTERM);
    QVERIFY(gui.waitForFinished(30000));
    QCOMPARE(gui.exitStatus(), QProcess::NormalExit);
    QCOMPARE(gui.exitCode(), 0);
    QCOMPARE(count("SELECT count(*) FROM quiver.workers WHERE kind = 'gui' AND stopped_at IS NULL"),
             0);
    QCOMPARE(count("SELECT count(*) FROM quiver.job_runs WHERE status = 'running'"), 0);
    QCOMPARE(count("SELECT count(*) FROM quiver.embedding_queue"), 0);
    TestPostgres::instance().dropDatabase(conninfo);
}

void TestGuiTermination::privateDatabaseStopsOnSignal_data() {
    QTest::addColumn<int>("signalNumber");
    QTest::newRow("SIGTERM") << int(SIGTERM);
    QTest::newRow("SIGHUP") << int(SIGHUP);
    QTest::newRow("SIGINT") << int(SIGINT);
}

void TestGuiTermination::privateDatabaseStopsOnSignal() {
    QFETCH(int, signalNumber);
    QTemporaryDir home;
    QProcess gui;
    startGui(gui, home, {});
    QVERIFY(gui.waitForStarted());
    QTRY_VERIFY_WITH_TIMEOUT(postmasterStarted(home.path()), 90000);
    // The handlers are installed before the session starts the database: a signal during the
    // start waits for it, then stops it.
    ::kill(static_cast<pid_t>(gui.processId()), signalNumber);
    QVERIFY(gui.waitForFinished(60000));
    QCOMPARE(gui.exitStatus(), QProcess::NormalExit);
    QVERIFY2(findPostmasterPid(home.path()).isEmpty(), "the private database was left running");
}

QTEST_GUILESS_MAIN(TestGuiTermination)
#include "tst_gui_termination.moc"
