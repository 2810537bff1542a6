#include "core/jobs/job_runner.h"

#include "core/db/db_error.h"
#include "core/db/pg_connection.h"
#include "core/ingest/document_trash.h"
#include "core/jobs/embedding_queue.h"
#include "core/jobs/host_id.h"
#include "core/jobs/job_handler.h"
#include "core/jobs/job_repository.h"
#include "core/jobs/job_schedule.h"
#include "core/jobs/reembed_job.h"
#include "core/jobs/rescan_watched_job.h"
#include "core/jobs/sync_index_job.h"
#include "core/search/log_pruner.h"
#include "core/search/search_index.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QMutex>
#include <QSettings>
#include <QSysInfo>
#include <QThread>

#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

namespace quiver {

void JobControl::cancel() {
    m_flag->store(true);
    // Under the lock, so that a hook cleared by setHook({}) never runs afterwards (its object
    // may be gone).
    const std::lock_guard lock(m_mutex);
    if (m_hook)
        m_hook();
}

void JobControl::setHook(std::function<void()> hook) {
    const std::lock_guard lock(m_mutex);
    m_hook = std::move(hook);
    if (m_hook && isCancelled())
        m_hook();
}

namespace {

QString textArray(const QStringList& items) {
    QStringList quoted;
    for (const QString& s : items)
        quoted.append(QLatin1Char('"') + s + QLatin1Char('"'));
    return QLatin1Char('{') + quoted.join(QLatin1Char(',')) + QLatin1Char('}');
}

QString describeInterval(qint64 ms) {
    if (ms < 1000)
        return QStringLiteral("%1 ms").arg(ms);
    return QStringLiteral("%1 s").arg(static_cast<double>(ms) / 1000.0);
}

} // namespace

QStringList JobRunner::defaultProcs() {
    return {QStringLiteral("reembed"), QStringLiteral("sync_index"),
            QStringLiteral("rescan_watched")};
}

class JobRunner::Loop {
public:
    explicit Loop(Options o)
        : options(std::move(o)) {}

    int run();

    Options options;
    std::atomic<bool> stopping{false};
    std::function<void(const QString&)>* onLog = nullptr;
    std::function<void(const RunReport&)>* onRunFinished = nullptr;
    mutable QMutex mutex; // guards counters and lastError
    Counters counters;
    QString lastError;

private:
    struct Claim {
        Job job;
        qint64 runId = 0;
    };

    void log(const QString& message);
    bool connect(bool first);
    std::optional<Claim> claimNext(const QList<qint64>& exclude);
    void execute(const Claim& claim);
    std::unique_ptr<JobHandler> handlerFor(const QString& proc) const;
    qint64 msUntilNextDue();
    void waitForWake(qint64 ms);
    void pause(qint64 ms);

    void purgeTrashIfDue();

