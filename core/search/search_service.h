#pragma once

#include "core/search/hybrid_search.h"
#include "core/search/search_facets.h"
#include "core/search/search_index.h"
#include "core/search/search_types.h"
#include "core/session/database_target.h"

#include <QList>
#include <QObject>
#include <QString>

#include <atomic>
#include <functional>
#include <memory>

class QThread;

namespace quiver {

class PgConnection;
class SearchWorker;

// The GUI's handle on search. A thread of its own holds the connection, the vector index and
// the embedder; requests travel there as queued calls and answers come back as signals, so the
// GUI thread never waits. Only the newest request is worked on: older ones still queued are
// skipped, and the caller drops answers to anything but its newest request id.
class SearchService : public QObject {
    Q_OBJECT
public:
    enum class State { NoDatabase, Opening, Building, Ready, Failed };
    Q_ENUM(State)

    // Makes the query embedder for the model that embedded the collection; throws when none.
    using EmbedderFactory = std::function<QueryEmbedder(PgConnection& conn, const QString& model)>;

    explicit SearchService(QObject* parent = nullptr);
    ~SearchService() override;

    // Both take effect at the next open().
    void setEmbedderFactory(EmbedderFactory factory);
    void setIndexOptions(const SearchIndexOptions& options);

    void open(const DatabaseTarget& target);
    // Return the id that the answer will carry.
    int search(const SearchRequest& request);
    int moreLikeThis(qint64 chunkId, int k);
    // Asks for the stored collections and document types again; facetsReady answers. They are
    // also sent once each time a database opens.
    void refreshFacets();

    State state() const { return m_state; }

signals:
    // progress in [0, 1] while Building; message says what is happening, or what failed.
    void stateChanged(quiver::SearchService::State state, const QString& message, double progress);
    // notice: set when the answer is not what was asked for (e.g. keyword only).
    void resultsReady(int requestId, const QList<quiver::SearchHit>& hits, const QString& notice);
    void searchFailed(int requestId, const QString& message);
    void facetsReady(const quiver::SearchFacets& facets);

private:
    void setState(State s, const QString& message, double progress);

    State m_state = State::NoDatabase;
    QThread* m_thread = nullptr;
    SearchWorker* m_worker = nullptr;
    std::shared_ptr<std::atomic<int>> m_latest;
    std::shared_ptr<std::atomic<bool>> m_stopping;
    EmbedderFactory m_factory;
    SearchIndexOptions m_options;
    int m_nextId = 0;
};

} // namespace quiver
