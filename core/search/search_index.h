#pragma once

#include "core/diskann/build_params.h"
#include "core/search/database_identity.h"
#include "core/search/search_types.h"

#include <QDateTime>
#include <QString>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <vector>

namespace quiver {

class FileLock;
class PgConnection;
struct IndexManifest;

// Raised when an index build is cancelled through its progress callback.
class IndexCancelled : public std::runtime_error {
public:
    IndexCancelled()
        : std::runtime_error("index build cancelled") {}
};

struct SearchIndexOptions {
    QString directory;                  // index files; empty: appCacheDir()/indexes
    std::uint32_t exactBelow = 5000;    // fewer vectors: held in memory, searched exactly
    std::size_t mergeAbove = 50000;     // changes since the base (and >= 10% of it) trigger a merge
    diskann::BuildParams build{};       // graph parameters of the base and of the delta
    std::uint32_t searchListSize = 100; // L at query time
    std::uint32_t beamWidth = 4;        // W: nodes read per round from the base file
    std::uint32_t cacheNodes = 0;       // hot base nodes kept in RAM; 0: the file's default
    // Base files up to this size are read completely when opened, to find damage early.
    std::uint64_t verifyOnOpenBelow = 256ull << 20;
    // Deletion-log rows older than this are pruned (by sync(), at most hourly). An index that
    // has not synced for longer rebuilds when it next opens.
    int deletionLogDays = 30;
    // Opens a connection for background merges; unset: merges run inside sync().
    std::function<PgConnection()> connect;
};

struct IndexStatus {
    QString model;
    int dimensions = 0;
    bool exact = true;            // no base file: every vector in memory, searched exactly
    qint64 baseVectors = 0;       // in the base file
    qint64 deltaVectors = 0;      // arrived since the base was written
    qint64 maskedBaseVectors = 0; // base entries hidden (deleted or rewritten since)
    // Stored vectors left out because their length is not the model's (the most common one,
    // when the index was built): reported, never a reason for the index to fail.
    qint64 skippedVectors = 0;
    std::uint64_t watermark = 0;
    QDateTime lastSync;
    qint64 fileBytes = 0;
    qint64 ramBytes = 0;
    bool merging = false;
    QString baseFile; // full path; empty in exact mode
    QString opened;   // what open() did: "loaded", "built", or "rebuilt: <reason>"
    // How the base was last renewed since opening: "streamed: ..." (the changes merged into a
    // new base file) or "rebuilt from the database"; empty when it has not been.
    QString lastMerge;
    std::optional<double> recall;
    int recallSample = 0;
    QDateTime recallMeasuredAt;
};

// The vector index of one (database, embedding model): kept in the user's cache folder and in
// step with quiver.embeddings. Up to exactBelow vectors it is an in-memory set searched
// exactly; beyond, an SSD-resident DiskIndex base plus an in-memory Vamana delta of what
// arrived since, and a mask of base entries deleted or rewritten since. sync() brings it up to
// date from the txid watermark and the deletion log; when the changes grow large, a merge
// streams the old base file, the delta and the mask into a new base (in the background when
// options.connect is set; a full build from the database in exact mode, or when the merge
// fails) and swaps it in atomically while searches go on with the old one.
//
// Processes: several programs (two windows, a CLI worker) may use one index folder. Writing an
// index's files (a build, a merge, the manifest, removing unused bases) takes a lock file per
// index, always before the serial lock below; a process that waited loads what the other wrote
// instead of building it again, and a base file another process has open is never removed.
//
// Threads: search() and status() may run concurrently with everything; open, rebuild and sync
// are serialised internally. Each call that takes a PgConnection uses it on the calling thread.
class SearchIndex {
public:
    // fraction in [0, 1] and a short step description; returning false cancels.
    using Progress = std::function<bool(double fraction, const QString& step)>;

    explicit SearchIndex(QString model, SearchIndexOptions options = {});
    ~SearchIndex();
    SearchIndex(const SearchIndex&) = delete;
    SearchIndex& operator=(const SearchIndex&) = delete;

    // Loads the index file of this database and model when it is sound; builds (or rebuilds a
    // damaged, foreign or stale one) from the database otherwise; then syncs. Stored vectors
    // of another length than the model's are left out and counted (status().skippedVectors).
    // Throws IndexCancelled, DbError, or std::runtime_error when the index folder or files
    // cannot be written.
    void open(PgConnection& conn, const Progress& progress = {});
    // Builds a new base from the database and replaces the current one.
    void rebuild(PgConnection& conn, const Progress& progress = {});
    // Applies embeddings written and deleted since the last sync; returns how many changes.
    std::size_t sync(PgConnection& conn);

    // The k nearest chunks to query (cosine similarity as score, best first) among those the
    // filters may let through: collections exactly, types by a hash of the MIME type and import
    // dates by whole days (core/search/index_labels.h), so a caller applies the exact filters
    // to what it reads.
    std::vector<RankedChunk> search(std::span<const float> query, int k,
                                    const SearchFilters& filters = {}) const;

    bool isOpen() const;
    const QString& model() const { return m_model; }
    int dimensions() const;
    IndexStatus status() const;
    // Remembers a measured recall@10 in the manifest, shown by status.
    void recordRecall(double recall, int sample);
    // Blocks until a background merge (if any) has finished.
    void waitForMerge();

    struct State;

private:
    diskann::BuildParams graphParams() const;
    std::unique_ptr<State> buildFromDatabase(PgConnection& conn, const Progress& progress);
    // The index the manifest on disk describes, when it is sound, of this database and model,
    // and up to date enough to sync; null with the reason otherwise. notThisBase: a base file
    // known to be damaged.
    std::unique_ptr<State> loadFromDisk(PgConnection& conn, QString* reason,
                                        const QString& notThisBase);
    // The base another process wrote after `current`, loaded; null when there is none.
    std::unique_ptr<State> newerBaseOnDisk(PgConnection& conn, const IndexManifest& current);
    // Reads the database's identity, makes the folder, returns the index's file key.
    QString keyFor(PgConnection& conn, DatabaseIdentity* identity) const;
    // Takes the lock on this index's files (one writer among all processes), reporting the
    // wait through progress; throws IndexCancelled when progress cancels.
    void waitForFiles(FileLock& files, const QString& key, const Progress& progress);
    QString lockPath(const QString& key) const;
    QString freshBaseName(std::uint64_t watermark) const;
    void install(std::unique_ptr<State> next);
    std::size_t applyChanges(State& state, PgConnection& conn);
    bool mergeDue() const;
    void startMerge(PgConnection& conn);
    struct MergeInput;
    // A copy of what the current base lacks (the delta's points, the masked ids) and the
    // watermark they are complete to. Called with the serial lock held.
    std::shared_ptr<const MergeInput> mergeInput();
    // Streams the base file and the input into a new base file (FreshDiskANN's merge) and
    // returns the state around it, complete to the input's watermark.
    std::unique_ptr<State> mergedBase(const MergeInput& input);
    QString directory() const;
    QString manifestPath() const;
    void removeStaleFiles(const QString& keep) const;

    QString m_model;
    SearchIndexOptions m_options;
    DatabaseIdentity m_identity;
    QString m_key;
    std::unique_ptr<State> m_state;
    struct Sync;
    std::unique_ptr<Sync> m_sync;
};

} // namespace quiver
