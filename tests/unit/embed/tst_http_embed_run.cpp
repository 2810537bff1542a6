// How an HttpEmbedder paces its requests when the server counts tokens differently from Quiver's
// estimate: the OpenAI-compatible embedder against the fake embeddings server, over real HTTP on
// loopback. The server's tokenizer counts a multiple of the estimate, enforces its tokens/minute
// limit on what it counts, and reports that count as usage with every answer.
#include "core/embed/openai_embedder.h"
#include "core/embed/token_estimate.h"
#include "tests/harness/fake_embeddings_server.h"

#include <QTest>

#include <algorithm>

using quiver::EmbeddingProfile;
using quiver::estimateTokens;
using quiver::HttpEmbedder;
using quiver::OpenAiEmbedder;
using quiver::test::FakeEmbeddingsConfig;
using quiver::test::FakeEmbeddingsServer;

namespace {

constexpr int kDims = 8;
constexpr int kTokensPerMinute = 60000; // 1,000 a second, a second's worth at once

EmbeddingProfile profileFor(const FakeEmbeddingsServer& server) {
    EmbeddingProfile p = EmbeddingProfile::withDefaults(QStringLiteral("fake"),
                                                        EmbeddingProfile::Kind::OpenAiCompatible);
    p.baseUrl = server.baseUrl();
    p.model = QStringLiteral("fake-model");
    p.dimensions = kDims;
    p.maxRetries = 8;
    p.timeoutMs = 60000;
    p.tokensPerMinute = kTokensPerMinute;
    return p;
}

// Distinct inputs of 60 characters: 21 estimated tokens each.
QStringList texts(int n, int from = 0) {
    QStringList out;
    for (int i = from; i < from + n; ++i) {
        QString t = QStringLiteral("input %1 ").arg(i);
        out << t.leftJustified(60, QLatin1Char('x'));
    }
    return out;
}

void verifyInOrder(const std::vector<std::vector<float>>& got, const QStringList& inputs) {
    QCOMPARE(static_cast<qsizetype>(got.size()), inputs.size());
    for (qsizetype i = 0; i < inputs.size(); ++i)
        QVERIFY2(got[static_cast<std::size_t>(i)] ==
                     FakeEmbeddingsServer::vectorFor(inputs[i], kDims),
                 qPrintable(QStringLiteral("vector %1 is not the one of its input").arg(i)));
}

} // namespace

class TestHttpEmbedRun : public QObject {
    Q_OBJECT
private slots:
    void serverCountingTwiceTheEstimateIsNotOverrun();
    void serverCountingHalfTheEstimateIsUsedInFull();
};

// Priced at the estimate, the requests would spend the server's tokens twice as fast as its limit
// allows and draw a 429 (and a second's Retry-After) again and again. The usage of the first
// answers corrects the price: the rest are paced at what the server counts.
void TestHttpEmbedRun::serverCountingTwiceTheEstimateIsNotOverrun() {
    FakeEmbeddingsConfig c;
    c.tpm = kTokensPerMinute;
    c.tokensPerEstimate = 2.0;
    FakeEmbeddingsServer server(c);
    EmbeddingProfile p = profileFor(server);
    p.batchSize = 4; // 84 estimated tokens, 168 counted
    p.concurrency = 2;
    OpenAiEmbedder e(p, QString());
    const QStringList in = texts(72); // 3,024 tokens counted: a burst and about two seconds
    verifyInOrder(e.embed(in), in);
    const FakeEmbeddingsServer::Stats s = server.stats();
    QCOMPARE(s.rateLimited, 0);
    QCOMPARE(s.requests, 18);
    const HttpEmbedder::PacingStats pacing = e.pacingStats();
    QCOMPARE(pacing.tokensCounted, s.tokensCounted);
    QCOMPARE(pacing.tokensCounted, 2 * pacing.tokensEstimated);
    QCOMPARE(pacing.rateLimited, qint64{0});
}

// Priced at the estimate, requests would use half of what the server allows. Once the usage says
// so, each estimated token costs half: a full bucket carries twice the estimated tokens, so each
// request carries twice the inputs, at the same pace in the server's tokens.
void TestHttpEmbedRun::serverCountingHalfTheEstimateIsUsedInFull() {
    FakeEmbeddingsConfig c;
    c.tpm = kTokensPerMinute;
    c.tokensPerEstimate = 0.5;
    FakeEmbeddingsServer server(c);
    EmbeddingProfile p = profileFor(server);
    p.batchSize = 1000; // only the tokens bucket bounds a request
    p.concurrency = 1;
    OpenAiEmbedder e(p, QString());
    const qint64 perInput = estimateTokens(texts(1).front());
    QCOMPARE(perInput, qint64{21});

    // Nothing learnt yet: a request carries what the bucket holds at the estimate.
    const QStringList first = texts(100);
    verifyInOrder(e.embed(first), first);
    const QList<int> before = server.stats().batchSizes;
    QCOMPARE(before.front(), static_cast<int>(1000 / perInput));

    server.resetStats();
    const QStringList second = texts(200, 100);
    verifyInOrder(e.embed(second), second);
    const FakeEmbeddingsServer::Stats s = server.stats();
    QCOMPARE(s.batchSizes.front(), static_cast<int>(2000 / perInput));
    QCOMPARE(s.rateLimited, 0);
    QCOMPARE(e.pacingStats().rateLimited, qint64{0});
}

QTEST_GUILESS_MAIN(TestHttpEmbedRun)
#include "tst_http_embed_run.moc"
