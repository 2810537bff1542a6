#pragma once

#include "core/ingest/prepared_document.h"

#include <QHash>
#include <QList>
#include <QString>

#include <atomic>

namespace quiver {

class PgConnection;

// Writes imported documents into PostgreSQL. A batch is one transaction: new documents and all
// chunks go in with COPY; a document already stored at the same path is replaced in place, and
// its chunks whose embedded text is unchanged keep their embeddings (every model). The import
// run's file states change in the same transaction, and the commit notifies `quiver_chunks`.
// Blocking; throws DbError; the connection is the caller's.
class DocumentStore {
public:
    static constexpr const char* kChunksChannel = "quiver_chunks";

    struct Written {
        QString path;
        qint64 documentId = 0;
        bool replaced = false;
        qint64 reusedEmbeddings = 0;
    };
    // What became of each document of a batch written by writeEach().
    struct DocumentOutcome {
        enum class State { Written, Refused, NotStored };
        State state = State::NotStored;
        Written written;       // State::Written
        QString serverMessage; // State::Refused: why the server refused this document
    };
    struct BatchOutcome {
        QList<DocumentOutcome> documents; // one per document, in the batch's order
        bool connectionLost = false;      // documents not written by then are NotStored
        QString lostMessage;
        bool stopped = false; // stopped on request: documents not written by then are NotStored
    };

    explicit DocumentStore(PgConnection& conn);

    qint64 ensureCollection(const QString& name);
    // path -> sha256 of the documents stored in the collection.
    QHash<QString, QString> storedHashes(qint64 collectionId);
    // runId 0: no import run to update.
    QList<Written> writeBatch(qint64 collectionId, const QList<PreparedDocument>& docs,
                              qint64 runId);
    // writeBatch(); when one document breaks the batch and the connection is still open, the
    // others are written one by one so that a bad document costs only itself. Never throws
    // DbError: a lost connection is reported in the outcome. Once *stop is set (the statement
    // running then cancelled by the caller) the documents not yet written are left alone.
    BatchOutcome writeEach(qint64 collectionId, const QList<PreparedDocument>& docs, qint64 runId,
                           const std::atomic<bool>* stop = nullptr);
    // Removes a document with its chunks and embeddings; false if it did not exist.
    bool deleteDocument(qint64 documentId);

private:
    PgConnection& m_conn;
};

} // namespace quiver
