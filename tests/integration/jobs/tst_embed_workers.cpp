// `quiver-cli worker` processes against the real PostgreSQL server of the ctest fixture and the
// fake embeddings server (real HTTP on loopback): several workers share one queue with no chunk
// embedded twice, a killed worker's chunks are finished by another once its lease expires,
// provider faults slow the job down without losing work, one input the provider always refuses
// fails alone, new chunks are embedded within a second of their NOTIFY, and vectors that came back
// while the database connection was lost are written after reconnecting, not asked for again.
#include "core/db/migrations.h"
#include "core/db/pg_connection.h"
#include "core/embed/profile_repository.h"
#include "core/jobs/job_repository.h"
#include "tests/harness/fake_embeddings_server.h"
#include "tests/harness/test_postgres.h"
#include "tests/integration/jobs/jobs_test_data.h"
#include "tests/integration/jobs/worker_process.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <signal.h>

using namespace quiver;
using quiver::test::FakeEmbeddingsServer;
using quiver::test::lastJson;
using quiver::test::scalar;
using quiver::test::TestPostgres;

namespace {
const QByteArray kKey = "sk-test-worker-key-0123456789";

} // namespace

class TestEmbedWorkers : public QObject {
    Q_OBJECT
private slots:
    void init();
    void cleanup();

    void threeWorkersShareTenThousandChunks();
    void killedWorkersChunksAreFinishedByAnother();
    void faultsSlowTheJobAndOneBadInputFailsAlone();
    void newChunksAreEmbeddedWithinTwoSeconds();
    void pausedJobIsLeftAlone();
    void slowProviderKeepsTheLease();
    void refusalOfTheRequestStopsAfterOneRequest();
    void vectorsOfAnotherLengthStopTheRun();
    void reconnectWritesVectorsAlreadyPaidFor();

private:
    QString model();
    qint64 count(const QString& sql) { return scalar(*m_conn, sql); }

    QString m_conninfo;
    std::optional<PgConnection> m_conn;
    std::unique_ptr<FakeEmbeddingsServer> m_server;
    // Adds the fake profile and approves its address for the key file, as a server's user does.
    void addProfile(int batch, int concurrency, int maxRetries = 2) {
        test::addFakeProfile(*m_conn, m_server->baseUrl(), batch, concurrency, maxRetries);
        const QByteArray problem = test::approveKeyOrigin(m_conninfo, QStringLiteral("fake"));
        QVERIFY2(problem.isEmpty(), problem.constData());
    }

    // `worker --profile fake --once` with the key file, run to its end.
    std::unique_ptr<QProcess> runOnce() {
        auto w = test::startWorker(m_conninfo, {QStringLiteral("--profile"), QStringLiteral("fake"),
                                                QStringLiteral("--once"),
                                                QStringLiteral("--api-key-file"), m_keyFile});
        if (!w->waitForFinished(120000))
            w->kill();
        w->waitForFinished();
        return w;
    }

    QTemporaryDir m_dir;
    QTemporaryDir m_home;
    QString m_keyFile;
};

void TestEmbedWorkers::init() {
    m_conninfo = TestPostgres::instance().createDatabase(QStringLiteral("workers"));
    m_conn = PgConnection::open(m_conninfo);
    Migrations::apply(*m_conn);
    FakeEmbeddingsServer::Config config;
    config.requiredKey = QString::fromLatin1(kKey);
    m_server = std::make_unique<FakeEmbeddingsServer>(config);
    QVERIFY(m_dir.isValid());
    m_keyFile = test::writeKeyFile(m_dir, kKey);
    // The workers' settings (where approvals live) are the test's, never the user's.
    QVERIFY(m_home.isValid());
    qputenv("XDG_CONFIG_HOME", QFile::encodeName(m_home.filePath(QStringLiteral("config"))));
}

void TestEmbedWorkers::cleanup() {
    m_server.reset();
    m_conn.reset();
    TestPostgres::instance().dropDatabase(m_conninfo);
}

QString TestEmbedWorkers::model() {
    return m_conn->exec(QStringLiteral("SELECT DISTINCT model FROM quiver.embeddings")).text(0, 0);
}