    std::optional<PgConnection> conn;
    QString workerName;
    QString hostId;
    qint64 interruptedRun = 0;
    QString interruption;
    LogPruner trashPruner{QStringLiteral("trash")};
};

void JobRunner::Loop::log(const QString& message) {
    if (onLog && *onLog)
        (*onLog)(message);
}

void JobRunner::Loop::pause(qint64 ms) {
    QDeadlineTimer deadline(ms);
    while (!stopping.load() && !deadline.hasExpired())
        QThread::msleep(
            static_cast<unsigned long>(std::min<qint64>(100, deadline.remainingTime())));
}

bool JobRunner::Loop::connect(bool first) {
    qint64 delay = 250;
    while (!stopping.load()) {
        try {
            conn = PgConnection::open(options.conninfo);
            conn->listen(JobRepository::notifyChannel());
            if (interruptedRun != 0) {
                JobRepository(*conn).finishRun(interruptedRun, QStringLiteral("interrupted"),
                                               interruption);
                interruptedRun = 0;
            }
            return true;
        } catch (const DbError& e) {
            conn.reset();
            if (first && (e.kind() == DbError::Kind::Authentication ||
                          e.kind() == DbError::Kind::Tls || e.kind() == DbError::Kind::Query)) {
                QMutexLocker lock(&mutex);
                lastError = e.userMessage();
                return false;
            }
            log(QStringLiteral("jobs: the database is unavailable (%1); trying again in %2 s")
                    .arg(e.message())
                    .arg(static_cast<double>(delay) / 1000.0));
            pause(delay);
            delay = std::min<qint64>(delay * 2, 10000);
        }
    }
    return false;
}

std::optional<JobRunner::Loop::Claim> JobRunner::Loop::claimNext(const QList<qint64>& exclude) {
    return conn->transaction([&]() -> std::optional<Claim> {
        // The row lock (SKIP LOCKED) and the moved next_start make the claim exclusive: another
        // runner either skips the locked row or, after this commits, no longer sees it due.
        const PgResult due = conn->exec(
            QStringLiteral(
                "SELECT id, (extract(epoch FROM now()) * 1000)::bigint"
                "  FROM quiver.jobs"
                " WHERE scheduled AND proc = ANY($1::text[])"
                "   AND (next_start <= now() OR id = $4)"
                "   AND ($4 = 0 OR id = $4)"
                "   AND NOT (id = ANY($2::bigint[]))"
                // Another machine's rescan reads that machine's folders: left to it.
                "   AND (proc <> 'rescan_watched' OR host_id = $3)"
                // A run still going (a slow one whose next slot came) is not
                // doubled; one started longer ago than its max_runtime (or an hour)
                // belongs to a worker that died.
                "   AND NOT EXISTS (SELECT 1 FROM quiver.job_runs r"
                "                   WHERE r.job_id = quiver.jobs.id"
                "                     AND r.status = 'running'"
                "                     AND r.started_at > now() - coalesce("
                "                           quiver.jobs.max_runtime + interval '1 minute',"
                "                           interval '1 hour'))"
                " ORDER BY next_start, id LIMIT 1 FOR UPDATE SKIP LOCKED"),
            {textArray(options.procs), EmbeddingQueue::idArray(exclude), hostId, options.onlyJob});
        if (due.rows() == 0)
            return std::nullopt;
        JobRepository jobs(*conn);
        std::optional<Job> job = jobs.find(due.toInt64(0, 0));
        if (!job)
            return std::nullopt;
        const QDateTime now = QDateTime::fromMSecsSinceEpoch(due.toInt64(0, 1), Qt::UTC);
        // The following slot, as if this run succeeds; finishRun() sets the real one.
        conn->exec(QStringLiteral("UPDATE quiver.jobs SET next_start = $2 WHERE id = $1"),
                   {job->id, JobSchedule::nextStart(*job, now, true, 0)});
        Claim claim;
        claim.job = *job;
        claim.runId = jobs.startRun(job->id, 0, workerName);
        return claim;
    });
}

std::unique_ptr<JobHandler> JobRunner::Loop::handlerFor(const QString& proc) const {
    if (proc == QLatin1String("sync_index"))
        return std::make_unique<SyncIndexJob>();
    if (proc == QLatin1String("rescan_watched"))
        return std::make_unique<RescanWatchedJob>();
    if (proc == QLatin1String("reembed"))
        return std::make_unique<ReembedJob>(options.embedderFactory, options.leaseSeconds);
    return nullptr;
}

void JobRunner::Loop::execute(const Claim& claim) {
    const Job& job = claim.job;
    log(QStringLiteral("jobs: running \"%1\" (%2)").arg(job.name, job.proc));
    JobControl control;
    std::atomic<bool> timedOut{false};
    std::mutex doneMutex;
    std::condition_variable doneChanged;
    bool done = false;
    // Watches the clock and the stop flag while the handler works on this thread.
    std::thread watchdog([&] {
        const QDeadlineTimer deadline = job.maxRuntimeMs > 0
                                            ? QDeadlineTimer(job.maxRuntimeMs)
                                            : QDeadlineTimer(QDeadlineTimer::Forever);
        std::unique_lock lock(doneMutex);
        while (!done) {
            const auto slice =
                std::chrono::milliseconds(std::clamp<qint64>(deadline.remainingTime(), 0, 20));
            if (doneChanged.wait_for(lock, slice, [&] { return done; }))
                break;
            if (!control.isCancelled() && deadline.hasExpired()) {
                timedOut.store(true);
                control.cancel();
            } else if (!control.isCancelled() && stopping.load()) {
                control.cancel();
            }
        }
    });
    const auto stopWatchdog = [&] {
        {
            const std::lock_guard lock(doneMutex);
            done = true;
        }
        doneChanged.notify_all();
        watchdog.join();
    };

    JobOutcome outcome;
    QString error;
    bool lost = false;
    try {
        const std::unique_ptr<JobHandler> handler = handlerFor(job.proc);
        if (!handler)
            throw JobError(QStringLiteral("this worker cannot run proc \"%1\"").arg(job.proc));
        JobContext context{
            *conn, job, claim.runId, options.conninfo, control, options.allowMassRemoval};
        outcome = handler->run(context);
        error = outcome.error;
    } catch (const IndexCancelled&) {
        // Cancelled through the control: the status below says why.
    } catch (const JobError& e) {
        error = e.message();
    } catch (const DbError& e) {
        lost = !conn->isOpen();
        error = e.userMessage();
    } catch (const std::exception& e) {
        error = QString::fromUtf8(e.what());
    }
    stopWatchdog();

    QString status = QStringLiteral("success");
    if (timedOut.load()) {
        status = QStringLiteral("timeout");
        error = QStringLiteral("job \"%1\" ran past its max_runtime of %2 and was stopped (what "
                               "it finished stays); allow it longer with 'quiver-cli jobs alter "
                               "%1 --max-runtime INTERVAL'")
                    .arg(job.name, describeInterval(job.maxRuntimeMs));
    } else if (lost) {
        interruptedRun = claim.runId;
        interruption = QStringLiteral("the connection to the database was lost: %1").arg(error);
        throw DbError(DbError::Kind::Connection, error);
    } else if (!error.isEmpty()) {
        status = QStringLiteral("failed");
        if (!outcome.question.isEmpty())
            error += QStringLiteral("; ") + outcome.question;
    } else if (!outcome.question.isEmpty()) {
        status = QStringLiteral("needs_confirmation");
        error = outcome.question;
    } else if (control.isCancelled()) {
        status = QStringLiteral("cancelled");
        error = QStringLiteral("the worker was stopped");
    }

    JobRepository jobs(*conn);
    if (!outcome.progressRecorded && (outcome.done != 0 || outcome.failed != 0))
        jobs.addProgress(claim.runId, outcome.done, outcome.failed);
    jobs.finishRun(claim.runId, status, error, outcome.details);
    {
        QMutexLocker lock(&mutex);
        ++counters.runs;
        if (status == QLatin1String("success"))
            ++counters.succeeded;
        else if (status != QLatin1String("cancelled") &&
                 status != QLatin1String("needs_confirmation"))
            ++counters.failed;
        if (!error.isEmpty())
            lastError = error;
    }
    if (onRunFinished && *onRunFinished)
        (*onRunFinished)(RunReport{job, status, error, outcome.details});
    log(error.isEmpty() ? QStringLiteral("jobs: \"%1\" %2: %3 done, %4 failed")
                              .arg(job.name, status)
                              .arg(outcome.done)
                              .arg(outcome.failed)
                        : QStringLiteral("jobs: \"%1\" %2: %3").arg(job.name, status, error));
}

qint64 JobRunner::Loop::msUntilNextDue() {
    const PgResult r = conn->exec(
        QStringLiteral("SELECT (extract(epoch FROM min(next_start) - now()) * 1000)::bigint"
                       "  FROM quiver.jobs WHERE scheduled AND proc = ANY($1::text[])"
                       "   AND (proc <> 'rescan_watched' OR host_id = $2)"),
        {textArray(options.procs), hostId});
    if (r.isNull(0, 0))
        return -1;
    return std::max<qint64>(0, r.toInt64(0, 0));
}

void JobRunner::Loop::waitForWake(qint64 ms) {
    QDeadlineTimer deadline(ms);
    while (!stopping.load() && !deadline.hasExpired()) {
        const int slice = static_cast<int>(std::min<qint64>(200, deadline.remainingTime()));
        if (conn->nextNotification(slice)) {
            while (conn->nextNotification(0)) {
            }
            return;
        }
    }
}

void JobRunner::Loop::purgeTrashIfDue() {
    trashPruner.pruneIfDue([this] {
        const int days = DocumentTrash::keepDays(QSettings());
        if (const qint64 purged = DocumentTrash(*conn).empty(days); purged > 0)
            log(QStringLiteral("jobs: emptied %1 document(s) older than %2 days from the trash")
                    .arg(purged)
                    .arg(days));
    });
}

int JobRunner::Loop::run() {
    workerName = QStringLiteral("%1:%2")
                     .arg(QSysInfo::machineHostName())
                     .arg(QCoreApplication::applicationPid());
    hostId = HostId::local();
    if (!connect(true))
        return stopping.load() ? 0 : 1;
    log(QStringLiteral("jobs: running due %1 jobs as %2")
            .arg(options.procs.join(QStringLiteral(", ")), workerName));
    QList<qint64> ran; // once: each job runs at most once
    while (!stopping.load()) {
        try {
            if (!conn || !conn->isOpen()) {
                if (!connect(false))
                    break;
                continue;
            }
            if (options.onlyJob == 0)
                purgeTrashIfDue();
            if (std::optional<Claim> claim = claimNext(options.once ? ran : QList<qint64>())) {
                ran.append(claim->job.id);
                execute(*claim);
                if (options.onlyJob != 0)
                    break;
                continue;
            }
            if (options.once || options.onlyJob != 0)
                break;
            // Polls in case a notification was missed (a reconnect), and wakes for the next due
            // job on time.
            const qint64 due = msUntilNextDue();
            waitForWake(due < 0 ? 5000 : std::clamp<qint64>(due, 10, 5000));
        } catch (const DbError& e) {
            if (conn && conn->isOpen()) {
                log(QStringLiteral("jobs: %1").arg(e.userMessage()));
                pause(1000);
                continue;
            }
            log(QStringLiteral("jobs: the connection to the database was lost (%1); reconnecting")
                    .arg(e.message()));
            conn.reset();
        } catch (const std::exception& e) {
            log(QStringLiteral("jobs: %1").arg(QString::fromUtf8(e.what())));
            pause(1000);
        }
    }
    return 0;
}

JobRunner::JobRunner(Options options)
    : d(std::make_unique<Loop>(std::move(options))) {
    d->onLog = &onLog;
    d->onRunFinished = &onRunFinished;
}

JobRunner::~JobRunner() = default;

int JobRunner::run() {
    return d->run();
}

void JobRunner::stop() {
    d->stopping.store(true);
}

JobRunner::Counters JobRunner::counters() const {
    QMutexLocker lock(&d->mutex);
    return d->counters;
}

QString JobRunner::lastError() const {
    QMutexLocker lock(&d->mutex);
    return d->lastError;
}

} // namespace quiver
