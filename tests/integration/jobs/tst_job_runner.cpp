// The scheduled jobs other than embed_pending (sync_index, rescan_watched, reembed) against the
// real PostgreSQL server of the ctest fixture and the fake embeddings server: each runs when due
// in `quiver-cli worker --once` and records its counts; racing runners run a due slot once;
// max_runtime stops a run; a failed run is retried after retry_period until max_retries; and
// `quiver-cli jobs run` wakes a running worker.
#include "core/db/migrations.h"
#include "core/db/pg_connection.h"
#include "core/embed/embedder_factory.h"
#include "core/jobs/job_repository.h"
#include "core/jobs/job_runner.h"
#include "core/jobs/rescan_watched_job.h"
#include "tests/harness/fake_embeddings_server.h"
#include "tests/harness/snapshot_horizon.h"
#include "tests/harness/test_postgres.h"
#include "tests/integration/cli/cli_runner.h"
#include "tests/integration/jobs/jobs_test_data.h"
#include "tests/integration/jobs/worker_process.h"

#include <QDir>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSettings>
#include <QTest>

#include <atomic>
#include <signal.h>
#include <thread>

using namespace quiver;
using quiver::test::FakeEmbeddingsServer;
using quiver::test::lastJson;
using quiver::test::scalar;
using quiver::test::TestPostgres;

namespace {

const QByteArray kKey = "sk-test-jobs-key-0123456789";

// `count` small text files under dir (created when missing).
void writeFiles(const QString& dir, int count, const QString& prefix = QStringLiteral("note")) {
    QDir().mkpath(dir);
    for (int i = 0; i < count; ++i) {
        QFile f(QStringLiteral("%1/%2-%3.txt").arg(dir, prefix).arg(i));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QStringLiteral("%1 number %2: a few words about topic %3 for the importer.\n")
                    .arg(prefix)
                    .arg(i)
                    .arg(i % 13)
                    .toUtf8());
    }
}

// A JobRunner on a thread of its own, stopped and joined when it goes.
class RunnerThread {
public:
    explicit RunnerThread(JobRunner::Options options)
        : m_runner(std::move(options))
        , m_thread([this] {
            m_status = m_runner.run();
            m_finished.store(true);
        }) {}
    ~RunnerThread() { finish(); }
    bool hasFinished() const { return m_finished.load(); }
    int finish() {
        if (m_thread.joinable()) {
            if (!m_once)
                m_runner.stop();
            m_thread.join();
        }
        return m_status;
    }
    void runToEnd() { m_once = true; }
    JobRunner& runner() { return m_runner; }

private:
    JobRunner m_runner;
    int m_status = -1;
    bool m_once = false;
    std::atomic<bool> m_finished{false};
    std::thread m_thread;
};

} // namespace

class TestJobRunner : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();

    void syncIndexRunsWhenDue();
    void rescanWatchedUsesTheSavedWatchFolders();
    void reembedEmbedsOneCollectionWithItsProfile();
    void racingRunnersRunEachDueSlotOnce();
    void aRunStillGoingIsNotDoubled();
    void maxRuntimeStopsALongRun();
    void maxRuntimeStopsAReembedMidRequest();
    void failedRunIsRetriedAfterItsRetryPeriod();
    void jobsRunWakesARunningWorker();
    void rescanOfAnotherMachineIsNotRun();
    void pathsOutsideLocalWatchFoldersAreRefused();
    void massRemovalWaitsForConfirmation();

private:
    // This machine's watch folders: the only ones a rescan may read here.
    void watch(const QStringList& dirs) {
        QSettings settings;
        RescanWatchedJob::addWatchFolders(settings, dirs);
    }
    // What is due, run once on an in-process runner; its counters (runs -1: it could not run).
    JobRunner::Counters runDueJobs() {
        JobRunner runner(runnerOptions(true));
        return runner.run() == 0 ? runner.counters() : JobRunner::Counters{-1, 0, 0};
    }
    test::CliRun cli(const QStringList& args) {
        return test::runCli(QStringList{QStringLiteral("--db"), m_conninfo} + args,
                            test::isolatedEnvironment(m_home.path()));
    }
    Job addJob(const QString& proc, const QJsonObject& config,
               const QString& interval = QStringLiteral("1 hour")) {
        JobSpec spec;
        spec.proc = proc;
        spec.config = config;
        spec.scheduleInterval = interval;
        return JobRepository(*m_conn).add(spec);
    }
    Job job(qint64 id) { return *JobRepository(*m_conn).find(id); }
    QList<JobRun> runs(qint64 jobId) { return JobRepository(*m_conn).history(jobId); }
    qint64 count(const QString& sql, const QVariantList& params = {}) {
        return scalar(*m_conn, sql, params);
    }
    std::unique_ptr<QProcess> worker(const QStringList& extra = {}) {
        return test::startWorker(m_conninfo,
                                 QStringList{QStringLiteral("--profile"), QStringLiteral("fake"),
                                             QStringLiteral("--api-key-file"), m_keyFile} +
                                     extra,
                                 test::isolatedEnvironment(m_home.path()));
    }
    JobRunner::Options runnerOptions(bool once) {
        JobRunner::Options o;
        o.conninfo = m_conninfo;
        o.once = once;
        return o;
    }

    QString m_conninfo;
    std::optional<PgConnection> m_conn;
    std::unique_ptr<FakeEmbeddingsServer> m_server;
    QTemporaryDir m_dir;
    QTemporaryDir m_home;
    QString m_keyFile;
};

