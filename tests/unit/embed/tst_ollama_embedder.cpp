// Ollama's /api/embed against the fake embeddings server, over real HTTP on loopback.
#include "core/embed/ollama_embedder.h"
#include "tests/harness/fake_embeddings_server.h"

#include <QTest>

using quiver::EmbeddingProfile;
using quiver::EmbedError;
using quiver::OllamaEmbedder;
using quiver::test::FakeEmbeddingsServer;
using Fault = FakeEmbeddingsServer::Fault;

namespace {
EmbeddingProfile profileFor(const FakeEmbeddingsServer& server) {
    EmbeddingProfile p =
        EmbeddingProfile::withDefaults(QStringLiteral("llama"), EmbeddingProfile::Kind::Ollama);
    p.baseUrl = server.baseUrl();
    p.batchSize = 3;
    p.maxRetries = 2;
    return p;
}

QStringList texts(int n) {
    QStringList out;
    for (int i = 0; i < n; ++i)
        out << QStringLiteral("ollama input %1").arg(i);
    return out;
}
} // namespace

class TestOllamaEmbedder : public QObject {
    Q_OBJECT
private slots:
    void batchesAndOrder();
    void sendsNoAuthorization();
    void nonNumbersAreRejected();
    void serverErrorsAreRetried();
};

void TestOllamaEmbedder::batchesAndOrder() {
    FakeEmbeddingsServer server;
    OllamaEmbedder e(profileFor(server));
    const QStringList in = texts(7);
    const auto got = e.embed(in);
    QCOMPARE(server.stats().requests, 3);
    QCOMPARE(got.size(), std::size_t{7});
    for (int i = 0; i < 7; ++i)
        QCOMPARE(got[static_cast<std::size_t>(i)], FakeEmbeddingsServer::vectorFor(in[i], 8));
    QCOMPARE(e.dimensions(), 8); // learnt from the first answer
    QVERIFY(e.modelId().startsWith(QStringLiteral("ollama:nomic-embed-text")));
}

void TestOllamaEmbedder::sendsNoAuthorization() {
    FakeEmbeddingsServer server;
    OllamaEmbedder e(profileFor(server));
    e.embed(texts(1));
    QCOMPARE(server.stats().authorizations, QList<QByteArray>{QByteArray()});
}

void TestOllamaEmbedder::nonNumbersAreRejected() {
    FakeEmbeddingsServer server;
    server.queueFaults({Fault::NaN});
    OllamaEmbedder e(profileFor(server));
    try {
        e.embed(texts(2));
        QFAIL("accepted a vector that holds a non-number");
    } catch (const EmbedError& error) {
        QCOMPARE(error.kind(), EmbedError::Kind::BadResponse);
    }
}

void TestOllamaEmbedder::serverErrorsAreRetried() {
    FakeEmbeddingsServer server;
    server.queueFaults({Fault::ServerError});
    quiver::HttpEmbedder::Options fast;
    fast.retryBaseMs = 10;
    OllamaEmbedder e(profileFor(server), fast);
    QCOMPARE(e.embed(texts(2)).size(), std::size_t{2});
    QCOMPARE(server.stats().requests, 2);
}

QTEST_GUILESS_MAIN(TestOllamaEmbedder)
#include "tst_ollama_embedder.moc"
