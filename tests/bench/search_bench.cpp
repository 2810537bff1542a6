// search_bench: end-to-end search latency over vectors stored in PostgreSQL.
//
//   search_bench --db CONNINFO [--vectors N] [--dims D] [--data clustered|subspace]
//                [--fvecs FILE] [--queries Q] [--k K] [--reuse] [--index-dir DIR]
//                [--exact-below N] [--L L] [--W W] [--R R] [--build-L L]
//
// Stores N chunks and N vectors of D dimensions straight into the database, builds the index
// the app would build, then measures. The vectors:
//   clustered (default)  256 centres plus uniform noise in every dimension, made by server-side
//                        SQL: inside a cluster the points are nearly equidistant, the hardest
//                        case for any compressed index
//   subspace             256 centres spread along a shared 24-dimensional subspace plus a little
//                        noise: data of low intrinsic dimension, as sentence embeddings are
//   --fvecs FILE         real vectors from an .fvecs file (its first N rows; D is the file's)
// and the measures:
//   build    time to stream the vectors with COPY, build the graph and write the index file
//   rss      the process's resident memory after reopening the index from its file
//   ram      the index's own RAM (PQ codes, cache, delta) against the raw vectors' bytes
//   latency  p50/p99 of HybridSearch in keyword, semantic and hybrid modes (BM25 over the
//            keyword index + vector index + fusion + SQL hydration, warm; the query vector is a
//            stored vector, so no embedding call is timed). Chunk texts are 100 words drawn
//            from a 50,000-word vocabulary with a Zipf-like skew (word rank = 50000 * u^3), so
//            common words occur in most chunks as real prose's do; each query is 6 words drawn
//            the same way.
//   recall   `index verify`'s recall@10 against exact search over every stored vector
#include "core/db/migrations.h"
#include "core/db/pg_connection.h"
#include "core/search/hybrid_search.h"
#include "core/search/index_verifier.h"
#include "core/search/keyword_index.h"
#include "core/search/search_index.h"
#include "tests/bench/vecs_file.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <optional>
#include <random>

using namespace quiver;

namespace {

struct Options {
    QString db = qEnvironmentVariable("QUIVER_DB");
    int vectors = 100000;
    int dims = 384;
    QString data = QStringLiteral("clustered");
    QString fvecs;
    int queries = 200;
    int k = 10;
    bool reuse = false;
    QString indexDir;
    int exactBelow = 5000;
    int searchList = 100;
    int beamWidth = 4;
    int maxDegree = 64;
    int buildList = 100;
};

qint64 procStatusKb(const char* field) {
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray& line : f.readAll().split('\n')) {
        if (line.startsWith(field))
            return line.mid(static_cast<qsizetype>(std::strlen(field)))
                .trimmed()
                .split(' ')
                .front()
                .toLongLong();
    }
    return -1;
}

double percentile(std::vector<double> v, double p) {
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    const auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
    return v[std::min(i, v.size() - 1)];
}

QString modelName(const Options& o) {
    const QString source =
        o.fvecs.isEmpty() ? o.data : QStringLiteral("fvecs-") + QFileInfo(o.fvecs).baseName();
    return QStringLiteral("bench-%1-%2").arg(o.dims).arg(source);
}

// Subspace data, generated here and sent with COPY: centre + 0.05 noise + a point of a shared
// 24-dimensional random subspace.
class SubspaceVectors {
public:
    explicit SubspaceVectors(int dims)
        : dims_(static_cast<std::size_t>(dims))
        , centres_(256 * dims_)
        , basis_(kLatent * dims_) {
        for (auto& c : centres_)
            c = gauss_(rng_);
        const float scale = 1.0f / std::sqrt(static_cast<float>(kLatent));
        for (auto& b : basis_)
            b = gauss_(rng_) * scale;
    }
    void next(std::vector<float>& row) {
        row.resize(dims_);
        const float* c = centres_.data() + (rng_() % 256) * dims_;
        for (std::size_t d = 0; d < dims_; ++d)
            row[d] = c[d] + 0.05f * gauss_(rng_);
        for (std::size_t l = 0; l < kLatent; ++l) {
            const float z = 0.8f * gauss_(rng_);
            const float* b = basis_.data() + l * dims_;
            for (std::size_t d = 0; d < dims_; ++d)
                row[d] += z * b[d];
        }
    }

private:
    static constexpr std::size_t kLatent = 24;
    std::size_t dims_;
    std::mt19937_64 rng_{20261126};
    std::normal_distribution<float> gauss_{0.0f, 1.0f};
    std::vector<float> centres_;
    std::vector<float> basis_;
};