void TestJobRunner::initTestCase() {
    // In-process code reads and writes the same settings file as the `quiver-cli` processes of
    // the tests (isolatedEnvironment): one machine, one host id, one list of watch folders.
    QCoreApplication::setOrganizationName(QStringLiteral("Quiver"));
    QCoreApplication::setApplicationName(QStringLiteral("Quiver"));
}

void TestJobRunner::init() {
    m_conninfo = TestPostgres::instance().createDatabase(QStringLiteral("jobrunner"));
    m_conn = PgConnection::open(m_conninfo);
    Migrations::apply(*m_conn);
    FakeEmbeddingsServer::Config config;
    config.requiredKey = QString::fromLatin1(kKey);
    m_server = std::make_unique<FakeEmbeddingsServer>(config);
    QVERIFY(m_dir.isValid());
    QVERIFY(m_home.isValid());
    m_keyFile = test::writeKeyFile(m_dir, kKey);
    test::addFakeProfile(*m_conn, m_server->baseUrl(), 50, 1);
    // In-process runners read Quiver's settings (import options) from here, never the user's.
    qputenv("XDG_CONFIG_HOME", QFile::encodeName(m_home.filePath(QStringLiteral("config"))));
    // The key file is fake's; this machine approves fake's address for it once.
    const test::CliRun approved =
        cli({QStringLiteral("key"), QStringLiteral("approve"), QStringLiteral("fake")});
    QVERIFY2(approved.exitCode == 0, approved.err.constData());
}

void TestJobRunner::cleanup() {
    m_server.reset();
    m_conn.reset();
    TestPostgres::instance().dropDatabase(m_conninfo);
}

void TestJobRunner::syncIndexRunsWhenDue() {
    test::insertChunks(*m_conn, 30);
    m_conn->exec(
        QStringLiteral("INSERT INTO quiver.embeddings (chunk_id, model, dimensions, vector) "
                       "SELECT id, 'sync-model', 4, ARRAY[1 + id % 7, 2, 3 + id % 5, 4]::real[] "
                       "FROM quiver.chunks"));
    // A transaction of another test on the same server can hold the snapshot horizon (the
    // watermark the index syncs to) behind these rows for a moment; the sync would then read
    // them twice and count 60. Start once they are behind it.
    const QString written =
        m_conn->exec(QStringLiteral("SELECT max(txid)::text FROM quiver.embeddings")).text(0, 0);
    QTRY_VERIFY_WITH_TIMEOUT(test::snapshotHorizonPast(*m_conn, written), 120000);
    const Job sync = addJob(QStringLiteral("sync_index"),
                            QJsonObject{{QStringLiteral("model"), QStringLiteral("sync-model")}});
    const Job absent = addJob(QStringLiteral("sync_index"),
                              QJsonObject{{QStringLiteral("model"), QStringLiteral("no-model")}});
    auto w = worker({QStringLiteral("--once")});
    QVERIFY2(test::finishedCleanly(*w, 60000), w->readAllStandardError().constData());
    const QJsonObject summary = lastJson(*w);
    QCOMPARE(summary.value(QStringLiteral("job_runs")).toInteger(), 2);
    QCOMPARE(summary.value(QStringLiteral("job_runs_failed")).toInteger(), 1);

    const QList<JobRun> done = runs(sync.id);
    QCOMPARE(done.size(), 1);
    QCOMPARE(done.first().status, QStringLiteral("success"));
    QCOMPARE(done.first().rowsDone, 30);
    QVERIFY(done.first().finishedAt.isValid());
    QCOMPARE(done.first().details.value(QStringLiteral("opened")).toString(),
             QStringLiteral("built"));
    QCOMPARE(done.first().details.value(QStringLiteral("vectors")).toInteger(), 30);
    // This machine's cache folder (the isolated HOME's), as the index command uses.
    QVERIFY(QDir(m_home.filePath(QStringLiteral("cache/Quiver/indexes"))).exists());
    // Next run: one interval later.
    const Job after = job(sync.id);
    QCOMPARE(after.lastRunStatus, QStringLiteral("success"));
    QVERIFY(after.nextStart > QDateTime::currentDateTimeUtc().addSecs(3000));

    const QList<JobRun> failed = runs(absent.id);
    QCOMPARE(failed.size(), 1);
    QCOMPARE(failed.first().status, QStringLiteral("failed"));
    QVERIFY2(failed.first().error.contains(QStringLiteral("\"no-model\" has no embeddings")),
             qPrintable(failed.first().error));
}

