#pragma once

#include <QByteArray>
#include <QString>

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <vector>

namespace quiver {

class PgConnection;

// The database's keyword analyzer language (search_settings.keyword_language): every machine
// analyses text for the keyword index, and anything that names terms, in it.
QString keywordLanguage(PgConnection& conn);

// One stored chunk as the keyword index reads it: UTF-8 text and its document's title.
struct ChunkText {
    qint64 chunkId = 0;
    qint64 documentId = 0;
    QByteArray title;
    QByteArray text;
};

// What changed in quiver.chunks since a watermark, from quiver.chunk_log (migration 12).
struct ChunkChanges {
    bool reset = false;           // rebuild: TRUNCATE, a new language, or a pruned log
    std::uint64_t watermark = 0;  // where the next read starts
    std::set<qint64> seenLogRows; // log rows at or above the new watermark, already applied
    QString language;             // search_settings.keyword_language
    qint64 rowsRead = 0;
};

// Reads chunks for the keyword index inside one REPEATABLE READ snapshot, whose xmin is the
// watermark: a log row committed later belongs to a transaction at least that old. Rows are
// streamed with binary COPY, so a full read never holds the corpus in one result.
class ChunkSource {
public:
    using RowFn = std::function<bool(ChunkText&& row)>; // false cancels

    // Every chunk. Nullopt when onRow cancelled. seenLogRows: log rows whose effect the read
    // already includes.
    struct Full {
        std::uint64_t watermark = 0;
        std::set<qint64> seenLogRows;
        QString language;
        qint64 total = 0; // chunks counted at the start, for progress
    };
    // onStart hears the snapshot's watermark, language and chunk count before the first row.
    static std::optional<Full> readAll(PgConnection& conn,
                                       const std::function<void(const Full& start)>& onStart,
                                       const RowFn& onRow);

    // The chunks written and removed since `since`, skipping log rows already applied:
    // onRemoved hears the removed ids (deleted, or rewritten and read again below) before
    // onRow hears the rows written. Nothing is read when the result says reset.
    static ChunkChanges
    readChanges(PgConnection& conn, std::uint64_t since, const std::set<qint64>& applied,
                const std::function<void(const std::vector<qint64>&)>& onRemoved,
                const RowFn& onRow);

    static qint64 pruneLog(PgConnection& conn, int keepDays);
};

} // namespace quiver
