#pragma once

#include "core/ingest/import_settings.h"
#include "core/ingest/import_types.h"

#include <QString>
#include <QStringList>

#include <atomic>
#include <functional>
#include <memory>

namespace quiver {

class PgConnection;

// Imports files and folders into collections. Readers and the chunker run on a pool of
// threads while the calling thread writes batches to the database (DocumentStore), so reading
// and writing overlap. run() blocks until done or cancelled; call it off the GUI thread. The
// callbacks run on the calling thread. One bad file never stops the others; a lost database
// connection ends the run, and the next run of the same paths resumes it.
class Importer {
public:
    struct Request {
        QStringList paths;
        QString collection; // empty: a folder's own name, "Inbox" for loose files
        // Watch folders: documents stored from below an imported folder whose file no longer
        // exists are removed (with their chunks and embeddings).
        bool removeMissing = false;
    };

    // cancelFlag: shared with whoever may cancel from another thread; a fresh one if null.
    Importer(PgConnection& conn, ImportSettings settings,
             std::shared_ptr<std::atomic<bool>> cancelFlag = {});

    std::function<void(const ImportFileResult&)> onFile;
    std::function<void(const ImportProgress&)> onProgress; // at least every 250 ms while busy

    void cancel() { m_cancelled.store(true); } // any thread; run() returns within a second
    bool isCancelled() const { return m_cancelled.load(); }

    ImportSummary run(const Request& request);

    static QString inboxName() { return QStringLiteral("Inbox"); }

private:
    struct Group;
    struct Pipeline;
    void importGroup(const Group& group, Pipeline& state, ImportSummary& summary);
    void removeMissing(const Group& group, ImportSummary& summary);
    void report(const ImportFileResult& r, ImportSummary& summary);

    PgConnection& m_conn;
    ImportSettings m_settings;
    std::shared_ptr<std::atomic<bool>> m_cancelFlag;
    std::atomic<bool>& m_cancelled;
};

} // namespace quiver
