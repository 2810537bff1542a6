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

SearchWorker::~SearchWorker() = default;

QString SearchWorker::readyMessage() const {
    if (!m_index)
        return m_semanticUnavailable;
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
    m_index.reset();
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
        onState(SearchService::State::Ready, readyMessage(), 1);
    } catch (const std::exception& e) {
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
    m_index.reset();
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
    // Builds report very often; the GUI hears of each whole percent only.
    int lastPercent = -1;
    m_index->open(*m_conn, [this, &lastPercent](double f, const QString& step) {
        const int percent = static_cast<int>(f * 100);
        if (percent != lastPercent) {
            lastPercent = percent;
            onState(SearchService::State::Building, step, f);
        }
        return !m_stopping->load();
    });
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
