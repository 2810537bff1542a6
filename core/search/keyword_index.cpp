#include "core/search/keyword_index.h"

#include "core/db/pg_connection.h"
#include "core/search/chunk_source.h"
#include "core/search/database_identity.h"
#include "core/search/embedding_source.h"
#include "core/search/keyword_query.h"
#include "core/search/log_pruner.h"
#include "core/search/search_index.h"
#include "core/search/text_analyzer.h"
#include "core/util/app_paths.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QSaveFile>
#include <QThread>
#include <QThreadPool>
#include <QtConcurrent>

#include <cstring>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <tuple>
#include <unordered_set>

Q_LOGGING_CATEGORY(lcKeywordIndex, "quiver.search.keywords")

namespace quiver {

namespace {

constexpr char kFileMagic[8] = {'Q', 'V', 'K', 'W', 'I', 'D', 'X', '1'};

// The analyzer of this thread for a language: analyzers are not thread-safe, and keeping one
// per thread keeps its stem cache warm across batches and queries.
TextAnalyzer& analyzerFor(const QString& language) {
    thread_local std::unique_ptr<TextAnalyzer> analyzer;
    if (!analyzer || analyzer->language() != language)
        analyzer = std::make_unique<TextAnalyzer>(language);
    return *analyzer;
}

// A chunk's terms, owned: the analyzer's term views do not outlive its next call.
struct AnalyzedChunk {
    qint64 chunkId = 0;
    qint64 documentId = 0;
    std::string arena;
    std::vector<std::tuple<std::uint32_t, std::uint32_t, int>> title; // offset, size, position
    std::vector<std::tuple<std::uint32_t, std::uint32_t, int>> body;
    int titleLength = 0;
    int bodyLength = 0;
};

void analyzeField(TextAnalyzer& analyzer, const QByteArray& utf8, std::string& arena,
                  std::vector<std::tuple<std::uint32_t, std::uint32_t, int>>& out, int& length) {
    thread_local std::vector<std::pair<std::string_view, int>> terms;
    terms.clear();
    length = analyzer.analyze(QString::fromUtf8(utf8), terms);
    out.reserve(terms.size());
    for (const auto& [term, position] : terms) {
        out.emplace_back(static_cast<std::uint32_t>(arena.size()),
                         static_cast<std::uint32_t>(term.size()), position);
        arena.append(term);
    }
}

AnalyzedChunk analyzeChunk(const ChunkText& row, const QString& language) {
    TextAnalyzer& analyzer = analyzerFor(language);
    AnalyzedChunk a;
    a.chunkId = row.chunkId;
    a.documentId = row.documentId;
    analyzeField(analyzer, row.title, a.arena, a.title, a.titleLength);
    analyzeField(analyzer, row.text, a.arena, a.body, a.bodyLength);
    return a;
}

void addChunk(Bm25Index& index, const AnalyzedChunk& a) {
    thread_local std::vector<TermAt> title;
    thread_local std::vector<TermAt> body;
    const auto views = [&a](const auto& from, std::vector<TermAt>& to) {
        to.clear();
        for (const auto& [offset, size, position] : from)
            to.emplace_back(std::string_view(a.arena).substr(offset, size), position);
    };
    views(a.title, title);
    views(a.body, body);
    index.add(a.chunkId, a.documentId, title, a.titleLength, body, a.bodyLength);
}

// Analyses rows in batches on a pool of threads and hands the results over in order.
class BatchAnalyzer {
public:
    BatchAnalyzer(QString language, int threads, std::function<void(const AnalyzedChunk&)> sink)
        : m_language(std::move(language))
        , m_sink(std::move(sink)) {
        m_pool.setMaxThreadCount(threads > 0 ? threads : QThread::idealThreadCount());
    }
    void add(ChunkText&& row) {
        m_rows.push_back(std::move(row));
        if (m_rows.size() >= kBatch)
            flush();
    }
    void flush() {
        if (m_rows.empty())
            return;
        std::vector<AnalyzedChunk> done(m_rows.size());
        std::vector<std::size_t> order(m_rows.size());
        for (std::size_t i = 0; i < order.size(); ++i)
            order[i] = i;
        QtConcurrent::blockingMap(
            &m_pool, order, [&](std::size_t i) { done[i] = analyzeChunk(m_rows[i], m_language); });
        for (const AnalyzedChunk& a : done)
            m_sink(a);
        m_rows.clear();
    }

private:
    static constexpr std::size_t kBatch = 2048;
    QString m_language;
    std::function<void(const AnalyzedChunk&)> m_sink;
    QThreadPool m_pool;
    std::vector<ChunkText> m_rows;
};

} // namespace

struct KeywordIndex::State {
    Bm25Index index;
    DatabaseIdentity database;
    QString language;
    std::uint64_t watermark = 0;
    std::set<qint64> seenLogRows; // applied log rows at or above the watermark
    QDateTime builtAt;
    QDateTime lastSync;
    std::size_t unsaved = 0;
    qint64 fileBytes = 0;
};

struct KeywordIndex::Sync {
    mutable std::shared_mutex state; // guards m_state's index and params
    std::mutex serial;               // one open/rebuild/sync/save at a time
    Bm25Params params;
    QString opened;
    LogPruner pruner{QStringLiteral("chunk")};
};

KeywordIndex::KeywordIndex(KeywordIndexOptions options)
    : m_options(std::move(options))
    , m_sync(std::make_unique<Sync>()) {
    m_sync->params = m_options.params;
}

KeywordIndex::~KeywordIndex() {
    const std::lock_guard serial(m_sync->serial);
    if (m_state && m_state->unsaved > 0) {
        try {
            saveNow();
        } catch (const std::exception& e) {
            qCWarning(lcKeywordIndex).noquote()
                << "cannot save the keyword index:" << QString::fromUtf8(e.what());
        }
    }
}

QString KeywordIndex::directory() const {
    return m_options.directory.isEmpty() ? appCacheDir() + QStringLiteral("/indexes")
                                         : m_options.directory;
}

std::unique_ptr<KeywordIndex::State> KeywordIndex::build(PgConnection& conn,
                                                         const Progress& progress) {
    auto st = std::make_unique<State>();
    st->database = DatabaseIdentity::read(conn);
    std::unique_ptr<BatchAnalyzer> batches;
    qint64 total = 0;
    qint64 done = 0;
    bool cancelled = false;
    const auto full = ChunkSource::readAll(
        conn,
        [&](const ChunkSource::Full& start) {
            total = start.total;
            batches = std::make_unique<BatchAnalyzer>(
                start.language, m_options.threads,
                [&st](const AnalyzedChunk& a) { addChunk(st->index, a); });
        },
        [&](ChunkText&& row) {
            batches->add(std::move(row));
            if (++done % 4096 == 0 && progress &&
                !progress(
                    static_cast<double>(done) / static_cast<double>(std::max(total, done)),
                    QStringLiteral("Indexing words (%1 of %2 passages)").arg(done).arg(total)))
                cancelled = true;
            return !cancelled;
        });
    if (!full || cancelled)
        throw IndexCancelled();
    batches->flush();
    st->language = full->language;
    st->watermark = full->watermark;
    st->seenLogRows = full->seenLogRows;
    st->builtAt = QDateTime::currentDateTimeUtc();
    st->lastSync = st->builtAt;
    st->unsaved = st->index.size() + 1; // a new file is always written
    if (progress)
        progress(1.0, QStringLiteral("Ready"));
    return st;
}

std::unique_ptr<KeywordIndex::State> KeywordIndex::load(PgConnection& conn, QString& reason) {
    QFile f(m_path);
    if (!f.exists())
        return nullptr;
    try {
        if (!f.open(QIODevice::ReadOnly))
            throw std::runtime_error(f.errorString().toStdString());
        const QByteArray all = f.readAll();
        if (all.size() < 12 || std::memcmp(all.constData(), kFileMagic, 8) != 0)
            throw std::runtime_error("it is not a keyword index file");
        quint32 metaSize = 0;
        for (int i = 0; i < 4; ++i)
            metaSize |= static_cast<quint32>(static_cast<unsigned char>(all[8 + i])) << (8 * i);
        if (metaSize > static_cast<quint32>(all.size() - 12))
            throw std::runtime_error("it is cut short");
        const QJsonObject meta = QJsonDocument::fromJson(all.mid(12, metaSize)).object();
        auto st = std::make_unique<State>();
        st->database =
            DatabaseIdentity::fromJson(meta.value(QStringLiteral("database")).toObject());
        st->language = meta.value(QStringLiteral("language")).toString();
        st->watermark = meta.value(QStringLiteral("watermark")).toString().toULongLong();
        st->builtAt =
            QDateTime::fromString(meta.value(QStringLiteral("built_at")).toString(), Qt::ISODate);
        for (const QJsonValue& v : meta.value(QStringLiteral("seen_log_rows")).toArray())
            st->seenLogRows.insert(static_cast<qint64>(v.toDouble()));
        if (!(st->database == DatabaseIdentity::read(conn)))
            throw std::runtime_error("it was made for another database");
        if (meta.value(QStringLiteral("analyzer")).toString() != TextAnalyzer::version())
            throw std::runtime_error("it was made by another version of the analyzer");
        if (st->language != keywordLanguage(conn))
            throw std::runtime_error("it was made for another language");
        if (st->watermark > EmbeddingSource::currentXmax(conn))
            throw std::runtime_error(
                "it is newer than the database (was the database restored from a backup?)");
        st->index = Bm25Index::read(std::string_view(
            all.constData() + 12 + metaSize, static_cast<std::size_t>(all.size() - 12 - metaSize)));
        st->fileBytes = all.size();
        return st;
    } catch (const std::exception& e) {
        reason = QString::fromUtf8(e.what());
        qCWarning(lcKeywordIndex).noquote()
            << "rebuilding the keyword index from the database:" << reason;
        return nullptr;
    }
}

void KeywordIndex::saveNow() {
    const std::shared_lock lock(m_sync->state);
    State& st = *m_state;
    QJsonArray seen;
    for (const qint64 id : st.seenLogRows)
        seen.append(static_cast<double>(id));
    const QByteArray meta =
        QJsonDocument(
            QJsonObject{{QStringLiteral("database"), st.database.toJson()},
                        {QStringLiteral("language"), st.language},
                        {QStringLiteral("analyzer"), TextAnalyzer::version()},
                        {QStringLiteral("watermark"), QString::number(st.watermark)},
                        {QStringLiteral("built_at"), st.builtAt.toUTC().toString(Qt::ISODate)},
                        {QStringLiteral("seen_log_rows"), seen}})
            .toJson(QJsonDocument::Compact);
    std::string bytes;
    st.index.write(bytes);
    QByteArray head(kFileMagic, 8);
    for (int i = 0; i < 4; ++i)
        head.append(static_cast<char>(static_cast<quint32>(meta.size()) >> (8 * i)));
    head.append(meta);
    // QSaveFile writes a uniquely named file beside the target and renames it over the target:
    // another process reading or writing the same index sees the old file or the new one.
    QSaveFile f(m_path);
    if (!f.open(QIODevice::WriteOnly) ||
        !f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner) ||
        f.write(head) != head.size() ||
        f.write(bytes.data(), static_cast<qint64>(bytes.size())) !=
            static_cast<qint64>(bytes.size()) ||
        !f.commit())
        throw std::runtime_error(
            QStringLiteral("cannot write %1: %2").arg(m_path, f.errorString()).toStdString());
    st.unsaved = 0;
    st.fileBytes = head.size() + static_cast<qint64>(bytes.size());
}

