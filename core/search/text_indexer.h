#pragma once

#include <QtGlobal>

#include <functional>

namespace quiver {

class PgConnection;

// Fills chunks.tsv, the full-text index of keyword search, for chunks stored without it.
// Imports leave it NULL so that they run at the speed of COPY; keyword search reads such chunks
// by computing their tsvector on the fly, which is correct but slow for a large backlog. Each
// batch is one short transaction over the lowest pending ids; rows another transaction holds
// (a worker claiming them for embedding, another indexer) are skipped and picked up later, so
// any number of indexers can run at once.
class TextIndexer {
public:
    explicit TextIndexer(PgConnection& conn);

    struct Batch {
        int picked = 0;    // pending chunks the batch took (locked ones are left)
        int indexed = 0;   // of those, the ones it indexed
        qint64 lastId = 0; // the highest id it took
    };
    // Indexes at most limit of the pending chunks whose id is above afterId, lowest first.
    Batch indexBatch(qint64 afterId = 0, int limit = kDefaultBatch);
    // Indexes until nothing is pending, or until keepGoing(indexedSoFar) returns false between
    // batches; returns the number indexed. It walks the ids upwards rather than restarting at
    // the lowest pending id each time: the entries of chunks indexed a moment ago stay in the
    // pending index until a vacuum, and restarting would step over all of them every batch.
    // A last pass from the start picks up chunks committed behind it.
    qint64 indexAll(const std::function<bool(qint64 indexed)>& keepGoing = {});
    // indexAll() on `connections` connections of its own at once (each made by open(), each on
    // a thread of its own), for a caller that waits for the index; keepGoing is asked from those
    // threads. Rethrows the first error once every thread has stopped.
    static qint64 indexAllParallel(const std::function<PgConnection()>& open, int connections,
                                   const std::function<bool()>& keepGoing = {});
    // Chunks still waiting (an index-only count over the pending rows).
    qint64 pending();

    // A batch takes ~0.1 s of server time: short enough to stop promptly, long enough that the
    // per-statement overhead does not show.
    static constexpr int kDefaultBatch = 2000;
    // From this many pending chunks on, the table is analysed before indexing them.
    static constexpr qint64 kAnalyzeBacklog = 10000;

private:
    // Counts the backlog up to kAnalyzeBacklog, analysing the table when it reaches it.
    qint64 prepare();
    qint64 indexPending(const std::function<bool(qint64 indexed)>& keepGoing);

    PgConnection& m_conn;
};

} // namespace quiver
