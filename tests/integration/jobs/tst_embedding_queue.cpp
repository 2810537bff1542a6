// The embedding queue and the job API against the real PostgreSQL server of the ctest fixture:
// claims never overlap, leases expire, writes need the claim, identical text is reused, a chunk
// that keeps failing ends failed, and a job's config never holds a secret.
#include "core/db/db_error.h"
#include "core/db/migrations.h"
#include "core/db/pg_connection.h"
#include "core/embed/embedder.h"
#include "core/jobs/embedding_queue.h"
#include "core/jobs/job_repository.h"
#include "core/jobs/worker_registry.h"
#include "tests/harness/test_postgres.h"
#include "tests/integration/jobs/jobs_test_data.h"

#include <QSet>
#include <QTest>

using namespace quiver;
using quiver::test::TestPostgres;

namespace {
const QString kModel = QStringLiteral("test-model");

std::vector<std::vector<float>> vectorsFor(qsizetype n) {
    return std::vector<std::vector<float>>(static_cast<std::size_t>(n), {0.5f, 0.25f, 0.125f});
}

QList<qint64> idsOf(const QList<EmbeddingQueue::Chunk>& chunks) {
    QList<qint64> ids;
    for (const auto& c : chunks)
        ids.append(c.id);
    return ids;
}
} // namespace

class TestEmbeddingQueue : public QObject {
    Q_OBJECT
private slots:
    void init();
    void cleanup();

    void freshDatabaseHasEmbedPendingJob();
    void claimsNeverOverlap();
    void expiredLeaseIsClaimableAgain();
    void writeNeedsTheClaim();
    void vectorsOfAnotherLengthAreRefused();
    void identicalTextReusesTheEmbedding();
    void chunkThatKeepsFailingEndsFailed();
    void releaseGivesChunksBack();
    void jobConfigRefusesSecrets();
    void jobApiAddAlterPauseRunDelete();
    void runHistoryAndCounters();
    void heartbeatRows();

private:
    qint64 count(const QString& sql, const QVariantList& params = {}) {
        return m_conn->exec(sql, params).toInt64(0, 0);
    }
    QString m_conninfo;
    std::optional<PgConnection> m_conn;
    std::optional<PgConnection> m_other;
};

void TestEmbeddingQueue::init() {
    m_conninfo = TestPostgres::instance().createDatabase(QStringLiteral("queue"));
    m_conn = PgConnection::open(m_conninfo);
    Migrations::apply(*m_conn);
    m_other = PgConnection::open(m_conninfo);
}

void TestEmbeddingQueue::cleanup() {
    m_other.reset();
    m_conn.reset();
    TestPostgres::instance().dropDatabase(m_conninfo);
}

void TestEmbeddingQueue::freshDatabaseHasEmbedPendingJob() {
    JobRepository jobs(*m_conn);
    const QList<Job> all = jobs.list();
    QCOMPARE(all.size(), 1);
    QCOMPARE(all.first().proc, QStringLiteral("embed_pending"));
    QCOMPARE(all.first().profile(), QStringLiteral("local"));
    QVERIFY(all.first().scheduled);
    // The worker of another profile gets a job of its own, once.
    const Job lexical = jobs.embedJobFor(QStringLiteral("lexical"));
    QCOMPARE(lexical.profile(), QStringLiteral("lexical"));
    QCOMPARE(jobs.embedJobFor(QStringLiteral("lexical")).id, lexical.id);
    QCOMPARE(jobs.list().size(), 2);
}

void TestEmbeddingQueue::claimsNeverOverlap() {
    test::insertChunks(*m_conn, 100);
    EmbeddingQueue a(*m_conn, kModel, QStringLiteral("a"));
    EmbeddingQueue b(*m_other, kModel, QStringLiteral("b"));
    QSet<qint64> seen;
    for (int round = 0; round < 10; ++round) {
        for (EmbeddingQueue* q : {&a, &b}) {
            const auto chunks = q->claim(7, 60);
            for (const auto& c : chunks) {
                QVERIFY2(!seen.contains(c.id), "a chunk was claimed twice");
                seen.insert(c.id);
                QVERIFY(c.text.contains(QStringLiteral("chunk")));
                QCOMPARE(c.sha256.size(), 64);
            }
        }
    }
    QCOMPARE(seen.size(), 100);
    QVERIFY(a.claim(10, 60).isEmpty());
    QCOMPARE(a.backlog().claimed, 100);
    QCOMPARE(a.backlog().pending, 100);
}

