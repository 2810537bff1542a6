#pragma once

#include "core/db/pg_cancel_handle.h"
#include "core/db/pg_connection.h"
#include "core/ingest/document_store.h"

#include <QList>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace quiver {

// Import batches written on several connections of their own, so that the server stores the
// chunks and their index entries on several cores at once. Each batch is one transaction on
// whichever writer is free; the owner hands batches in and collects their outcomes on its own
// thread. Paths must be unique across the batches in flight (the owner's duty): two writers
// never store the same document.
class WriterPool {
public:
    struct Job {
        quint64 ticket = 0;
        qint64 collectionId = 0;
        qint64 runId = 0;
        QList<PreparedDocument> documents;
    };
    struct Done {
        quint64 ticket = 0;
        DocumentStore::BatchOutcome outcome;
    };

    // Opens up to `count` connections with `open`, stopping at the first that fails (size()
    // says how many opened; the error of that failure is not fatal: fewer writers do). wake
    // runs on a writer thread after each finished batch.
    WriterPool(int count, const std::function<PgConnection()>& open, std::function<void()> wake);
    ~WriterPool(); // waits for the batches in flight, then closes the connections
    WriterPool(const WriterPool&) = delete;
    WriterPool& operator=(const WriterPool&) = delete;

    int size() const { return static_cast<int>(m_writers.size()); }
    bool hasFreeWriter() const;
    bool hasDone() const;
    int inFlight() const;
    void submit(Job job);
    QList<Done> takeDone();
    // Blocks until every submitted batch has finished; its outcome waits in takeDone().
    void waitIdle();
    // Cancel: batches not started are not written, the statements running are cancelled on
    // the server (their transactions roll back); what committed stays committed. Outcomes come
    // as usual, marked stopped. The pool writes nothing more afterwards.
    void stop();

private:
    struct Writer {
        PgConnection conn;
        std::unique_ptr<DocumentStore> store;
        std::unique_ptr<PgCancelHandle> canceller;
        std::thread thread;
        bool busy = false; // guarded by m_mutex
    };
    void loop(Writer& writer);

    mutable std::mutex m_mutex;
    std::condition_variable m_jobReady;
    std::condition_variable m_idle;
    std::deque<Job> m_jobs;
    QList<Done> m_done;
    int m_inFlight = 0; // submitted and not yet done
    bool m_stopping = false;
    std::atomic<bool> m_cancelled{false};
    std::function<void()> m_wake;
    std::vector<std::unique_ptr<Writer>> m_writers;
};

} // namespace quiver