void TestJobRunner::rescanWatchedUsesTheSavedWatchFolders() {
    const QString watched = m_dir.filePath(QStringLiteral("Notes"));
    writeFiles(watched, 3);
    {
        // Where the GUI saves its watch folders: Quiver's settings on this machine.
        QSettings settings(m_home.filePath(QStringLiteral("config/Quiver/Quiver.conf")),
                           QSettings::IniFormat);
        settings.setValue(QStringLiteral("import/watchFolders"), QStringList{watched});
    }
    // Only the rescan runs: no embedding of the imported chunks meets the removals.
    {
        JobRepository jobs(*m_conn);
        jobs.setScheduled(jobs.embedJobFor(QStringLiteral("fake")).id, false);
    }
    const Job rescan = addJob(QStringLiteral("rescan_watched"), {});
    auto w = worker({QStringLiteral("--once")});
    QVERIFY2(test::finishedCleanly(*w, 60000), w->readAllStandardError().constData());
    QList<JobRun> history = runs(rescan.id);
    QCOMPARE(history.size(), 1);
    QCOMPARE(history.first().status, QStringLiteral("success"));
    QCOMPARE(history.first().rowsDone, 3);
    QCOMPARE(history.first().rowsFailed, 0);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM quiver.documents d JOIN "
                                  "quiver.collections c ON c.id = d.collection_id "
                                  "WHERE c.name = 'Notes'")),
             3);

    // A file removed and one added: the next run counts both.
    QVERIFY(QFile::remove(watched + QStringLiteral("/note-0.txt")));
    writeFiles(watched, 1, QStringLiteral("fresh"));
    const auto r = test::runCli({QStringLiteral("--db"), m_conninfo, QStringLiteral("jobs"),
                                 QStringLiteral("run"), QString::number(rescan.id)},
                                test::isolatedEnvironment(m_home.path()));
    QVERIFY2(r.exitCode == 0, r.err.constData());
    w = worker({QStringLiteral("--once")});
    QVERIFY2(test::finishedCleanly(*w, 60000), w->readAllStandardError().constData());
    history = runs(rescan.id);
    QCOMPARE(history.size(), 2);
    QCOMPARE(history.first().status, QStringLiteral("success"));
    QVERIFY2(history.first().rowsDone == 2,
             QJsonDocument(history.first().details).toJson(QJsonDocument::Compact).constData());
    QCOMPARE(history.first().details.value(QStringLiteral("removed")).toInt(), 1);
    QCOMPARE(history.first().details.value(QStringLiteral("imported")).toInt(), 1);
    QCOMPARE(history.first().details.value(QStringLiteral("unchanged")).toInt(), 2);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM quiver.documents")), 3);
}

