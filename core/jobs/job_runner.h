#pragma once

#include "core/jobs/embed_worker.h"
#include "core/jobs/job.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <atomic>
#include <functional>
#include <memory>

namespace quiver {

// Runs the scheduled jobs other than embed_pending (reembed, sync_index, rescan_watched) when
// they come due, beside the embedding loop of `quiver-cli worker`. Any number of runners may
// share a database: each due slot is claimed in one short transaction (the job's row locked
// with SKIP LOCKED, next_start moved to the following slot), so exactly one runner runs it.
// Each run is a job_runs row with its counts and error; max_runtime cancels a run that lasts
// too long (status "timeout"); a failed run is retried after retry_period (JobSchedule). The
// runner LISTENs for job changes, so `quiver-cli jobs run N` starts a job within a second, and
// polls in case a notification was missed.
//
// A rescan_watched job reads this machine's folders, so a runner claims only the rescans whose
// host id is this machine's (HostId); the others are left to their machines, unclaimed. Between
// jobs, at most hourly, the runner also empties the trash of documents older than
// library/trashDays.
//
// run() blocks the calling thread on its own connection; stop() may be called from any thread
// and from a signal handler (it only stores to an atomic).
class JobRunner {
public:
    struct Options {
        QString conninfo;
        bool once = false; // run what is due now (each job once), then return
        QStringList procs = defaultProcs();
        double leaseSeconds = 120; // for reembed's claims
        // Makes a profile's embedder for reembed (resolving its key); unset: reembed fails.
        EmbedWorker::EmbedderFactory embedderFactory;
        // Set: run this one job now (due or not, if no run of it is going), then return.
        qint64 onlyJob = 0;
        // The user allowed what a rescan otherwise holds back (`jobs run --allow-mass-removal`).
        bool allowMassRemoval = false;
    };

    // How one run ended, for whoever shows it (the GUI asks about held-back removals).
    struct RunReport {
        Job job;
        QString status; // as recorded in job_runs
        QString error;
        QJsonObject details;
    };

    struct Counters {
        qint64 runs = 0;
        qint64 succeeded = 0;
        qint64 failed = 0; // failed or timed out
    };

    static QStringList defaultProcs();

    explicit JobRunner(Options options);
    ~JobRunner();
    JobRunner(const JobRunner&) = delete;
    JobRunner& operator=(const JobRunner&) = delete;

    // 0 when stopped or (once) done; 1 when the database cannot be reached at the first try.
    int run();
    void stop();

    Counters counters() const;
    QString lastError() const;

    // Messages for a log, on the runner's thread; never a secret.
    std::function<void(const QString& message)> onLog;
    // After each run is recorded, on the runner's thread.
    std::function<void(const RunReport& report)> onRunFinished;

private:
    class Loop;
    std::unique_ptr<Loop> d;
};

} // namespace quiver
