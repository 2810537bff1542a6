#pragma once

#include <QDateTime>
#include <QList>
#include <QString>

namespace quiver {

class PgConnection;

struct LibraryDocument {
    qint64 id = 0;
    QString title;
    QString path;
    QString format;
    qint64 sizeBytes = 0;
    int pages = 0;
    qint64 chunks = 0;
    qint64 embeddedChunks = 0; // chunks with at least one embedding
    QDateTime importedAt;

    int embeddedPercent() const {
        return chunks > 0 ? static_cast<int>(embeddedChunks * 100 / chunks) : 0;
    }
};

struct LibraryCollection {
    qint64 id = 0;
    QString name;
    QList<LibraryDocument> documents;
};

// What the library holds, for the Library page: collections with their documents and counts.
// Blocking; throws DbError.
class LibraryReader {
public:
    explicit LibraryReader(PgConnection& conn);
    QList<LibraryCollection> read();
    // Moves documents with their chunks and embeddings to the trash (DocumentTrash); returns
    // how many.
    qint64 trashDocuments(const QList<qint64>& ids);
    // Moves a collection's documents to the trash and deletes the collection.
    qint64 trashCollection(qint64 id);

private:
    PgConnection& m_conn;
};

} // namespace quiver