void TestJobRunner::reembedEmbedsOneCollectionWithItsProfile() {
    EmbeddingProfile wide = EmbeddingProfile::withDefaults(
        QStringLiteral("wide"), EmbeddingProfile::Kind::OpenAiCompatible);
    // A server of its own, which takes no key: the worker's key file is the profile named on
    // its command line (fake), never the key of a profile a job names.
    FakeEmbeddingsServer wideServer;
    wide.baseUrl = wideServer.baseUrl();
    wide.model = QStringLiteral("fake-embed");
    wide.dimensions = 16;
    wide.batchSize = 7;
    wide.concurrency = 1;
    ProfileRepository(*m_conn).add(wide);
    test::insertChunks(*m_conn, 40, QStringLiteral("inbox"));
    test::insertChunks(*m_conn, 25, QStringLiteral("other"), 0, QStringLiteral("Other"));

    // Without a collection and a profile it is refused, with exit status 2.
    auto r = test::runCli({QStringLiteral("--db"), m_conninfo, QStringLiteral("jobs"),
                           QStringLiteral("add"), QStringLiteral("reembed"),
                           QStringLiteral("--profile"), QStringLiteral("wide")});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains("a reembed job needs a collection"), r.err.constData());
    r = test::runCli({QStringLiteral("--db"), m_conninfo, QStringLiteral("jobs"),
                      QStringLiteral("add"), QStringLiteral("reembed"),
                      QStringLiteral("--collection"), QStringLiteral("Nowhere"),
                      QStringLiteral("--profile"), QStringLiteral("wide")});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("collection \"Nowhere\", which does not exist"), r.err.constData());
    r = test::runCli({QStringLiteral("--db"), m_conninfo, QStringLiteral("--json"),
                      QStringLiteral("jobs"), QStringLiteral("add"), QStringLiteral("reembed"),
                      QStringLiteral("--collection"), QStringLiteral("Other"),
                      QStringLiteral("--profile"), QStringLiteral("wide"),
                      QStringLiteral("--schedule-interval"), QStringLiteral("1 day")});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const qint64 jobId =
        QJsonDocument::fromJson(r.out).object().value(QStringLiteral("id")).toInteger();

    auto w = worker({QStringLiteral("--once")});
    QVERIFY2(test::finishedCleanly(*w, 120000), w->readAllStandardError().constData());
    const QList<JobRun> history = runs(jobId);
    QCOMPARE(history.size(), 1);
    QCOMPARE(history.first().status, QStringLiteral("success"));
    QCOMPARE(history.first().rowsDone, 25);
    // The wide model's vectors: exactly the Other collection's chunks, each once.
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM quiver.embeddings WHERE dimensions = 16")),
             25);
    QCOMPARE(count(QStringLiteral("SELECT count(DISTINCT e.chunk_id) FROM quiver.embeddings e "
                                  "JOIN quiver.chunks c ON c.id = e.chunk_id "
                                  "JOIN quiver.documents d ON d.id = c.document_id "
                                  "JOIN quiver.collections k ON k.id = d.collection_id "
                                  "WHERE e.dimensions = 16 AND k.name = 'Other'")),
             25);
    // The default embedding went on beside it; no claim is left behind.
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM quiver.embeddings WHERE dimensions = 8")),
             65);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM quiver.embedding_queue")), 0);
    // The default model's requests carried the key; the wide model's, in the wide profile's
    // batches (7), none.
    const FakeEmbeddingsServer::Stats stats = m_server->stats();
    QCOMPARE(stats.inputs, 65);
    for (const QByteArray& auth : stats.authorizations)
        QCOMPARE(auth, QByteArray("Bearer ") + kKey);
    const FakeEmbeddingsServer::Stats wideStats = wideServer.stats();
    QCOMPARE(wideStats.inputs, 25);
    QVERIFY(!wideStats.authorizations.isEmpty());
    for (const QByteArray& auth : wideStats.authorizations)
        QCOMPARE(auth, QByteArray());
    for (int size : wideStats.batchSizes)
        QVERIFY(size <= 7);
}

void TestJobRunner::racingRunnersRunEachDueSlotOnce() {
    constexpr int kJobs = 6;
    QList<qint64> ids;
    for (int i = 0; i < kJobs; ++i) {
        const QString dir = m_dir.filePath(QStringLiteral("race%1").arg(i));
        writeFiles(dir, 2);
        watch({dir});
        ids.append(
            addJob(QStringLiteral("rescan_watched"),
                   QJsonObject{{QStringLiteral("paths"), QJsonArray{dir}},
                               {QStringLiteral("collection"), QStringLiteral("race%1").arg(i)}})
                .id);
    }
    {
        std::vector<std::unique_ptr<RunnerThread>> runners;
        for (int i = 0; i < 4; ++i) {
            runners.push_back(std::make_unique<RunnerThread>(runnerOptions(true)));
            runners.back()->runToEnd();
        }
        for (auto& r : runners)
            QCOMPARE(r->finish(), 0);
        qint64 total = 0;
        for (auto& r : runners)
            total += r->runner().counters().runs;
        QCOMPARE(total, kJobs);
    }
    for (const qint64 id : std::as_const(ids)) {
        const QList<JobRun> history = runs(id);
        QCOMPARE(history.size(), 1);
        QCOMPARE(history.first().status, QStringLiteral("success"));
        QCOMPARE(history.first().rowsDone, 2);
    }
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM quiver.documents")), 2 * kJobs);
}

