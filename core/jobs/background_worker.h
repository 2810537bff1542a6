#pragma once

#include <QJsonObject>
#include <QObject>
#include <QString>

#include <memory>

namespace quiver {

// The GUI's embedding worker: an EmbedWorker on a thread of its own, with its own connection,
// embedding with the default profile (or the one named) whatever lands in the database, and a
// JobRunner on another thread running the other scheduled jobs (reembed, sync_index,
// rescan_watched) as they come due. Its news comes back as queued signals. stop() (and the
// destructor) asks both to stop and waits until the worker has released its batch and closed
// its run and heartbeat (a few hundred milliseconds plus one database round trip) and a running
// job has been cancelled and recorded (an import stops within a second), but never longer than
// the stop timeout: a thread still stuck past it (a database call that does not return, as with
// a server gone silent) is left to end on its own and reported through message().
class BackgroundWorker : public QObject {
    Q_OBJECT
public:
    // Far above a normal stop, short enough that quitting never looks hung.
    static constexpr int kDefaultStopTimeoutMs = 5000;

    explicit BackgroundWorker(QObject* parent = nullptr);
    ~BackgroundWorker() override;

    // Stops a running worker first. conninfo may hold a password: it is never logged.
    void start(const QString& conninfo, const QString& profile = {});
    void stop();
    bool isRunning() const;
    void setStopTimeoutMs(int ms) { m_stopTimeoutMs = ms; }
    // Threads of this process that a stop() left behind and that have not ended yet.
    static int threadsStillStopping();
    // Records the user's approval of `origin` for the API key of `profile` in this machine's
    // settings (ApprovedOrigins): what keyApprovalNeeded asked for, as it was shown. Quick.
    static void approveKeyOrigin(const QString& profile, const QString& origin);

signals:
    void progress(qint64 done, qint64 failed, qint64 errors);
    void message(const QString& text);
    // status 0: stopped as asked; 1: it could not work (error says why, with the fix).
    void stopped(int status, const QString& error);
    // A scheduled job's run ended other than in success (failed, timed out, or needing the
    // user's confirmation: details "held" lists a rescan's held-back removals).
    void jobNeedsAttention(const QString& job, const QString& status, const QString& error,
                           const QJsonObject& details);
    // Before stopped(1, …): the profile's key may not go to its current origin until the user
    // approves it (the database changed the address, or the key predates approvals).
    void keyApprovalNeeded(const QString& profile, const QString& origin);

private:
    class Run;
    std::unique_ptr<Run> m_run;
    int m_stopTimeoutMs = kDefaultStopTimeoutMs;
};

} // namespace quiver
