#include "core/ingest/importer.h"

#include "core/db/db_error.h"
#include "core/db/pg_connection.h"
#include "core/ingest/document_preparer.h"
#include "core/ingest/document_store.h"
#include "core/ingest/folder_walker.h"
#include "core/ingest/import_run_store.h"
#include "core/ingest/missing_file_remover.h"
#include "core/ingest/read_error.h"
#include "core/ingest/reader_client.h"
#include "core/ingest/safe_file_reader.h"
#include "core/ingest/writer_pool.h"
#include "core/util/sha256.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QSet>
#include <QThread>

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace quiver {

using Outcome = ImportFileResult::Outcome;

namespace {

// A batch is written when it holds this many documents or this much text, or when the readers
// have nothing more for the moment; small files then share a transaction, big ones do not wait.
constexpr qsizetype kBatchDocuments = 200;
constexpr qsizetype kBatchTextBytes = 8 << 20;
// Also bounded in chunks, the unit of the server's work (a row, its index entries): a batch then
// takes a fraction of a second, which is what a cancel waits for.
constexpr qsizetype kBatchChunks = 2000;
constexpr int kMaxDefaultWriters = 4;
constexpr qint64 kFirstAnalyze = 256;
constexpr int kProgressIntervalMs = 250;
// A file's time to read grows by a second for each this many bytes (ImportSettings).
constexpr qint64 kReadBytesPerSecond = 100 * 1024;

struct WorkResult {
    ImportFileResult result;
    std::optional<PreparedDocument> document;
    qsizetype textBytes = 0;
};

QString hashOf(const QByteArray& bytes) {
    return sha256Hex(bytes);
}

QString lostDatabaseReason(const QString& message) {
    return QStringLiteral("not stored: the database connection was lost (%1); run the import "
                          "again to resume")
        .arg(message);
}

} // namespace

struct Importer::Group {
    QString collection;
    QStringList roots;
    FolderWalker::Result walked;
    QList<MissingFileRemover::Root> seen; // per root: what its walk found
};

// Shared by the reader threads and the writer for one group.
struct Importer::Pipeline {
    ImportProgress progress;
    QElapsedTimer sinceProgress;
    std::mutex mutex;
    std::condition_variable readyForWriter;
    std::condition_variable readyForReaders;
    std::deque<WorkResult> queue;
    int activeReaders = 0;
    std::vector<std::unique_ptr<std::atomic<qint64>>> partialBytes; // per reader
    qint64 bytesReported = 0;
    qint64 lastBytesShown = 0;
    // Opened for the first batch that needs it; declared last so that it is gone (its threads
    // joined) before the mutex and condition its wake-ups use.
    // Documents stored by this run, and when quiver.documents is next analysed (see
    // analyzeIfGrown()).
    qint64 stored = 0;
    qint64 analyzeAt = -1;
    bool poolTried = false;
    std::unique_ptr<WriterPool> pool;
};

Importer::Importer(PgConnection& conn, ImportSettings settings,
                   std::shared_ptr<std::atomic<bool>> cancelFlag)
    : m_conn(conn)
    , m_settings(std::move(settings))
    , m_cancelFlag(cancelFlag ? std::move(cancelFlag) : std::make_shared<std::atomic<bool>>(false))
    , m_cancelled(*m_cancelFlag) {}

int Importer::writerCount() const {
    if (m_settings.writerConnections > 0)
        return m_settings.writerConnections;
    return std::clamp(QThread::idealThreadCount(), 1, kMaxDefaultWriters);
}

WriterPool* Importer::writerPool(Pipeline& pipe) {
    if (!pipe.poolTried) {
        pipe.poolTried = true;
        const int count = writerCount();
        if (count > 1 && openConnection) {
            pipe.pool = std::make_unique<WriterPool>(count, openConnection, [&pipe]() {
                std::lock_guard lock(pipe.mutex);
                pipe.readyForWriter.notify_all();
            });
            if (pipe.pool->size() == 0)
                pipe.pool.reset(); // no second connection to be had: write on m_conn
        }
    }
    return pipe.pool.get();
}

void Importer::analyzeIfGrown(Pipeline& pipe) {
    // Every chunk row's foreign key is checked with a query whose plan each writer's session
    // keeps. Made while quiver.documents was small (a first import), that plan scans the whole
    // table, and each chunk then costs time in proportion to the documents stored so far.
    // Fresh statistics make the server plan those checks again, with the primary key.
    try {
        if (pipe.analyzeAt < 0) {
            pipe.analyzeAt = kFirstAnalyze;
            const qint64 known = m_conn
                                     .exec(QStringLiteral("SELECT greatest(reltuples, 0)::bigint "
                                                          "FROM pg_class WHERE oid = "
                                                          "'quiver.documents'::regclass"))
                                     .toInt64(0, 0);
            pipe.analyzeAt = std::max<qint64>(kFirstAnalyze, known);
        }
        if (pipe.stored < pipe.analyzeAt)
            return;
        pipe.analyzeAt = pipe.stored * 4;
        // Without the right to analyse the table the server only warns; that is fine.
        m_conn.exec(QStringLiteral("ANALYZE quiver.documents"));
    } catch (const DbError&) {
        // A lost connection shows up at the next write; statistics are only an optimisation.
    }
}

void Importer::report(const ImportFileResult& r, ImportSummary& summary) {
    switch (r.outcome) {
    case Outcome::Imported:
    case Outcome::Replaced:
        ++summary.imported;
        summary.chunks += r.chunks;
        summary.bytes += r.bytes;
        break;
    case Outcome::Unchanged:
        ++summary.unchanged;
        break;
    case Outcome::Skipped:
        ++summary.skipped;
        break;
    case Outcome::Failed:
        ++summary.failed;
        break;
    case Outcome::Removed:
        ++summary.removed;
        break;
    }
    if (onFile)
        onFile(r);
}

ImportSummary Importer::run(const Request& request) {
    ImportSummary summary;
    // Folders become collections of their own name, loose files go to the Inbox, unless the
    // caller names one collection for everything.
    QList<Group> groups;
    const auto groupFor = [&groups](const QString& name) -> Group& {
        for (Group& g : groups) {
            if (g.collection == name)
                return g;
        }
        groups.append(Group{name, {}, {}, {}});
        return groups.last();
    };
    for (const QString& raw : request.paths) {
        const QFileInfo info(raw);
        const QString path = QDir::cleanPath(info.absoluteFilePath());
        QString name = request.collection;
        if (name.isEmpty())
            name =
                info.isDir() ? (info.fileName().isEmpty() ? path : info.fileName()) : inboxName();
        groupFor(name).roots.append(path);
    }

    Pipeline pipe;
    pipe.sinceProgress.start();
    pipe.progress.walking = true;
    const FolderWalker walker(m_settings.maxFileBytes, m_settings.ignorePatterns,
                              m_settings.followOutsideLinks);
    for (Group& g : groups) {
        QSet<QString> seen;
        for (const QString& root : std::as_const(g.roots)) {
            const FolderWalker::Result r = walker.walk(root, &m_cancelled);
            g.seen.append({root, r.files.size(), r.unreadableFolders});
            // A file under two of the roots is imported once: one path, one writer.
            for (const FolderWalker::File& f : r.files) {
                if (!seen.contains(f.path)) {
                    seen.insert(f.path);
                    g.walked.files.append(f);
                }
            }
            g.walked.skipped += r.skipped;
            g.walked.ignored += r.ignored;
        }
        for (const FolderWalker::File& f : std::as_const(g.walked.files)) {
            ++pipe.progress.filesTotal;
            pipe.progress.bytesTotal += f.size;
        }
        pipe.progress.filesTotal += g.walked.skipped.size();
    }
    pipe.progress.walking = false;
    if (onProgress)
        onProgress(pipe.progress);

    for (const Group& g : std::as_const(groups)) {
        if (m_cancelled.load() || summary.databaseLost)
            break;
        importGroup(g, pipe, summary);
        if (request.removeMissing && !m_cancelled.load() && !summary.databaseLost)
            removeMissing(g, request.allowMassRemoval, summary);
    }
    pipe.pool.reset();
    summary.cancelled = m_cancelled.load() && !summary.databaseLost;
    if (onProgress)
        onProgress(pipe.progress);
    return summary;
}

void Importer::removeMissing(const Group& group, bool allowMass, ImportSummary& summary) {
    MissingFileRemover::Options options;
    options.maxShare = m_settings.massRemovalShare;
    options.maxCount = m_settings.massRemovalMinimum;
    options.allowMass = allowMass;
    try {
        MissingFileRemover remover(m_conn, rootIdentities, options);
        const MissingFileRemover::Result r = remover.run(group.collection, group.seen);
        for (const ImportFileResult& removed : r.removed)
            report(removed, summary);
        summary.removalRefusals += r.refused;
        if (r.held)
            summary.heldRemovals.append(*r.held);
    } catch (const DbError& e) {
        if (!m_conn.isOpen()) {
            summary.databaseLost = true;
            summary.databaseError = e.message();
        } else {
            summary.removalRefusals.append(
                {group.roots.join(QStringLiteral(", ")),
                 QStringLiteral("the database refused the removal: %1").arg(e.userMessage())});
        }
    }
}

void Importer::importGroup(const Group& group, Pipeline& pipe, ImportSummary& summary) {
    for (const FolderWalker::Skipped& s : group.walked.skipped) {
        ImportFileResult r;
        r.outcome = Outcome::Skipped;
        r.path = s.path;
        r.collection = group.collection;
        r.reason = s.reason;
        ++pipe.progress.filesDone;
        report(r, summary);
    }

    qint64 collectionId = 0;
    ImportRunStore::Run run;
    QHash<QString, QString> stored;
    std::optional<DocumentStore> store;
    ImportRunStore runs(m_conn);
    QList<FolderWalker::File> todo;
    try {
        store.emplace(m_conn);
        collectionId = store->ensureCollection(group.collection);
        QStringList paths;
        QList<qint64> sizes;
        for (const FolderWalker::File& f : group.walked.files) {
            paths.append(f.path);
            sizes.append(f.size);
        }
        run = runs.begin(collectionId, group.roots, paths, sizes);
        stored = store->storedHashes(collectionId);
    } catch (const DbError& e) {
        summary.databaseLost = true;
        summary.databaseError = e.userMessage();
        for (const FolderWalker::File& f : group.walked.files) {
            ImportFileResult r;
            r.path = f.path;
            r.collection = group.collection;
            r.reason = lostDatabaseReason(e.message());
            report(r, summary);
        }
        return;
    }
    for (const FolderWalker::File& f : group.walked.files) {
        if (run.isDone(f.path, f.size, f.mtime.isValid() ? f.mtime.toMSecsSinceEpoch() : -1)) {
            // Stored by the earlier, interrupted run of these paths and not changed since: not
            // read again.
            ImportFileResult r;
            r.outcome = Outcome::Unchanged;
            r.path = f.path;
            r.collection = group.collection;
            r.bytes = f.size;
            ++pipe.progress.filesDone;
            pipe.progress.bytesDone += f.size;
            report(r, summary);
        } else {
            todo.append(f);
        }
    }

    // Readers: each takes the next file, reads, chunks and queues the result.
    const int readers = std::max(1, m_settings.readerThreads > 0 ? m_settings.readerThreads
                                                                 : QThread::idealThreadCount());
    const qsizetype queueLimit = readers * 4;
    std::atomic<qsizetype> nextFile{0};
    pipe.partialBytes.clear();
    for (int i = 0; i < readers; ++i)
        pipe.partialBytes.push_back(std::make_unique<std::atomic<qint64>>(0));
    pipe.activeReaders = readers;
    const DocumentPreparer preparer(m_settings);

    const auto readOne = [&](const FolderWalker::File& f, int slot,
                             ReaderClient& reader) -> WorkResult {
        WorkResult w;
        ImportFileResult& r = w.result;
        r.path = f.path;
        r.collection = group.collection;
        r.bytes = f.size;
        // Opened without following links or blocking, checked to be the file the walk listed.
        const SafeFileReader::Result file =
            SafeFileReader::read(f.readPath.isEmpty() ? f.path : f.readPath, f.status,
                                 m_settings.maxFileBytes, &m_cancelled);
        if (file.state == SafeFileReader::State::Cancelled)
            throw ReadCancelled();
        if (!file.ok()) {
            r.outcome = file.deliberate() ? Outcome::Skipped : Outcome::Failed;
            r.reason = file.reason;
            return w;
        }
        const QByteArray& bytes = file.bytes;
        r.bytes = bytes.size();
        const QString sha = hashOf(bytes);
        if (stored.value(f.path) == sha) {
            r.outcome = Outcome::Unchanged;
            return w;
        }
        ReadContext ctx;
        ctx.ocrEnabled = m_settings.ocrEnabled;
        ctx.ocrLanguage = m_settings.ocrLanguage;
        ctx.maxDecompressedBytes = m_settings.maxDecompressedBytes;
        ctx.cancelled = &m_cancelled;
        ctx.maxTextChars = m_settings.maxTextChars;
        ctx.deadlineSeconds = m_settings.maxReadSeconds + int(f.size / kReadBytesPerSecond);
        ctx.deadline = QDeadlineTimer(qint64(ctx.deadlineSeconds) * 1000);
        std::atomic<qint64>& partial = *pipe.partialBytes[static_cast<size_t>(slot)];
        ctx.onProgress = [&partial, size = f.size](double fraction) {
            partial.store(static_cast<qint64>(fraction * double(size)));
        };
        try {
            // In this thread's quiver-reader process: a crash, hang or memory exhaustion there
            // fails this file with a reason and the import goes on.
            const ExtractedDocument doc = reader.read(bytes, f.path, ctx);
            PreparedDocument prepared =
                preparer.prepare(doc, f.path, sha, bytes.size(), file.status.modified());
            r.title = prepared.title;
            r.format = prepared.format;
            r.pages = prepared.pages;
            r.chunks = static_cast<int>(prepared.chunks.size());
            r.warning = doc.warnings.join(QStringLiteral("; "));
            for (const PreparedChunk& c : std::as_const(prepared.chunks))
                w.textBytes += c.text.size() * 2;
            w.document = std::move(prepared);
            r.outcome = Outcome::Imported;
        } catch (const ReadError& e) {
            r.outcome = e.deliberate() ? Outcome::Skipped : Outcome::Failed;
            r.reason = e.reason();
        }
        partial.store(0);
        return w;
    };

    // Every file of the group gets exactly one result line, even when the run is cut short.
    QSet<QString> reported;
    const auto reportOnce = [&](const ImportFileResult& r) {
        reported.insert(r.path);
        report(r, summary);
    };

    std::vector<std::thread> threads;
    threads.reserve(static_cast<size_t>(readers));
    for (int slot = 0; slot < readers; ++slot) {
        threads.emplace_back([&, slot]() {
            // Started on the first file, reused for the next, killed when this thread ends.
            ReaderClient reader({{}, qint64(m_settings.readerMemoryMiB) * 1024 * 1024});
            for (;;) {
                if (m_cancelled.load())
                    break;
                const qsizetype i = nextFile.fetch_add(1);
                if (i >= todo.size())
                    break;
                WorkResult w;
                try {
                    w = readOne(todo[i], slot, reader);
                } catch (const ReadCancelled&) {
                    break;
                } catch (const std::exception& e) {
                    w.result.path = todo[i].path;
                    w.result.collection = group.collection;
                    w.result.outcome = Outcome::Failed;
                    w.result.reason =
                        QStringLiteral("unexpected error: %1").arg(QString::fromUtf8(e.what()));
                }
                std::unique_lock lock(pipe.mutex);
                pipe.readyForReaders.wait(lock, [&]() {
                    return qsizetype(pipe.queue.size()) < queueLimit || m_cancelled.load();
                });
                if (m_cancelled.load())
                    break;
                pipe.queue.push_back(std::move(w));
                pipe.readyForWriter.notify_one();
            }
            std::lock_guard lock(pipe.mutex);
            --pipe.activeReaders;
            pipe.readyForWriter.notify_one();
        });
    }

    // The writer: this thread hands batches to the writer pool, or writes them itself on m_conn
    // when there is none; either way every result is reported from here.
    // A single file is not worth the connections.
    WriterPool* const pool = todo.size() > 1 ? writerPool(pipe) : nullptr;
    QList<PreparedDocument> batch;
    QList<ImportFileResult> batchResults;
    qsizetype batchText = 0;
    qsizetype batchChunks = 0;
    QElapsedTimer batchAge;
    QHash<quint64, QList<ImportFileResult>> inFlight; // pool batches by ticket
    quint64 nextTicket = 0;
    QList<ImportRunStore::Mark> marks;
    bool lost = false;
    QString lostMessage;

    const auto failLost = [&](const QList<ImportFileResult>& results) {
        for (ImportFileResult r : results) {
            r.outcome = Outcome::Failed;
            r.reason = lostDatabaseReason(lostMessage);
            r.chunks = 0;
            ++pipe.progress.filesDone;
            reportOnce(r);
        }
    };
    const auto flushMarks = [&]() {
        if (marks.isEmpty() || lost)
            return;
        try {
            runs.mark(run.id, marks);
        } catch (const DbError& e) {
            if (!m_conn.isOpen()) {
                lost = true;
                lostMessage = e.message();
            }
        }
        marks.clear();
    };
    // Reports what became of one written batch.
    const auto settle = [&](const QList<ImportFileResult>& results,
                            const DocumentStore::BatchOutcome& outcome) {
        if (outcome.connectionLost && !lost) {
            lost = true;
            lostMessage = outcome.lostMessage;
        }
        for (qsizetype i = 0; i < results.size(); ++i) {
            ImportFileResult r = results[i];
            const DocumentStore::DocumentOutcome& d = outcome.documents[i];
            pipe.bytesReported += r.bytes;
            switch (d.state) {
            case DocumentStore::DocumentOutcome::State::Written:
                r.documentId = d.written.documentId;
                r.outcome = d.written.replaced ? Outcome::Replaced : Outcome::Imported;
                r.reusedEmbeddings = d.written.reusedEmbeddings;
                pipe.progress.chunks += r.chunks;
                ++pipe.progress.filesDone;
                ++pipe.stored;
                reportOnce(r);
                break;
            case DocumentStore::DocumentOutcome::State::Refused:
                r.outcome = Outcome::Failed;
                r.reason = QStringLiteral("the database refused it: %1").arg(d.serverMessage);
                r.chunks = 0;
                marks.append({r.path, QStringLiteral("failed"), r.reason});
                ++pipe.progress.filesDone;
                reportOnce(r);
                break;
            case DocumentStore::DocumentOutcome::State::NotStored:
                // Cancelled: not stored and not reported, like the batch not yet handed out.
                if (!outcome.stopped || outcome.connectionLost)
                    failLost({r});
                break;
            }
        }
        if (lost)
            m_cancelled.store(true); // stop the readers: nothing more can be stored
    };
    const auto settleDone = [&]() {
        if (!pool)
            return;
        for (const WriterPool::Done& done : pool->takeDone())
            settle(inFlight.take(done.ticket), done.outcome);
    };
    const auto writerFree = [&]() { return !pool || pool->hasFreeWriter(); };
    const auto flush = [&]() {
        if (batch.isEmpty())
            return;
        if (lost) {
            for (const ImportFileResult& r : std::as_const(batchResults))
                pipe.bytesReported += r.bytes;
            failLost(batchResults);
        } else if (pool) {
            const quint64 ticket = nextTicket++;
            inFlight.insert(ticket, batchResults);
            pool->submit({ticket, collectionId, run.id, std::move(batch)});
        } else {
            settle(batchResults, store->writeEach(collectionId, batch, run.id));
        }
        batch.clear();
        batchResults.clear();
        batchText = 0;
        batchChunks = 0;
    };
    const auto emitProgress = [&](bool force) {
        if (!onProgress || (!force && pipe.sinceProgress.elapsed() < kProgressIntervalMs))
            return;
        ImportProgress p = pipe.progress;
        p.bytesDone += pipe.bytesReported;
        for (const auto& partial : pipe.partialBytes)
            p.bytesDone += partial->load();
        // A file moves from "in a reader" to "reported" in two steps; never let the sum dip.
        p.bytesDone = std::clamp(p.bytesDone, pipe.lastBytesShown, p.bytesTotal);
        pipe.lastBytesShown = p.bytesDone;
        onProgress(p);
        pipe.sinceProgress.restart();
    };
    const auto batchFull = [&]() {
        return batch.size() >= kBatchDocuments || batchText >= kBatchTextBytes ||
               batchChunks >= kBatchChunks;
    };

    for (;;) {
        std::deque<WorkResult> taken;
        bool readersDone = false;
        {
            std::unique_lock lock(pipe.mutex);
            // A full batch waiting for a free writer takes nothing more: the readers then wait
            // on the queue's limit instead of filling memory.
            const auto canTake = [&]() { return !batchFull() || writerFree(); };
            pipe.readyForWriter.wait_for(lock, std::chrono::milliseconds(100), [&]() {
                if (m_cancelled.load() || (pool && pool->hasDone()))
                    return true;
                if (!pipe.queue.empty())
                    return canTake();
                if (pipe.activeReaders > 0)
                    return false;
                // Readers finished: wake for a batch that can go out now, or to end.
                return batch.isEmpty() ? !(pool && pool->inFlight() > 0) : writerFree();
            });
            if (canTake())
                taken.swap(pipe.queue);
            readersDone = pipe.activeReaders == 0 && pipe.queue.empty();
            pipe.readyForReaders.notify_all();
        }
        settleDone();
        if (m_cancelled.load() && !lost)
            break; // what is not committed is dropped; the run stays open to be resumed
        for (WorkResult& w : taken) {
            if (w.document && !lost) {
                if (batch.isEmpty())
                    batchAge.start();
                batchChunks += w.document->chunks.size();
                batch.append(std::move(*w.document));
                batchResults.append(w.result);
                batchText += w.textBytes;
                continue;
            }
            if (lost) {
                failLost({w.result});
                continue;
            }
            const QString state = w.result.outcome == Outcome::Unchanged
                                      ? QStringLiteral("unchanged")
                                  : w.result.outcome == Outcome::Skipped ? QStringLiteral("skipped")
                                                                         : QStringLiteral("failed");
            marks.append({w.result.path, state, w.result.reason});
            pipe.bytesReported += w.result.bytes;
            ++pipe.progress.filesDone;
            reportOnce(w.result);
        }
        const bool due = !batch.isEmpty() &&
                         (batchFull() || taken.empty() || readersDone || batchAge.elapsed() > 500);
        if (lost || (due && writerFree()))
            flush();
        if (marks.size() >= 500)
            flushMarks();
        if (!lost)
            analyzeIfGrown(pipe);
        emitProgress(false);
        if (readersDone && batch.isEmpty() && !(pool && pool->inFlight() > 0))
            break;
        if (lost && readersDone)
            break;
    }
    if (lost)
        flush();
    // Batches in flight: a cancel cuts them short on the server so that it is quick; otherwise
    // they commit or fail on their own. Either way what committed is reported.
    if (pool) {
        if (m_cancelled.load() && !lost)
            pool->stop();
        pool->waitIdle();
        settleDone();
    }
    {
        std::lock_guard lock(pipe.mutex);
        pipe.readyForReaders.notify_all();
    }
    for (std::thread& t : threads)
        t.join();
    if (lost) {
        // Whatever the readers still held, and the files never reached, were not stored.
        for (WorkResult& w : pipe.queue)
            failLost({w.result});
        pipe.queue.clear();
        for (qsizetype i = 0; i < todo.size(); ++i) {
            if (reported.contains(todo[i].path))
                continue;
            ImportFileResult r;
            r.path = todo[i].path;
            r.collection = group.collection;
            r.bytes = todo[i].size;
            failLost({r});
        }
        summary.databaseLost = true;
        summary.databaseError = lostMessage;
        return;
    }
    pipe.queue.clear();
    flushMarks();
    pipe.progress.bytesDone += pipe.bytesReported;
    pipe.bytesReported = 0;
    emitProgress(true);
    if (!m_cancelled.load() && !lost) {
        try {
            runs.finish(run.id);
        } catch (const DbError&) {
            summary.databaseLost = !m_conn.isOpen();
        }
    }
}

} // namespace quiver
