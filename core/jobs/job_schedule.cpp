#include "core/jobs/job_schedule.h"

#include <algorithm>

namespace quiver {

QStringList Job::procs() {
    return {QStringLiteral("embed_pending"), QStringLiteral("reembed"),
            QStringLiteral("sync_index"), QStringLiteral("rescan_watched")};
}

QDateTime JobSchedule::nextSlot(const Job& job, const QDateTime& after) {
    const qint64 interval = std::max<qint64>(1, job.scheduleIntervalMs);
    const QDateTime origin = job.initialStart.isValid() ? job.initialStart : job.createdAt;
    if (!origin.isValid() || origin > after)
        return origin.isValid() ? origin : after.addMSecs(interval);
    const qint64 elapsed = origin.msecsTo(after);
    const qint64 steps = elapsed / interval + 1;
    return origin.addMSecs(steps * interval);
}

qint64 JobSchedule::retryDelayMs(const Job& job, int consecutiveFailures) {
    const qint64 cap = std::max(job.retryPeriodMs, 5 * job.scheduleIntervalMs);
    qint64 delay = std::max<qint64>(1, job.retryPeriodMs);
    for (int i = 1; i < consecutiveFailures && delay < cap; ++i)
        delay *= 2;
    return std::min(delay, cap);
}

QDateTime JobSchedule::nextStart(const Job& job, const QDateTime& finishedAt, bool succeeded,
                                 int consecutiveFailures) {
    // Retries spent (max_retries >= 0): the job waits for its regular schedule instead.
    const bool retriesSpent = job.maxRetries >= 0 && consecutiveFailures > job.maxRetries;
    if (succeeded || retriesSpent) {
        return job.fixedSchedule ? nextSlot(job, finishedAt)
                                 : finishedAt.addMSecs(job.scheduleIntervalMs);
    }
    const QDateTime retry = finishedAt.addMSecs(retryDelayMs(job, consecutiveFailures));
    if (!job.fixedSchedule)
        return retry;
    return std::min(retry, nextSlot(job, finishedAt));
}

} // namespace quiver
