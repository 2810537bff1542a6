#include "core/search/chunk_source.h"

#include "core/db/binary_copy_reader.h"
#include "core/db/pg_connection.h"
#include "core/search/read_snapshot.h"
#include "core/search/search_filter_sql.h"

#include <algorithm>
#include <utility>

namespace quiver {

QString keywordLanguage(PgConnection& conn) {
    return conn.exec(QStringLiteral("SELECT keyword_language FROM quiver.search_settings"))
        .text(0, 0);
}

namespace {

// Streams `SELECT id, document_id, title, text` rows of a COPY to onRow; false when cancelled.
bool copyChunks(PgConnection& conn, const QString& select, const ChunkSource::RowFn& onRow,
                qint64& rows) {
    bool cancelled = false;
    BinaryCopyReader reader([&](std::span<const BinaryCopyReader::Field> f) {
        if (f.size() != 4)
            BinaryCopyReader::malformed("expected 4 fields");
        ChunkText row;
        row.chunkId = BinaryCopyReader::toInt64(f[0]);
        row.documentId = BinaryCopyReader::toInt64(f[1]);
        row.title = BinaryCopyReader::toBytes(f[2]);
        row.text = BinaryCopyReader::toBytes(f[3]);
        ++rows;
        if (!cancelled && !onRow(std::move(row)))
            cancelled = true;
    });
    const qint64 copied =
        conn.copyOut(QStringLiteral("COPY (%1) TO STDOUT (FORMAT binary)").arg(select),
                     [&](const char* data, int size) {
                         reader.feed(data, size);
                         return !cancelled;
                     });
    return copied >= 0 && !cancelled;
}

const char* const kChunkColumns = "SELECT c.id, c.document_id, d.title, c.text "
                                  "FROM %1 JOIN quiver.documents d ON d.id = c.document_id";

std::set<qint64> logRowsFrom(PgConnection& conn, std::uint64_t watermark) {
    std::set<qint64> ids;
    const PgResult r =
        conn.exec(QStringLiteral("SELECT id FROM quiver.chunk_log WHERE txid >= $1::text::xid8"),
                  {QString::number(watermark)});
    for (int i = 0; i < r.rows(); ++i)
        ids.insert(r.toInt64(i, 0));
    return ids;
}

} // namespace

std::optional<ChunkSource::Full>
ChunkSource::readAll(PgConnection& conn, const std::function<void(const Full& start)>& onStart,
                     const RowFn& onRow) {
    const ReadSnapshot snapshot(conn);
    Full full;
    full.watermark = snapshot.xmin();
    full.language = keywordLanguage(conn);
    full.seenLogRows = logRowsFrom(conn, full.watermark);
    full.total = conn.exec(QStringLiteral("SELECT count(*) FROM quiver.chunks")).toInt64(0, 0);
    if (onStart)
        onStart(full);
    qint64 rows = 0;
    if (!copyChunks(conn, QString::fromLatin1(kChunkColumns).arg(QStringLiteral("quiver.chunks c")),
                    onRow, rows))
        return std::nullopt;
    return full;
}

ChunkChanges
ChunkSource::readChanges(PgConnection& conn, std::uint64_t since, const std::set<qint64>& applied,
                         const std::function<void(const std::vector<qint64>&)>& onRemoved,
                         const RowFn& onRow) {
    ChunkChanges changes;
    const ReadSnapshot snapshot(conn);
    changes.watermark = snapshot.xmin();
    changes.language = keywordLanguage(conn);
    const QString mark = QString::number(since);
    const PgResult pruned = conn.exec(QStringLiteral("SELECT 1 FROM quiver.chunk_log_pruned "
                                                     "WHERE max_txid >= $1::text::xid8"),
                                      {mark});
    if (pruned.rows() > 0) {
        changes.reset = true;
        return changes;
    }
    const PgResult log =
        conn.exec(QStringLiteral("SELECT id, kind, first_id, last_id, txid >= $2::text::xid8 "
                                 "FROM quiver.chunk_log WHERE txid >= $1::text::xid8 ORDER BY id"),
                  {mark, QString::number(changes.watermark)});
    std::vector<std::pair<qint64, qint64>> ranges;
    QList<qint64> listed; // 'u' and 'd' rows, whose ids are read below
    for (int i = 0; i < log.rows(); ++i) {
        const qint64 id = log.toInt64(i, 0);
        if (log.toBool(i, 4))
            changes.seenLogRows.insert(id);
        if (applied.contains(id))
            continue;
        const QString kind = log.text(i, 1);
        if (kind == QLatin1String("r")) {
            changes.reset = true;
            return changes;
        }
        if (kind == QLatin1String("i"))
            ranges.emplace_back(log.toInt64(i, 2), log.toInt64(i, 3));
        else
            listed.append(id);
    }
    std::vector<qint64> removed;
    if (!listed.isEmpty()) {
        const PgResult ids = conn.exec(
            QStringLiteral("SELECT l.kind, u.chunk FROM quiver.chunk_log l, unnest(l.ids) u(chunk) "
                           "WHERE l.id = ANY($1::bigint[])"),
            {bigintArrayLiteral(listed)});
        for (int i = 0; i < ids.rows(); ++i) {
            const qint64 chunk = ids.toInt64(i, 1);
            // A rewritten chunk is removed and read again.
            removed.push_back(chunk);
            if (ids.text(i, 0) == QLatin1String("u"))
                ranges.emplace_back(chunk, chunk);
        }
    }
    if (!removed.empty() && onRemoved)
        onRemoved(removed);
    if (ranges.empty())
        return changes;
    // Disjoint ranges, so that no row is read twice.
    std::sort(ranges.begin(), ranges.end());
    QList<qint64> firsts;
    QList<qint64> lasts;
    for (const auto& [first, last] : ranges) {
        if (!lasts.isEmpty() && first <= lasts.back() + 1)
            lasts.back() = std::max(lasts.back(), last);
        else {
            firsts.append(first);
            lasts.append(last);
        }
    }
    // COPY takes no parameters: the ranges travel as transaction-local settings.
    conn.exec(QStringLiteral("SELECT set_config('quiver.chunk_firsts', $1, true), "
                             "set_config('quiver.chunk_lasts', $2, true)"),
              {bigintArrayLiteral(firsts), bigintArrayLiteral(lasts)});
    copyChunks(
        conn,
        QString::fromLatin1(kChunkColumns)
            .arg(QStringLiteral("unnest(current_setting('quiver.chunk_firsts')::bigint[], "
                                "current_setting('quiver.chunk_lasts')::bigint[]) r(first, last) "
                                "JOIN quiver.chunks c ON c.id BETWEEN r.first AND r.last")),
        onRow, changes.rowsRead);
    return changes;
}

qint64 ChunkSource::pruneLog(PgConnection& conn, int keepDays) {
    return conn
        .exec(QStringLiteral("SELECT quiver.prune_chunk_log(make_interval(days => $1::int))"),
              {keepDays})
        .toInt64(0, 0);
}

} // namespace quiver
