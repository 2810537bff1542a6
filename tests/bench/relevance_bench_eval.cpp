#include "tests/bench/relevance_bench_eval.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>

#include <algorithm>
#include <cmath>
#include <functional>

namespace quiver::bench {

namespace {

const char* const kLfsPointer = "version https://git-lfs.github.com/spec/";

QString corpusPath(const QString& dir) {
    return dir + QStringLiteral("/corpus.jsonl");
}
QString queriesPath(const QString& dir) {
    return dir + QStringLiteral("/queries.jsonl");
}
QString qrelsPath(const QString& dir) {
    return dir + QStringLiteral("/qrels/test.tsv");
}

[[noreturn]] void fail(const QString& path, const QString& what, qint64 line = 0) {
    const QString where = line > 0 ? QStringLiteral("%1:%2").arg(path).arg(line) : path;
    throw DatasetError(QStringLiteral("%1: %2").arg(where, what).toStdString());
}

// Opens path into f, refusing a missing, empty or Git LFS pointer file.
void openChecked(QFile& f) {
    const QString path = f.fileName();
    if (!QFileInfo(path).isFile())
        fail(path, QStringLiteral("missing (a BEIR folder holds corpus.jsonl, queries.jsonl "
                                  "and qrels/test.tsv)"));
    if (!f.open(QIODevice::ReadOnly))
        fail(path, QStringLiteral("cannot be read: %1").arg(f.errorString()));
    if (f.peek(64).startsWith(kLfsPointer))
        fail(path, QStringLiteral("is a Git LFS pointer, not the data: fetch it with "
                                  "'git lfs pull' or download the dataset's zip"));
    if (f.size() == 0)
        fail(path, QStringLiteral("is empty"));
}

// _id may be written as a string or a number.
QString idOf(const QJsonObject& o) {
    const QJsonValue v = o.value(QStringLiteral("_id"));
    if (v.isString())
        return v.toString();
    if (v.isDouble())
        return QString::number(v.toDouble(), 'g', 17);
    return {};
}

// Calls row(object, lineNumber) for each non-empty line of a JSON-lines file.
void readJsonLines(const QString& path,
                   const std::function<void(const QJsonObject&, qint64)>& row) {
    QFile f(path);
    openChecked(f);
    qint64 lineNumber = 0;
    while (!f.atEnd()) {
        const QByteArray line = f.readLine().trimmed();
        ++lineNumber;
        if (line.isEmpty())
            continue;
        QJsonParseError error{};
        const QJsonDocument doc = QJsonDocument::fromJson(line, &error);
        if (error.error != QJsonParseError::NoError || !doc.isObject())
            fail(path, QStringLiteral("not a JSON object (%1)").arg(error.errorString()),
                 lineNumber);
        const QJsonObject o = doc.object();
        if (idOf(o).isEmpty() || !o.value(QStringLiteral("text")).isString())
            fail(path, QStringLiteral("needs a non-empty \"_id\" and a string \"text\""),
                 lineNumber);
        row(o, lineNumber);
    }
}

} // namespace

void BeirDataset::check(const QString& dir) {
    if (!QFileInfo(dir).isDir())
        throw DatasetError(QStringLiteral("%1: not a folder").arg(dir).toStdString());
    for (const QString& path : {corpusPath(dir), queriesPath(dir), qrelsPath(dir)}) {
        QFile f(path);
        openChecked(f);
    }
}

BeirDataset BeirDataset::load(const QString& dir) {
    BeirDataset data;
    data.dir = QDir(dir).absolutePath();
    data.name = QFileInfo(data.dir).fileName();

    readJsonLines(corpusPath(dir), [&](const QJsonObject& o, qint64 line) {
        BeirDocument d{idOf(o), o.value(QStringLiteral("title")).toString(),
                       o.value(QStringLiteral("text")).toString()};
        if (data.corpusIndex.contains(d.id))
            fail(corpusPath(dir), QStringLiteral("document id '%1' repeated").arg(d.id), line);
        data.corpusIndex.insert(d.id, static_cast<int>(data.corpus.size()));
        data.corpus.push_back(std::move(d));
    });

    // qrels: a header line, then query-id, corpus-id, score separated by tabs.
    QHash<QString, QList<QPair<QString, int>>> judged;
    QStringList judgedOrder;
    {
        const QString path = qrelsPath(dir);
        QFile f(path);
        openChecked(f);
        qint64 lineNumber = 0;
        while (!f.atEnd()) {
            const QString line = QString::fromUtf8(f.readLine()).trimmed();
            ++lineNumber;
            if (line.isEmpty())
                continue;
            const QStringList cols = line.split(QLatin1Char('\t'));
            if (lineNumber == 1) {
                if (cols.value(0) != QLatin1String("query-id"))
                    fail(path,
                         QStringLiteral("needs the header line "
                                        "'query-id<TAB>corpus-id<TAB>score'"),
                         lineNumber);
                continue;
            }
            bool ok = false;
            const int score = cols.value(2).toInt(&ok);
            if (cols.size() != 3 || !ok || cols[0].isEmpty() || cols[1].isEmpty())
                fail(path,
                     QStringLiteral("needs query-id, corpus-id and a whole-number score "
                                    "separated by tabs"),
                     lineNumber);
            if (!judged.contains(cols[0]))
                judgedOrder.append(cols[0]);
            judged[cols[0]].append({cols[1], score});
        }
        if (judged.isEmpty())
            fail(path, QStringLiteral("holds no judgement"));
    }

    QSet<QString> seen;
    readJsonLines(queriesPath(dir), [&](const QJsonObject& o, qint64) {
        const QString id = idOf(o);
        const auto it = judged.constFind(id);
        if (it == judged.constEnd() || seen.contains(id))
            return;
        seen.insert(id);
        BeirQuery q{id, o.value(QStringLiteral("text")).toString(), {}, {}, 0};
        for (const auto& [doc, score] : *it) {
            if (score > 0) {
                q.allScores.push_back(score);
                ++q.relevant;
            }
            const auto d = data.corpusIndex.constFind(doc);
            if (d == data.corpusIndex.constEnd())
                ++data.qrelsMissingDocuments;
            else
                q.gains.insert(*d, score);
        }
        std::sort(q.allScores.begin(), q.allScores.end(), std::greater<>());
        data.queries.push_back(std::move(q));
    });
    for (const QString& id : std::as_const(judgedOrder))
        if (!seen.contains(id))
            ++data.qrelsMissingQueries;
    if (data.queries.empty())
        fail(queriesPath(dir), QStringLiteral("holds none of the queries of qrels/test.tsv"));
    return data;
}

std::optional<double> publishedBm25Ndcg10(const QString& name) {
    static const QHash<QString, double> published{
        {QStringLiteral("scifact"), 0.665}, {QStringLiteral("nfcorpus"), 0.325},
        {QStringLiteral("fiqa"), 0.236},    {QStringLiteral("arguana"), 0.315},
        {QStringLiteral("scidocs"), 0.158}, {QStringLiteral("trec-covid"), 0.656},
    };
    const auto it = published.constFind(name.toLower());
    if (it == published.constEnd())
        return std::nullopt;
    return *it;
}

ReferenceBm25::ReferenceBm25(double k1, double b)
    : m_k1(k1)
    , m_b(b) {}

std::vector<QString> ReferenceBm25::tokens(const QString& text) {
    std::vector<QString> out;
    const QString lower = text.toLower();
    qsizetype start = -1;
    for (qsizetype i = 0; i <= lower.size(); ++i) {
        const bool inWord = i < lower.size() && lower[i].isLetterOrNumber();
        if (inWord && start < 0)
            start = i;
        else if (!inWord && start >= 0) {
            out.push_back(lower.mid(start, i - start));
            start = -1;
        }
    }
    return out;
}

void ReferenceBm25::add(qint64 id, const QString& text) {
    const auto slot = static_cast<std::uint32_t>(m_ids.size());
    const std::vector<QString> words = tokens(text);
    QHash<std::uint32_t, std::uint32_t> tf;
    for (const QString& w : words) {
        auto it = m_terms.constFind(w);
        if (it == m_terms.constEnd()) {
            it = m_terms.insert(w, static_cast<std::uint32_t>(m_postings.size()));
            m_postings.emplace_back();
        }
        ++tf[*it];
    }
    for (auto it = tf.cbegin(); it != tf.cend(); ++it)
        m_postings[it.key()].emplace_back(slot, it.value());
    m_ids.push_back(id);
    m_lengths.push_back(static_cast<std::uint32_t>(words.size()));
    m_totalLength += words.size();
}

std::vector<ReferenceBm25::Hit> ReferenceBm25::search(const QString& query, int limit) const {
    const double n = static_cast<double>(m_ids.size());
    if (n == 0 || limit <= 0)
        return {};
    const double avgdl = static_cast<double>(m_totalLength) / n;
    std::vector<double> scores(m_ids.size(), 0.0);
    std::vector<std::uint32_t> touched;
    for (const QString& w : tokens(query)) {
        const auto it = m_terms.constFind(w);
        if (it == m_terms.constEnd())
            continue;
        const auto& postings = m_postings[*it];
        const double df = static_cast<double>(postings.size());
        const double idf = std::log(1.0 + (n - df + 0.5) / (df + 0.5));
        for (const auto& [slot, count] : postings) {
            const double tf = count;
            const double norm = m_k1 * (1.0 - m_b + m_b * m_lengths[slot] / avgdl);
            if (scores[slot] == 0.0)
                touched.push_back(slot);
            scores[slot] += idf * tf * (m_k1 + 1.0) / (tf + norm);
        }
    }
    std::vector<Hit> hits;
    hits.reserve(touched.size());
    for (const std::uint32_t slot : touched)
        hits.push_back({m_ids[slot], scores[slot]});
    const auto better = [](const Hit& a, const Hit& b) {
        return a.score != b.score ? a.score > b.score : a.id < b.id;
    };
    const auto keep = std::min(hits.size(), static_cast<std::size_t>(limit));
    std::partial_sort(hits.begin(), hits.begin() + static_cast<std::ptrdiff_t>(keep), hits.end(),
                      better);
    hits.resize(keep);
    return hits;
}

std::vector<int> documentRanking(const std::vector<int>& passageDocuments, const BeirDataset& data,
                                 const BeirQuery& query) {
    const int own = data.corpusIndex.value(query.id, -1);
    std::vector<int> out;
    QSet<int> seen;
    for (const int d : passageDocuments) {
        if (d < 0 || d == own || seen.contains(d))
            continue;
        seen.insert(d);
        out.push_back(d);
    }
    return out;
}

QueryMeasures measure(const std::vector<int>& documents, const BeirQuery& query) {
    QueryMeasures m;
    double dcg = 0;
    int found100 = 0;
    for (std::size_t i = 0; i < documents.size() && i < 100; ++i) {
        const int gain = query.gains.value(documents[i], 0);
        if (gain <= 0)
            continue;
        const auto rank = static_cast<double>(i + 1);
        ++found100;
        if (i < 10) {
            dcg += gain / std::log2(rank + 1.0);
            if (m.mrr10 == 0)
                m.mrr10 = 1.0 / rank;
        }
        if (i < 5)
            m.hit5 = 1;
        if (i < 1)
            m.hit1 = 1;
    }
    double ideal = 0;
    for (std::size_t i = 0; i < query.allScores.size() && i < 10; ++i)
        ideal += query.allScores[i] / std::log2(static_cast<double>(i) + 2.0);
    m.ndcg10 = ideal > 0 ? dcg / ideal : 0;
    m.recall100 = query.relevant > 0 ? static_cast<double>(found100) / query.relevant : 0;
    return m;
}

double percentileOf(std::vector<double> v, double p) {
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    const auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(v.size())));
    return v[std::clamp<std::size_t>(rank, 1, v.size()) - 1];
}

} // namespace quiver::bench