void TestJobRunner::aRunStillGoingIsNotDoubled() {
    const QString dir = m_dir.filePath(QStringLiteral("busy"));
    writeFiles(dir, 1);
    watch({dir});
    const Job busy = addJob(QStringLiteral("rescan_watched"),
                            QJsonObject{{QStringLiteral("paths"), QJsonArray{dir}}});
    // Another worker's run of it started a minute ago and is still going.
    const qint64 other = JobRepository(*m_conn).startRun(busy.id, 0, QStringLiteral("elsewhere:1"));
    m_conn->exec(QStringLiteral("UPDATE quiver.job_runs SET started_at = now() - interval '1 "
                                "minute' WHERE id = $1"),
                 {other});
    {
        RunnerThread runner(runnerOptions(true));
        runner.runToEnd();
        QCOMPARE(runner.finish(), 0);
        QCOMPARE(runner.runner().counters().runs, 0);
    }
    QCOMPARE(runs(busy.id).size(), 1);
    // Started two hours ago: its worker died, and the job runs again.
    m_conn->exec(QStringLiteral("UPDATE quiver.job_runs SET started_at = now() - interval '2 "
                                "hours' WHERE id = $1"),
                 {other});
    {
        RunnerThread runner(runnerOptions(true));
        runner.runToEnd();
        QCOMPARE(runner.finish(), 0);
        QCOMPARE(runner.runner().counters().succeeded, 1);
    }
    QCOMPARE(runs(busy.id).size(), 2);
    QCOMPARE(runs(busy.id).first().status, QStringLiteral("success"));
}

void TestJobRunner::maxRuntimeStopsALongRun() {
    const QString tree = m_dir.filePath(QStringLiteral("big"));
    for (int d = 0; d < 8; ++d)
        writeFiles(QStringLiteral("%1/part%2").arg(tree).arg(d), 50);
    watch({tree});
    JobSpec spec;
    spec.proc = QStringLiteral("rescan_watched");
    spec.config = QJsonObject{{QStringLiteral("paths"), QJsonArray{tree}}};
    spec.scheduleInterval = QStringLiteral("2 hours");
    spec.fixedSchedule = false;
    spec.maxRuntime = QStringLiteral("1 millisecond");
    spec.retryPeriod = QStringLiteral("1 hour");
    const Job slow = JobRepository(*m_conn).add(spec);
    {
        RunnerThread runner(runnerOptions(true));
        runner.runToEnd();
        QCOMPARE(runner.finish(), 0);
        QCOMPARE(runner.runner().counters().failed, 1);
    }
    const QList<JobRun> history = runs(slow.id);
    QCOMPARE(history.size(), 1);
    QCOMPARE(history.first().status, QStringLiteral("timeout"));
    QVERIFY2(history.first().error.contains(QStringLiteral("ran past its max_runtime of 1 ms")),
             qPrintable(history.first().error));
    // The import stopped part way: not every file of the tree was stored.
    QVERIFY(count(QStringLiteral("SELECT count(*) FROM quiver.documents")) < 400);
    const Job after = job(slow.id);
    QCOMPARE(after.lastRunStatus, QStringLiteral("timeout"));
    QCOMPARE(after.consecutiveFailures, 1);
    QCOMPARE(after.totalFailures, 1);
    // Retried after retry_period, not the schedule's two hours.
    const qint64 retryMs = after.lastFinish.msecsTo(after.nextStart);
    QVERIFY2(retryMs >= 3599000 && retryMs <= 3601000, qPrintable(QString::number(retryMs)));
}

