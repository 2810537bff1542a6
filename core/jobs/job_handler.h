#pragma once

#include "core/jobs/job.h"

#include <QJsonObject>
#include <QString>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>

namespace quiver {

class PgConnection;

// Stops a running job from another thread (its max_runtime passed, or the worker stops): sets a
// flag the job polls and calls the hook the job registered for work it cannot poll (an import,
// an embedding loop). cancel() is idempotent; a hook set after cancel() runs at once. Hooks run
// under a lock and must be quick (store to atomics).
class JobControl {
public:
    JobControl()
        : m_flag(std::make_shared<std::atomic<bool>>(false)) {}

    void cancel();
    bool isCancelled() const { return m_flag->load(); }
    // The flag itself, for code that takes a shared flag (Importer).
    std::shared_ptr<std::atomic<bool>> flag() const { return m_flag; }
    // Called on the cancelling thread; cleared by passing an empty function, after which it is
    // never called.
    void setHook(std::function<void()> hook);

private:
    std::shared_ptr<std::atomic<bool>> m_flag;
    std::mutex m_mutex;
    std::function<void()> m_hook;
};

// What one run of a job did: rows_done and rows_failed of its job_runs row, and details.
struct JobOutcome {
    qint64 done = 0;
    qint64 failed = 0;
    QJsonObject details;
    // Already added to the run by the handler itself (an embedding loop reports as it goes).
    bool progressRecorded = false;
    // Set: the run failed with this message, though it did part of its work (details kept).
    QString error;
    // Set: the run ends "needs_confirmation" with this message: it held back something only
    // the user may allow (a rescan's mass removal).
    QString question;
};

// Everything a handler needs for one run.
struct JobContext {
    PgConnection& conn; // the runner's connection, on the runner's thread
    const Job& job;
    qint64 runId = 0;
    QString conninfo; // for work that needs connections of its own
    JobControl& control;
    // The user allowed, for this run, what a rescan otherwise holds back for confirmation.
    bool allowMassRemoval = false;
};

// One proc's work (sync_index, rescan_watched, reembed). run() blocks on the runner's thread
// and throws JobError (one line naming the fix) when the run failed; when it was cancelled
// through the control it returns what it did so far.
class JobHandler {
public:
    virtual ~JobHandler() = default;
    virtual JobOutcome run(JobContext& context) = 0;
};

} // namespace quiver
