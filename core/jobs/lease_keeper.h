#pragma once

#include <QString>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace quiver {

// Keeps a worker's claims alive while it works on them: every third of a lease, on a thread and a
// connection of its own, it extends the lease of every queue row the claimer still holds, so a
// slow provider call (or a wait for the rate limit) never lets another worker take a batch that
// is still being embedded. Leases that already expired are left alone: another worker may have
// them. A worker that dies stops renewing with it, so its rows come free one lease later.
class LeaseKeeper {
public:
    LeaseKeeper(QString conninfo, QString claimer, double leaseSeconds);
    ~LeaseKeeper();
    LeaseKeeper(const LeaseKeeper&) = delete;
    LeaseKeeper& operator=(const LeaseKeeper&) = delete;

    void start();
    void stop(); // waits for the thread

    qint64 renewed() const { return m_renewed.load(); } // leases extended so far

private:
    void loop();

    QString m_conninfo;
    QString m_claimer;
    double m_leaseSeconds;
    std::thread m_thread;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stopping = false;
    std::atomic<qint64> m_renewed{0};
};

} // namespace quiver
