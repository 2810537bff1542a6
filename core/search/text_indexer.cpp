#include "core/search/text_indexer.h"

#include "core/db/pg_connection.h"

#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace quiver {

TextIndexer::TextIndexer(PgConnection& conn)
    : m_conn(conn) {}

TextIndexer::Batch TextIndexer::indexBatch(qint64 afterId, int limit) {
    Batch b;
    if (limit <= 0)
        return b;
    // The configuration is read once per batch (an init plan), not once per row; a change of
    // configuration rewrites every chunk itself (quiver.set_text_search_config), and a batch
    // racing it waits for its row locks and then skips the rows it no longer finds pending.
    // The rows are updated by an array of ids, not by a join: a join's plan rests on the
    // table's statistics, which a large import leaves stale, and one such plan rescanned the
    // batch for every row of the table. For the same reason no scan may read the whole table.
    const PgResult r = m_conn.transaction([&]() {
        m_conn.exec(QStringLiteral("SET LOCAL enable_seqscan = off"));
        return m_conn.exec(
            QStringLiteral(
                "WITH pending AS ("
                "  SELECT id FROM quiver.chunks WHERE tsv IS NULL AND id > $2"
                "  ORDER BY id LIMIT $1 FOR NO KEY UPDATE SKIP LOCKED), "
                "indexed AS ("
                "  UPDATE quiver.chunks c"
                "     SET tsv = to_tsvector((SELECT quiver.text_search_config()), c.text)"
                "   WHERE c.id = ANY(ARRAY(SELECT id FROM pending)) AND c.tsv IS NULL"
                "  RETURNING c.id) "
                "SELECT (SELECT count(*) FROM pending), (SELECT count(*) FROM indexed),"
                "       (SELECT coalesce(max(id), 0) FROM pending)"),
            {limit, afterId});
    });
    b.picked = static_cast<int>(r.toInt64(0, 0));
    b.indexed = static_cast<int>(r.toInt64(0, 1));
    b.lastId = r.toInt64(0, 2);
    return b;
}

qint64 TextIndexer::prepare() {
    // Counted no further than the threshold, so that a worker asking on every turn of its loop
    // pays one short index scan, however large the backlog.
    const qint64 backlog =
        m_conn
            .exec(QStringLiteral("SELECT count(*) FROM (SELECT 1 FROM quiver.chunks "
                                 "WHERE tsv IS NULL LIMIT $1) pending"),
                  {kAnalyzeBacklog})
            .toInt64(0, 0);
    // A backlog this large came from an import that the statistics may not know of yet: the
    // planner would take the pending rows for a handful. ANALYZE samples a fixed number of
    // rows, a fraction of a second beside the minute such a backlog takes to index. Without
    // the right to analyse the table the server only warns.
    if (backlog >= kAnalyzeBacklog)
        m_conn.exec(QStringLiteral("ANALYZE quiver.chunks"));
    return backlog;
}

qint64 TextIndexer::indexAll(const std::function<bool(qint64 indexed)>& keepGoing) {
    if (prepare() == 0)
        return 0;
    return indexPending(keepGoing);
}

qint64 TextIndexer::indexPending(const std::function<bool(qint64 indexed)>& keepGoing) {
    qint64 total = 0;
    qint64 after = 0;
    for (;;) {
        const Batch b = indexBatch(after);
        total += b.indexed;
        if (b.picked < kDefaultBatch) {
            if (after == 0)
                return total; // a pass from the start came to the end
            after = 0;
        } else {
            after = b.lastId;
        }
        if (keepGoing && !keepGoing(total))
            return total;
    }
}

qint64 TextIndexer::indexAllParallel(const std::function<PgConnection()>& open, int connections,
                                     const std::function<bool()>& keepGoing) {
    std::vector<PgConnection> conns;
    conns.push_back(open());
    if (TextIndexer(conns.front()).prepare() == 0)
        return 0;
    for (int i = 1; i < connections; ++i)
        conns.push_back(open());

    std::atomic<qint64> total{0};
    std::atomic<bool> failed{false};
    std::mutex errorMutex;
    std::exception_ptr error;
    std::vector<std::thread> threads;
    threads.reserve(conns.size());
    // The threads start at the same lowest id and spread out by themselves: each skips the
    // rows another has locked.
    for (PgConnection& conn : conns) {
        threads.emplace_back([&]() {
            try {
                total += TextIndexer(conn).indexPending(
                    [&](qint64) { return !failed.load() && (!keepGoing || keepGoing()); });
            } catch (...) {
                failed.store(true);
                std::lock_guard lock(errorMutex);
                if (!error)
                    error = std::current_exception();
            }
        });
    }
    for (std::thread& t : threads)
        t.join();
    if (error)
        std::rethrow_exception(error);
    return total.load();
}

qint64 TextIndexer::pending() {
    return m_conn.exec(QStringLiteral("SELECT count(*) FROM quiver.chunks WHERE tsv IS NULL"))
        .toInt64(0, 0);
}

} // namespace quiver