// One model, one vector length: fixed by the profile's dimensions, else by the vectors stored.
void TestEmbeddingQueue::vectorsOfAnotherLengthAreRefused() {
    test::insertChunks(*m_conn, 6);
    EmbeddingQueue q(*m_conn, kModel, QStringLiteral("w"));
    const QList<qint64> first = idsOf(q.claim(2, 60));
    QCOMPARE(q.write(first, vectorsFor(2)), 2); // three dimensions, the first ones stored
    const QList<qint64> next = idsOf(q.claim(4, 60));
    QCOMPARE(next.size(), 4);
    const auto refused = [&](const std::vector<std::vector<float>>& vectors) {
        try {
            q.write(next, vectors);
        } catch (const EmbedError& e) {
            return e.kind() == EmbedError::Kind::BadResponse ? e.message() : QString();
        }
        return QString();
    };
    const std::vector<std::vector<float>> four(4, {0.5f, 0.5f, 0.5f, 0.5f});
    QString message = refused(four);
    QVERIFY2(message.contains(QStringLiteral("a vector of 4 dimensions for model test-model, "
                                             "whose vectors have 3")),
             qPrintable(message));
    QVERIFY(message.contains(QStringLiteral("nothing was stored")));
    std::vector<std::vector<float>> mixed = vectorsFor(4);
    mixed[2] = {0.5f};
    QVERIFY(refused(mixed).contains(QStringLiteral("a vector of 1 dimensions")));
    QVERIFY(refused(std::vector<std::vector<float>>(4)).contains(QStringLiteral("of 0 dimen")));
    // Nothing was written, and the claims are still this worker's: the right length goes in.
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM quiver.embeddings")), 2);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM quiver.embedding_queue "
                                  "WHERE claimed_by = 'w'")),
             4);
    // The profile's dimensions come first: a profile of 4 takes 4 and refuses the stored 3.
    q.expectDimensions(4);
    QVERIFY(refused(vectorsFor(4)).contains(QStringLiteral("(the profile's dimensions)")));
    QCOMPARE(q.write(next, four), 4);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM quiver.embeddings WHERE dimensions = 4")),
             4);
}

void TestEmbeddingQueue::expiredLeaseIsClaimableAgain() {
    test::insertChunks(*m_conn, 5);
    EmbeddingQueue dead(*m_conn, kModel, QStringLiteral("dead"));
    EmbeddingQueue alive(*m_other, kModel, QStringLiteral("alive"));
    const auto claimed = dead.claim(5, 0.3);
    QCOMPARE(claimed.size(), 5);
    QVERIFY(alive.claim(5, 60).isEmpty());
    // QTRY_* evaluate their expression once more after it holds: keep what was claimed.
    qsizetype taken = 0;
    QTRY_VERIFY_WITH_TIMEOUT((taken += alive.claim(5, 60).size()) == 5, 5000);
    // The first claimer lost its chunks: its late vectors are not stored.
    QCOMPARE(dead.write(idsOf(claimed), vectorsFor(5)), 0);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM quiver.embeddings")), 0);
    QCOMPARE(alive.write(idsOf(claimed), vectorsFor(5)), 5);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM quiver.embeddings")), 5);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM quiver.embedding_queue")), 0);
}

void TestEmbeddingQueue::writeNeedsTheClaim() {
    test::insertChunks(*m_conn, 4);
    EmbeddingQueue q(*m_conn, kModel, QStringLiteral("w"));
    const auto claimed = q.claim(4, 60);
    QCOMPARE(claimed.size(), 4);
    EmbeddingQueue stranger(*m_other, kModel, QStringLiteral("stranger"));
    QCOMPARE(stranger.write(idsOf(claimed), vectorsFor(4)), 0);
    QCOMPARE(q.write(idsOf(claimed), vectorsFor(4)), 4);
    // Written once: the same chunks are no longer in the queue.
    QVERIFY(q.claim(4, 60).isEmpty());
    const PgResult r = m_conn->exec(
        QStringLiteral("SELECT dimensions, vector FROM quiver.embeddings WHERE chunk_id = $1"),
        {claimed.first().id});
    QCOMPARE(r.toInt64(0, 0), 3);
    QCOMPARE(r.toFloatArray(0, 1), (QList<float>{0.5f, 0.25f, 0.125f}));
    QCOMPARE(q.backlog().embedded, 4);
    QCOMPARE(q.backlog().pending, 0);
}

void TestEmbeddingQueue::identicalTextReusesTheEmbedding() {
    test::insertChunks(*m_conn, 3, QStringLiteral("first"));
    EmbeddingQueue q(*m_conn, kModel, QStringLiteral("w"));
    auto claimed = q.claim(10, 60);
    QCOMPARE(q.write(idsOf(claimed), vectorsFor(3)), 3);
    // The same texts in another document, plus one new text.
    test::insertChunks(*m_conn, 4, QStringLiteral("first"), 100);
    claimed = q.claim(10, 60);
    QCOMPARE(claimed.size(), 4);
    const auto rest = q.reuseExisting(claimed);
    QCOMPARE(rest.size(), 1);
    QVERIFY(rest.first().text.startsWith(QStringLiteral("first chunk 3 ")));
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM quiver.embeddings")), 6);
    // Reuse is per model.
    EmbeddingQueue other(*m_conn, QStringLiteral("other-model"), QStringLiteral("w"));
    const auto otherClaim = other.claim(10, 60);
    QCOMPARE(other.reuseExisting(otherClaim).size(), otherClaim.size());
}

