#include "core/search/search_service.h"

#include "core/search/search_worker.h"

#include <QThread>

namespace quiver {

SearchService::SearchService(QObject* parent)
    : QObject(parent)
    , m_latest(std::make_shared<std::atomic<int>>(0))
    , m_stopping(std::make_shared<std::atomic<bool>>(false)) {
    m_thread = new QThread(this);
    m_thread->setObjectName(QStringLiteral("quiver-search"));
    m_worker = new SearchWorker(m_latest, m_stopping);
    m_worker->moveToThread(m_thread);
    connect(m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    // The worker reports from its thread; each report is posted to this object's thread.
    m_worker->onState = [this](State s, const QString& message, double progress) {
        QMetaObject::invokeMethod(
            this, [this, s, message, progress]() { setState(s, message, progress); },
            Qt::QueuedConnection);
    };
    m_worker->onResults = [this](int id, const QList<SearchHit>& hits, const QString& notice) {
        QMetaObject::invokeMethod(
            this, [this, id, hits, notice]() { emit resultsReady(id, hits, notice); },
            Qt::QueuedConnection);
    };
    m_worker->onFailed = [this](int id, const QString& message) {
        QMetaObject::invokeMethod(
            this, [this, id, message]() { emit searchFailed(id, message); }, Qt::QueuedConnection);
    };
    m_worker->onFacets = [this](const SearchFacets& facets) {
        QMetaObject::invokeMethod(
            this, [this, facets]() { emit facetsReady(facets); }, Qt::QueuedConnection);
    };
    m_thread->start();
}

SearchService::~SearchService() {
    m_stopping->store(true); // a build in progress gives up at its next progress report
    m_thread->quit();
    m_thread->wait();
}

void SearchService::setEmbedderFactory(EmbedderFactory factory) {
    m_factory = std::move(factory);
}

void SearchService::setIndexOptions(const SearchIndexOptions& options) {
    m_options = options;
}

void SearchService::setState(State s, const QString& message, double progress) {
    m_state = s;
    emit stateChanged(s, message, progress);
}

void SearchService::open(const DatabaseTarget& target) {
    m_latest->store(++m_nextId); // nothing queued for the old database is worth running
    setState(State::Opening, tr("Opening the database…"), 0);
    QMetaObject::invokeMethod(
        m_worker,
        [worker = m_worker, target, factory = m_factory, options = m_options]() {
            worker->open(target, factory, options);
        },
        Qt::QueuedConnection);
}

int SearchService::search(const SearchRequest& request) {
    const int id = ++m_nextId;
    m_latest->store(id);
    QMetaObject::invokeMethod(
        m_worker, [worker = m_worker, id, request]() { worker->search(id, request); },
        Qt::QueuedConnection);
    return id;
}

int SearchService::moreLikeThis(qint64 chunkId, int k) {
    const int id = ++m_nextId;
    m_latest->store(id);
    QMetaObject::invokeMethod(
        m_worker, [worker = m_worker, id, chunkId, k]() { worker->moreLikeThis(id, chunkId, k); },
        Qt::QueuedConnection);
    return id;
}

void SearchService::refreshFacets() {
    QMetaObject::invokeMethod(
        m_worker, [worker = m_worker]() { worker->sendFacets(); }, Qt::QueuedConnection);
}

} // namespace quiver