void TestEmbedWorkers::threeWorkersShareTenThousandChunks() {
    constexpr int kChunks = 10000;
    addProfile(100, 2);
    test::insertChunks(*m_conn, kChunks);
    std::vector<std::unique_ptr<QProcess>> workers;
    for (int i = 0; i < 3; ++i) {
        workers.push_back(test::startWorker(
            m_conninfo, {QStringLiteral("--profile"), QStringLiteral("fake"),
                         QStringLiteral("--once"), QStringLiteral("--api-key-file"), m_keyFile}));
    }
    qint64 embeddedByWorkers = 0;
    for (auto& w : workers) {
        QVERIFY2(test::finishedCleanly(*w, 240000), w->readAllStandardError().constData());
        const QJsonObject summary = lastJson(*w);
        embeddedByWorkers += summary.value(QStringLiteral("embedded")).toInteger();
        QCOMPARE(summary.value(QStringLiteral("failed")).toInteger(), 0);
    }
    // Every chunk has exactly one embedding, made by the server, which saw each input once.
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM quiver.embeddings")), kChunks);
    QCOMPARE(count(QStringLiteral("SELECT count(DISTINCT chunk_id) FROM quiver.embeddings")),
             kChunks);
    QCOMPARE(embeddedByWorkers, kChunks);
    const FakeEmbeddingsServer::Stats stats = m_server->stats();
    QCOMPARE(stats.inputs, kChunks);
    QCOMPARE(stats.inputCounts.size(), kChunks);
    for (auto it = stats.inputCounts.cbegin(); it != stats.inputCounts.cend(); ++it)
        QCOMPARE(it.value(), 1);
    for (const QByteArray& auth : stats.authorizations)
        QCOMPARE(auth, QByteArray("Bearer ") + kKey);
    // No lease left behind, and the work was shared.
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM quiver.embedding_queue")), 0);
    QCOMPARE(
        count(QStringLiteral("SELECT count(*) FROM quiver.workers WHERE stopped_at IS NOT NULL "
                             "AND done > 0")),
        3);
    QCOMPARE(count(QStringLiteral("SELECT sum(done) FROM quiver.workers")), kChunks);
    QCOMPARE(count(QStringLiteral("SELECT sum(rows_done) FROM quiver.job_runs")), kChunks);
    QCOMPARE(
        count(QStringLiteral("SELECT count(*) FROM quiver.job_runs WHERE status <> 'success'")), 0);
    // Vectors are the server's.
    const PgResult r = m_conn->exec(QStringLiteral("SELECT c.text, e.vector FROM quiver.embeddings "
                                                   "e JOIN quiver.chunks c ON c.id = e.chunk_id "
                                                   "ORDER BY c.id DESC LIMIT 1"));
    const std::vector<float> expected = FakeEmbeddingsServer::vectorFor(r.text(0, 0), 8);
    QCOMPARE(r.toFloatArray(0, 1), QList<float>(expected.begin(), expected.end()));
    QVERIFY(!model().isEmpty());
}