void TestJobRunner::maxRuntimeStopsAReembedMidRequest() {
    // The server never answers while the test runs: a run that ends was stopped by its
    // max_runtime, not by an answer.
    FakeEmbeddingsServer::Config config;
    config.requiredKey = QString::fromLatin1(kKey);
    config.latencyMs = 600000;
    m_server->setConfig(config);
    test::insertChunks(*m_conn, 12, QStringLiteral("other"), 0, QStringLiteral("Other"));
    JobSpec spec;
    spec.proc = QStringLiteral("reembed");
    spec.config = QJsonObject{{QStringLiteral("collection"), QStringLiteral("Other")},
                              {QStringLiteral("profile"), QStringLiteral("fake")}};
    spec.scheduleInterval = QStringLiteral("1 day");
    const Job reembed = JobRepository(*m_conn).add(spec);
    JobRunner::Options options = runnerOptions(true);
    options.embedderFactory = [](const EmbeddingProfile& p) {
        return createEmbedder(p, QString::fromLatin1(kKey));
    };
    // The limit must pass while the request is in flight, and how long claiming the batch takes
    // depends on the machine's load: start short and double the limit until a request was sent
    // before it passed. Every run, with or without a request, must end the same way.
    qint64 limitMs = 300;
    int attempts = 0;
    for (; attempts < 10; ++attempts, limitMs *= 2) {
        JobSpec limit;
        limit.maxRuntime = QStringLiteral("%1 milliseconds").arg(limitMs);
        JobRepository(*m_conn).alter(reembed.id, limit);
        JobRepository(*m_conn).runNow(reembed.id);
        m_server->resetStats();
        {
            RunnerThread runner(options);
            runner.runToEnd();
            QTRY_VERIFY_WITH_TIMEOUT(runner.hasFinished(), 300000);
            QCOMPARE(runner.finish(), 0);
        }
        const QList<JobRun> history = runs(reembed.id);
        QCOMPARE(history.size(), attempts + 1);
        QCOMPARE(history.first().status, QStringLiteral("timeout"));
        QCOMPARE(history.first().rowsDone, 0);
        // Its claim was given back, nothing was written.
        QCOMPARE(count(QStringLiteral("SELECT count(*) FROM quiver.embedding_queue")), 0);
        QCOMPARE(count(QStringLiteral("SELECT count(*) FROM quiver.embeddings")), 0);
        QCOMPARE(
            count(QStringLiteral("SELECT count(*) FROM quiver.workers WHERE stopped_at IS NULL")),
            0);
        const int requests = m_server->stats().requests;
        QVERIFY2(requests <= 1, qPrintable(QString::number(requests)));
        if (requests == 1)
            break;
    }
    QVERIFY2(attempts < 10, "no run sent its request before its max_runtime passed");
}

void TestJobRunner::failedRunIsRetriedAfterItsRetryPeriod() {
    watch({m_dir.filePath(QStringLiteral("unplugged"))});
    JobSpec spec;
    spec.proc = QStringLiteral("rescan_watched");
    spec.config = QJsonObject{
        {QStringLiteral("paths"), QJsonArray{m_dir.filePath(QStringLiteral("unplugged"))}}};
    spec.scheduleInterval = QStringLiteral("1 hour");
    spec.fixedSchedule = false;
    spec.retryPeriod = QStringLiteral("200 milliseconds");
    spec.maxRetries = 2;
    const Job failing = JobRepository(*m_conn).add(spec);
    {
        RunnerThread runner(runnerOptions(false));
        QTRY_VERIFY_WITH_TIMEOUT(job(failing.id).totalRuns == 3, 20000);
    }
    QList<JobRun> history = runs(failing.id);
    QCOMPARE(history.size(), 3);
    std::reverse(history.begin(), history.end());
    for (const JobRun& r : std::as_const(history)) {
        QCOMPARE(r.status, QStringLiteral("failed"));
        QVERIFY2(r.error.contains(QStringLiteral("unplugged does not exist")), qPrintable(r.error));
    }
    // Each retry waited its retry period, doubled after each failure.
    QVERIFY(history[0].finishedAt.msecsTo(history[1].startedAt) >= 195);
    QVERIFY(history[1].finishedAt.msecsTo(history[2].startedAt) >= 395);
    // The retries are spent: the job waits for its schedule.
    const Job after = job(failing.id);
    QCOMPARE(after.consecutiveFailures, 3);
    QCOMPARE(after.lastRunStatus, QStringLiteral("failed"));
    QVERIFY(after.lastFinish.msecsTo(after.nextStart) >= 3599000);
    // Nothing was removed because a folder was missing.
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM quiver.documents")), 0);
}

