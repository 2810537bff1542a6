#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace quiver {

// One row of quiver.jobs, with TimescaleDB's names. Intervals are milliseconds; a timestamp
// that is not set is an invalid QDateTime (UTC otherwise).
struct Job {
    qint64 id = 0;
    QString name;
    QString proc; // embed_pending, reembed, sync_index, rescan_watched
    qint64 scheduleIntervalMs = 10000;
    bool fixedSchedule = false;
    QDateTime initialStart;
    QDateTime nextStart;
    qint64 maxRuntimeMs = 0; // 0: no limit
    int maxRetries = -1;     // -1: retry forever
    qint64 retryPeriodMs = 60000;
    bool scheduled = true; // false: paused
    QJsonObject config;    // profile, collection, batch_size, concurrency; never a secret
    QString owner;
    // The machine that created it (HostId); empty for jobs made before machines had ids. Only
    // that machine runs a rescan_watched job.
    QString hostId;
    QDateTime createdAt;
    QDateTime lastRunStartedAt;
    QDateTime lastFinish;
    QDateTime lastSuccessfulFinish;
    QString lastRunStatus;
    qint64 totalRuns = 0;
    qint64 totalSuccesses = 0;
    qint64 totalFailures = 0;
    int consecutiveFailures = 0;

    QString profile() const { return config.value(QStringLiteral("profile")).toString(); }

    static QStringList procs();
};

// One row of quiver.job_runs.
struct JobRun {
    qint64 id = 0;
    qint64 jobId = 0;
    QString jobName;
    QString worker; // host:pid
    QDateTime startedAt;
    QDateTime finishedAt;
    // running, success, failed, cancelled, timeout, interrupted, needs_confirmation
    QString status;
    qint64 rowsDone = 0;
    qint64 rowsFailed = 0;
    QString error;
    QJsonObject details;
};

} // namespace quiver