void KeywordIndex::install(std::unique_ptr<State> next) {
    std::unique_ptr<State> old;
    {
        const std::unique_lock lock(m_sync->state);
        old = std::exchange(m_state, std::move(next));
    }
}

void KeywordIndex::open(PgConnection& conn, const Progress& progress) {
    const std::lock_guard serial(m_sync->serial);
    const DatabaseIdentity identity = DatabaseIdentity::read(conn);
    if (!makePrivateFolder(directory()))
        throw std::runtime_error(
            QStringLiteral("cannot create the index folder %1").arg(directory()).toStdString());
    m_path = directory() + QLatin1Char('/') + identity.indexKey(QString()) +
             QStringLiteral("-keywords.qkw");
    QString reason;
    std::unique_ptr<State> st = load(conn, reason);
    if (st) {
        m_sync->opened = QStringLiteral("loaded");
    } else {
        st = build(conn, progress);
        m_sync->opened =
            reason.isEmpty() ? QStringLiteral("built") : QStringLiteral("rebuilt: ") + reason;
    }
    install(std::move(st));
    bool reset = false;
    apply(*m_state, conn, reset);
    if (reset) {
        install(build(conn, progress));
        apply(*m_state, conn, reset);
        m_sync->opened = QStringLiteral("rebuilt: the database asked for it");
    }
    if (m_state->unsaved > 0)
        saveNow();
}