void TestEmbedWorkers::killedWorkersChunksAreFinishedByAnother() {
    constexpr int kChunks = 400;
    FakeEmbeddingsServer::Config config;
    config.requiredKey = QString::fromLatin1(kKey);
    config.latencyMs = 400;
    m_server->setConfig(config);
    addProfile(20, 1);
    test::insertChunks(*m_conn, kChunks);
    auto victim = test::startWorker(
        m_conninfo, {QStringLiteral("--profile"), QStringLiteral("fake"), QStringLiteral("--lease"),
                     QStringLiteral("2"), QStringLiteral("--api-key-file"), m_keyFile});
    // Mid-batch: it has written some chunks and holds a claim the server is still answering.
    QTRY_VERIFY_WITH_TIMEOUT(count(QStringLiteral("SELECT count(*) FROM quiver.embeddings")) >= 40,
                             60000);
    const int requestsBefore = m_server->stats().requests;
    QTRY_VERIFY_WITH_TIMEOUT(m_server->stats().requests > requestsBefore, 10000);
    QVERIFY(count(QStringLiteral("SELECT count(*) FROM quiver.embedding_queue "
                                 "WHERE lease_until > now()")) > 0);
    ::kill(static_cast<pid_t>(victim->processId()), SIGKILL);
    victim->waitForFinished();
    QCOMPARE(victim->exitStatus(), QProcess::CrashExit);
    const qint64 leftByVictim = count(QStringLiteral(
        "SELECT count(*) FROM quiver.embedding_queue WHERE lease_until IS NOT NULL"));
    QVERIFY(leftByVictim > 0);

    auto heir = test::startWorker(m_conninfo, {QStringLiteral("--profile"), QStringLiteral("fake"),
                                               QStringLiteral("--once"), QStringLiteral("--lease"),
                                               QStringLiteral("2"),
                                               QStringLiteral("--api-key-file"), m_keyFile});
    QVERIFY2(test::finishedCleanly(*heir, 120000), heir->readAllStandardError().constData());
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM quiver.embeddings")), kChunks);
    QCOMPARE(count(QStringLiteral("SELECT count(DISTINCT chunk_id) FROM quiver.embeddings")),
             kChunks);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM quiver.embedding_queue")), 0);
    // Only the killed batch can have reached the server twice.
    const FakeEmbeddingsServer::Stats stats = m_server->stats();
    int twice = 0;
    for (auto it = stats.inputCounts.cbegin(); it != stats.inputCounts.cend(); ++it) {
        QVERIFY(it.value() <= 2);
        twice += it.value() == 2 ? 1 : 0;
    }
    QVERIFY2(twice <= 20, qPrintable(QString::number(twice)));
    // The dead worker's heartbeat stopped; its run stays open in the history as it was.
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM quiver.workers WHERE stopped_at IS NULL")),
             1);
}

void TestEmbedWorkers::faultsSlowTheJobAndOneBadInputFailsAlone() {
    constexpr int kChunks = 300;
    FakeEmbeddingsServer::Config config;
    config.requiredKey = QString::fromLatin1(kKey);
    config.retryAfterSeconds = 0;
    config.rejectMarker = QStringLiteral("POISON");
    m_server->setConfig(config);
    addProfile(50, 1, 1);
    test::insertChunks(*m_conn, kChunks);
    m_conn->exec(QStringLiteral("UPDATE quiver.chunks SET text = text || ' POISON', sha256 = NULL "
                                "WHERE ordinal = 123"));
    {
        JobRepository jobs(*m_conn);
        JobSpec spec;
        spec.maxRetries = 1;
        spec.retryPeriod = QStringLiteral("100 milliseconds");
        jobs.alter(jobs.embedJobFor(QStringLiteral("fake")).id, spec);
    }
    using Fault = FakeEmbeddingsServer::Fault;
    m_server->queueFaults({Fault::RateLimited, Fault::RateLimited, Fault::RateLimited,
                           Fault::ServerError, Fault::ServerError, Fault::ServerError});
    QElapsedTimer timer;
    timer.start();
    auto worker = test::startWorker(m_conninfo, {QStringLiteral("--profile"),
                                                 QStringLiteral("fake"), QStringLiteral("--once"),
                                                 QStringLiteral("--api-key-file"), m_keyFile});
    const bool clean = test::finishedCleanly(*worker, 120000);
    const QByteArray log = worker->readAllStandardError();
    QVERIFY2(clean, log.constData());
    const QJsonObject summary = lastJson(*worker);
    QCOMPARE(summary.value(QStringLiteral("embedded")).toInteger(), kChunks - 1);
    QCOMPARE(summary.value(QStringLiteral("failed")).toInteger(), 1);
    // It slowed down: the outages were met, logged and waited out.
    QVERIFY2(summary.value(QStringLiteral("errors")).toInteger() >= 3, log.constData());
    QVERIFY2(log.contains("429") && log.contains("backing off"), log.constData());
    QVERIFY(timer.elapsed() >= 1000);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM quiver.embeddings")), kChunks - 1);
    const PgResult failed = m_conn->exec(
        QStringLiteral("SELECT c.ordinal, q.attempts, q.last_error FROM quiver.embedding_queue q "
                       "JOIN quiver.chunks c ON c.id = q.chunk_id WHERE q.failed_at IS NOT NULL"));
    QCOMPARE(failed.rows(), 1);
    QCOMPARE(failed.toInt64(0, 0), 123);
    QCOMPARE(failed.toInt64(0, 1), 2);
    QVERIFY2(failed.text(0, 2).contains(QStringLiteral("HTTP 400")), qPrintable(failed.text(0, 2)));
    QVERIFY(!failed.text(0, 2).contains(QString::fromLatin1(kKey)));
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM quiver.embedding_queue")), 1);
    QCOMPARE(count(QStringLiteral("SELECT sum(rows_failed) FROM quiver.job_runs")), 1);
    QVERIFY(count(QStringLiteral("SELECT errors FROM quiver.workers")) >= 3);
}

