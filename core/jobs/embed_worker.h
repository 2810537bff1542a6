#pragma once

#include "core/embed/embedder.h"
#include "core/embed/embedding_profile.h"

#include <QString>

#include <atomic>
#include <functional>
#include <memory>

namespace quiver {

// One embedding worker: the loop of `quiver-cli worker` and of the GUI's background thread. It
// connects on its own connection (reconnecting with backoff when the database goes away), keeps
// a heartbeat row, LISTENs for new chunks and job changes (and polls on the job's schedule in
// case a notification was missed), claims batches of its profile's queue with a lease, reuses
// embeddings of identical text, calls the provider, and writes the vectors while it holds the
// claim, renewing the claim's lease while the provider works (LeaseKeeper). A batch the
// provider refuses because of one input is halved until that input fails alone; a refusal of
// the request as a whole (the model, the dimensions, an unusable answer, vectors of another
// length than the model's) ends the run with its reason, unsplit; provider outages release the
// batch and back off. Each burst of work is a run in the job's history.
//
// run() blocks the calling thread; stop() may be called from any thread (and from a signal
// handler: it only stores to atomics).
class EmbedWorker {
public:
    struct Options {
        QString conninfo;    // where the database is (already migrated)
        QString profile;     // empty: the default profile
        int concurrency = 0; // requests in flight; 0: the profile's
        bool once = false;   // return when nothing is pending
        double leaseSeconds = 120;
        QString kind = QStringLiteral("cli"); // "cli" or "gui", for the heartbeat row
        // A reembed job's share: only this collection's chunks (0: all), under this job
        // (0: the profile's embed_pending job), counted into this run of it (0: runs of its
        // own, started and ended by the worker).
        qint64 collectionId = 0;
        qint64 jobId = 0;
        qint64 runId = 0;
    };
    // Makes the profile's embedder (resolving its key); throws EmbedError.
    using EmbedderFactory =
        std::function<std::unique_ptr<Embedder>(const EmbeddingProfile& profile)>;

    struct Counters {
        qint64 done = 0;   // chunks embedded (reused ones included)
        qint64 reused = 0; // of those, copied from identical text
        qint64 failed = 0; // chunks marked failed
        qint64 errors = 0; // provider or database errors met
    };

    EmbedWorker(Options options, EmbedderFactory factory);
    ~EmbedWorker();
    EmbedWorker(const EmbedWorker&) = delete;
    EmbedWorker& operator=(const EmbedWorker&) = delete;

    // 0 when stopped or (once) nothing is left; 1 after an error the worker cannot get past
    // (unknown profile, refused key, no database at the first attempt): see lastError().
    int run();
    void stop();

    QString lastError() const;
    Counters counters() const;

    // Messages for a log (no secrets: they come from EmbedError and DbError). Called on the
    // worker's thread.
    std::function<void(const QString& message)> onLog;
    // After every batch, on the worker's thread.
    std::function<void(const Counters& counters)> onProgress;

private:
    class Loop;
    std::unique_ptr<Loop> d;
};

} // namespace quiver
