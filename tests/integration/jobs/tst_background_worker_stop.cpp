// BackgroundWorker::stop() against the PostgreSQL server of the ctest fixture: a normal stop
// records the worker's end before it returns; a stop whose thread is stuck in a database call
// (a lock the test holds) returns after its time limit, says so, and the thread left behind
// ends on its own once the call returns, without reaching the BackgroundWorker again.
#include "core/db/migrations.h"
#include "core/db/pg_connection.h"
#include "core/jobs/background_worker.h"
#include "tests/harness/test_postgres.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

#include <optional>

using namespace quiver;
using quiver::test::TestPostgres;

namespace {
constexpr int kTimeoutMs = 60000;
// No model files or network needed: the worker runs as it would in the application.
const QString kProfile = QStringLiteral("lexical");
} // namespace

class TestBackgroundWorkerStop : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void cleanup();
    void stopRecordsTheEndBeforeReturning();
    void stopStuckInTheDatabaseIsBounded();

private:
    // This process's heartbeat rows: their count, and how many have been stopped.
    int workerRows(bool stoppedOnly);

    QString m_db;
    std::optional<PgConnection> m_conn;
};

void TestBackgroundWorkerStop::initTestCase() {
    m_db = TestPostgres::instance().createDatabase(QStringLiteral("bgstop"));
    m_conn.emplace(PgConnection::open(m_db));
    Migrations::apply(*m_conn);
}

void TestBackgroundWorkerStop::cleanupTestCase() {
    m_conn.reset();
    TestPostgres::instance().dropDatabase(m_db);
}

void TestBackgroundWorkerStop::cleanup() {
    m_conn->exec(QStringLiteral("DELETE FROM quiver.workers"));
}

int TestBackgroundWorkerStop::workerRows(bool stoppedOnly) {
    return static_cast<int>(
        m_conn
            ->exec(QStringLiteral("SELECT count(*) FROM quiver.workers "
                                  "WHERE pid = $1 AND ($2 = false OR stopped_at IS NOT NULL)"),
                   {static_cast<int>(QCoreApplication::applicationPid()), stoppedOnly})
            .toInt64(0, 0));
}

void TestBackgroundWorkerStop::stopRecordsTheEndBeforeReturning() {
    BackgroundWorker worker;
    QSignalSpy stopped(&worker, &BackgroundWorker::stopped);
    worker.start(m_db, kProfile);
    QTRY_COMPARE_WITH_TIMEOUT(workerRows(false), 1, kTimeoutMs);
    QVERIFY(worker.isRunning());

    worker.stop();
    QVERIFY(!worker.isRunning());
    QCOMPARE(BackgroundWorker::threadsStillStopping(), 0);
    QCOMPARE(workerRows(true), 1); // recorded before stop() returned
    QTRY_COMPARE_WITH_TIMEOUT(stopped.size(), 1, kTimeoutMs);
    QCOMPARE(stopped.first().at(0).toInt(), 0);
}

void TestBackgroundWorkerStop::stopStuckInTheDatabaseIsBounded() {
    BackgroundWorker worker;
    worker.setStopTimeoutMs(1000);
    QSignalSpy stopped(&worker, &BackgroundWorker::stopped);
    QSignalSpy messages(&worker, &BackgroundWorker::message);
    worker.start(m_db, kProfile);
    QTRY_COMPARE_WITH_TIMEOUT(workerRows(false), 1, kTimeoutMs);

    // The worker's last writes (its heartbeat row) wait for this lock. Should stop() wait for
    // them regardless, the server ends the lock's session after two minutes and the check of
    // the time taken fails instead of the test hanging.
    PgConnection locker = PgConnection::open(m_db);
    locker.exec(QStringLiteral("SET idle_in_transaction_session_timeout = '120s'"));
    locker.exec(QStringLiteral("BEGIN"));
    locker.exec(QStringLiteral("LOCK TABLE quiver.workers IN ACCESS EXCLUSIVE MODE"));

    QElapsedTimer stopping;
    stopping.start();
    worker.stop();
    const qint64 took = stopping.elapsed();
    QVERIFY2(took < kTimeoutMs,
             qPrintable(QStringLiteral("stop() waited %1 ms for a stuck thread").arg(took)));
    QVERIFY(!worker.isRunning());
    QVERIFY(BackgroundWorker::threadsStillStopping() >= 1);
    QVERIFY(!messages.isEmpty());
    QVERIFY2(messages.last().at(0).toString().contains(QLatin1String("did not stop within 1.0 s")),
             qPrintable(messages.last().at(0).toString()));

    // The call returns: the thread left behind finishes its work (the heartbeat row records its
    // end) and ends, and nothing of it reaches the worker object.
    locker.exec(QStringLiteral("ROLLBACK"));
    QTRY_COMPARE_WITH_TIMEOUT(BackgroundWorker::threadsStillStopping(), 0, kTimeoutMs);
    QCOMPARE(workerRows(true), 1);
    QCoreApplication::processEvents();
    QCOMPARE(stopped.size(), 0);

    // And the object starts afresh.
    m_conn->exec(QStringLiteral("DELETE FROM quiver.workers"));
    worker.start(m_db, kProfile);
    QTRY_COMPARE_WITH_TIMEOUT(workerRows(false), 1, kTimeoutMs);
    QVERIFY(worker.isRunning());
    worker.stop();
    QCOMPARE(BackgroundWorker::threadsStillStopping(), 0);
}

QTEST_GUILESS_MAIN(TestBackgroundWorkerStop)
#include "tst_background_worker_stop.moc"