void TestEmbedWorkers::newChunksAreEmbeddedWithinTwoSeconds() {
    FakeEmbeddingsServer::Config config;
    config.requiredKey = QString::fromLatin1(kKey);
    config.latencyMs = 10;
    m_server->setConfig(config);
    addProfile(64, 1);
    auto worker =
        test::startWorker(m_conninfo, {QStringLiteral("--profile"), QStringLiteral("fake"),
                                       QStringLiteral("--api-key-file"), m_keyFile});
    // Listening and idle: it has found nothing to do (the job polls only every 10 s).
    QByteArray log;
    QTRY_VERIFY_WITH_TIMEOUT(
        (log += worker->readAllStandardError()).contains("embedding with profile"), 30000);
    QCOMPARE(JobRepository(*m_conn).embedJobFor(QStringLiteral("fake")).scheduleIntervalMs, 10000);
    QTest::qWait(300); // let it reach its idle wait (not a synchronisation: both orders work)

    // What an import does: commit the chunks, then NOTIFY.
    QElapsedTimer timer;
    timer.start();
    test::insertChunks(*m_conn, 5, QStringLiteral("imported"));
    m_conn->notify(QStringLiteral("quiver_chunks"), QStringLiteral("1"));
    QTRY_VERIFY_WITH_TIMEOUT(count(QStringLiteral("SELECT count(*) FROM quiver.embeddings")) == 5,
                             10000);
    const qint64 ms = timer.elapsed();
    qInfo("import to embedded: %lld ms", ms);
    QVERIFY2(ms < 2000, qPrintable(QString::number(ms)));

    // SIGTERM: it finishes, releases, records, exits 0.
    ::kill(static_cast<pid_t>(worker->processId()), SIGTERM);
    QVERIFY2(test::finishedCleanly(*worker, 15000), worker->readAllStandardError().constData());
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM quiver.workers WHERE stopped_at IS NULL")),
             0);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM quiver.embedding_queue")), 0);
    const QList<JobRun> runs = JobRepository(*m_conn).history(0);
    QVERIFY(!runs.isEmpty());
    QCOMPARE(runs.last().rowsDone, 5);
    QCOMPARE(runs.last().status, QStringLiteral("success"));
}

void TestEmbedWorkers::pausedJobIsLeftAlone() {
    addProfile(50, 1);
    test::insertChunks(*m_conn, 20);
    JobRepository jobs(*m_conn);
    const Job job = jobs.embedJobFor(QStringLiteral("fake"));
    jobs.setScheduled(job.id, false);
    const QStringList args{QStringLiteral("--profile"), QStringLiteral("fake"),
                           QStringLiteral("--once"), QStringLiteral("--api-key-file"), m_keyFile};
    auto worker = test::startWorker(m_conninfo, args);
    bool clean = test::finishedCleanly(*worker, 60000);
    const QByteArray log = worker->readAllStandardError();
    QVERIFY2(clean, log.constData());
    QVERIFY2(log.contains("is paused"), log.constData());
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM quiver.embeddings")), 0);
    QCOMPARE(m_server->stats().requests, 0);

    jobs.setScheduled(job.id, true);
    worker = test::startWorker(m_conninfo, args);
    clean = test::finishedCleanly(*worker, 60000);
    QVERIFY2(clean, worker->readAllStandardError().constData());
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM quiver.embeddings")), 20);
}

