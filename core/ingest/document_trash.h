#pragma once

#include <QDateTime>
#include <QList>
#include <QString>

#include <optional>

class QSettings;

namespace quiver {

class PgConnection;

// One document waiting in the trash.
struct TrashedDocument {
    qint64 id = 0; // the document's own id, kept for its restore
    QString collection;
    QString path;
    QString title;
    qint64 chunks = 0;
    qint64 embeddings = 0;
    QDateTime trashedAt;
    QString reason; // why it went: "deleted in the Library", "its file is gone from …"
};

// The trash (migration 13): documents removed from the library, with their chunks and
// embeddings, kept until they are restored or purged. Moving a document here deletes its rows
// from the live tables (so every index and query sees an ordinary delete); restoring inserts
// them back with their ids and their stored vectors, so no provider is called again.
// Blocking, on the caller's connection; throws DbError.
class DocumentTrash {
public:
    // How many days a trashed document is kept (QSettings), 30 unless set.
    static QString daysKey() { return QStringLiteral("library/trashDays"); }
    static int keepDays(const QSettings& settings);

    struct Restored {
        QList<qint64> restored;
        // Documents left in the trash, with the reason: a newer copy of the file is in the
        // library, or there is no such document in the trash.
        QList<QPair<qint64, QString>> refused;
    };

    explicit DocumentTrash(PgConnection& conn);

    // Moves documents to the trash in one transaction; ids not in the library are ignored.
    // Returns how many moved. `by` names who moved them (a worker, "quiver-cli").
    qint64 moveDocuments(const QList<qint64>& ids, const QString& reason, const QString& by = {});
    // Moves a collection's documents to the trash and deletes the collection.
    qint64 moveCollection(qint64 collectionId, const QString& reason, const QString& by = {});
    // Oldest first.
    QList<TrashedDocument> list();
    // Each document in a transaction of its own, into its collection (made again if gone).
    Restored restore(const QList<qint64>& ids);
    // Deletes trashed documents for good: all of them, or those trashed more than
    // olderThanDays days ago. Returns how many went.
    qint64 empty(std::optional<int> olderThanDays = std::nullopt);

private:
    std::optional<QString> restoreOne(qint64 id);

    PgConnection& m_conn;
};

} // namespace quiver
