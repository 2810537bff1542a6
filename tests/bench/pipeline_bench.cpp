// pipeline_bench: how fast the embedding pipeline drains a queue against a provider with
// latency and rate limits, beside the ceiling those limits allow and the one-row-per-10-s rate
// of the TimescaleDB recipe Quiver replaces.
//
//   pipeline_bench --db CONNINFO [--chunks 20000] [--chunk-chars 200] [--latency-ms 100]
//                  [--rpm 3000] [--tpm 1000000] [--batch 240] [--concurrency 8] [--workers 1]
//                  [--server-tokens-per-estimate 1.0]
//
// CONNINFO (key=value form) names a server where the user may create databases: the bench
// makes a throwaway database there, fills it with chunks, runs `--workers` embedding workers
// (each an EmbedWorker on its own thread and connection, as `quiver-cli worker --once` runs)
// against the fake embeddings server of the tests (real HTTP on loopback), and drops it. The
// server counts tokens with a tokenizer of its own: --server-tokens-per-estimate of them per
// token of Quiver's estimate, against its tpm limit and in the usage of its answers.
//
// Where the workers' time went is printed beside the rate: inside embed() with requests in
// flight, inside embed() with none in flight (held back by the pacing), writing the vectors to
// the database, and the rest of the worker's loop (claiming the next chunks, the worker's own
// pacing between embed() calls).
#include "core/db/migrations.h"
#include "core/db/pg_connection.h"
#include "core/embed/embedder_factory.h"
#include "core/embed/http_embedder.h"
#include "core/embed/profile_repository.h"
#include "core/embed/token_estimate.h"
#include "core/jobs/embed_worker.h"
#include "tests/harness/fake_embeddings_server.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QThread>

#include <algorithm>
#include <cstdio>
#include <memory>
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
    double serverTokensPerEstimate = 1.0;
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
        else if (k == QLatin1String("--server-tokens-per-estimate"))
            a.serverTokensPerEstimate = v.toDouble();
        else
            return false;
    }
    return !a.db.isEmpty() && a.chunks > 0 && a.chunkChars > 20 && a.batch > 0 &&
           a.concurrency > 0 && a.workers > 0 && a.serverTokensPerEstimate > 0;
}

// One worker's time, split at the edges of its embed() calls and of its progress reports
// (which follow the write of each batch's vectors). Touched only on the worker's thread.
struct Timeline {
    const QElapsedTimer* clock = nullptr;
    qint64 mark = 0;    // when the current phase began
    qint64 embedMs = 0; // inside embed()
    qint64 writeMs = 0; // from the end of embed() to the progress report
    qint64 loopMs = 0;  // from a progress report (or the start) to the next embed()
    HttpEmbedder::PacingStats pacing;
    qint64 lap() {
        const qint64 now = clock->elapsed();
        const qint64 spent = now - mark;
        mark = now;
        return spent;
    }
};

// Times the embed() calls of the embedder the worker makes, and keeps its pacing figures.
class TimedEmbedder : public Embedder {
public:
    TimedEmbedder(std::unique_ptr<Embedder> inner, Timeline& timeline)
        : m_inner(std::move(inner))
        , m_timeline(timeline) {}
    QString modelId() const override { return m_inner->modelId(); }
    int dimensions() const override { return m_inner->dimensions(); }
    std::vector<TruncatedInput> lastTruncations() const override {
        return m_inner->lastTruncations();
    }
    std::vector<std::vector<float>> embed(const QStringList& texts,
                                          const CancelToken& cancel) override {
        m_timeline.loopMs += m_timeline.lap();
        std::vector<std::vector<float>> out;
        try {
            out = m_inner->embed(texts, cancel);
        } catch (...) {
            note();
            throw;
        }
        note();
        return out;
    }

private:
    void note() {
        m_timeline.embedMs += m_timeline.lap();
        if (const auto* http = dynamic_cast<const HttpEmbedder*>(m_inner.get()))
            m_timeline.pacing = http->pacingStats();
    }
    std::unique_ptr<Embedder> m_inner;
    Timeline& m_timeline;
};

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
                             "[--workers N] [--server-tokens-per-estimate X]\n");
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
        config.tokensPerEstimate = a.serverTokensPerEstimate;
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
            std::vector<std::unique_ptr<Timeline>> timelines;
            for (int w = 0; w < a.workers; ++w) {
                EmbedWorker::Options o;
                o.conninfo = conninfo;
                o.profile = QStringLiteral("bench");
                o.once = true;
                timelines.push_back(std::make_unique<Timeline>());
                Timeline* timeline = timelines.back().get();
                timeline->clock = &timer;
                workers.push_back(std::make_unique<EmbedWorker>(o, [timeline](
                                                                       const EmbeddingProfile& p) {
                    return std::make_unique<TimedEmbedder>(createEmbedder(p, QString()), *timeline);
                }));
                EmbedWorker* worker = workers.back().get();
                worker->onProgress = [timeline](const EmbedWorker::Counters&) {
                    timeline->writeMs += timeline->lap();
                };
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
            const qint64 wallMs = timer.elapsed();
            const double seconds = static_cast<double>(wallMs) / 1000.0;
            const double rate = static_cast<double>(done) / seconds;
            // What the limits allow: requests/s times inputs per request, and tokens/s over the
            // tokens of one chunk; the smaller wins.
            const double byRequests = a.rpm / 60.0 * a.batch;
            const double byTokens =
                a.tpm / 60.0 / (static_cast<double>(tokensPerChunk) * a.serverTokensPerEstimate);
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
            Timeline sum;
            for (const auto& t : timelines) {
                sum.embedMs += t->embedMs;
                sum.writeMs += t->writeMs;
                sum.loopMs += t->loopMs + (wallMs - t->mark); // the tail: the last empty claim
                sum.pacing.heldMs += t->pacing.heldMs;
                sum.pacing.inFlightMs += t->pacing.inFlightMs;
                sum.pacing.tokensEstimated += t->pacing.tokensEstimated;
                sum.pacing.tokensCounted += t->pacing.tokensCounted;
            }
            const auto share = [&](qint64 ms) {
                return 100.0 * static_cast<double>(ms) / static_cast<double>(wallMs * a.workers);
            };
            std::printf("time:      in flight %.1f%%, held by the pacing %.1f%%, writing %.1f%%, "
                        "claiming and worker pacing %.1f%% (of %d worker(s) x %.1f s)\n",
                        share(sum.pacing.inFlightMs), share(sum.pacing.heldMs), share(sum.writeMs),
                        share(sum.loopMs), a.workers, seconds);
            std::printf("tokens:    the server counted %lld = %.0f/s of %.0f/s allowed (%.0f%%); "
                        "%.2f per estimated token\n",
                        static_cast<long long>(stats.tokensCounted),
                        static_cast<double>(stats.tokensCounted) / seconds, a.tpm / 60.0,
                        100.0 * static_cast<double>(stats.tokensCounted) / seconds / (a.tpm / 60.0),
                        sum.pacing.tokensEstimated > 0
                            ? static_cast<double>(sum.pacing.tokensCounted) /
                                  static_cast<double>(sum.pacing.tokensEstimated)
                            : 0.0);
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
