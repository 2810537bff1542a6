#include "core/jobs/embed_worker.h"

#include "core/db/db_error.h"
#include "core/db/pg_connection.h"
#include "core/embed/profile_repository.h"
#include "core/jobs/embedding_queue.h"
#include "core/jobs/job_repository.h"
#include "core/jobs/lease_keeper.h"
#include "core/jobs/worker_registry.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QHash>
#include <QMutex>
#include <QSysInfo>
#include <QThread>

#include <algorithm>
#include <optional>

namespace quiver {

namespace {

const QString kChunksChannel = QStringLiteral("quiver_chunks");

// An error the worker cannot get past by waiting.
class FatalError : public std::runtime_error {
public:
    explicit FatalError(const QString& message)
        : std::runtime_error(message.toStdString())
        , text(message) {}
    QString text;
};

int under(int perMinute) {
    return perMinute > 0 ? std::max(1, perMinute / 20 * 19) : 0;
}

bool isTransient(EmbedError::Kind kind) {
    switch (kind) {
    case EmbedError::Kind::RateLimited:
    case EmbedError::Kind::Server:
    case EmbedError::Kind::Network:
    case EmbedError::Kind::Timeout:
        return true;
    default:
        return false;
    }
}

} // namespace

class EmbedWorker::Loop {
public:
    Loop(Options o, EmbedderFactory f)
        : options(std::move(o))
        , factory(std::move(f)) {}

    int run();

    Options options;
    EmbedderFactory factory;
    std::atomic<bool> stopping{false};
    CancelToken cancel;
    std::function<void(const QString&)>* onLog = nullptr;
    std::function<void(const Counters&)>* onProgress = nullptr;

    mutable QMutex mutex; // guards lastError and counters
    QString lastError;
    Counters counters;

private:
    void log(const QString& message);
    void noteError(const QString& message);
    // keepClaims: a batch whose vectors are in hand survives the reconnect (see writeHeld).
    void connect(bool first, bool keepClaims = false);
    void loadJob();
    EmbeddingQueue queue();
    // Waits up to ms for a notification (returns true) or stop; drains what arrives.
    bool waitForWork(qint64 ms);
    void pause(qint64 ms);
    void beat(bool force);
    void ensureRun();
    void endRun(const QString& status, const QString& error = {});
    void process(const QList<EmbeddingQueue::Chunk>& chunks);
    void embedAndWrite(const QList<EmbeddingQueue::Chunk>& chunks);
    int writeHeld(const QList<EmbeddingQueue::Chunk>& chunks, const QList<qint64>& ids,
                  const std::vector<std::vector<float>>& vectors);
    int maxAttempts() const { return job.maxRetries < 0 ? 5 : job.maxRetries + 1; }

