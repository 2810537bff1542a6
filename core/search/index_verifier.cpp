#include "core/search/index_verifier.h"

#include "core/db/pg_connection.h"
#include "core/diskann/distance.h"
#include "core/search/embedding_source.h"
#include "core/search/search_index.h"

#include <QElapsedTimer>
#include <QtConcurrent/QtConcurrentMap>

#include <algorithm>
#include <unordered_set>

namespace quiver {

namespace {

struct Candidate {
    float similarity;
    qint64 id;
};

// Keeps the k best (highest similarity, then lowest id) in descending order.
void offer(std::vector<Candidate>& top, int k, Candidate c) {
    const auto better = [](const Candidate& a, const Candidate& b) {
        return a.similarity > b.similarity || (a.similarity == b.similarity && a.id < b.id);
    };
    if (static_cast<int>(top.size()) == k && !better(c, top.back()))
        return;
    top.insert(std::upper_bound(top.begin(), top.end(), c, better), c);
    if (static_cast<int>(top.size()) > k)
        top.pop_back();
}

} // namespace

RecallReport measureRecall(PgConnection& conn, SearchIndex& index, int sample, int k, int seed) {
    QElapsedTimer timer;
    timer.start();
    RecallReport report;
    report.k = k;
    index.sync(conn);
    const int dims = index.dimensions();
    if (dims == 0 || sample <= 0)
        return report;

    // An md5 order is a repeatable random sample.
    const PgResult r =
        conn.exec(QStringLiteral("SELECT vector FROM quiver.embeddings WHERE model = $1 "
                                 "ORDER BY md5(chunk_id::text || $2), chunk_id LIMIT $3"),
                  {index.model(), QString::number(seed), sample});
    std::vector<std::vector<float>> queries;
    for (int i = 0; i < r.rows(); ++i) {
        const QList<float> v = r.toFloatArray(i, 0);
        if (v.size() != dims)
            continue;
        queries.emplace_back(v.begin(), v.end());
        diskann::normalize(queries.back().data(), queries.back().size());
    }
    report.queries = static_cast<int>(queries.size());
    if (queries.empty())
        return report;

    std::vector<std::vector<Candidate>> exact(queries.size());
    std::vector<std::size_t> queryIndex(queries.size());
    for (std::size_t i = 0; i < queryIndex.size(); ++i)
        queryIndex[i] = i;
    constexpr std::size_t kBatch = 4096;
    std::vector<float> batch;
    std::vector<qint64> batchIds;
    const auto d = static_cast<std::size_t>(dims);
    const auto flush = [&]() {
        QtConcurrent::blockingMap(queryIndex, [&](std::size_t qi) {
            const float* q = queries[qi].data();
            for (std::size_t row = 0; row < batchIds.size(); ++row)
                offer(exact[qi], k,
                      {diskann::innerProduct(q, batch.data() + row * d, d), batchIds[row]});
        });
        batch.clear();
        batchIds.clear();
    };
    EmbeddingSource::readAll(conn, index.model(),
                             [&](const PassageKeys& keys, const std::vector<float>& v) {
                                 if (v.size() != d)
                                     return;
                                 batch.insert(batch.end(), v.begin(), v.end());
                                 diskann::normalize(batch.data() + batchIds.size() * d, d);
                                 batchIds.push_back(keys.chunkId);
                                 ++report.vectors;
                                 if (batchIds.size() == kBatch)
                                     flush();
                             },
                             {});
    if (!batchIds.empty())
        flush();

    double hits = 0;
    for (std::size_t qi = 0; qi < queries.size(); ++qi) {
        const auto found = index.search(queries[qi], k);
        std::unordered_set<qint64> truth;
        for (const Candidate& c : exact[qi])
            truth.insert(c.id);
        for (const RankedChunk& f : found)
            hits += truth.count(f.chunkId) ? 1 : 0;
    }
    const int denominator = std::min<int>(k, static_cast<int>(report.vectors));
    report.recall = hits / (static_cast<double>(queries.size()) * std::max(denominator, 1));
    report.seconds = static_cast<double>(timer.elapsed()) / 1000.0;
    return report;
}

} // namespace quiver
