// `quiver-cli jobs ...` against the real PostgreSQL server of the ctest fixture: every
// subcommand, its --json lines, its exit codes and its one-line errors.
#include "core/db/migrations.h"
#include "core/db/pg_connection.h"
#include "core/jobs/job_repository.h"
#include "tests/harness/test_postgres.h"
#include "tests/integration/cli/cli_runner.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace quiver;
using quiver::test::runCli;
using quiver::test::TestPostgres;

class TestJobsCli : public QObject {
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void listShowsTheDefaultJob();
    void addAlterPauseResumeRunDelete();
    void historyListsRuns();
    void mistakesAreExplained();

private:
    test::CliRun jobs(QStringList args) {
        return runCli(QStringList{QStringLiteral("--db"), m_conninfo, QStringLiteral("jobs")} +
                      args);
    }
    static QJsonObject json(const QByteArray& line) {
        return QJsonDocument::fromJson(line).object();
    }
    QString m_conninfo;
};

void TestJobsCli::init() {
    m_conninfo = TestPostgres::instance().createDatabase(QStringLiteral("jobscli"));
    PgConnection conn = PgConnection::open(m_conninfo);
    Migrations::apply(conn);
}

void TestJobsCli::cleanup() {
    TestPostgres::instance().dropDatabase(m_conninfo);
}

void TestJobsCli::listShowsTheDefaultJob() {
    const auto r = jobs({QStringLiteral("list"), QStringLiteral("--json")});
    QCOMPARE(r.exitCode, 0);
    const QList<QByteArray> lines = r.out.trimmed().split('\n');
    QCOMPARE(lines.size(), 1);
    const QJsonObject job = json(lines.first());
    QCOMPARE(job.value(QStringLiteral("proc")).toString(), QStringLiteral("embed_pending"));
    QCOMPARE(job.value(QStringLiteral("schedule_interval")).toString(), QStringLiteral("10s"));
    QCOMPARE(
        job.value(QStringLiteral("config")).toObject().value(QStringLiteral("profile")).toString(),
        QStringLiteral("local"));
    const auto text = jobs({QStringLiteral("list")});
    QCOMPARE(text.exitCode, 0);
    QVERIFY(text.out.contains("embed_pending\tembed_pending\tevery 10s\tscheduled"));
}

void TestJobsCli::addAlterPauseResumeRunDelete() {
    auto r = jobs({QStringLiteral("add"), QStringLiteral("embed_pending"), QStringLiteral("--name"),
                   QStringLiteral("nightly"), QStringLiteral("--profile"),
                   QStringLiteral("lexical"), QStringLiteral("--schedule-interval"),
                   QStringLiteral("1 day"), QStringLiteral("--initial-start"),
                   QStringLiteral("2030-01-01T02:00:00Z"), QStringLiteral("--config"),
                   QStringLiteral("{\"batch_size\": 32}"), QStringLiteral("--json")});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QJsonObject job = json(r.out);
    QCOMPARE(job.value(QStringLiteral("name")).toString(), QStringLiteral("nightly"));
    QCOMPARE(job.value(QStringLiteral("schedule_interval")).toString(), QStringLiteral("24h"));
    QCOMPARE(job.value(QStringLiteral("fixed_schedule")).toBool(), true);
    QCOMPARE(job.value(QStringLiteral("next_start")).toString(),
             QStringLiteral("2030-01-01T02:00:00Z"));
    QCOMPARE(
        job.value(QStringLiteral("config")).toObject().value(QStringLiteral("batch_size")).toInt(),
        32);

    r = jobs({QStringLiteral("alter"), QStringLiteral("nightly"), QStringLiteral("--max-retries"),
              QStringLiteral("4"), QStringLiteral("--retry-period"), QStringLiteral("30s"),
              QStringLiteral("--fixed-schedule"), QStringLiteral("false"),
              QStringLiteral("--json")});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    job = json(r.out);
    QCOMPARE(job.value(QStringLiteral("max_retries")).toInt(), 4);
    QCOMPARE(job.value(QStringLiteral("retry_period")).toString(), QStringLiteral("30s"));
    QCOMPARE(job.value(QStringLiteral("fixed_schedule")).toBool(), false);
    QCOMPARE(
        job.value(QStringLiteral("config")).toObject().value(QStringLiteral("profile")).toString(),
        QStringLiteral("lexical"));

    r = jobs({QStringLiteral("pause"), QStringLiteral("nightly"), QStringLiteral("--json")});
    QCOMPARE(json(r.out).value(QStringLiteral("scheduled")).toBool(), false);
    r = jobs({QStringLiteral("resume"), QStringLiteral("nightly"), QStringLiteral("--json")});
    QCOMPARE(json(r.out).value(QStringLiteral("scheduled")).toBool(), true);
    r = jobs({QStringLiteral("run"), QStringLiteral("nightly"), QStringLiteral("--json")});
    QCOMPARE(r.exitCode, 0);
    QVERIFY(QDateTime::fromString(json(r.out).value(QStringLiteral("next_start")).toString(),
                                  Qt::ISODate) <= QDateTime::currentDateTimeUtc().addSecs(5));
    r = jobs({QStringLiteral("delete"), QStringLiteral("nightly")});
    QCOMPARE(r.exitCode, 0);
    r = jobs({QStringLiteral("list"), QStringLiteral("--json")});
    QCOMPARE(r.out.trimmed().split('\n').size(), 1);
}