    std::optional<PgConnection> conn;
    std::unique_ptr<LeaseKeeper> leases;
    EmbeddingProfile profile;
    std::unique_ptr<Embedder> embedder;
    QString model;
    Job job;
    QElapsedTimer jobLoadedAt;
    qint64 workerId = 0;
    QString claimer;
    QString workerName;
    qint64 runId = 0;
    qint64 interruptedRun = 0;
    QString interruption;
    qint64 transientDelayMs = 0;
    QElapsedTimer lastBeat;
    qint64 beatDone = 0;
    qint64 beatErrors = 0;
    QString beatError;
};

void EmbedWorker::Loop::log(const QString& message) {
    if (onLog && *onLog)
        (*onLog)(message);
}

void EmbedWorker::Loop::noteError(const QString& message) {
    {
        QMutexLocker lock(&mutex);
        lastError = message;
        ++counters.errors;
    }
    ++beatErrors;
    beatError = message;
    log(message);
}

EmbeddingQueue EmbedWorker::Loop::queue() {
    EmbeddingQueue q(*conn, model, claimer, workerId);
    q.restrictToCollection(options.collectionId);
    q.expectDimensions(profile.dimensions);
    return q;
}

void EmbedWorker::Loop::connect(bool first, bool keepClaims) {
    qint64 delay = 250;
    for (;;) {
        if (stopping.load())
            return;
        try {
            conn = PgConnection::open(options.conninfo);
            conn->listen(kChunksChannel);
            conn->listen(JobRepository::notifyChannel());
            if (workerId == 0) {
                profile = ProfileRepository(*conn).resolve(options.profile);
                workerName = QStringLiteral("%1:%2")
                                 .arg(QSysInfo::machineHostName())
                                 .arg(QCoreApplication::applicationPid());
                workerId = WorkerRegistry(*conn).registerWorker(
                    QSysInfo::machineHostName(),
                    static_cast<int>(QCoreApplication::applicationPid()), options.kind,
                    profile.name);
                claimer = QStringLiteral("%1#%2").arg(workerName).arg(workerId);
                leases =
                    std::make_unique<LeaseKeeper>(options.conninfo, claimer, options.leaseSeconds);
                leases->start();
            }
            // A run that is not this worker's own is ended by whoever started it.
            if (interruptedRun != 0 && interruptedRun == options.runId)
                interruptedRun = 0;
            if (interruptedRun != 0) {
                JobRepository(*conn).finishRun(interruptedRun, QStringLiteral("interrupted"),
                                               interruption);
                interruptedRun = 0;
            }
            // A batch cut off by a lost connection is abandoned; its rows are still claimed by
            // this worker, whose lease keeper would renew them forever. Give them back, unless
            // the caller holds vectors for them: those are written first.
            if (!first && !keepClaims)
                queue().releaseAll();
            loadJob();
            log(QStringLiteral("connected to %1").arg(conn->describe()));
            return;
        } catch (const ProfileError& e) {
            throw FatalError(e.message());
        } catch (const DbError& e) {
            conn.reset();
            if (first && (e.kind() == DbError::Kind::Authentication ||
                          e.kind() == DbError::Kind::Tls || e.kind() == DbError::Kind::Query))
                throw FatalError(e.userMessage());
            noteError(QStringLiteral("the database is unavailable (%1); trying again in %2 s")
                          .arg(e.message())
                          .arg(static_cast<double>(delay) / 1000.0));
            pause(delay);
            delay = std::min<qint64>(delay * 2, 10000);
        }
    }
}

void EmbedWorker::Loop::loadJob() {
    if (options.jobId != 0) {
        std::optional<Job> own = JobRepository(*conn).find(options.jobId);
        if (!own)
            throw FatalError(QStringLiteral("job %1 was deleted while it ran").arg(options.jobId));
        job = *own;
    } else {
        job = JobRepository(*conn).embedJobFor(profile.name);
    }
    // The job's config may narrow what the profile allows.
    const int batch = job.config.value(QStringLiteral("batch_size")).toInt(0);
    if (batch > 0)
        profile.batchSize = batch;
    jobLoadedAt.start();
}

void EmbedWorker::Loop::pause(qint64 ms) {
    QDeadlineTimer deadline(ms);
    while (!stopping.load() && !deadline.hasExpired()) {
        if (conn && conn->isOpen()) {
            // Keeps the socket drained; notifications do not cut a pause short.
            (void)conn->nextNotification(
                static_cast<int>(std::min<qint64>(100, deadline.remainingTime())));
        } else {
            QThread::msleep(
                static_cast<unsigned long>(std::min<qint64>(100, deadline.remainingTime())));
        }
    }
}

bool EmbedWorker::Loop::waitForWork(qint64 ms) {
    QDeadlineTimer deadline(ms);
    bool woken = false;
    while (!stopping.load() && !deadline.hasExpired()) {
        const int slice = static_cast<int>(std::min<qint64>(200, deadline.remainingTime()));
        if (auto n = conn->nextNotification(slice)) {
            woken = true;
            if (n->channel == JobRepository::notifyChannel())
                loadJob();
            // Take whatever else is already there, then go.
            while (conn->nextNotification(0)) {
            }
            break;
        }
    }
    return woken;
}

void EmbedWorker::Loop::beat(bool force) {
    if (!force && lastBeat.isValid() && lastBeat.elapsed() < 1000)
        return;
    WorkerRegistry(*conn).beat(workerId, beatDone, beatErrors, beatError);
    beatDone = 0;
    beatErrors = 0;
    beatError.clear();
    lastBeat.start();
}

void EmbedWorker::Loop::ensureRun() {
    if (runId == 0)
        runId = options.runId != 0 ? options.runId
                                   : JobRepository(*conn).startRun(job.id, workerId, workerName);
}

void EmbedWorker::Loop::endRun(const QString& status, const QString& error) {
    if (runId == 0)
        return;
    if (options.runId != 0) {
        runId = 0;
        return;
    }
    JobRepository(*conn).finishRun(runId, status, error);
    runId = 0;
}

int EmbedWorker::Loop::writeHeld(const QList<EmbeddingQueue::Chunk>& chunks,
                                 const QList<qint64>& ids,
                                 const std::vector<std::vector<float>>& vectors) {
    try {
        return queue().write(ids, vectors);
    } catch (const DbError& e) {
        if (conn && conn->isOpen())
            throw;
        // The provider has been paid for these vectors: reconnect without giving the claims
        // back, write what is still this worker's to write, and only then release the rest.
        interruptedRun = runId;
        interruption =
            QStringLiteral("the connection to the database was lost: %1").arg(e.message());
        runId = 0;
        noteError(interruption);
        connect(false, true);
        if (!conn)
            return 0; // stopping: unrenewed, the claims expire with their lease
        ensureRun();
        const int written = queue().writeRevalidated(chunks, vectors);
        queue().release(ids);
        log(QStringLiteral("wrote %1 of %2 vectors embedded before the reconnect")
                .arg(written)
                .arg(ids.size()));
        return written;
    }
}

void EmbedWorker::Loop::embedAndWrite(const QList<EmbeddingQueue::Chunk>& chunks) {
    if (chunks.isEmpty() || stopping.load())
        return;
    QList<qint64> ids;
    QStringList texts;
    QHash<QString, int> slot;
    QList<int> positions;
    for (const EmbeddingQueue::Chunk& c : chunks) {
        ids.append(c.id);
        auto it = slot.constFind(c.text);
        if (it == slot.constEnd()) {
            it = slot.insert(c.text, static_cast<int>(texts.size()));
            texts.append(c.text);
        }
        positions.append(*it);
    }
    std::vector<std::vector<float>> unique;
    try {
        unique = embedder->embed(texts, cancel);
    } catch (const EmbedError& e) {
        if (e.kind() == EmbedError::Kind::Cancelled) {
            queue().release(ids);
            return;
        }
        if (isTransient(e.kind())) {
            queue().release(ids);
            noteError(e.message());
            transientDelayMs = std::clamp<qint64>(transientDelayMs * 2, 1000, 30000);
            log(QStringLiteral("backing off for %1 s").arg(transientDelayMs / 1000.0));
            pause(transientDelayMs);
            return;
        }
        // Only what concerns single inputs is worth splitting for; a refusal of the request as
        // a whole (the model, the dimensions, an unusable answer) would come back for every half
        // at the cost of twice the requests: it ends the run with its reason.
        if (e.kind() != EmbedError::Kind::InputRejected) {
            queue().release(ids);
            throw FatalError(e.message());
        }
        if (chunks.size() > 1) {
            // Halve until the input the provider refuses is alone, so it fails by itself.
            const qsizetype half = chunks.size() / 2;
            embedAndWrite(chunks.mid(0, half));
            embedAndWrite(chunks.mid(half));
            return;
        }
        noteError(e.message());
        if (queue().fail(chunks.front().id, e.message(), maxAttempts(), job.retryPeriodMs)) {
            {
                QMutexLocker lock(&mutex);
                ++counters.failed;
            }
            ensureRun();
            JobRepository(*conn).addProgress(runId, 0, 1);
        }
        return;
    }
    transientDelayMs = 0;
    std::vector<std::vector<float>> vectors;
    vectors.reserve(static_cast<std::size_t>(positions.size()));
    for (int s : positions)
        vectors.push_back(unique[static_cast<std::size_t>(s)]);
    int written = 0;
    try {
        written = writeHeld(chunks, ids, vectors);
    } catch (const EmbedError& e) {
        // Vectors of another length than the model's: the next batches would be the same.
        queue().release(ids);
        throw FatalError(e.message());
    }
    if (!conn)
        return;
    {
        QMutexLocker lock(&mutex);
        counters.done += written;
    }
    beatDone += written;
    ensureRun();
    JobRepository(*conn).addProgress(runId, written, 0);
}

void EmbedWorker::Loop::process(const QList<EmbeddingQueue::Chunk>& claimed) {
    const QList<EmbeddingQueue::Chunk> rest = queue().reuseExisting(claimed);
    const qint64 reused = claimed.size() - rest.size();
    if (reused > 0) {
        {
            QMutexLocker lock(&mutex);
            counters.done += reused;
            counters.reused += reused;
        }
        beatDone += reused;
        JobRepository(*conn).addProgress(runId, reused, 0);
    }
    embedAndWrite(rest);
    if (onProgress && *onProgress) {
        const Counters now = [&] {
            QMutexLocker lock(&mutex);
            return counters;
        }();
        (*onProgress)(now);
    }
}

int EmbedWorker::Loop::run() {
    try {
        connect(true);
        if (!conn)
            return 0;
        // 5% under the limits, inside each call and between calls: the provider's own buckets
        // see the requests with network jitter, and each 429 costs a whole Retry-After.
        EmbeddingProfile paced = profile;
        paced.requestsPerMinute = under(profile.requestsPerMinute);
        paced.tokensPerMinute = under(profile.tokensPerMinute);
        embedder = factory(paced);
        model = embedder->modelId();
        log(QStringLiteral("embedding with profile \"%1\" (model %2) as %3")
                .arg(profile.name, model, claimer));
    } catch (const FatalError& e) {
        QMutexLocker lock(&mutex);
        lastError = e.text;
        return 1;
    } catch (const EmbedError& e) {
        QMutexLocker lock(&mutex);
        lastError = e.message();
        return 1;
    }

    int status = 0;
    while (!stopping.load()) {
        try {
            if (!conn || !conn->isOpen()) {
                connect(false);
                continue;
            }
            beat(false);
            if (jobLoadedAt.elapsed() > 5000)
                loadJob();
            if (!job.scheduled) {
                endRun(QStringLiteral("cancelled"), QStringLiteral("the job was paused"));
                if (options.once) {
                    log(QStringLiteral("the job \"%1\" is paused: 'quiver-cli jobs resume %1' "
                                       "lets workers embed again")
                            .arg(job.name));
                    break;
                }
                waitForWork(std::max<qint64>(200, job.scheduleIntervalMs));
                continue;
            }
            const int concurrency =
                options.concurrency > 0 ? options.concurrency : std::max(1, profile.concurrency);
            const QList<EmbeddingQueue::Chunk> chunks =
                queue().claim(profile.batchSize * concurrency, options.leaseSeconds);
            if (chunks.isEmpty()) {
                endRun(QStringLiteral("success"));
                if (options.once) {
                    // Chunks leased by other workers or waiting for a retry still count: a
                    // worker that died leaves its rows to whoever outlives its lease.
                    if (queue().backlog().pending == 0)
                        break;
                    waitForWork(250);
                    continue;
                }
                waitForWork(std::clamp<qint64>(job.scheduleIntervalMs, 200, 60000));
                continue;
            }
            ensureRun();
            process(chunks);
        } catch (const FatalError& e) {
            {
                QMutexLocker lock(&mutex);
                lastError = e.text;
            }
            log(e.text);
            try {
                if (conn && conn->isOpen())
                    endRun(QStringLiteral("failed"), e.text);
            } catch (const DbError&) {
            }
            status = 1;
            break;
        } catch (const DbError& e) {
            if (conn && conn->isOpen()) {
                // A query failed on a live connection: note it and keep going after a pause.
                noteError(e.userMessage());
                pause(1000);
                continue;
            }
            if (runId != 0) {
                interruptedRun = runId;
                interruption =
                    QStringLiteral("the connection to the database was lost: %1").arg(e.message());
                runId = 0;
            }
            noteError(QStringLiteral("the connection to the database was lost (%1); reconnecting")
                          .arg(e.message()));
            conn.reset();
        }
    }

    // Stopping: give back what is still claimed, close the run and the heartbeat.
    if (leases)
        leases->stop();
    try {
        if (conn && conn->isOpen()) {
            queue().releaseAll();
            endRun(stopping.load() ? QStringLiteral("cancelled") : QStringLiteral("success"));
            beat(true);
            WorkerRegistry(*conn).stop(workerId);
        }
    } catch (const DbError& e) {
        log(QStringLiteral("could not record the worker's end: %1").arg(e.message()));
    }
    return status;
}

EmbedWorker::EmbedWorker(Options options, EmbedderFactory factory)
    : d(std::make_unique<Loop>(std::move(options), std::move(factory))) {
    d->onLog = &onLog;
    d->onProgress = &onProgress;
}

EmbedWorker::~EmbedWorker() = default;

int EmbedWorker::run() {
    return d->run();
}

void EmbedWorker::stop() {
    d->stopping.store(true);
    d->cancel.cancel();
}

QString EmbedWorker::lastError() const {
    QMutexLocker lock(&d->mutex);
    return d->lastError;
}

EmbedWorker::Counters EmbedWorker::counters() const {
    QMutexLocker lock(&d->mutex);
    return d->counters;
}

} // namespace quiver
