// The status bar's account of the background worker when the database moved a keyed profile:
// the real BackgroundWorker and WorkerStatusWidget on the offscreen platform, the PostgreSQL
// server of the ctest fixture, a real Secret Service (gnome-keyring) and fake embeddings servers
// on loopback. The worker stops with the reason, sends nothing, and offers Approve…; confirmed,
// the key goes to the new address and the worker embeds.
#include "core/db/migrations.h"
#include "core/db/pg_connection.h"
#include "core/embed/approved_origins.h"
#include "core/jobs/background_worker.h"
#include "tests/harness/fake_embeddings_server.h"
#include "tests/harness/moved_key_profile.h"
#include "tests/harness/test_postgres.h"
#include "tests/integration/jobs/jobs_test_data.h"
#include "ui/mainwindow/worker_status_widget.h"
#include "ui/settings/origin_approval_box.h"

#include <QPushButton>
#include <QSignalSpy>
#include <QTest>

using namespace quiver;
using quiver::test::FakeEmbeddingsConfig;
using quiver::test::FakeEmbeddingsServer;
using quiver::test::TestPostgres;

class TestWorkerStatus : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void movedProfileStopsTheWorkerUntilApproved();

private:
    QString m_db;
};

void TestWorkerStatus::initTestCase() {
    QVERIFY2(qEnvironmentVariableIsSet("DBUS_SESSION_BUS_ADDRESS"),
             "run through ctest, which starts a D-Bus session with gnome-keyring");
    m_db = TestPostgres::instance().createDatabase(QStringLiteral("workerstatus"));
}

void TestWorkerStatus::cleanupTestCase() {
    TestPostgres::instance().dropDatabase(m_db);
}

void TestWorkerStatus::movedProfileStopsTheWorkerUntilApproved() {
    const QString key = QStringLiteral("sk-worker-status-key-77d1");
    FakeEmbeddingsConfig c;
    c.requiredKey = key;
    FakeEmbeddingsServer approved(c);
    FakeEmbeddingsServer moved(c);
    PgConnection conn = PgConnection::open(m_db);
    Migrations::apply(conn);
    QVERIFY(test::addKeyedProfileThenMoveIt(conn, QStringLiteral("keyed"), 8, key,
                                            approved.baseUrl(), moved.baseUrl()));
    test::insertChunks(conn, 12);

    BackgroundWorker worker;
    WorkerStatusWidget status(&worker);
    connect(&status, &WorkerStatusWidget::retryRequested, &worker,
            [&]() { worker.start(m_db, QStringLiteral("keyed")); });
    status.show();
    QSignalSpy stopped(&worker, &BackgroundWorker::stopped);
    worker.start(m_db, QStringLiteral("keyed"));
    QVERIFY(stopped.wait(60000));
    QCOMPARE(stopped.last().at(0).toInt(), 1);
    QVERIFY(status.showsError());
    const QString origin = QStringLiteral("http://127.0.0.1:%1").arg(moved.port());
    QVERIFY2(status.text().contains(origin), qPrintable(status.text()));
    QCOMPARE(moved.stats().requests, 0);
    QCOMPARE(approved.stats().requests, 0);
    auto* approve = status.findChild<QPushButton*>(QStringLiteral("workerApproveButton"));
    QVERIFY(approve && approve->isVisible());

    QTest::mouseClick(approve, Qt::LeftButton);
    auto* box = status.findChild<OriginApprovalBox*>();
    QVERIFY(box);
    QVERIFY2(box->text().contains(origin), qPrintable(box->text()));
    QTest::mouseClick(box->findChild<QPushButton*>(QStringLiteral("approveOriginConfirmButton")),
                      Qt::LeftButton);
    QCOMPARE(ApprovedOrigins().approvedFor(QStringLiteral("keyed")), origin);
    QTRY_COMPARE_WITH_TIMEOUT(
        conn.exec(QStringLiteral("SELECT count(*) FROM quiver.embeddings")).toInt64(0, 0),
        qint64{12}, 60000);
    QVERIFY(!status.showsError());
    for (const QByteArray& auth : moved.stats().authorizations)
        QCOMPARE(auth, "Bearer " + key.toUtf8());
    worker.stop();
}

QTEST_MAIN(TestWorkerStatus)
#include "tst_worker_status.moc"
