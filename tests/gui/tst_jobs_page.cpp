// The Jobs page on the offscreen platform against the real test server: it shows the jobs, the
// backlog with progress, the run history, the active workers and the failed chunks, and its
// buttons pause, resume, run and delete jobs and retry failed chunks. Every model is checked
// with QAbstractItemModelTester.
#include "core/db/migrations.h"
#include "core/db/pg_connection.h"
#include "core/embed/embedder_factory.h"
#include "core/embed/profile_repository.h"
#include "core/jobs/embedding_queue.h"
#include "core/jobs/job_repository.h"
#include "core/jobs/worker_registry.h"
#include "tests/harness/test_postgres.h"
#include "tests/integration/jobs/jobs_test_data.h"
#include "ui/jobs/jobs_page.h"
#include "ui/jobs/rows_model.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QTableView>
#include <QTest>

using namespace quiver;
using quiver::test::TestPostgres;

class TestJobsPage : public QObject {
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void showsJobsBacklogHistoryWorkersAndFailures();
    void buttonsDriveTheJobs();
    void rateIsOverTheTimeTheWorkTook();

private:
    qint64 count(const QString& sql) { return m_conn->exec(sql).toInt64(0, 0); }
    template <typename T>
    T* child(const char* name) {
        return m_page->findChild<T*>(QString::fromLatin1(name));
    }
    void selectRow(const char* view, int row) {
        auto* v = child<QTableView>(view);
        QVERIFY(v);
        v->selectRow(row);
    }

    QString m_conninfo;
    std::optional<PgConnection> m_conn;
    std::unique_ptr<JobsPage> m_page;
    std::vector<std::unique_ptr<QAbstractItemModelTester>> m_testers;
    QString m_model;
};

void TestJobsPage::init() {
    m_conninfo = TestPostgres::instance().createDatabase(QStringLiteral("jobspage"));
    m_conn = PgConnection::open(m_conninfo);
    Migrations::apply(*m_conn);
    // A lexical job with 10 chunks: 6 embedded, 1 failed, 3 pending.
    const EmbeddingProfile lexical = *ProfileRepository(*m_conn).find(QStringLiteral("lexical"));
    m_model = createEmbedder(lexical, QString())->modelId();
    JobRepository jobs(*m_conn);
    const Job job = jobs.embedJobFor(QStringLiteral("lexical"));
    test::insertChunks(*m_conn, 10);
    const qint64 worker = WorkerRegistry(*m_conn).registerWorker(
        QStringLiteral("box"), 4242, QStringLiteral("cli"), QStringLiteral("lexical"));
    EmbeddingQueue queue(*m_conn, m_model, QStringLiteral("box:4242#1"), worker);
    const QList<EmbeddingQueue::Chunk> claimed = queue.claim(7, 60);
    QList<qint64> ids;
    for (int i = 0; i < 6; ++i)
        ids.append(claimed[i].id);
    queue.write(ids, std::vector<std::vector<float>>(6, std::vector<float>(1024, 0.5f)));
    queue.fail(claimed[6].id, QStringLiteral("HTTP 400: not valid"), 1, 1000);
    const qint64 run = jobs.startRun(job.id, worker, QStringLiteral("box:4242"));
    jobs.addProgress(run, 6, 1);
    jobs.finishRun(run, QStringLiteral("failed"), QStringLiteral("one chunk failed"));
    WorkerRegistry(*m_conn).beat(worker, 6, 1, QStringLiteral("HTTP 400: not valid"));
    if (QLatin1String(QTest::currentTestFunction()) ==
        QLatin1String("rateIsOverTheTimeTheWorkTook"))
        // The six were embedded over the last three seconds, half a second apart.
        m_conn->exec(QStringLiteral(
            "UPDATE quiver.embeddings e SET created_at = now() - interval '3 seconds' "
            "+ (n.rn - 1) * interval '500 milliseconds' FROM (SELECT chunk_id, row_number() "
            "OVER (ORDER BY chunk_id) AS rn FROM quiver.embeddings) n "
            "WHERE n.chunk_id = e.chunk_id"));

    m_page = std::make_unique<JobsPage>();
    for (RowsModel* m : {m_page->jobsModel(), m_page->backlogModel(), m_page->historyModel(),
                         m_page->workersModel(), m_page->failedModel()})
        m_testers.push_back(std::make_unique<QAbstractItemModelTester>(
            m, QAbstractItemModelTester::FailureReportingMode::QtTest));
    m_page->show();
    m_page->setConninfo(m_conninfo);
}

void TestJobsPage::cleanup() {
    m_testers.clear();
    m_page.reset();
    m_conn.reset();
    TestPostgres::instance().dropDatabase(m_conninfo);
}