void TestEmbeddingQueue::chunkThatKeepsFailingEndsFailed() {
    test::insertChunks(*m_conn, 2);
    EmbeddingQueue q(*m_conn, kModel, QStringLiteral("w"));
    auto claimed = q.claim(1, 60);
    const qint64 bad = claimed.first().id;
    QVERIFY(!q.fail(bad, QStringLiteral("refused"), 2, 200));
    // Waiting for its retry time: not claimable, the other chunk is.
    claimed = q.claim(10, 60);
    QCOMPARE(claimed.size(), 1);
    QVERIFY(claimed.first().id != bad);
    q.release(idsOf(claimed));
    bool retried = false;
    QTRY_VERIFY_WITH_TIMEOUT(retried = retried || idsOf(q.claim(10, 60)).contains(bad), 5000);
    QVERIFY(q.fail(bad, QStringLiteral("refused again"), 2, 200));
    QCOMPARE(q.backlog().failed, 1);
    const auto failed = q.failedChunks();
    QCOMPARE(failed.size(), 1);
    QCOMPARE(failed.first().chunkId, bad);
    QCOMPARE(failed.first().attempts, 2);
    QCOMPARE(failed.first().error, QStringLiteral("refused again"));
    QCOMPARE(failed.first().documentPath, QStringLiteral("/docs/doc.txt"));
    QVERIFY(!idsOf(q.claim(10, 60)).contains(bad));
    QCOMPARE(q.retryFailed(), 1);
    QVERIFY(idsOf(q.claim(10, 60)).contains(bad));
}

void TestEmbeddingQueue::releaseGivesChunksBack() {
    test::insertChunks(*m_conn, 3);
    EmbeddingQueue q(*m_conn, kModel, QStringLiteral("w"));
    q.release(idsOf(q.claim(3, 60)));
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM quiver.embedding_queue")), 0);
    QCOMPARE(q.claim(3, 60).size(), 3);
    QCOMPARE(q.releaseAll(), 3);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM quiver.embedding_queue "
                                  "WHERE lease_until IS NOT NULL")),
             0);
}

void TestEmbeddingQueue::jobConfigRefusesSecrets() {
    JobRepository jobs(*m_conn);
    JobSpec spec;
    spec.proc = QStringLiteral("embed_pending");
    spec.config = QJsonObject{{QStringLiteral("profile"), QStringLiteral("lexical")},
                              {QStringLiteral("openai_api_key"), QStringLiteral("sk-abc")}};
    try {
        jobs.add(spec);
        QFAIL("a secret in the config was accepted");
    } catch (const JobError& e) {
        QVERIFY2(e.message().contains(QStringLiteral("never holds a secret")),
                 qPrintable(e.message()));
        QVERIFY(!e.message().contains(QStringLiteral("sk-abc")));
    }
    // The table refuses it too, whoever writes it.
    bool refused = false;
    try {
        m_conn->exec(QStringLiteral("INSERT INTO quiver.jobs (name, proc, config) "
                                    "VALUES ('x', 'embed_pending', $1::jsonb)"),
                     {QStringLiteral("{\"apiKey\": \"sk-abc\"}")});
    } catch (const DbError& e) {
        refused = e.sqlState() == QLatin1String("23514");
    }
    QVERIFY(refused);
    spec.config = QJsonObject{{QStringLiteral("profile"), QStringLiteral("nope")}};
    QVERIFY_THROWS_EXCEPTION(JobError, jobs.add(spec));
}

