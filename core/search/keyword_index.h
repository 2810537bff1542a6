#pragma once

#include "core/search/bm25_index.h"

#include <QDateTime>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>

namespace quiver {

class PgConnection;

struct KeywordIndexOptions {
    QString directory; // index files; empty: appCacheDir()/indexes
    Bm25Params params;
    int threads = 0; // analysis threads of a build; 0: one per core
    // Log rows older than this are pruned (by sync(), at most hourly); an index that has not
    // synced for longer rebuilds when it next opens.
    int logRetentionDays = 30;
    // The file is rewritten after this many changes (or a twentieth of the index, if more)
    // and when the index closes with changes it has not saved.
    std::size_t saveAfterChanges = 2000;
};

struct KeywordIndexStatus {
    qint64 chunks = 0;
    qint64 terms = 0;
    qint64 ramBytes = 0;
    qint64 fileBytes = 0;
    QString language;
    QString file;
    QString opened; // "loaded", "built", "rebuilt: <reason>"
    QDateTime lastSync;
};

// One keyword result: BM25 score and the query words it matched, as the user typed them.
struct KeywordMatch {
    qint64 chunkId = 0;
    qint64 documentId = 0;
    double score = 0;
    QStringList matched;
};

// The BM25 index of one database's chunks, in the user's cache folder beside the vector indexes
// and in step with quiver.chunks through quiver.chunk_log (migration 12), the way SearchIndex
// follows quiver.embeddings: a snapshot watermark, the log rows already applied above it, a
// rebuild from the database when the file is missing, damaged, made for another database or
// language, or older than the pruned part of the log. The analyzer's language is the
// database's (search_settings.keyword_language), so every machine agrees on what a term is.
//
// Threads: search() and status() may run concurrently with everything; open, rebuild and sync
// are serialised internally. Each call that takes a PgConnection uses it on the calling thread.
class KeywordIndex {
public:
    using Progress = std::function<bool(double fraction, const QString& step)>;

    explicit KeywordIndex(KeywordIndexOptions options = {});
    ~KeywordIndex(); // saves unsaved changes
    KeywordIndex(const KeywordIndex&) = delete;
    KeywordIndex& operator=(const KeywordIndex&) = delete;

    // Loads this database's index file when it is sound, builds one otherwise, then syncs.
    // Throws IndexCancelled (search_index.h) or DbError.
    void open(PgConnection& conn, const Progress& progress = {});
    void rebuild(PgConnection& conn, const Progress& progress = {});
    // Applies the chunks written and removed since the last sync; returns how many changes.
    std::size_t sync(PgConnection& conn);

    // The k best chunks for a query in web-search syntax (see parseKeywordQuery), only those
    // of documents allow accepts when it is set.
    std::vector<KeywordMatch>
    search(const QString& query, int k,
           const std::function<bool(qint64 documentId)>& allow = {}) const;

    bool isOpen() const;
    QString language() const;
    KeywordIndexStatus status() const;
    void setParams(const Bm25Params& params);

    struct State;

private:
    std::unique_ptr<State> build(PgConnection& conn, const Progress& progress);
    std::unique_ptr<State> load(PgConnection& conn, QString& reason);
    std::size_t apply(State& state, PgConnection& conn, bool& reset);
    void install(std::unique_ptr<State> next);
    void saveNow();
    QString directory() const;
    QString filePath() const;

    KeywordIndexOptions m_options;
    QString m_path;
    std::unique_ptr<State> m_state;
    struct Sync;
    std::unique_ptr<Sync> m_sync;
};

} // namespace quiver
