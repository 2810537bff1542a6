#pragma once

#include <QList>
#include <QString>

#include <optional>

namespace quiver {

class PgConnection;

// One passage of a document as the preview shows it. text is the chunk's text with what it
// repeats of the passage before it (chunks overlap) cut off, so the passages read on.
struct ContextPassage {
    qint64 chunkId = 0;
    int ordinal = 0;
    std::optional<int> page;
    QString text;
};

// A passage with the passages around it in its document, in document order. focus is the
// index of the passage asked for in passages; -1 (and no passages) when it no longer exists.
struct PassageContext {
    qint64 chunkId = 0;
    qint64 documentId = 0;
    QList<ContextPassage> passages;
    int focus = -1;
};

// Reads a chunk and its neighbours (up to `around` on each side). Blocking; throws DbError.
class PassageContextReader {
public:
    explicit PassageContextReader(PgConnection& conn)
        : m_conn(conn) {}
    PassageContext read(qint64 chunkId, int around);

private:
    PgConnection& m_conn;
};

} // namespace quiver