void TestEmbeddingQueue::jobApiAddAlterPauseRunDelete() {
    JobRepository jobs(*m_conn);
    JobSpec spec;
    spec.proc = QStringLiteral("sync_index");
    spec.name = QStringLiteral("sync");
    spec.scheduleInterval = QStringLiteral("5 minutes");
    spec.initialStart = QDateTime(QDate(2030, 1, 1), QTime(8, 0), Qt::UTC);
    spec.maxRuntime = QStringLiteral("30s");
    spec.config = QJsonObject{{QStringLiteral("batch_size"), 64}};
    Job job = jobs.add(spec);
    QCOMPARE(job.scheduleIntervalMs, 300000);
    QVERIFY(job.fixedSchedule); // TimescaleDB's default
    QCOMPARE(job.nextStart, spec.initialStart.value());
    QCOMPARE(job.maxRuntimeMs, 30000);
    QCOMPARE(job.maxRetries, -1);
    QVERIFY(!job.owner.isEmpty());

    JobSpec change;
    change.maxRetries = 3;
    change.retryPeriod = QStringLiteral("10s");
    change.maxRuntime = QString(); // no limit
    job = jobs.alter(job.id, change);
    QCOMPARE(job.maxRetries, 3);
    QCOMPARE(job.retryPeriodMs, 10000);
    QCOMPARE(job.maxRuntimeMs, 0);
    QCOMPARE(job.scheduleIntervalMs, 300000); // untouched

    jobs.setScheduled(job.id, false);
    QVERIFY(!jobs.find(job.id)->scheduled);
    jobs.setScheduled(job.id, true);
    m_other->listen(JobRepository::notifyChannel());
    jobs.runNow(job.id);
    const auto note = m_other->nextNotification(5000);
    QVERIFY(note.has_value());
    QCOMPARE(note->payload, QString::number(job.id));
    QVERIFY(jobs.find(job.id)->nextStart <= QDateTime::currentDateTimeUtc().addSecs(1));

    JobSpec bad;
    bad.scheduleInterval = QStringLiteral("every so often");
    QVERIFY_THROWS_EXCEPTION(JobError, jobs.alter(job.id, bad));
    JobSpec badProc;
    badProc.proc = QStringLiteral("drop_everything");
    QVERIFY_THROWS_EXCEPTION(JobError, jobs.add(badProc));
    QCOMPARE(jobs.resolve(QStringLiteral("sync")).id, job.id);
    jobs.remove(job.id);
    QVERIFY(!jobs.find(job.id));
    QVERIFY_THROWS_EXCEPTION(JobError, jobs.resolve(QStringLiteral("sync")));
}

void TestEmbeddingQueue::runHistoryAndCounters() {
    JobRepository jobs(*m_conn);
    Job job = jobs.embedJobFor(QStringLiteral("lexical"));
    JobSpec spec;
    spec.retryPeriod = QStringLiteral("2s");
    spec.scheduleInterval = QStringLiteral("10s");
    job = jobs.alter(job.id, spec);
    const qint64 worker = WorkerRegistry(*m_conn).registerWorker(
        QStringLiteral("h"), 42, QStringLiteral("cli"), QStringLiteral("lexical"));
    qint64 run = jobs.startRun(job.id, worker, QStringLiteral("h:42"));
    jobs.addProgress(run, 10, 1);
    jobs.finishRun(run, QStringLiteral("failed"), QStringLiteral("boom"));
    job = *jobs.find(job.id);
    QCOMPARE(job.totalFailures, 1);
    QCOMPARE(job.consecutiveFailures, 1);
    QCOMPARE(job.lastRunStatus, QStringLiteral("failed"));
    // Retried after retry_period, not after the schedule interval.
    QVERIFY(job.nextStart <= job.lastFinish.addMSecs(2000));
    run = jobs.startRun(job.id, worker, QStringLiteral("h:42"));
    jobs.finishRun(run, QStringLiteral("success"));
    job = *jobs.find(job.id);
    QCOMPARE(job.totalSuccesses, 1);
    QCOMPARE(job.consecutiveFailures, 0);
    QCOMPARE(job.nextStart, job.lastFinish.addMSecs(10000));
    const QList<JobRun> runs = jobs.history(job.id);
    QCOMPARE(runs.size(), 2);
    QCOMPARE(runs.last().status, QStringLiteral("failed"));
    QCOMPARE(runs.last().error, QStringLiteral("boom"));
    QCOMPARE(runs.last().rowsDone, 10);
    QCOMPARE(runs.last().rowsFailed, 1);
    QCOMPARE(runs.first().worker, QStringLiteral("h:42"));
}

void TestEmbeddingQueue::heartbeatRows() {
    WorkerRegistry registry(*m_conn);
    const qint64 id = registry.registerWorker(QStringLiteral("host-a"), 7, QStringLiteral("gui"),
                                              QStringLiteral("lexical"));
    registry.beat(id, 5, 1, QStringLiteral("slow"));
    registry.beat(id, 3);
    auto active = registry.active();
    QCOMPARE(active.size(), 1);
    QCOMPARE(active.first().done, 8);
    QCOMPARE(active.first().errors, 1);
    QCOMPARE(active.first().lastError, QStringLiteral("slow"));
    QCOMPARE(active.first().kind, QStringLiteral("gui"));
    registry.stop(id);
    QVERIFY(registry.active().isEmpty());
}

QTEST_GUILESS_MAIN(TestEmbeddingQueue)
#include "tst_embedding_queue.moc"
