#include "core/search/passage_context.h"

#include "core/db/pg_connection.h"

namespace quiver {

PassageContext PassageContextReader::read(qint64 chunkId, int around) {
    PassageContext out;
    out.chunkId = chunkId;
    const PgResult r = m_conn.exec(
        QStringLiteral("SELECT n.id, n.document_id, n.ordinal, n.page, n.text, n.char_start, "
                       "n.char_end "
                       "FROM quiver.chunks c JOIN quiver.chunks n ON n.document_id = c.document_id "
                       "AND n.ordinal BETWEEN c.ordinal - $2 AND c.ordinal + $2 "
                       "WHERE c.id = $1 ORDER BY n.ordinal"),
        {chunkId, qMax(0, around)});
    qint64 previousEnd = -1;
    for (int i = 0; i < r.rows(); ++i) {
        ContextPassage p;
        p.chunkId = r.toInt64(i, 0);
        out.documentId = r.toInt64(i, 1);
        p.ordinal = static_cast<int>(r.toInt64(i, 2));
        if (!r.isNull(i, 3))
            p.page = static_cast<int>(r.toInt64(i, 3));
        p.text = r.text(i, 4);
        // Offsets come from the database: trusted only when they describe this very text.
        const bool offsets = !r.isNull(i, 5) && !r.isNull(i, 6);
        const qint64 start = offsets ? r.toInt64(i, 5) : -1;
        const qint64 end = offsets ? r.toInt64(i, 6) : -1;
        const bool consistent = offsets && end - start == p.text.size();
        if (consistent && previousEnd > start && previousEnd < end)
            p.text = p.text.mid(static_cast<qsizetype>(previousEnd - start));
        previousEnd = consistent ? end : -1;
        if (p.chunkId == chunkId)
            out.focus = static_cast<int>(out.passages.size());
        out.passages.append(p);
    }
    if (out.focus < 0)
        out.passages.clear();
    return out;
}

} // namespace quiver
