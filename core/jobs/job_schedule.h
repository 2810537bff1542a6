#pragma once

#include "core/jobs/job.h"

#include <QDateTime>

namespace quiver {

// When a job runs next, as TimescaleDB decides it: a fixed schedule keeps the slots
// initial_start + k * schedule_interval; otherwise the next run is one interval after the last
// finish. A failed run is retried after retry_period, doubling with each consecutive failure and
// capped at five schedule intervals (or retry_period when that is longer); a fixed schedule
// never retries later than its next slot. Once max_retries retries in a row have failed too
// (max_retries >= 0), the job goes back to its regular schedule. Pure functions.
class JobSchedule {
public:
    // The first slot strictly after `after`.
    static QDateTime nextSlot(const Job& job, const QDateTime& after);
    // consecutiveFailures counts the run that just ended when it failed.
    static QDateTime nextStart(const Job& job, const QDateTime& finishedAt, bool succeeded,
                               int consecutiveFailures);
    static qint64 retryDelayMs(const Job& job, int consecutiveFailures);
};

} // namespace quiver