void TestJobsCli::historyListsRuns() {
    {
        PgConnection conn = PgConnection::open(m_conninfo);
        JobRepository repo(conn);
        const Job job = repo.list().first();
        const qint64 run = repo.startRun(job.id, 0, QStringLiteral("box:1"));
        repo.addProgress(run, 12, 0);
        repo.finishRun(run, QStringLiteral("interrupted"),
                       QStringLiteral("the connection was lost"));
    }
    const auto r = jobs(
        {QStringLiteral("history"), QStringLiteral("embed_pending"), QStringLiteral("--json")});
    QCOMPARE(r.exitCode, 0);
    const QJsonObject run = json(r.out.trimmed());
    QCOMPARE(run.value(QStringLiteral("status")).toString(), QStringLiteral("interrupted"));
    QCOMPARE(run.value(QStringLiteral("rows_done")).toInteger(), 12);
    QCOMPARE(run.value(QStringLiteral("error")).toString(),
             QStringLiteral("the connection was lost"));
    QCOMPARE(run.value(QStringLiteral("worker")).toString(), QStringLiteral("box:1"));
    const auto list = jobs({QStringLiteral("list"), QStringLiteral("--json")});
    QCOMPARE(json(list.out.trimmed()).value(QStringLiteral("total_failures")).toInteger(), 1);
}

void TestJobsCli::mistakesAreExplained() {
    auto r =
        jobs({QStringLiteral("add"), QStringLiteral("embed_pending"), QStringLiteral("--config"),
              QStringLiteral("{\"api_key\": \"sk-live-123456\"}")});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("never holds a secret"), r.err.constData());
    QVERIFY(!r.err.contains("sk-live-123456"));
    r = jobs({QStringLiteral("pause"), QStringLiteral("nope")});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("there is no job \"nope\""), r.err.constData());
    r = jobs({QStringLiteral("alter"), QStringLiteral("embed_pending"),
              QStringLiteral("--schedule-interval"), QStringLiteral("soonish")});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("intervals are like"), r.err.constData());
    r = jobs({QStringLiteral("add"), QStringLiteral("make_coffee")});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("unknown proc"), r.err.constData());
    r = jobs({QStringLiteral("frobnicate")});
    QCOMPARE(r.exitCode, 2);
    r = jobs({QStringLiteral("add"), QStringLiteral("sync_index"), QStringLiteral("--max-retries"),
              QStringLiteral("many")});
    QCOMPARE(r.exitCode, 2);
}

QTEST_GUILESS_MAIN(TestJobsCli)
#include "tst_jobs_cli.moc"