void TestJobRunner::jobsRunWakesARunningWorker() {
    const QString dir = m_dir.filePath(QStringLiteral("Later"));
    writeFiles(dir, 2);
    watch({dir});
    JobSpec spec;
    spec.proc = QStringLiteral("rescan_watched");
    spec.config = QJsonObject{{QStringLiteral("paths"), QJsonArray{dir}}};
    spec.scheduleInterval = QStringLiteral("1 day");
    spec.initialStart = QDateTime::currentDateTimeUtc().addDays(30);
    const Job later = JobRepository(*m_conn).add(spec);
    auto w = worker();
    QByteArray log;
    QTRY_VERIFY_WITH_TIMEOUT((log += w->readAllStandardError()).contains("jobs: running due"),
                             30000);
    QTest::qWait(300); // let it reach its idle wait (not a synchronisation: both orders work)
    QVERIFY(runs(later.id).isEmpty());

    QElapsedTimer timer;
    timer.start();
    const auto r = test::runCli({QStringLiteral("--db"), m_conninfo, QStringLiteral("jobs"),
                                 QStringLiteral("run"), QString::number(later.id)},
                                test::isolatedEnvironment(m_home.path()));
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QElapsedTimer sinceRun;
    sinceRun.start();
    QTRY_VERIFY_WITH_TIMEOUT(!runs(later.id).isEmpty(), 5000);
    qInfo("jobs run to started: %lld ms (%lld ms including the command)", sinceRun.elapsed(),
          timer.elapsed());
    QVERIFY2(sinceRun.elapsed() < 1000, qPrintable(QString::number(sinceRun.elapsed())));
    QTRY_COMPARE_WITH_TIMEOUT(job(later.id).lastRunStatus, QStringLiteral("success"), 30000);
    QCOMPARE(runs(later.id).first().rowsDone, 2);

    ::kill(static_cast<pid_t>(w->processId()), SIGTERM);
    QVERIFY2(test::finishedCleanly(*w, 15000), w->readAllStandardError().constData());
}

void TestJobRunner::rescanOfAnotherMachineIsNotRun() {
    const QString dir = m_dir.filePath(QStringLiteral("Theirs"));
    writeFiles(dir, 2);
    watch({dir}); // the same path exists here: still not this machine's job
    JobSpec spec;
    spec.proc = QStringLiteral("rescan_watched");
    spec.config = QJsonObject{{QStringLiteral("paths"), QJsonArray{dir}}};
    spec.hostId = QStringLiteral("0b5c5e4e-another-machine");
    const Job theirs = JobRepository(*m_conn).add(spec);
    // A job from before machines had ids belongs to none.
    spec.hostId.reset();
    spec.name = QStringLiteral("from-an-older-quiver");
    const Job legacy = JobRepository(*m_conn).add(spec);
    m_conn->exec(QStringLiteral("UPDATE quiver.jobs SET host_id = NULL WHERE id = $1"),
                 {legacy.id});
    QVERIFY(job(legacy.id).hostId.isEmpty());
    const QDateTime due = job(theirs.id).nextStart;
    QCOMPARE(runDueJobs().runs, 0);
    // Not claimed: no run recorded, its slot left for its own machine.
    QVERIFY(runs(theirs.id).isEmpty());
    QVERIFY(runs(legacy.id).isEmpty());
    QCOMPARE(job(theirs.id).nextStart, due);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM quiver.documents")), 0);
    auto r = cli({QStringLiteral("jobs"), QStringLiteral("run"), QString::number(theirs.id),
                  QStringLiteral("--allow-mass-removal")});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("belongs to another machine"), r.err.constData());
    QVERIFY(runs(theirs.id).isEmpty());

    // Adopted on this machine, it is this machine's to run.
    r = cli({QStringLiteral("--json"), QStringLiteral("jobs"), QStringLiteral("alter"),
             QString::number(legacy.id), QStringLiteral("--adopt")});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QVERIFY(QJsonDocument::fromJson(r.out).object().value(QStringLiteral("this_host")).toBool());
    QCOMPARE(runDueJobs().succeeded, 1);
    QCOMPARE(runs(legacy.id).size(), 1);
    QVERIFY(runs(theirs.id).isEmpty());
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM quiver.documents")), 2);
}

