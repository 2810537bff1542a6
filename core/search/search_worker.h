#pragma once

#include "core/db/pg_connection.h"
#include "core/search/keyword_index.h"
#include "core/search/search_service.h"
#include "core/search/search_settings.h"
#include "core/session/database_opener.h"

#include <QObject>

#include <optional>

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
    // Picks the model, builds its query embedder and opens (or builds) its index; when that is
    // not possible, m_semanticUnavailable says why.
    void setUpSemantic();
    // A database opened before any passage had an embedding gets semantic search as soon as
    // the first embeddings arrive, without reopening.
    void enableSemanticWhenEmbedded();

    std::shared_ptr<std::atomic<int>> m_latest;
    std::shared_ptr<std::atomic<bool>> m_stopping;
    DatabaseOpener m_opener;
    std::optional<PgConnection> m_conn;
    std::unique_ptr<KeywordIndex> m_keywords;
    std::unique_ptr<SearchIndex> m_index;
    QueryEmbedder m_embed;
    SearchSettings m_settings;
    QString m_semanticUnavailable; // why semantic search cannot run, when it cannot
    bool m_awaitingEmbeddings = false;
    SearchService::EmbedderFactory m_factory;
    SearchIndexOptions m_options;
};

} // namespace quiver