// Sends one vector per chunk of `doc` (in ordinal order) with COPY; next(i, row) fills row i.
void copyVectors(PgConnection& c, qint64 doc, const QString& model, int dims,
                 const std::function<void(int, std::vector<float>&)>& next) {
    const PgResult ids = c.exec(
        QStringLiteral("SELECT id FROM quiver.chunks WHERE document_id = $1 ORDER BY ordinal"),
        {doc});
    const QByteArray prefix =
        '\t' + PgConnection::copyTextField(model) + '\t' + QByteArray::number(dims) + "\t{";
    int row = 0;
    std::vector<float> v;
    c.copyIn(QStringLiteral("COPY quiver.embeddings (chunk_id, model, dimensions, vector) FROM "
                            "STDIN"),
             [&](QByteArray& chunk) {
                 chunk.clear();
                 for (int n = 0; n < 256 && row < ids.rows(); ++n, ++row) {
                     next(row, v);
                     chunk += QByteArray::number(ids.toInt64(row, 0)) + prefix;
                     for (std::size_t d = 0; d < v.size(); ++d) {
                         if (d > 0)
                             chunk += ',';
                         chunk += QByteArray::number(static_cast<double>(v[d]), 'g', 9);
                     }
                     chunk += "}\n";
                 }
                 return !chunk.isEmpty();
             });
}

void insertClusteredVectors(PgConnection& c, qint64 doc, const QString& model, int dims);

void populate(PgConnection& c, Options& o) {
    std::vector<float> file; // the rows of --fvecs, flattened
    if (!o.fvecs.isEmpty()) {
        std::size_t rows = 0;
        std::size_t dim = 0;
        file = bench::readVecs<float>(o.fvecs.toStdString(), rows, dim,
                                      static_cast<std::size_t>(o.vectors));
        if (rows == 0)
            throw std::runtime_error(o.fvecs.toStdString() + " holds no vectors");
        o.vectors = static_cast<int>(rows);
        o.dims = static_cast<int>(dim);
    }
    const QString model = modelName(o);
    const qint64 have =
        c.exec(QStringLiteral("SELECT count(*) FROM quiver.embeddings WHERE model = $1"), {model})
            .toInt64(0, 0);
    if (o.reuse && have == o.vectors) {
        std::printf("reusing %lld stored vectors of %d dimensions\n", have, o.dims);
        return;
    }
    QElapsedTimer t;
    t.start();
    c.exec(QStringLiteral("DELETE FROM quiver.collections WHERE name = $1"), {model});
    const qint64 collection =
        c.exec(QStringLiteral("INSERT INTO quiver.collections (name) VALUES ($1) RETURNING id"),
               {model})
            .toInt64(0, 0);
    const qint64 doc = c.exec(QStringLiteral("INSERT INTO quiver.documents (collection_id, path, "
                                             "title) VALUES ($1, $2, $2) RETURNING id"),
                              {collection, model})
                           .toInt64(0, 0);
    c.exec(QStringLiteral("INSERT INTO quiver.chunks (document_id, ordinal, text) "
                          "SELECT $1, g, (SELECT string_agg('w' || floor(50000 * "
                          "power(random(), 3))::int, ' ') FROM generate_series(1, 100 + g * 0)) "
                          "FROM generate_series(0, $2 - 1) g"),
           {doc, o.vectors});
    if (!file.empty()) {
        const auto dims = static_cast<std::size_t>(o.dims);
        copyVectors(c, doc, model, o.dims, [&](int i, std::vector<float>& v) {
            const float* row = file.data() + static_cast<std::size_t>(i) * dims;
            v.assign(row, row + dims);
        });
    } else if (o.data == QLatin1String("subspace")) {
        SubspaceVectors gen(o.dims);
        copyVectors(c, doc, model, o.dims, [&](int, std::vector<float>& v) { gen.next(v); });
    } else {
        insertClusteredVectors(c, doc, model, o.dims);
    }
    c.exec(QStringLiteral("VACUUM ANALYZE quiver.embeddings"));
    c.exec(QStringLiteral("VACUUM ANALYZE quiver.chunks"));
    std::printf("stored %d chunks and vectors of %d dimensions (%s) in %.1f s\n", o.vectors, o.dims,
                qPrintable(model), static_cast<double>(t.elapsed()) / 1000.0);
}

