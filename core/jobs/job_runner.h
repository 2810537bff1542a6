#pragma once

#include "core/jobs/embed_worker.h"

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

private:
    class Loop;
    std::unique_ptr<Loop> d;
};

} // namespace quiver