void TestEmbedWorkers::slowProviderKeepsTheLease() {
    // Each answer takes 2.5 leases: without renewal the second worker would take the batch over
    // while the first still waits for it, and the server would see every input twice.
    FakeEmbeddingsServer::Config config;
    config.requiredKey = QString::fromLatin1(kKey);
    config.latencyMs = 2500;
    m_server->setConfig(config);
    addProfile(10, 1);
    test::insertChunks(*m_conn, 10);
    const QStringList args{QStringLiteral("--profile"),
                           QStringLiteral("fake"),
                           QStringLiteral("--once"),
                           QStringLiteral("--lease"),
                           QStringLiteral("1"),
                           QStringLiteral("--api-key-file"),
                           m_keyFile};
    auto first = test::startWorker(m_conninfo, args);
    // The batch is claimed and its request is at the server.
    QTRY_VERIFY_WITH_TIMEOUT(m_server->stats().requests == 1, 30000);
    auto second = test::startWorker(m_conninfo, args);
    QVERIFY2(test::finishedCleanly(*first, 60000), first->readAllStandardError().constData());
    QVERIFY2(test::finishedCleanly(*second, 60000), second->readAllStandardError().constData());
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM quiver.embeddings")), 10);
    const FakeEmbeddingsServer::Stats stats = m_server->stats();
    QCOMPARE(stats.requests, 1);
    QCOMPARE(stats.inputs, 10);
    for (auto it = stats.inputCounts.cbegin(); it != stats.inputCounts.cend(); ++it)
        QCOMPARE(it.value(), 1);
    QCOMPARE(lastJson(*second).value(QStringLiteral("embedded")).toInteger(), 0);
}

// A 400 about the model (not about one input) ends the run after the one request, with the
// server's reason, and fails no chunk: splitting the batch would only multiply the requests.
void TestEmbedWorkers::refusalOfTheRequestStopsAfterOneRequest() {
    FakeEmbeddingsServer::Config config;
    config.requiredKey = QString::fromLatin1(kKey);
    config.rejectAllMessage = QStringLiteral("This model does not support specifying dimensions.");
    m_server->setConfig(config);
    addProfile(50, 1);
    test::insertChunks(*m_conn, 300);
    const auto worker = runOnce();
    const QByteArray log = worker->readAllStandardError();
    QCOMPARE(worker->exitCode(), 1);
    QVERIFY2(log.contains("does not support specifying dimensions"), log.constData());
    QCOMPARE(m_server->stats().requests, 1);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM quiver.embeddings")), 0);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM quiver.embedding_queue")), 0);
    const QList<JobRun> runs = JobRepository(*m_conn).history(0);
    QCOMPARE(runs.size(), 1);
    QCOMPARE(runs.first().status, QStringLiteral("failed"));
    QVERIFY(runs.first().error.contains(QStringLiteral("does not support specifying dimensions")));
    QCOMPARE(runs.first().rowsFailed, 0);
}

// The provider starts answering with another length than the model's stored vectors (the
// profile leaves the length to the model): nothing is written, and the run ends saying why.
void TestEmbedWorkers::vectorsOfAnotherLengthStopTheRun() {
    addProfile(20, 1);
    m_conn->exec(QStringLiteral("UPDATE quiver.embedding_profiles SET dimensions = NULL "
                                "WHERE name = 'fake'"));
    test::insertChunks(*m_conn, 30);
    const auto first = runOnce();
    QVERIFY2(first->exitCode() == 0, first->readAllStandardError().constData());
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM quiver.embeddings WHERE dimensions = 8")),
             30);

    FakeEmbeddingsServer::Config config;
    config.requiredKey = QString::fromLatin1(kKey);
    config.forcedDimensions = 12;
    m_server->setConfig(config);
    test::insertChunks(*m_conn, 30, QStringLiteral("later"));
    const int before = m_server->stats().requests;
    const auto second = runOnce();
    const QByteArray log = second->readAllStandardError();
    QCOMPARE(second->exitCode(), 1);
    QVERIFY2(log.contains("refused to store a vector of 12 dimensions"), log.constData());
    QVERIFY(log.contains("whose vectors have 8"));
    QCOMPARE(m_server->stats().requests, before + 1);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM quiver.embeddings")), 30);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM quiver.embedding_queue")), 0);
}

