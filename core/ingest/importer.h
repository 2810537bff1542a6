#pragma once

#include "core/db/pg_connection.h"
#include "core/ingest/import_settings.h"
#include "core/ingest/import_types.h"

#include <QString>
#include <QStringList>

#include <atomic>
#include <functional>
#include <memory>

namespace quiver {

class RootIdentityStore;
class WriterPool;

// Imports files and folders into collections. Readers and the chunker run on a pool of
// threads while batches are written to the database (DocumentStore), so reading and writing
// overlap: on the calling thread's connection, or, given openConnection, on several
// connections of their own in parallel (WriterPool). Each reader thread opens and checks its
// files itself and has their text extracted in a quiver-reader process of its own
// (ReaderClient), killed on cancel and when the run ends. run() blocks until done or cancelled;
// call it off the GUI thread. The callbacks run on the calling thread. One bad file never stops the
// others; a lost database connection ends the run, and the next run of the same paths resumes it.
class Importer {
public:
    struct Request {
        QStringList paths;
        QString collection; // empty: a folder's own name, "Inbox" for loose files
        // Watch folders: documents stored from below an imported folder whose file no longer
        // exists go to the trash (with their chunks and embeddings), under the checks of
        // MissingFileRemover; what it refuses or holds back is in the summary.
        bool removeMissing = false;
        // The user confirmed removals held back before (a mass removal, a replaced folder).
        bool allowMassRemoval = false;
    };

    // cancelFlag: shared with whoever may cancel from another thread; a fresh one if null.
    Importer(PgConnection& conn, ImportSettings settings,
             std::shared_ptr<std::atomic<bool>> cancelFlag = {});

    std::function<void(const ImportFileResult&)> onFile;
    std::function<void(const ImportProgress&)> onProgress; // at least every 250 ms while busy
    // Opens another connection to the same database. Set, batches are written on
    // settings.writerConnections connections of their own; unset, everything goes through the
    // connection given to the constructor.
    std::function<PgConnection()> openConnection;
    // Where this machine remembers its watched folders' identities (removeMissing); unset,
    // a folder is judged by its state now only.
    RootIdentityStore* rootIdentities = nullptr;

    void cancel() { m_cancelled.store(true); } // any thread; run() returns within a second
    bool isCancelled() const { return m_cancelled.load(); }
    // Connections a run writes with: the setting, or one per core up to four.
    int writerCount() const;

    ImportSummary run(const Request& request);

    static QString inboxName() { return QStringLiteral("Inbox"); }

private:
    struct Group;
    struct Pipeline;
    void importGroup(const Group& group, Pipeline& state, ImportSummary& summary);
    void removeMissing(const Group& group, bool allowMass, ImportSummary& summary);
    void report(const ImportFileResult& r, ImportSummary& summary);
    void analyzeIfGrown(Pipeline& pipe);
    WriterPool* writerPool(Pipeline& pipe);

    PgConnection& m_conn;
    ImportSettings m_settings;
    std::shared_ptr<std::atomic<bool>> m_cancelFlag;
    std::atomic<bool>& m_cancelled;
};

} // namespace quiver
