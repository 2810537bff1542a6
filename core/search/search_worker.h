#pragma once

#include "core/db/pg_connection.h"
#include "core/search/keyword_index.h"
#include "core/search/search_service.h"
#include "core/search/search_settings.h"
#include "core/session/database_opener.h"

#include <QObject>

#include <atomic>
#include <memory>
#include <optional>
#include <thread>

namespace quiver {

// SearchService's half on its own thread: owns the connection, the index and the embedder,
// and reports through the callbacks the service gives it (which post back to the GUI thread).
class SearchWorker : public QObject {
    Q_OBJECT
public:
    SearchWorker(std::shared_ptr<std::atomic<int>> latest,
                 std::shared_ptr<std::atomic<bool>> stopping);
    ~SearchWorker() override;

    std::function<void(SearchService::State, const QString&, double)> onState;
    std::function<void(int, const QList<SearchHit>&, const QString&)> onResults;
    std::function<void(int, const QString&)> onFailed;
    std::function<void(const SearchFacets&)> onFacets;

    void open(const DatabaseTarget& target, const SearchService::EmbedderFactory& factory,
              const SearchIndexOptions& options);
    void search(int id, const SearchRequest& request);
    void moreLikeThis(int id, qint64 chunkId, int k);
    // Reads and reports the facets; without a database, or when reading fails, it stays silent
    // (the next search reports the failure).
    void sendFacets();

private:
    bool stale(int id) const { return id != m_latest->load(); }
    QString readyMessage() const;
    // Opens (or builds) the keyword index, reporting its build like the vector index's.
    void setUpKeywords();
    // Picks the model, builds its query embedder and starts opening (or building) its index on a
    // thread and a connection of its own, so that keyword searches are answered meanwhile; when
    // that is not possible, m_semanticUnavailable says why.
    void setUpSemantic();
    struct IndexBuild;
    // Back on this thread when the build's thread has ended: the index is open, or the reason
    // it is not becomes m_semanticUnavailable. Reports Ready. Nothing for an older build.
    void finishIndexBuild(std::shared_ptr<IndexBuild> build); // by value: it resets m_build
    // Cancels an index build in progress and waits for its thread.
    void stopIndexBuild();
    // A database opened before any passage had an embedding gets semantic search as soon as
    // the first embeddings arrive, without reopening.
    void enableSemanticWhenEmbedded();

    std::shared_ptr<std::atomic<int>> m_latest;
    std::shared_ptr<std::atomic<bool>> m_stopping;
    DatabaseOpener m_opener;
    std::optional<PgConnection> m_conn;
    std::unique_ptr<KeywordIndex> m_keywords;
    std::unique_ptr<SearchIndex> m_index; // searched only once m_semanticReady
    bool m_semanticReady = false;
    std::shared_ptr<IndexBuild> m_build; // the index's opening in progress, if any
    std::thread m_buildThread;
    QueryEmbedder m_embed;
    SearchSettings m_settings;
    QString m_semanticUnavailable; // why semantic search cannot run, when it cannot
    bool m_awaitingEmbeddings = false;
    SearchService::EmbedderFactory m_factory;
    SearchIndexOptions m_options;
};

} // namespace quiver
