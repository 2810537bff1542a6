#include "core/search/search_worker.h"

#include "core/search/embedding_source.h"
#include "core/search/query_embedder_factory.h"

#include <QLocale>
#include <QSettings>
#include <QThread>

#include <algorithm>

namespace quiver {

SearchWorker::SearchWorker(std::shared_ptr<std::atomic<int>> latest,
                           std::shared_ptr<std::atomic<bool>> stopping)
    : m_latest(std::move(latest))
    , m_stopping(std::move(stopping)) {}

// Shared by the worker and the thread that opens its index.
struct SearchWorker::IndexBuild {
    std::atomic<bool> cancel{false};
    std::atomic<int> percent{0};
    QString error; // written by the thread before it ends, read after it is joined
};

SearchWorker::~SearchWorker() {
    stopIndexBuild();
}

void SearchWorker::stopIndexBuild() {
    if (m_build)
        m_build->cancel.store(true);
    if (m_buildThread.joinable())
        m_buildThread.join();
    m_build.reset();
}

QString SearchWorker::readyMessage() const {
    if (!m_index)
        return m_semanticUnavailable;
    if (!m_semanticReady)
        return tr("Keyword search; meaning-based search joins when its index is built (%1%)")
            .arg(m_build ? m_build->percent.load() : 0);
    const IndexStatus s = m_index->status();
    const QLocale locale;
    QString msg = tr("%n passage(s) indexed", nullptr,
                     static_cast<int>(s.baseVectors + s.deltaVectors - s.maskedBaseVectors));
    if (s.exact)
        msg += tr(" · exact search");
    else if (s.recall)
        msg += tr(" · measured recall@10 %1").arg(locale.toString(*s.recall, 'f', 3));
    else
        msg += tr(" · recall not measured yet (quiver-cli index verify)");
    if (!m_semanticUnavailable.isEmpty())
        msg += QStringLiteral(" · ") + m_semanticUnavailable;
    return msg;
}

void SearchWorker::open(const DatabaseTarget& target, const SearchService::EmbedderFactory& factory,
                        const SearchIndexOptions& options) {
    stopIndexBuild();
    m_index.reset();
    m_semanticReady = false;
    m_keywords.reset();
    m_embed = {};
    m_conn.reset();
    m_semanticUnavailable.clear();
    m_awaitingEmbeddings = false;
    m_factory = factory;
    m_options = options;
    m_settings = SearchSettings::load(QSettings());
    onState(SearchService::State::Opening, tr("Opening the database…"), 0);
    try {
        m_conn = m_opener.open(target);
        // Before the indexes: building them can take minutes, and filters are useful meanwhile.
        sendFacets();
        setUpKeywords();
        setUpSemantic();
        // With an index to open, Ready comes when it is open; searches are answered by
        // keywords meanwhile.
        if (!m_build)
            onState(SearchService::State::Ready, readyMessage(), 1);
    } catch (const std::exception& e) {
        stopIndexBuild();
        m_index.reset();
        m_keywords.reset();
        m_conn.reset();
        onState(SearchService::State::Failed, userMessageFor(e), 0);
    }
}

void SearchWorker::setUpKeywords() {
    KeywordIndexOptions options;
    options.directory = m_options.directory;
    options.params = m_settings.bm25;
    // A core stays free for the window while a large build analyses text.
    options.threads = std::max(1, QThread::idealThreadCount() - 1);
    m_keywords = std::make_unique<KeywordIndex>(options);
    int lastPercent = -1;
    m_keywords->open(*m_conn, [this, &lastPercent](double f, const QString& step) {
        const int percent = static_cast<int>(f * 100);
        if (percent != lastPercent) {
            lastPercent = percent;
            onState(SearchService::State::Building, step, f);
        }
        return !m_stopping->load();
    });
}

void SearchWorker::setUpSemantic() {
    stopIndexBuild();
    m_index.reset();
    m_semanticReady = false;
    m_embed = {};
    m_semanticUnavailable.clear();
    const QString model = preferredSearchModel(*m_conn);
    m_awaitingEmbeddings = model.isEmpty();
    if (model.isEmpty()) {
        m_semanticUnavailable = tr("Keyword search only: no passage has an embedding yet");
        return;
    }
    if (!m_factory) {
        m_semanticUnavailable =
            tr("Keyword search only: no embedding model is set up for %1").arg(model);
        return;
    }
    try {
        m_embed = m_factory(*m_conn, model);
    } catch (const std::exception& e) {
        m_semanticUnavailable = tr("Keyword search only: %1").arg(QString::fromUtf8(e.what()));
        return;
    }
    m_index = std::make_unique<SearchIndex>(model, m_options);
    auto build = m_build = std::make_shared<IndexBuild>();
    // The thread uses only what it is given: the worker may be reopened (which cancels and
    // joins it) while it runs. Its end is reported back on this thread.
    m_buildThread = std::thread([this, build, index = m_index.get(), conninfo = m_opener.conninfo(),
                                 stopping = m_stopping, report = onState] {
        try {
            PgConnection conn = PgConnection::open(conninfo);
            // Builds report very often; the GUI hears of each whole percent only.
            int lastPercent = -1;
            index->open(conn, [&](double f, const QString& step) {
                const int p = static_cast<int>(f * 100);
                if (p != lastPercent) {
                    lastPercent = p;
                    build->percent.store(p);
                    report(SearchService::State::Building, step, f);
                }
                return !build->cancel.load() && !stopping->load();
            });
        } catch (const IndexCancelled&) {
            build->error = tr("the index build was cancelled");
        } catch (const std::exception& e) {
            build->error = userMessageFor(e);
        }
        QMetaObject::invokeMethod(
            this, [this, build] { finishIndexBuild(build); }, Qt::QueuedConnection);
    });
}

void SearchWorker::finishIndexBuild(std::shared_ptr<IndexBuild> build) {
    if (build != m_build)
        return; // cancelled, or finished already
    if (m_buildThread.joinable())
        m_buildThread.join();
    m_build.reset();
    if (!build->error.isEmpty()) {
        // Keyword search goes on; the reason shows in the status line.
        m_index.reset();
        m_embed = {};
        m_semanticUnavailable = tr("Keyword search only: %1").arg(build->error);
    } else {
        m_semanticReady = true;
    }
    onState(SearchService::State::Ready, readyMessage(), 1);
}

void SearchWorker::enableSemanticWhenEmbedded() {
    if (!m_awaitingEmbeddings)
        return;
    const bool any = m_conn->exec(QStringLiteral("SELECT EXISTS (SELECT 1 FROM quiver.embeddings)"))
                         .toBool(0, 0);
    if (!any)
        return;
    try {
        setUpSemantic();
    } catch (const std::exception& e) {
        // Keyword search goes on; the reason shows in the status line.
        m_index.reset();
        m_embed = {};
        m_awaitingEmbeddings = false;
        m_semanticUnavailable = tr("Keyword search only: %1").arg(userMessageFor(e));
    }
    // The first embeddings make a small index: the search that noticed them waits for it.
    if (m_build)
        finishIndexBuild(m_build);
    else
        onState(SearchService::State::Ready, readyMessage(), 1);
}

void SearchWorker::search(int id, const SearchRequest& request) {
    if (stale(id) || m_stopping->load())
        return; // a newer request is queued behind this one
    if (!m_conn) {
        onFailed(id, tr("Search is not available: the database is not open."));
        return;
    }
    try {
        enableSemanticWhenEmbedded();
        SearchRequest r = request;
        QString notice;
        if (r.mode != SearchMode::Keyword && !m_embed) {
            notice = m_semanticUnavailable;
            r.mode = SearchMode::Keyword;
        } else if (r.mode != SearchMode::Keyword && !m_semanticReady) {
            notice = readyMessage();
            r.mode = SearchMode::Keyword;
        }
        HybridSearch search(*m_conn, m_keywords.get(), m_index.get(), m_embed);
        search.setFusion(m_settings.fusion);
        if (r.perDocument == 0)
            r.perDocument = m_settings.perDocument;
        const std::vector<SearchHit> hits = search.search(r);
        onResults(id, QList<SearchHit>(hits.begin(), hits.end()), notice);
    } catch (const std::exception& e) {
        onFailed(id, userMessageFor(e));
    }
}

void SearchWorker::moreLikeThis(int id, qint64 chunkId, int k) {
    if (stale(id) || m_stopping->load())
        return;
    if (!m_conn || !m_index) {
        onFailed(id, m_semanticUnavailable.isEmpty() ? tr("Search is not available.")
                                                     : m_semanticUnavailable);
        return;
    }
    if (!m_semanticReady) {
        onFailed(id, readyMessage());
        return;
    }
    try {
        HybridSearch search(*m_conn, m_keywords.get(), m_index.get(), m_embed);
        const std::vector<SearchHit> hits = search.moreLikeThis(chunkId, k);
        onResults(id, QList<SearchHit>(hits.begin(), hits.end()), {});
    } catch (const std::exception& e) {
        onFailed(id, userMessageFor(e));
    }
}

void SearchWorker::sendFacets() {
    if (!m_conn || !onFacets)
        return;
    try {
        onFacets(readSearchFacets(*m_conn));
    } catch (const std::exception&) {
        // A connection that went away is reported by the search that meets it.
    }
}

} // namespace quiver
