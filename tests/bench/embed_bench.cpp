// Embedding throughput. Prints one JSON line per measurement:
//   - inputs/s of the OpenAI-compatible embedder against the fake embeddings server (real HTTP on
//     loopback) at a fixed server latency, with the profile defaults (batch size, concurrency)
//     beside one input per request, one request at a time;
//   - MB/s of UTF-8 text through the lexical embedder on one thread.
//   embed_bench [--inputs N] [--latency-ms MS] [--lexical-mb MB]
#include "core/embed/embedding_profile.h"
#include "core/embed/lexical_embedder.h"
#include "core/embed/openai_embedder.h"
#include "tests/harness/fake_embeddings_server.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstdio>

using quiver::EmbeddingProfile;
using quiver::test::FakeEmbeddingsConfig;
using quiver::test::FakeEmbeddingsServer;

namespace {

void print(const QJsonObject& o) {
    std::printf("%s\n", QJsonDocument(o).toJson(QJsonDocument::Compact).constData());
    std::fflush(stdout);
}

// Chunk-sized texts (~600 characters of varied English-like words).
QStringList makeTexts(int n) {
    static const QStringList words =
        QStringLiteral(
            "the database stores every chunk of text beside its vector and the index finds the "
            "nearest neighbours of a question among millions of paragraphs quickly while the "
            "worker "
            "embeds new documents in the background with batches retries and pacing")
            .split(QLatin1Char(' '));
    QStringList out;
    quint32 state = 12345;
    for (int i = 0; i < n; ++i) {
        QString t = QStringLiteral("chunk %1:").arg(i);
        while (t.size() < 600) {
            state = state * 1664525U + 1013904223U;
            t += QLatin1Char(' ') + words[static_cast<qsizetype>(state >> 8) % words.size()];
        }
        out << t;
    }
    return out;
}

void remote(const QString& label, FakeEmbeddingsServer& server, int batch, int concurrency,
            const QStringList& texts, int latency) {
    EmbeddingProfile p = EmbeddingProfile::withDefaults(QStringLiteral("bench"),
                                                        EmbeddingProfile::Kind::OpenAiCompatible);
    p.baseUrl = server.baseUrl();
    p.model = QStringLiteral("fake");
    p.batchSize = batch;
    p.concurrency = concurrency;
    quiver::OpenAiEmbedder e(p, QString());
    server.resetStats();
    QElapsedTimer t;
    t.start();
    const auto v = e.embed(texts);
    const double s = static_cast<double>(t.nsecsElapsed()) / 1e9;
    print(QJsonObject{{QStringLiteral("bench"), QStringLiteral("remote")},
                      {QStringLiteral("setting"), label},
                      {QStringLiteral("batch_size"), batch},
                      {QStringLiteral("concurrency"), concurrency},
                      {QStringLiteral("server_latency_ms"), latency},
                      {QStringLiteral("inputs"), static_cast<int>(v.size())},
                      {QStringLiteral("requests"), server.stats().requests},
                      {QStringLiteral("seconds"), s},
                      {QStringLiteral("inputs_per_s"), static_cast<double>(v.size()) / s}});
}

} // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    int inputs = 2000;
    int latency = 100;
    double lexicalMb = 64;
    const QStringList args = QCoreApplication::arguments();
    for (qsizetype i = 1; i + 1 < args.size(); i += 2) {
        if (args[i] == QLatin1String("--inputs"))
            inputs = args[i + 1].toInt();
        else if (args[i] == QLatin1String("--latency-ms"))
            latency = args[i + 1].toInt();
        else if (args[i] == QLatin1String("--lexical-mb"))
            lexicalMb = args[i + 1].toDouble();
    }
    FakeEmbeddingsConfig c;
    c.latencyMs = latency;
    c.dimensions = 256;
    FakeEmbeddingsServer server(c);
    const EmbeddingProfile defaults =
        EmbeddingProfile::withDefaults(QStringLiteral("d"), EmbeddingProfile::Kind::OpenAi);
    remote(QStringLiteral("profile defaults"), server, defaults.batchSize, defaults.concurrency,
           makeTexts(inputs), latency);
    // One input per request is slow by design: a tenth of the inputs gives the same rate.
    remote(QStringLiteral("one input per request"), server, 1, 1,
           makeTexts(std::max(10, inputs / 100)), latency);

    const QStringList texts = makeTexts(2000);
    qint64 bytesPerRound = 0;
    for (const QString& t : texts)
        bytesPerRound += t.toUtf8().size();
    quiver::LexicalEmbedder lexical(1024);
    qint64 bytes = 0;
    QElapsedTimer t;
    t.start();
    while (static_cast<double>(bytes) < lexicalMb * 1e6) {
        for (const QString& text : texts)
            lexical.embedOne(text);
        bytes += bytesPerRound;
    }
    const double s = static_cast<double>(t.nsecsElapsed()) / 1e9;
    print(QJsonObject{{QStringLiteral("bench"), QStringLiteral("lexical")},
                      {QStringLiteral("dimensions"), 1024},
                      {QStringLiteral("threads"), 1},
                      {QStringLiteral("megabytes"), static_cast<double>(bytes) / 1e6},
                      {QStringLiteral("seconds"), s},
                      {QStringLiteral("mb_per_s"), static_cast<double>(bytes) / 1e6 / s}});
    return 0;
}
