#pragma once

#include <QList>
#include <QString>

#include <vector>

namespace quiver {

class PgConnection;

// One model's queue: the chunks that have no embedding for it. A worker claims a batch with a
// lease (rows of quiver.embedding_queue with claimed_by and lease_until, picked with FOR NO KEY
// UPDATE SKIP LOCKED so that workers never wait on each other), embeds it, and writes the
// vectors in one short transaction only while it still holds the claim. An expired lease makes
// its chunks claimable again; a chunk that keeps failing ends failed and is skipped. Blocking,
// on the caller's connection; throws DbError.
class EmbeddingQueue {
public:
    struct Chunk {
        qint64 id = 0;
        QString text;
        QString sha256; // empty when the importer gave none
    };

    // What is left of one model's queue.
    struct Backlog {
        qint64 total = 0;    // chunks
        qint64 embedded = 0; // chunks with an embedding for the model
        qint64 pending = 0;  // without one and not failed (claimed or waiting included)
        qint64 claimed = 0;  // of those, under a live lease
        qint64 failed = 0;
    };

    struct FailedChunk {
        qint64 chunkId = 0;
        QString documentPath;
        int attempts = 0;
        QString error;
        QString failedAt; // ISO 8601
    };

    // claimer names the worker in the rows it claims ("host:pid#id"); workerId is its row in
    // quiver.workers (0: none).
    EmbeddingQueue(PgConnection& conn, QString model, QString claimer, qint64 workerId = 0);

    // Only the chunks of one collection (0: all) are claimed and counted in the backlog: a
    // reembed job's share of the queue.
    void restrictToCollection(qint64 collectionId) { m_collectionId = collectionId; }
    // The length every vector of the model must have (the profile's dimensions); 0: the length
    // of the vectors already stored for the model, when there are any.
    void expectDimensions(int dimensions) { m_dimensions = dimensions; }

    // Claims up to `limit` chunks for leaseSeconds. Chunks already embedded, failed, leased by a
    // live claim or waiting for their retry time are skipped.
    QList<Chunk> claim(int limit, double leaseSeconds);

    // Stores, for claimed chunks whose text (sha256) already has an embedding for the model, a
    // copy of it; returns the chunks that still need the provider.
    QList<Chunk> reuseExisting(const QList<Chunk>& claimed);

    // Writes one vector per chunk (same order) for the chunks this worker still holds, in one
    // transaction, and ends their claims. Returns how many were written: fewer than given when
    // a lease expired and another worker took the chunk over. Throws EmbedError(BadResponse),
    // writing nothing, when a vector is empty or its length is not the model's (see
    // expectDimensions): one model's vectors must all have one length for the index to use them.
    int write(const QList<qint64>& chunkIds, const std::vector<std::vector<float>>& vectors);

    // write() for a worker whose connection was lost while the provider worked: stores the
    // vectors of the chunks it still holds, and of those whose claim it lost (a lease that ran
    // out) when no other worker holds a live claim, the chunk still has the content hash that
    // was embedded and no embedding for the model exists yet. Ends their queue rows; returns how
    // many were written. Chunks without a hash are written only while held. Throws like write().
    int writeRevalidated(const QList<Chunk>& chunks,
                         const std::vector<std::vector<float>>& vectors);

    // Gives claimed chunks back untouched (the provider is unavailable, the worker stops).
    void release(const QList<qint64>& chunkIds);

    // Records that the provider refused this chunk alone. It is tried again after
    // retryPeriodMs * 2^(attempts-1) (capped at an hour) until it has failed maxAttempts
    // times; then it is failed and skipped. Returns true when it is now failed.
    bool fail(qint64 chunkId, const QString& error, int maxAttempts, qint64 retryPeriodMs);

    Backlog backlog();
    QList<FailedChunk> failedChunks(int limit = 200);
    // Makes failed chunks (all when chunkIds is empty) claimable again; returns how many.
    int retryFailed(const QList<qint64>& chunkIds = {});
    // Ends every claim this claimer still holds (a worker stopping cleanly).
    int releaseAll();

    // Chunks embedded for the model per minute over the last `minutes` minutes, oldest first.
    QList<qint64> embeddedPerMinute(int minutes);

    // "{1,2,3}", a bigint[] parameter.
    static QString idArray(const QList<qint64>& ids);

private:
    Backlog collectionBacklog();
    void checkLengths(const std::vector<std::vector<float>>& vectors);

    PgConnection& m_conn;
    QString m_model;
    QString m_claimer;
    qint64 m_workerId = 0;
    qint64 m_collectionId = 0;
    int m_dimensions = 0;
};

} // namespace quiver
