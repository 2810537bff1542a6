// pipeline_bench: how fast the embedding pipeline drains a queue against a provider with
// latency and rate limits, beside the ceiling those limits allow and the one-row-per-10-s rate
// of the TimescaleDB recipe Quiver replaces.
//
//   pipeline_bench --db CONNINFO [--chunks 20000] [--chunk-chars 200] [--latency-ms 100]
//                  [--rpm 3000] [--tpm 1000000] [--batch 240] [--concurrency 8] [--workers 1]
//
// CONNINFO (key=value form) names a server where the user may create databases: the bench
// makes a throwaway database there, fills it with chunks, runs `--workers` embedding workers
// (each an EmbedWorker on its own thread and connection, as `quiver-cli worker --once` runs)
// against the fake embeddings server of the tests (real HTTP on loopback), and drops it.
#include "core/db/migrations.h"
#include "core/db/pg_connection.h"
#include "core/embed/embedder_factory.h"
#include "core/embed/profile_repository.h"
#include "core/embed/token_estimate.h"
#include "core/jobs/embed_worker.h"
#include "tests/harness/fake_embeddings_server.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QThread>

#include <algorithm>
#include <cstdio>
#include <vector>

using namespace quiver;

namespace {

struct Args {
    QString db;
    int chunks = 20000;
    int chunkChars = 200;
    int latencyMs = 100;
    int rpm = 3000;
    int tpm = 1000000;
    int batch = 240;
    int concurrency = 8;
    int workers = 1;
};

bool parse(const QStringList& argv, Args& a) {
    for (qsizetype i = 1; i < argv.size(); ++i) {
        const QString& k = argv[i];
        if (i + 1 >= argv.size())
            return false;
        const QString v = argv[++i];
        if (k == QLatin1String("--db"))
            a.db = v;
        else if (k == QLatin1String("--chunks"))
            a.chunks = v.toInt();
        else if (k == QLatin1String("--chunk-chars"))
            a.chunkChars = v.toInt();
        else if (k == QLatin1String("--latency-ms"))
            a.latencyMs = v.toInt();
        else if (k == QLatin1String("--rpm"))
            a.rpm = v.toInt();
        else if (k == QLatin1String("--tpm"))
            a.tpm = v.toInt();
        else if (k == QLatin1String("--batch"))
            a.batch = v.toInt();
        else if (k == QLatin1String("--concurrency"))
            a.concurrency = v.toInt();
        else if (k == QLatin1String("--workers"))
            a.workers = v.toInt();
        else
            return false;
    }
    return !a.db.isEmpty() && a.chunks > 0 && a.chunkChars > 20 && a.batch > 0 &&
           a.concurrency > 0 && a.workers > 0;
}

// Distinct texts of about `chars` characters, like a chunker's output.
QString chunkText(int n, int chars) {
    QString t = QStringLiteral("Chunk %1 of the benchmark corpus. ").arg(n);
    static const QString filler = QStringLiteral(
        "Semantic search finds passages by meaning rather than by their exact words, ");
    while (t.size() < chars)
        t += filler;
    t.truncate(chars);
    return t;
}

} // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    Args a;
    if (!parse(QCoreApplication::arguments(), a)) {
        std::fprintf(stderr, "usage: pipeline_bench --db CONNINFO [--chunks N] [--chunk-chars N] "
                             "[--latency-ms N] [--rpm N] [--tpm N] [--batch N] [--concurrency N] "
                             "[--workers N]\n");
        return 2;
    }
    const QString dbName =
        QStringLiteral("quiver_bench_%1").arg(QCoreApplication::applicationPid());
    const QString conninfo = a.db + QStringLiteral(" dbname=") + dbName;
    try {
        PgConnection admin = PgConnection::open(a.db);
        admin.execScript(QStringLiteral("CREATE DATABASE ") + dbName);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "pipeline_bench: %s\n", e.what());
        return 1;
    }

    int status = 0;
    {
        test::FakeEmbeddingsServer::Config config;
        config.latencyMs = a.latencyMs;
        config.rpm = a.rpm;
        config.tpm = a.tpm;
        test::FakeEmbeddingsServer server(config);

        qint64 tokensPerChunk = 0;
        try {
            PgConnection conn = PgConnection::open(conninfo);
            Migrations::apply(conn);
            EmbeddingProfile p = EmbeddingProfile::withDefaults(
                QStringLiteral("bench"), EmbeddingProfile::Kind::OpenAiCompatible);
            p.baseUrl = server.baseUrl();
            p.model = QStringLiteral("bench-embed");
            p.dimensions = 8;
            p.batchSize = a.batch;
            p.concurrency = a.concurrency;
            p.requestsPerMinute = a.rpm;
            p.tokensPerMinute = a.tpm;
            ProfileRepository(conn).add(p);
            conn.exec(QStringLiteral("INSERT INTO quiver.collections (name) VALUES ('Bench')"));
            conn.exec(QStringLiteral("INSERT INTO quiver.documents (collection_id, path) "
                                     "SELECT id, '/bench.txt' FROM quiver.collections"));
            int n = 0;
            conn.copyIn(
                QStringLiteral("COPY quiver.chunks (document_id, ordinal, text) FROM STDIN"),
                [&](QByteArray& out) {
                    if (n >= a.chunks)
                        return false;
                    out.clear();
                    for (int k = 0; k < 1000 && n < a.chunks; ++k, ++n) {
                        out += "1\t" + QByteArray::number(n) + '\t' +
                               PgConnection::copyTextField(chunkText(n, a.chunkChars)) + '\n';
                    }
                    return true;
                });
            tokensPerChunk = estimateTokens(chunkText(a.chunks / 2, a.chunkChars));
        } catch (const std::exception& e) {
            std::fprintf(stderr, "pipeline_bench: %s\n", e.what());
            status = 1;
        }

        if (status == 0) {
            QElapsedTimer timer;
            timer.start();
            std::vector<std::unique_ptr<EmbedWorker>> workers;
            std::vector<QThread*> threads;
            for (int w = 0; w < a.workers; ++w) {
                EmbedWorker::Options o;
                o.conninfo = conninfo;
                o.profile = QStringLiteral("bench");
                o.once = true;
                workers.push_back(std::make_unique<EmbedWorker>(
                    o, [](const EmbeddingProfile& p) { return createEmbedder(p, QString()); }));
                EmbedWorker* worker = workers.back().get();
                threads.push_back(QThread::create([worker] { worker->run(); }));
                threads.back()->start();
            }
            qint64 done = 0;
            for (std::size_t w = 0; w < threads.size(); ++w) {
                threads[w]->wait();
                delete threads[w];
                done += workers[w]->counters().done;
                if (!workers[w]->lastError().isEmpty() && workers[w]->counters().done == 0)
                    std::fprintf(stderr, "pipeline_bench: worker: %s\n",
                                 workers[w]->lastError().toUtf8().constData());
            }
            const double seconds = static_cast<double>(timer.elapsed()) / 1000.0;
            const double rate = static_cast<double>(done) / seconds;
            // What the limits allow: requests/s times inputs per request, and tokens/s over the
            // tokens of one chunk; the smaller wins.
            const double byRequests = a.rpm / 60.0 * a.batch;
            const double byTokens = a.tpm / 60.0 / static_cast<double>(tokensPerChunk);
            const double ceiling = std::min(byRequests, byTokens);
            const test::FakeEmbeddingsServer::Stats stats = server.stats();
            std::printf("pipeline_bench: %d chunks of %d chars (~%lld tokens), server latency %d "
                        "ms, limits %d requests/min and %d tokens/min, batch %d, concurrency %d, "
                        "%d worker(s)\n",
                        a.chunks, a.chunkChars, static_cast<long long>(tokensPerChunk), a.latencyMs,
                        a.rpm, a.tpm, a.batch, a.concurrency, a.workers);
            std::printf("embedded:  %lld chunks in %.1f s = %.1f chunks/s (%d requests, %d "
                        "answered 429)\n",
                        static_cast<long long>(done), seconds, rate, stats.requests,
                        stats.rateLimited);
            std::printf("ceiling:   %.1f chunks/s (requests allow %.1f, tokens allow %.1f): "
                        "%.0f%% of it\n",
                        ceiling, byRequests, byTokens, 100.0 * rate / ceiling);
            std::printf("recipe:    0.1 chunks/s (one row per 10 s): %.0fx slower, %.1f h for "
                        "these chunks\n",
                        rate / 0.1, a.chunks * 10.0 / 3600.0);
            if (done != a.chunks)
                status = 1;
        }
    }
    try {
        PgConnection admin = PgConnection::open(a.db);
        admin.execScript(QStringLiteral("DROP DATABASE ") + dbName);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "pipeline_bench: could not drop %s: %s\n", qPrintable(dbName),
                     e.what());
    }
    return status;
}
