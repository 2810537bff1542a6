#include "core/jobs/job_repository.h"

#include "core/db/db_error.h"
#include "core/db/pg_connection.h"
#include "core/ingest/folder_walker.h"
#include "core/jobs/host_id.h"
#include "core/jobs/job_schedule.h"
#include "core/jobs/reembed_job.h"

#include <QJsonDocument>

namespace quiver {

namespace {

QString epochMs(const char* column) {
    return QStringLiteral("(extract(epoch FROM %1) * 1000)::bigint").arg(QLatin1String(column));
}

const QString& jobColumns() {
    static const QString columns =
        QStringLiteral("id, name, proc, ") + epochMs("schedule_interval") +
        QStringLiteral(", fixed_schedule, ") + epochMs("initial_start") + QStringLiteral(", ") +
        epochMs("next_start") + QStringLiteral(", ") + epochMs("max_runtime") +
        QStringLiteral(", max_retries, ") + epochMs("retry_period") +
        QStringLiteral(", scheduled, config::text, owner, ") + epochMs("created_at") +
        QStringLiteral(", ") + epochMs("last_run_started_at") + QStringLiteral(", ") +
        epochMs("last_finish") + QStringLiteral(", ") + epochMs("last_successful_finish") +
        QStringLiteral(", coalesce(last_run_status, ''), total_runs, total_successes,"
                       " total_failures, consecutive_failures, coalesce(host_id, '')");
    return columns;
}

QDateTime timeAt(const PgResult& r, int row, int col) {
    if (r.isNull(row, col))
        return {};
    return QDateTime::fromMSecsSinceEpoch(r.toInt64(row, col), Qt::UTC);
}

Job jobFrom(const PgResult& r, int i) {
    Job j;
    j.id = r.toInt64(i, 0);
    j.name = r.text(i, 1);
    j.proc = r.text(i, 2);
    j.scheduleIntervalMs = r.toInt64(i, 3);
    j.fixedSchedule = r.toBool(i, 4);
    j.initialStart = timeAt(r, i, 5);
    j.nextStart = timeAt(r, i, 6);
    j.maxRuntimeMs = r.isNull(i, 7) ? 0 : r.toInt64(i, 7);
    j.maxRetries = static_cast<int>(r.toInt64(i, 8));
    j.retryPeriodMs = r.toInt64(i, 9);
    j.scheduled = r.toBool(i, 10);
    j.config = QJsonDocument::fromJson(r.text(i, 11).toUtf8()).object();
    j.owner = r.text(i, 12);
    j.createdAt = timeAt(r, i, 13);
    j.lastRunStartedAt = timeAt(r, i, 14);
    j.lastFinish = timeAt(r, i, 15);
    j.lastSuccessfulFinish = timeAt(r, i, 16);
    j.lastRunStatus = r.text(i, 17);
    j.totalRuns = r.toInt64(i, 18);
    j.totalSuccesses = r.toInt64(i, 19);
    j.totalFailures = r.toInt64(i, 20);
    j.consecutiveFailures = static_cast<int>(r.toInt64(i, 21));
    j.hostId = r.text(i, 22);
    return j;
}

QVariant opt(const std::optional<QString>& v) {
    return v ? QVariant(*v) : QVariant();
}
QVariant opt(const std::optional<bool>& v) {
    return v ? QVariant(*v) : QVariant();
}
QVariant opt(const std::optional<int>& v) {
    return v ? QVariant(*v) : QVariant();
}
QVariant opt(const std::optional<QDateTime>& v) {
    return v ? QVariant(v->toUTC()) : QVariant();
}
QVariant opt(const std::optional<QJsonObject>& v) {
    return v ? QVariant(*v) : QVariant();
}

// The database's refusals of a job's values, as the user's mistakes.
[[noreturn]] void rethrow(const DbError& e, const JobSpec& spec) {
    const QString state = e.sqlState();
    if (state == QLatin1String("23505"))
        throw JobError(QStringLiteral("a job named \"%1\" already exists: choose another --name")
                           .arg(spec.name.value_or(QString())));
    if (state.startsWith(QLatin1String("22")) || state == QLatin1String("23514"))
        throw JobError(QStringLiteral("the job was refused: %1 (intervals are like 10s, "
                                      "5 minutes or 1h; max retries is -1 or more)")
                           .arg(e.message()));
    throw e;
}

} // namespace

QList<Job> JobRepository::list() {
    const PgResult r = m_conn.exec(QStringLiteral("SELECT ") + jobColumns() +
                                   QStringLiteral(" FROM quiver.jobs ORDER BY id"));
    QList<Job> out;
    for (int i = 0; i < r.rows(); ++i)
        out.append(jobFrom(r, i));
    return out;
}

std::optional<Job> JobRepository::find(qint64 id) {
    const PgResult r = m_conn.exec(QStringLiteral("SELECT ") + jobColumns() +
                                       QStringLiteral(" FROM quiver.jobs WHERE id = $1"),
                                   {id});
    if (r.rows() == 0)
        return std::nullopt;
    return jobFrom(r, 0);
}

std::optional<Job> JobRepository::findByName(const QString& name) {
    const PgResult r = m_conn.exec(QStringLiteral("SELECT ") + jobColumns() +
                                       QStringLiteral(" FROM quiver.jobs WHERE name = $1"),
                                   {name});
    if (r.rows() == 0)
        return std::nullopt;
    return jobFrom(r, 0);
}

Job JobRepository::resolve(const QString& idOrName) {
    bool isNumber = false;
    const qint64 id = idOrName.toLongLong(&isNumber);
    std::optional<Job> job = isNumber ? find(id) : findByName(idOrName);
    if (!job)
        throw JobError(
            QStringLiteral("there is no job \"%1\": see 'quiver-cli jobs list'").arg(idOrName));
    return *job;
}

Job JobRepository::read(qint64 id) {
    std::optional<Job> job = find(id);
    if (!job)
        throw JobError(QStringLiteral("there is no job %1: see 'quiver-cli jobs list'").arg(id));
    return *job;
}

void JobRepository::validate(const JobSpec& spec, const QString& currentProc,
                             const QJsonObject& currentConfig) {
    if (spec.proc && !Job::procs().contains(*spec.proc))
        throw JobError(QStringLiteral("unknown proc \"%1\": use one of %2")
                           .arg(*spec.proc, Job::procs().join(QStringLiteral(", "))));
    if (spec.name && spec.name->trimmed().isEmpty())
        throw JobError(QStringLiteral("a job's name cannot be empty"));
    // What the job will be once changed: a reembed job must say what to embed with what.
    const QString proc = spec.proc.value_or(currentProc);
    const QJsonObject config = spec.config.value_or(currentConfig);
    if (proc == QLatin1String("reembed")) {
        if (const QString problem = ReembedJob::configProblem(config); !problem.isEmpty())
            throw JobError(problem);
    }
    if (!spec.config)
        return;
    // The same test as the table's CHECK, so the API and the table never disagree.
    if (m_conn
            .exec(QStringLiteral("SELECT quiver.jsonb_has_secret_keys($1::jsonb)"), {*spec.config})
            .toBool(0, 0))
        throw JobError(QStringLiteral("a job's config never holds a secret: remove the key-like "
                                      "field and store the key with 'quiver-cli key set PROFILE'"));
    const QString profile = spec.config->value(QStringLiteral("profile")).toString();
    if (!profile.isEmpty() &&
        m_conn.exec(QStringLiteral("SELECT 1 FROM quiver.embedding_profiles WHERE name = $1"),
                    {profile})
                .rows() == 0)
        throw JobError(QStringLiteral("the job's config names profile \"%1\", which does not "
                                      "exist: see 'quiver-cli profile list'")
                           .arg(profile));
    const QString collection = spec.config->value(QStringLiteral("collection")).toString();
    // A rescan creates its collection; a reembed needs one that holds chunks already.
    if (proc == QLatin1String("reembed") && !collection.isEmpty() &&
        m_conn.exec(QStringLiteral("SELECT 1 FROM quiver.collections WHERE name = $1"),
                    {collection})
                .rows() == 0)
        throw JobError(
            QStringLiteral("the job's config names collection \"%1\", which does "
                           "not exist: check its name (a collection is made by 'quiver-cli import "
                           "--collection NAME')")
                .arg(collection));
    const QJsonValue paths = spec.config->value(QStringLiteral("paths"));
    if (!paths.isUndefined() && !paths.isArray())
        throw JobError(QStringLiteral("the job's config \"paths\" is a list of folders, e.g. "
                                      "'{\"paths\": [\"/home/me/Documents\"]}'"));
    for (const QJsonValue& path : paths.toArray()) {
        if (const QString problem = FolderWalker::rootProblem(path.toString()); !problem.isEmpty())
            throw JobError(QStringLiteral("the job's config names %1, which is never imported: "
                                          "%2")
                               .arg(path.toString(), problem));
    }
}

Job JobRepository::add(const JobSpec& spec) {
    if (!spec.proc)
        throw JobError(QStringLiteral("a job needs a proc: one of %1")
                           .arg(Job::procs().join(QStringLiteral(", "))));
    validate(spec);
    qint64 id = 0;
    try {
        id = m_conn
                 .exec(QStringLiteral(
                           "INSERT INTO quiver.jobs (name, proc, schedule_interval, fixed_schedule,"
                           "  initial_start, next_start, max_runtime, max_retries, retry_period,"
                           "  scheduled, config, host_id) "
                           "VALUES (coalesce($1, $2 || '_' || (SELECT coalesce(max(id), 0) + 1"
                           "                                   FROM quiver.jobs)),"
                           "  $2, coalesce($3::interval, interval '10 seconds'),"
                           "  coalesce($4::boolean, true), $5::timestamptz,"
                           "  coalesce($6::timestamptz, $5::timestamptz, now()),"
                           "  NULLIF($7, '')::interval, coalesce($8::integer, -1),"
                           "  coalesce($9::interval, interval '1 minute'),"
                           "  coalesce($10::boolean, true), coalesce($11::jsonb, '{}'), $12) "
                           "RETURNING id"),
                       {opt(spec.name), *spec.proc, opt(spec.scheduleInterval),
                        opt(spec.fixedSchedule), opt(spec.initialStart), opt(spec.nextStart),
                        opt(spec.maxRuntime), opt(spec.maxRetries), opt(spec.retryPeriod),
                        opt(spec.scheduled), opt(spec.config),
                        spec.hostId.value_or(HostId::local())})
                 .toInt64(0, 0);
    } catch (const DbError& e) {
        rethrow(e, spec);
    }
    m_conn.notify(notifyChannel(), QString::number(id));
    return read(id);
}

Job JobRepository::alter(qint64 id, const JobSpec& spec) {
    const Job current = read(id);
    validate(spec, current.proc, current.config);
    try {
        const PgResult r = m_conn.exec(
            QStringLiteral(
                "UPDATE quiver.jobs SET name = coalesce($2, name), proc = coalesce($3, proc),"
                "  schedule_interval = coalesce($4::interval, schedule_interval),"
                "  fixed_schedule = coalesce($5::boolean, fixed_schedule),"
                "  initial_start = coalesce($6::timestamptz, initial_start),"
                "  next_start = coalesce($7::timestamptz, next_start),"
                "  max_runtime = CASE WHEN $8::text IS NULL THEN max_runtime"
                "                     ELSE NULLIF($8, '')::interval END,"
                "  max_retries = coalesce($9::integer, max_retries),"
                "  retry_period = coalesce($10::interval, retry_period),"
                "  scheduled = coalesce($11::boolean, scheduled),"
                "  config = coalesce($12::jsonb, config),"
                "  host_id = coalesce($13, host_id) "
                "WHERE id = $1"),
            {id, opt(spec.name), opt(spec.proc), opt(spec.scheduleInterval),
             opt(spec.fixedSchedule), opt(spec.initialStart), opt(spec.nextStart),
             opt(spec.maxRuntime), opt(spec.maxRetries), opt(spec.retryPeriod), opt(spec.scheduled),
             opt(spec.config), opt(spec.hostId)});
        if (r.affectedRows() == 0)
            throw JobError(
                QStringLiteral("there is no job %1: see 'quiver-cli jobs list'").arg(id));
    } catch (const DbError& e) {
        rethrow(e, spec);
    }
    m_conn.notify(notifyChannel(), QString::number(id));
    return read(id);
}

void JobRepository::remove(qint64 id) {
    if (m_conn.exec(QStringLiteral("DELETE FROM quiver.jobs WHERE id = $1"), {id}).affectedRows() ==
        0)
        throw JobError(QStringLiteral("there is no job %1: see 'quiver-cli jobs list'").arg(id));
}

void JobRepository::setScheduled(qint64 id, bool scheduled) {
    JobSpec spec;
    spec.scheduled = scheduled;
    alter(id, spec);
}

void JobRepository::runNow(qint64 id) {
    if (m_conn.exec(QStringLiteral("UPDATE quiver.jobs SET next_start = now() WHERE id = $1"), {id})
            .affectedRows() == 0)
        throw JobError(QStringLiteral("there is no job %1: see 'quiver-cli jobs list'").arg(id));
    m_conn.notify(notifyChannel(), QString::number(id));
}

Job JobRepository::embedJobFor(const QString& profile) {
    const auto lookup = [&]() -> std::optional<Job> {
        const PgResult r =
            m_conn.exec(QStringLiteral("SELECT ") + jobColumns() +
                            QStringLiteral(" FROM quiver.jobs WHERE proc = 'embed_pending'"
                                           " AND config->>'profile' = $1 ORDER BY id LIMIT 1"),
                        {profile});
        if (r.rows() == 0)
            return std::nullopt;
        return jobFrom(r, 0);
    };
    if (std::optional<Job> job = lookup())
        return *job;
    JobSpec spec;
    spec.name = QStringLiteral("embed_pending_%1").arg(profile);
    spec.proc = QStringLiteral("embed_pending");
    spec.fixedSchedule = false;
    spec.config = QJsonObject{{QStringLiteral("profile"), profile}};
    try {
        return add(spec);
    } catch (const JobError&) {
        // Another worker created it first.
        if (std::optional<Job> job = lookup())
            return *job;
        throw;
    }
}

qint64 JobRepository::startRun(qint64 jobId, qint64 workerId, const QString& worker) {
    return m_conn.transaction([&] {
        const qint64 run =
            m_conn
                .exec(QStringLiteral("INSERT INTO quiver.job_runs (job_id, worker, worker_id) "
                                     "VALUES ($1, $2, NULLIF($3::bigint, 0)) RETURNING id"),
                      {jobId, worker, workerId})
                .toInt64(0, 0);
        m_conn.exec(QStringLiteral("UPDATE quiver.jobs SET last_run_started_at = now(),"
                                   "  last_run_status = 'running' WHERE id = $1"),
                    {jobId});
        return run;
    });
}

void JobRepository::addProgress(qint64 runId, qint64 done, qint64 failed) {
    m_conn.exec(QStringLiteral("UPDATE quiver.job_runs SET rows_done = rows_done + $2,"
                               "  rows_failed = rows_failed + $3 WHERE id = $1"),
                {runId, done, failed});
}

void JobRepository::finishRun(qint64 runId, const QString& status, const QString& error,
                              const QJsonObject& details) {
    m_conn.transaction([&] {
        const PgResult ended = m_conn.exec(
            QStringLiteral("UPDATE quiver.job_runs SET status = $2,"
                           "  finished_at = greatest(now(), started_at),"
                           "  error = NULLIF($3, ''), details = details || $4::jsonb "
                           "WHERE id = $1 AND status = 'running' "
                           "RETURNING job_id, (extract(epoch FROM now()) * 1000)::bigint"),
            {runId, status, error, details});
        if (ended.rows() == 0)
            return; // already ended, or its job was deleted
        const qint64 jobId = ended.toInt64(0, 0);
        const QDateTime now = QDateTime::fromMSecsSinceEpoch(ended.toInt64(0, 1), Qt::UTC);
        m_conn.exec(QStringLiteral("SELECT 1 FROM quiver.jobs WHERE id = $1 FOR UPDATE"), {jobId});
        const Job job = read(jobId);
        const bool success = status == QLatin1String("success");
        // A question for the user is not a failure: it is asked again at the next slot, not
        // retried.
        const bool failure = !success && status != QLatin1String("cancelled") &&
                             status != QLatin1String("needs_confirmation");
        const int consecutive = success ? 0 : job.consecutiveFailures + (failure ? 1 : 0);
        const QDateTime next = JobSchedule::nextStart(job, now, !failure, consecutive);
        m_conn.exec(
            QStringLiteral("UPDATE quiver.jobs SET total_runs = total_runs + 1,"
                           "  total_successes = total_successes + $2::int,"
                           "  total_failures = total_failures + $3::int,"
                           "  consecutive_failures = $4, last_finish = now(),"
                           "  last_successful_finish = CASE WHEN $2::int = 1 THEN now()"
                           "                                ELSE last_successful_finish END,"
                           "  last_run_status = $5, next_start = $6::timestamptz "
                           "WHERE id = $1"),
            {jobId, success ? 1 : 0, failure ? 1 : 0, consecutive, status, next});
    });
}

QList<JobRun> JobRepository::history(qint64 jobId, int limit) {
    const PgResult r = m_conn.exec(
        QStringLiteral("SELECT r.id, r.job_id, j.name, coalesce(r.worker, ''), ") +
            epochMs("r.started_at") + QStringLiteral(", ") + epochMs("r.finished_at") +
            QStringLiteral(", r.status, r.rows_done, r.rows_failed, coalesce(r.error, ''),"
                           "  r.details::text "
                           "FROM quiver.job_runs r JOIN quiver.jobs j ON j.id = r.job_id "
                           "WHERE $1::bigint = 0 OR r.job_id = $1 "
                           "ORDER BY r.started_at DESC, r.id DESC LIMIT $2"),
        {jobId, limit});
    QList<JobRun> out;
    for (int i = 0; i < r.rows(); ++i) {
        JobRun run;
        run.id = r.toInt64(i, 0);
        run.jobId = r.toInt64(i, 1);
        run.jobName = r.text(i, 2);
        run.worker = r.text(i, 3);
        run.startedAt = timeAt(r, i, 4);
        run.finishedAt = timeAt(r, i, 5);
        run.status = r.text(i, 6);
        run.rowsDone = r.toInt64(i, 7);
        run.rowsFailed = r.toInt64(i, 8);
        run.error = r.text(i, 9);
        run.details = QJsonDocument::fromJson(r.text(i, 10).toUtf8()).object();
        out.append(run);
    }
    return out;
}

} // namespace quiver
