#pragma once

#include "core/jobs/job.h"

#include <QList>
#include <QString>

#include <optional>
#include <stdexcept>

namespace quiver {

class PgConnection;

// A mistake in what the user asked of the jobs (unknown job, bad interval, a secret in the
// config); the message is one line with the fix.
class JobError : public std::runtime_error {
public:
    explicit JobError(const QString& message)
        : std::runtime_error(message.toStdString())
        , m_message(message) {}
    QString message() const { return m_message; }

private:
    QString m_message;
};

// What add() and alter() set; an unset field keeps its value (alter) or the default (add).
// Intervals are PostgreSQL interval text ("10s", "5 minutes", "1h").
struct JobSpec {
    std::optional<QString> name;
    std::optional<QString> proc;
    std::optional<QString> scheduleInterval;
    std::optional<bool> fixedSchedule;
    std::optional<QDateTime> initialStart;
    std::optional<QDateTime> nextStart;
    std::optional<QString> maxRuntime; // empty string: no limit
    std::optional<int> maxRetries;
    std::optional<QString> retryPeriod;
    std::optional<bool> scheduled;
    std::optional<QJsonObject> config;
    // The owning machine; add() takes this machine's (HostId::local()) unless set.
    std::optional<QString> hostId;
};

// The job API (TimescaleDB's add_job, alter_job, delete_job, run_job, job_stats) and the run
// history, over quiver.jobs and quiver.job_runs. Blocking, on the caller's connection; throws
// JobError for the user's mistakes and DbError for the database's.
class JobRepository {
public:
    // Sent (payload: the job id) when a job is added, altered or asked to run now.
    static QString notifyChannel() { return QStringLiteral("quiver_jobs"); }

    explicit JobRepository(PgConnection& conn)
        : m_conn(conn) {}

    QList<Job> list();
    std::optional<Job> find(qint64 id);
    std::optional<Job> findByName(const QString& name);
    // A number is an id, anything else a name; throws JobError when there is no such job.
    Job resolve(const QString& idOrName);

    Job add(const JobSpec& spec);
    Job alter(qint64 id, const JobSpec& spec);
    void remove(qint64 id);
    void setScheduled(qint64 id, bool scheduled);
    // next_start = now, and the workers are woken.
    void runNow(qint64 id);

    // The embed_pending job of a profile, created (with the defaults) when there is none.
    Job embedJobFor(const QString& profile);

    qint64 startRun(qint64 jobId, qint64 workerId, const QString& worker);
    void addProgress(qint64 runId, qint64 done, qint64 failed);
    // Ends the run and updates the job's counters and next_start (JobSchedule).
    void finishRun(qint64 runId, const QString& status, const QString& error = {},
                   const QJsonObject& details = {});
    // Runs (newest first) of one job, or of every job when jobId is 0.
    QList<JobRun> history(qint64 jobId, int limit = 50);

private:
    Job read(qint64 id);
    void validate(const JobSpec& spec, const QString& currentProc = {},
                  const QJsonObject& currentConfig = {});

    PgConnection& m_conn;
};

} // namespace quiver