void TestJobRunner::pathsOutsideLocalWatchFoldersAreRefused() {
    const QString local = m_dir.filePath(QStringLiteral("Local"));
    const QString foreign = m_dir.filePath(QStringLiteral("Foreign"));
    const QString keys = local + QStringLiteral("/.ssh");
    writeFiles(local, 2);
    writeFiles(foreign, 3);
    writeFiles(keys, 1, QStringLiteral("id"));
    watch({local});
    // The API refuses a hidden folder outright.
    JobSpec hidden;
    hidden.proc = QStringLiteral("rescan_watched");
    hidden.config = QJsonObject{{QStringLiteral("paths"), QJsonArray{keys}}};
    QVERIFY_THROWS_EXCEPTION(JobError, JobRepository(*m_conn).add(hidden));
    const Job rescan = addJob(QStringLiteral("rescan_watched"),
                              QJsonObject{{QStringLiteral("paths"), QJsonArray{local}}});
    // Whoever can write to the database (another machine, a compromised worker) points it
    // elsewhere.
    m_conn->exec(
        QStringLiteral("UPDATE quiver.jobs SET config = $2::jsonb WHERE id = $1"),
        {rescan.id, QJsonObject{{QStringLiteral("paths"), QJsonArray{foreign, keys, local}}}});
    QCOMPARE(runDueJobs().runs, 1);
    const QList<JobRun> history = runs(rescan.id);
    QCOMPARE(history.size(), 1);
    QCOMPARE(history.first().status, QStringLiteral("failed"));
    const QString error = history.first().error;
    QVERIFY2(error.contains(foreign + QStringLiteral(": not in this machine's watch folders")),
             qPrintable(error));
    QVERIFY2(error.contains(QStringLiteral("hidden or version-control folder \".ssh\"")),
             qPrintable(error));
    QCOMPARE(history.first().details.value(QStringLiteral("refused")).toArray().size(), 2);
    // The folder that is this machine's was rescanned; nothing of the others was read.
    QCOMPARE(history.first().details.value(QStringLiteral("imported")).toInt(), 2);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM quiver.documents")), 2);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM quiver.documents WHERE "
                                  "starts_with(path, $1) OR starts_with(path, $2)"),
                   {foreign + QLatin1Char('/'), keys + QLatin1Char('/')}),
             0);

    // A folder named on this machine's command line becomes one of its watch folders.
    const QString named = m_dir.filePath(QStringLiteral("Named"));
    writeFiles(named, 1);
    const auto r =
        cli({QStringLiteral("jobs"), QStringLiteral("add"), QStringLiteral("rescan_watched"),
             QStringLiteral("--config"), QStringLiteral("{\"paths\": [\"%1\"]}").arg(named)});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QSettings settings;
    settings.sync();
    QVERIFY(RescanWatchedJob::savedWatchFolders(settings).contains(named));
}

void TestJobRunner::massRemovalWaitsForConfirmation() {
    const QString dir = m_dir.filePath(QStringLiteral("Bulk"));
    writeFiles(dir, 20);
    watch({dir});
    const Job rescan = addJob(QStringLiteral("rescan_watched"),
                              QJsonObject{{QStringLiteral("paths"), QJsonArray{dir}}});
    QCOMPARE(runDueJobs().succeeded, 1);
    QCOMPARE(runs(rescan.id).first().status, QStringLiteral("success"));
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM quiver.documents")), 20);

    for (int i = 0; i < 15; ++i)
        QVERIFY(QFile::remove(QStringLiteral("%1/note-%2.txt").arg(dir).arg(i)));
    JobRepository(*m_conn).runNow(rescan.id);
    const JobRunner::Counters asked = runDueJobs();
    QCOMPARE(asked.runs, 1);
    QCOMPARE(asked.failed, 0);
    JobRun held = runs(rescan.id).first();
    QCOMPARE(held.status, QStringLiteral("needs_confirmation"));
    QVERIFY2(held.error.contains(QStringLiteral("15 of the 20 documents")), qPrintable(held.error));
    QVERIFY2(held.error.contains(QStringLiteral("--allow-mass-removal")), qPrintable(held.error));
    const QJsonObject h = held.details.value(QStringLiteral("held")).toArray().first().toObject();
    QCOMPARE(h.value(QStringLiteral("documents")).toInt(), 15);
    QCOMPARE(h.value(QStringLiteral("in_collection")).toInt(), 20);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM quiver.documents")), 20);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM quiver.trash_documents")), 0);
    // A question, not a failure: not retried, not counted as failed.
    const Job after = job(rescan.id);
    QCOMPARE(after.lastRunStatus, QStringLiteral("needs_confirmation"));
    QCOMPARE(after.consecutiveFailures, 0);
    QVERIFY(after.lastFinish.msecsTo(after.nextStart) >= 3599000);

    // The user confirms on this machine's command line: this run, here, moves them.
    const auto r = cli({QStringLiteral("jobs"), QStringLiteral("run"), QString::number(rescan.id),
                        QStringLiteral("--allow-mass-removal")});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QVERIFY2(r.out.contains("success, 0 imported, 15 moved to the trash"), r.out.constData());
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM quiver.documents")), 5);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM quiver.trash_documents")), 15);
    QCOMPARE(runs(rescan.id).first().status, QStringLiteral("success"));
    QCOMPARE(runs(rescan.id).first().details.value(QStringLiteral("removed")).toInt(), 15);
    // Without the flag, `jobs run` only wakes a worker, as before.
    const auto wake =
        cli({QStringLiteral("jobs"), QStringLiteral("run"), QString::number(rescan.id)});
    QVERIFY2(wake.exitCode == 0, wake.err.constData());
    QCOMPARE(runs(rescan.id).size(), 3);
}

QTEST_GUILESS_MAIN(TestJobRunner)
#include "tst_job_runner.moc"