// 256 random centres; each vector is a centre plus uniform noise in every dimension.
void insertClusteredVectors(PgConnection& c, qint64 doc, const QString& model, int dims) {
    c.exec(QStringLiteral("CREATE TEMP TABLE bench_centres AS SELECT i, (SELECT "
                          "array_agg((random() - 0.5)::real) FROM generate_series(1, $1) "
                          "WHERE i >= 0) AS v FROM generate_series(0, 255) i"),
           {dims});
    c.exec(QStringLiteral(
               "INSERT INTO quiver.embeddings (chunk_id, model, dimensions, vector) "
               "SELECT ch.id, $2, $3, (SELECT array_agg((ce.v[j] + 0.15 * (random() - 0.5))::real "
               "ORDER BY j) FROM generate_series(1, $3) j) "
               "FROM quiver.chunks ch JOIN bench_centres ce ON ce.i = ch.id % 256 "
               "WHERE ch.document_id = $1"),
           {doc, model, dims});
    c.exec(QStringLiteral("DROP TABLE bench_centres"));
}

bool parse(const QStringList& args, Options& o) {
    for (qsizetype i = 1; i < args.size(); ++i) {
        const QString& a = args[i];
        const auto value = [&]() { return i + 1 < args.size() ? args[++i] : QString(); };
        if (a == QLatin1String("--db"))
            o.db = value();
        else if (a == QLatin1String("--vectors"))
            o.vectors = value().toInt();
        else if (a == QLatin1String("--dims"))
            o.dims = value().toInt();
        else if (a == QLatin1String("--data"))
            o.data = value();
        else if (a == QLatin1String("--fvecs"))
            o.fvecs = value();
        else if (a == QLatin1String("--queries"))
            o.queries = value().toInt();
        else if (a == QLatin1String("--k"))
            o.k = value().toInt();
        else if (a == QLatin1String("--reuse"))
            o.reuse = true;
        else if (a == QLatin1String("--index-dir"))
            o.indexDir = value();
        else if (a == QLatin1String("--exact-below"))
            o.exactBelow = value().toInt();
        else if (a == QLatin1String("--L"))
            o.searchList = value().toInt();
        else if (a == QLatin1String("--W"))
            o.beamWidth = value().toInt();
        else if (a == QLatin1String("--R"))
            o.maxDegree = value().toInt();
        else if (a == QLatin1String("--build-L"))
            o.buildList = value().toInt();
        else
            return false;
    }
    if (o.data != QLatin1String("clustered") && o.data != QLatin1String("subspace"))
        return false;
    return !o.db.isEmpty() && o.vectors > 0 && o.dims > 0 && o.queries > 0 && o.k > 0;
}

} // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    Options o;
    if (!parse(QCoreApplication::arguments(), o)) {
        std::fprintf(stderr, "usage: search_bench --db CONNINFO [--vectors N] [--dims D] "
                             "[--data clustered|subspace] [--fvecs FILE] [--queries Q] [--k K] "
                             "[--reuse] [--index-dir DIR] [--exact-below N] "
                             "[--L L] [--W W] [--R R] [--build-L L]\n");
        return 2;
    }
    try {
        PgConnection conn = PgConnection::open(o.db);
        Migrations::apply(conn);
        populate(conn, o);

        QTemporaryDir tmp;
        SearchIndexOptions options;
        options.directory = o.indexDir.isEmpty() ? tmp.path() : o.indexDir;
        options.exactBelow = static_cast<std::uint32_t>(o.exactBelow);
        options.searchListSize = static_cast<std::uint32_t>(o.searchList);
        options.beamWidth = static_cast<std::uint32_t>(o.beamWidth);
        options.build.maxDegree = static_cast<std::uint32_t>(o.maxDegree);
        options.build.buildListSize = static_cast<std::uint32_t>(o.buildList);
        options.verifyOnOpenBelow = 0; // a benchmark opens its own fresh file
        const QString model = modelName(o);

        QElapsedTimer t;
        t.start();
        {
            SearchIndex build(model, options);
            build.rebuild(conn);
        }
        const double buildSeconds = static_cast<double>(t.elapsed()) / 1000.0;
        const qint64 rssBefore = procStatusKb("VmRSS:");
        t.restart();
        SearchIndex index(model, options);
        index.open(conn);
        const double openSeconds = static_cast<double>(t.elapsed()) / 1000.0;
        const qint64 rssAfter = procStatusKb("VmRSS:");
        const IndexStatus s = index.status();
        const double rawBytes = static_cast<double>(o.vectors) * o.dims * 4.0;

        // Query vectors: stored vectors, as "more like this" would use them.
        const PgResult qr =
            conn.exec(QStringLiteral("SELECT vector FROM quiver.embeddings WHERE model = $1 "
                                     "ORDER BY md5(chunk_id::text) LIMIT $2"),
                      {model, o.queries});
        std::vector<std::vector<float>> queries;
        for (int i = 0; i < qr.rows(); ++i) {
            const QList<float> v = qr.toFloatArray(i, 0);
            queries.emplace_back(v.begin(), v.end());
        }
        // Built in a fresh folder (open() finds no file and builds), then opened again from the
        // file it wrote, as the next run of the app does.
        QTemporaryDir keywordDir;
        KeywordIndexOptions keywordOptions;
        keywordOptions.directory = keywordDir.path();
        t.restart();
        {
            KeywordIndex build(keywordOptions);
            build.open(conn);
        }
        const double keywordBuildSeconds = static_cast<double>(t.elapsed()) / 1000.0;
        t.restart();
        KeywordIndex keywords(keywordOptions);
        keywords.open(conn);
        const double keywordOpenSeconds = static_cast<double>(t.elapsed()) / 1000.0;
        std::mt19937 words(7);
        std::uniform_real_distribution<double> uniform(0.0, 1.0);
        std::vector<QString> texts;
        for (std::size_t i = 0; i < queries.size(); ++i) {
            QStringList q;
            for (int w = 0; w < 6; ++w)
                q << QStringLiteral("w%1").arg(
                    static_cast<int>(std::floor(50000.0 * std::pow(uniform(words), 3.0))));
            texts.push_back(q.join(QLatin1Char(' ')));
        }
        std::size_t next = 0;
        HybridSearch search(conn, &keywords, &index, [&](const QString&) { return queries[next]; });
        const auto measure = [&](SearchMode mode) {
            std::vector<double> ms;
            for (next = 0; next < queries.size(); ++next) {
                SearchRequest r;
                r.text = texts[next];
                r.k = o.k;
                r.mode = mode;
                QElapsedTimer q;
                q.start();
                const auto hits = search.search(r);
                ms.push_back(static_cast<double>(q.nsecsElapsed()) / 1e6);
                if (hits.empty())
                    throw std::runtime_error("a query found nothing");
            }
            return ms;
        };
        measure(SearchMode::Hybrid); // warm the caches once
        const auto keyword = measure(SearchMode::Keyword);
        const auto semantic = measure(SearchMode::Semantic);
        const auto hybrid = measure(SearchMode::Hybrid);
        const KeywordIndexStatus ks = keywords.status();
        const RecallReport recall = measureRecall(conn, index, 100);

        std::printf("data=%s vectors=%d dims=%d kind=%s R=%d build_L=%d L=%d W=%d\n",
                    qPrintable(model), o.vectors, o.dims, s.exact ? "exact" : "disk", o.maxDegree,
                    o.buildList, o.searchList, o.beamWidth);
        std::printf("build_s=%.1f open_s=%.2f file_MiB=%.1f\n", buildSeconds, openSeconds,
                    static_cast<double>(s.fileBytes) / (1 << 20));
        std::printf("index_ram_MiB=%.1f raw_vectors_MiB=%.1f ram_ratio=%.3f rss_MiB=%.1f "
                    "rss_added_by_open_MiB=%.1f\n",
                    static_cast<double>(s.ramBytes) / (1 << 20), rawBytes / (1 << 20),
                    static_cast<double>(s.ramBytes) / rawBytes,
                    static_cast<double>(rssAfter) / 1024.0,
                    static_cast<double>(rssAfter - rssBefore) / 1024.0);
        std::printf("keyword_build_s=%.1f keyword_open_s=%.2f keyword_chunks=%lld "
                    "keyword_terms=%lld keyword_ram_MiB=%.1f keyword_file_MiB=%.1f\n",
                    keywordBuildSeconds, keywordOpenSeconds, static_cast<long long>(ks.chunks),
                    static_cast<long long>(ks.terms), static_cast<double>(ks.ramBytes) / (1 << 20),
                    static_cast<double>(ks.fileBytes) / (1 << 20));
        std::printf("keyword_p50_ms=%.2f keyword_p99_ms=%.2f semantic_p50_ms=%.2f "
                    "semantic_p99_ms=%.2f hybrid_p50_ms=%.2f hybrid_p99_ms=%.2f queries=%zu "
                    "k=%d\n",
                    percentile(keyword, 0.5), percentile(keyword, 0.99), percentile(semantic, 0.5),
                    percentile(semantic, 0.99), percentile(hybrid, 0.5), percentile(hybrid, 0.99),
                    queries.size(), o.k);
        std::printf("recall_at_10=%.4f (verify: %d queries, exact over %lld vectors, %.1f s)\n",
                    recall.recall, recall.queries, recall.vectors, recall.seconds);
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "search_bench: %s\n", e.what());
        return 1;
    }
}