void TestJobsPage::showsJobsBacklogHistoryWorkersAndFailures() {
    RowsModel* jobs = m_page->jobsModel();
    QTRY_COMPARE_WITH_TIMEOUT(jobs->rowCount(), 2, 15000);
    QCOMPARE(jobs->index(1, 0).data().toString(), QStringLiteral("embed_pending_lexical"));
    QCOMPARE(jobs->index(1, 6).data().toString(), QStringLiteral("failed"));
    QCOMPARE(jobs->index(1, 8).data().toString(), QStringLiteral("1"));

    // The job embeds with the lexical profile; the local profile's backlog is listed beside it.
    RowsModel* backlog = m_page->backlogModel();
    QTRY_VERIFY(backlog->rowCount() >= 1);
    int row = -1;
    for (int r = 0; r < backlog->rowCount(); ++r) {
        if (backlog->index(r, 0).data().toString() == QLatin1String("lexical"))
            row = r;
    }
    QVERIFY(row >= 0);
    QCOMPARE(backlog->index(row, 1).data().toString(), m_model);
    QCOMPARE(backlog->index(row, 2).data().toString(), QStringLiteral("6"));
    QCOMPARE(backlog->index(row, 3).data().toString(), QStringLiteral("3"));
    QCOMPARE(backlog->index(row, 4).data().toString(), QStringLiteral("1"));
    QCOMPARE(backlog->index(row, 5).data().toString(), QStringLiteral("60.0%"));
    // The summary and the bar add up every profile's backlog (the local one's too, when its
    // model is built in).
    qint64 embedded = 0;
    qint64 all = 0;
    for (int r = 0; r < backlog->rowCount(); ++r) {
        embedded += backlog->index(r, 2).data().toLongLong();
        all += backlog->index(r, 2).data().toLongLong() + backlog->index(r, 3).data().toLongLong() +
               backlog->index(r, 4).data().toLongLong();
    }
    QVERIFY(all >= 10);
    QVERIFY2(child<QLabel>("backlogSummary")
                 ->text()
                 .contains(QStringLiteral("%1 of %2").arg(embedded).arg(all)),
             qPrintable(child<QLabel>("backlogSummary")->text()));
    QCOMPARE(child<QProgressBar>("backlogProgress")->value(),
             static_cast<int>(embedded * 1000 / all));

    QCOMPARE(m_page->historyModel()->rowCount(), 1);
    QCOMPARE(m_page->historyModel()->index(0, 7).data().toString(),
             QStringLiteral("one chunk failed"));
    QCOMPARE(m_page->workersModel()->rowCount(), 1);
    QCOMPARE(m_page->workersModel()->index(0, 0).data().toString(), QStringLiteral("box"));
    QCOMPARE(m_page->workersModel()->index(0, 6).data().toString(), QStringLiteral("6"));
    QCOMPARE(m_page->failedModel()->rowCount(), 1);
    QCOMPARE(m_page->failedModel()->index(0, 1).data().toString(), QStringLiteral("/docs/doc.txt"));
    QCOMPARE(m_page->failedModel()->index(0, 4).data().toString(),
             QStringLiteral("HTTP 400: not valid"));
}

void TestJobsPage::buttonsDriveTheJobs() {
    RowsModel* jobs = m_page->jobsModel();
    QTRY_COMPARE_WITH_TIMEOUT(jobs->rowCount(), 2, 15000);
    selectRow("jobsTable", 1);
    child<QPushButton>("pauseJobButton")->click();
    QTRY_COMPARE_WITH_TIMEOUT(
        count(QStringLiteral("SELECT count(*) FROM quiver.jobs WHERE NOT scheduled")), 1, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(jobs->index(1, 4).data().toString(), QStringLiteral("paused"), 10000);
    child<QPushButton>("resumeJobButton")->click();
    QTRY_COMPARE_WITH_TIMEOUT(
        count(QStringLiteral("SELECT count(*) FROM quiver.jobs WHERE NOT scheduled")), 0, 10000);
    m_conn->exec(QStringLiteral("UPDATE quiver.jobs SET next_start = now() + interval '1 day'"));
    child<QPushButton>("runJobButton")->click();
    QTRY_COMPARE_WITH_TIMEOUT(
        count(QStringLiteral("SELECT count(*) FROM quiver.jobs WHERE next_start < now() + "
                             "interval '1 hour'")),
        1, 10000);

    // Retry makes the failed chunk claimable again.
    QTRY_COMPARE_WITH_TIMEOUT(m_page->failedModel()->rowCount(), 1, 10000);
    selectRow("failedTable", 0);
    child<QPushButton>("retryFailedButton")->click();
    QTRY_COMPARE_WITH_TIMEOUT(
        count(QStringLiteral(
            "SELECT count(*) FROM quiver.embedding_queue WHERE failed_at IS NOT NULL")),
        0, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(m_page->failedModel()->rowCount(), 0, 10000);

    selectRow("jobsTable", 0);
    child<QPushButton>("deleteJobButton")->click();
    QTRY_COMPARE_WITH_TIMEOUT(count(QStringLiteral("SELECT count(*) FROM quiver.jobs")), 1, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(jobs->rowCount(), 1, 10000);
}

// Six chunks in three seconds (three still waiting, so the work runs until now) are about two
// a second, not six spread over five minutes (0.0).
void TestJobsPage::rateIsOverTheTimeTheWorkTook() {
    RowsModel* backlog = m_page->backlogModel();
    QTRY_VERIFY_WITH_TIMEOUT(backlog->rowCount() >= 1, 15000);
    int row = -1;
    for (int r = 0; r < backlog->rowCount(); ++r)
        if (backlog->index(r, 0).data().toString() == QLatin1String("lexical"))
            row = r;
    QVERIFY(row >= 0);
    const QString text = backlog->index(row, 6).data().toString();
    QVERIFY2(text.endsWith(QLatin1String(" chunks/s")), qPrintable(text));
    const double rate = text.section(QLatin1Char(' '), 0, 0).toDouble();
    // At most 6 / 3 s; at least what a reader that came ten seconds late would see.
    QVERIFY2(rate >= 0.5 && rate <= 2.05, qPrintable(text));
    QVERIFY2(child<QLabel>("backlogSummary")->text().endsWith(text), qPrintable(text));
}

QTEST_MAIN(TestJobsPage)
#include "tst_jobs_page.moc"