void TestEmbedWorkers::reconnectWritesVectorsAlreadyPaidFor() {
    constexpr int kChunks = 40;
    constexpr int kLost = 10; // claims that lapsed while the worker was away
    addProfile(kChunks, 1);
    {
        // The answer is held for as long as the test needs: the client must not time out.
        ProfileRepository profiles(*m_conn);
        EmbeddingProfile p = *profiles.find(QStringLiteral("fake"));
        p.timeoutMs = 300000;
        profiles.update(p);
    }
    test::insertChunks(*m_conn, kChunks);
    m_server->holdAnswers();
    auto worker = test::startWorker(m_conninfo, {QStringLiteral("--profile"),
                                                 QStringLiteral("fake"), QStringLiteral("--once"),
                                                 QStringLiteral("--api-key-file"), m_keyFile});
    // The whole batch is claimed and its one request waits at the provider.
    QTRY_VERIFY_WITH_TIMEOUT(m_server->stats().requests == 1, 60000);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM quiver.embedding_queue "
                                  "WHERE lease_until > now()")),
             kChunks);

    // The database drops every connection of the worker (its lease keeper's too) ...
    QVERIFY(count(QStringLiteral("SELECT count(*) FROM pg_stat_activity "
                                 "WHERE datname = current_database() "
                                 "AND pid <> pg_backend_pid()")) >= 1);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FILTER (WHERE NOT pg_terminate_backend(pid, "
                                  "60000)) FROM pg_stat_activity "
                                  "WHERE datname = current_database() "
                                  "AND pid <> pg_backend_pid()")),
             0);
    // ... and some of its claims lapse meanwhile, with nobody else taking them.
    m_conn->exec(QStringLiteral("UPDATE quiver.embedding_queue SET claimed_by = NULL,"
                                "  worker_id = NULL, lease_until = NULL "
                                "WHERE chunk_id IN (SELECT id FROM quiver.chunks "
                                "                   ORDER BY id LIMIT $1)"),
                 {kLost});
    m_server->releaseAnswers();

    const bool clean = test::finishedCleanly(*worker, 120000);
    const QByteArray log = worker->readAllStandardError();
    QVERIFY2(clean, log.constData());
    QVERIFY2(log.contains("connection to the database was lost"), log.constData());
    // Every vector the provider gave was stored; none was asked for twice.
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM quiver.embeddings")), kChunks);
    const FakeEmbeddingsServer::Stats stats = m_server->stats();
    QCOMPARE(stats.requests, 1);
    QCOMPARE(stats.inputs, kChunks);
    for (auto it = stats.inputCounts.cbegin(); it != stats.inputCounts.cend(); ++it)
        QCOMPARE(it.value(), 1);
    QCOMPARE(lastJson(*worker).value(QStringLiteral("embedded")).toInteger(), kChunks);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM quiver.embedding_queue")), 0);
    // The vectors are the provider's, for the texts that were sent.
    const PgResult r = m_conn->exec(QStringLiteral("SELECT c.text, e.vector FROM quiver.embeddings "
                                                   "e JOIN quiver.chunks c ON c.id = e.chunk_id "
                                                   "ORDER BY c.id LIMIT 1"));
    const std::vector<float> expected = FakeEmbeddingsServer::vectorFor(r.text(0, 0), 8);
    QCOMPARE(r.toFloatArray(0, 1), QList<float>(expected.begin(), expected.end()));
}

QTEST_GUILESS_MAIN(TestEmbedWorkers)
#include "tst_embed_workers.moc"