void KeywordIndex::rebuild(PgConnection& conn, const Progress& progress) {
    const std::lock_guard serial(m_sync->serial);
    if (m_path.isEmpty())
        throw std::logic_error("KeywordIndex::rebuild before open");
    install(build(conn, progress));
    bool reset = false;
    apply(*m_state, conn, reset);
    m_sync->opened = QStringLiteral("rebuilt on request");
    saveNow();
}

std::size_t KeywordIndex::apply(State& st, PgConnection& conn, bool& reset) {
    std::size_t changes = 0;
    BatchAnalyzer batches(st.language, m_options.threads, [&](const AnalyzedChunk& a) {
        const std::unique_lock lock(m_sync->state);
        addChunk(st.index, a);
    });
    const ChunkChanges c = ChunkSource::readChanges(
        conn, st.watermark, st.seenLogRows,
        [&](const std::vector<qint64>& removed) {
            const std::unique_lock lock(m_sync->state);
            for (const qint64 id : removed)
                changes += st.index.remove(id) ? 1 : 0;
        },
        [&](ChunkText&& row) {
            // Chunks are written once: one already here came in an overlapping range.
            bool known = false;
            {
                const std::shared_lock lock(m_sync->state);
                known = st.index.contains(row.chunkId);
            }
            if (!known) {
                batches.add(std::move(row));
                ++changes;
            }
            return true;
        });
    batches.flush();
    reset = c.reset || c.language != st.language;
    if (reset)
        return 0;
    const std::unique_lock lock(m_sync->state);
    st.watermark = c.watermark;
    st.seenLogRows = c.seenLogRows;
    st.lastSync = QDateTime::currentDateTimeUtc();
    st.unsaved += changes;
    // Postings of removed chunks cost memory and skew document frequencies until rewritten.
    if (st.index.removedSlots() > std::max<std::size_t>(1000, st.index.size() / 4))
        st.index.compact();
    return changes;
}

std::size_t KeywordIndex::sync(PgConnection& conn) {
    const std::lock_guard serial(m_sync->serial);
    if (!m_state)
        throw std::logic_error("KeywordIndex::sync before open");
    bool reset = false;
    const std::size_t n = apply(*m_state, conn, reset);
    if (reset) {
        qCInfo(lcKeywordIndex) << "rebuilding the keyword index: the database asked for it";
        install(build(conn, {}));
        apply(*m_state, conn, reset);
        m_sync->opened = QStringLiteral("rebuilt: the database asked for it");
        saveNow();
        return 0;
    }
    m_sync->pruner.pruneIfDue([&] { ChunkSource::pruneLog(conn, m_options.logRetentionDays); });
    if (m_state->unsaved >= std::max(m_options.saveAfterChanges, m_state->index.size() / 20))
        saveNow();
    return n;
}

std::vector<KeywordMatch> KeywordIndex::search(const QString& query, int k,
                                               const std::function<bool(qint64)>& allow) const {
    const std::shared_lock lock(m_sync->state);
    if (!m_state || k <= 0)
        return {};
    TextAnalyzer& analyzer = analyzerFor(m_state->language);
    const KeywordQuery parsed = parseKeywordQuery(query, analyzer);
    if (parsed.isEmpty())
        return {};
    Bm25Query q;
    q.scored = parsed.optional;
    q.required = parsed.required;
    q.excluded = parsed.excluded;
    for (const KeywordPhrase& p : parsed.phrases)
        q.phrases.push_back(p.terms);
    for (const KeywordPhrase& p : parsed.excludedPhrases)
        q.excludedPhrases.push_back(p.terms);
    // Each term's first spelling as typed (for "matched: ..." explanations) and how often the
    // query uses it.
    std::vector<QString> words(q.scored.size());
    q.repeats.assign(q.scored.size(), 0.0);
    for (const AnalyzedToken& t : analyzer.tokens(query)) {
        for (std::size_t i = 0; i < q.scored.size(); ++i) {
            if (q.scored[i] != t.term)
                continue;
            q.repeats[i] += 1.0;
            if (words[i].isEmpty())
                words[i] = query.mid(t.start, t.length);
        }
    }
    for (double& r : q.repeats)
        r = std::max(r, 1.0);
    const std::function<bool(std::int64_t)> filter =
        allow ? std::function<bool(std::int64_t)>([&allow](std::int64_t d) { return allow(d); })
              : std::function<bool(std::int64_t)>();
    std::vector<Bm25Hit> hits =
        m_state->index.search(q, static_cast<std::size_t>(k), m_sync->params, filter);
    // Quotation marks in a pasted sentence or a long question are often citation, not syntax:
    // passages holding the phrases come first, and when they are fewer than asked for, the best
    // of the others follow instead of an empty or short list.
    if (!q.phrases.empty() && hits.size() < static_cast<std::size_t>(k)) {
        Bm25Query relaxed = q;
        relaxed.phrases.clear();
        std::unordered_set<std::int64_t> have;
        for (const Bm25Hit& h : hits)
            have.insert(h.chunkId);
        for (const Bm25Hit& h :
             m_state->index.search(relaxed, static_cast<std::size_t>(k), m_sync->params, filter)) {
            if (hits.size() == static_cast<std::size_t>(k))
                break;
            if (!have.contains(h.chunkId))
                hits.push_back(h);
        }
    }
    std::vector<KeywordMatch> out;
    out.reserve(hits.size());
    for (const Bm25Hit& h : hits) {
        KeywordMatch m{h.chunkId, h.documentId, h.score, {}};
        for (std::size_t i = 0; i < q.scored.size() && i < 64; ++i) {
            if ((h.matched >> i) & 1u)
                m.matched.append(words[i].isEmpty() ? QString::fromStdString(q.scored[i])
                                                    : words[i]);
        }
        out.push_back(std::move(m));
    }
    return out;
}

bool KeywordIndex::isOpen() const {
    const std::shared_lock lock(m_sync->state);
    return m_state != nullptr;
}

QString KeywordIndex::language() const {
    const std::shared_lock lock(m_sync->state);
    return m_state ? m_state->language : QString();
}

void KeywordIndex::setParams(const Bm25Params& params) {
    const std::unique_lock lock(m_sync->state);
    m_sync->params = params;
}

KeywordIndexStatus KeywordIndex::status() const {
    KeywordIndexStatus s;
    const std::shared_lock lock(m_sync->state);
    s.opened = m_sync->opened;
    if (!m_state)
        return s;
    s.chunks = static_cast<qint64>(m_state->index.size());
    s.terms = static_cast<qint64>(m_state->index.termCount());
    s.ramBytes = static_cast<qint64>(m_state->index.memoryBytes());
    s.fileBytes = m_state->fileBytes;
    s.language = m_state->language;
    s.file = m_path;
    s.lastSync = m_state->lastSync;
    return s;
}

} // namespace quiver
