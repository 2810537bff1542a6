// The OpenAI-compatible embedder against the fake embeddings server, over real HTTP on loopback.
#include "core/embed/openai_embedder.h"
#include "tests/harness/fake_embeddings_server.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QTest>
#include <QThread>

#include <atomic>
#include <cmath>

using quiver::CancelToken;
using quiver::EmbeddingProfile;
using quiver::EmbedError;
using quiver::HttpEmbedder;
using quiver::OpenAiEmbedder;
using quiver::test::FakeEmbeddingsConfig;
using quiver::test::FakeEmbeddingsServer;
using Fault = FakeEmbeddingsServer::Fault;

namespace {

constexpr int kDims = 8;

EmbeddingProfile profileFor(const FakeEmbeddingsServer& server) {
    EmbeddingProfile p = EmbeddingProfile::withDefaults(QStringLiteral("fake"),
                                                        EmbeddingProfile::Kind::OpenAiCompatible);
    p.baseUrl = server.baseUrl();
    p.model = QStringLiteral("fake-model");
    p.dimensions = kDims;
    p.batchSize = 4;
    p.concurrency = 1;
    p.maxRetries = 3;
    p.timeoutMs = 10000;
    return p;
}

// Fast backoff, so that a test of Retry-After can tell the two apart.
HttpEmbedder::Options fastRetries() {
    HttpEmbedder::Options o;
    o.retryBaseMs = 10;
    o.retryMaxMs = 50;
    return o;
}

QStringList texts(int n, const QString& prefix = QStringLiteral("text")) {
    QStringList out;
    for (int i = 0; i < n; ++i)
        out << QStringLiteral("%1 number %2").arg(prefix).arg(i);
    return out;
}

bool equalVectors(const std::vector<float>& a, const std::vector<float>& b) {
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (std::abs(a[i] - b[i]) > 1e-6F)
            return false;
    }
    return true;
}

void verifyInOrder(const std::vector<std::vector<float>>& got, const QStringList& inputs,
                   int dims = kDims) {
    QCOMPARE(static_cast<qsizetype>(got.size()), inputs.size());
    for (qsizetype i = 0; i < inputs.size(); ++i)
        QVERIFY2(equalVectors(got[static_cast<std::size_t>(i)],
                              FakeEmbeddingsServer::vectorFor(inputs[i], dims)),
                 qPrintable(QStringLiteral("vector %1 is not the one of its input").arg(i)));
}

EmbedError::Kind failureKind(HttpEmbedder& e, const QStringList& in, QString* message = nullptr) {
    try {
        e.embed(in);
    } catch (const EmbedError& error) {
        if (message)
            *message = error.message();
        return error.kind();
    }
    return EmbedError::Kind::Config; // distinguishable from every expected kind below
}

} // namespace

class TestOpenAiEmbedder : public QObject {
    Q_OBJECT
private slots:
    void batchesCountAndOrder();
    void floatAnswersAreAccepted();
    void sendsTheKeyOnlyInTheAuthorizationHeader();
    void retryAfterIsHonoured();
    void givesUpAfterTheConfiguredRetries();
    void droppedConnectionIsRetried();
    void unauthorizedIsNotRetriedAndHidesTheKey();
    void notFoundIsNotRetried();
    void badAnswersAreRejected_data();
    void badAnswersAreRejected();
    void timeoutIsReported();
    void fourRequestsInFlightKeepInputOrder();
    void cancellationStopsWithinOneSecond();
    void pacingKeepsWithinRequestsPerMinute();
    void pacingKeepsWithinTokensPerMinute();
    void serverRateLimitHeadersArePaced();
    void tooLongInputIsSplitThenTruncated();
    void inputOverTheModelLimitIsShortenedBeforeSending();
    void emptyInputMakesNoRequest();
    void refusalOfTheRequestIsNotSplitNorRetried();
    void refusalNamingOneInputIsAboutThatInput();
    void oversizedAnswerIsRefused();
    void hugeRetryAfterIsCapped();
};

void TestOpenAiEmbedder::inputOverTheModelLimitIsShortenedBeforeSending() {
    FakeEmbeddingsConfig c;
    c.maxInputChars = 100;
    FakeEmbeddingsServer server(c);
    EmbeddingProfile p = profileFor(server);
    p.maxInputTokens = 20; // about 57 ASCII characters by the conservative estimate
    OpenAiEmbedder e(p, QString(), fastRetries());
    const QStringList in{QStringLiteral("short"), QString(300, QLatin1Char('y'))};
    const auto got = e.embed(in);
    QCOMPARE(server.stats().requests, 1); // nothing refused, nothing split
    const auto truncations = e.lastTruncations();
    QCOMPARE(truncations.size(), std::size_t{1});
    QCOMPARE(truncations[0].index, 1);
    QCOMPARE(truncations[0].originalChars, 300);
    QVERIFY(truncations[0].keptChars >= 50 && truncations[0].keptChars <= 60);
    QStringList sent = in;
    sent[1] = in[1].left(truncations[0].keptChars);
    verifyInOrder(got, sent);
}

void TestOpenAiEmbedder::batchesCountAndOrder() {
    FakeEmbeddingsServer server;
    OpenAiEmbedder e(profileFor(server), QString());
    for (int n : {1, 4, 5, 10}) {
        server.resetStats();
        const QStringList in = texts(n);
        verifyInOrder(e.embed(in), in);
        QCOMPARE(server.stats().requests, (n + 3) / 4); // ceil(N / batch)
        QCOMPARE(server.stats().inputs, n);
    }
    QCOMPARE(e.dimensions(), kDims);
    QVERIFY(e.modelId().contains(QStringLiteral("fake-model")));
}

void TestOpenAiEmbedder::floatAnswersAreAccepted() {
    FakeEmbeddingsConfig c;
    c.floatAnswers = true;
    FakeEmbeddingsServer server(c);
    OpenAiEmbedder e(profileFor(server), QString());
    const QStringList in = texts(6);
    verifyInOrder(e.embed(in), in);
}

void TestOpenAiEmbedder::sendsTheKeyOnlyInTheAuthorizationHeader() {
    FakeEmbeddingsConfig c;
    c.requiredKey = QStringLiteral("sk-test-authorization-1234");
    FakeEmbeddingsServer server(c);
    OpenAiEmbedder e(profileFor(server), c.requiredKey);
    verifyInOrder(e.embed(texts(5)), texts(5));
    const auto s = server.stats();
    QCOMPARE(s.authorizations.size(), 2);
    for (const QByteArray& a : s.authorizations)
        QCOMPARE(a, QByteArray("Bearer sk-test-authorization-1234"));
}

void TestOpenAiEmbedder::retryAfterIsHonoured() {
    FakeEmbeddingsConfig c;
    c.retryAfterSeconds = 1;
    FakeEmbeddingsServer server(c);
    server.queueFaults({Fault::RateLimited});
    OpenAiEmbedder e(profileFor(server), QString(), fastRetries());
    QElapsedTimer t;
    t.start();
    verifyInOrder(e.embed(texts(3)), texts(3));
    QVERIFY2(t.elapsed() >= 1000, qPrintable(QString::number(t.elapsed())));
    const auto s = server.stats();
    QCOMPARE(s.requests, 2);
    QVERIFY(s.arrivalMs[1] - s.arrivalMs[0] >= 990);
}

void TestOpenAiEmbedder::givesUpAfterTheConfiguredRetries() {
    FakeEmbeddingsServer server;
    server.queueFaults(
        {Fault::ServerError, Fault::ServerError, Fault::ServerError, Fault::ServerError});
    EmbeddingProfile p = profileFor(server);
    p.maxRetries = 2;
    OpenAiEmbedder e(p, QString(), fastRetries());
    QString message;
    QCOMPARE(failureKind(e, texts(2), &message), EmbedError::Kind::Server);
    QCOMPARE(server.stats().requests, 3); // the first try and two retries
    QVERIFY2(message.contains(QStringLiteral("gave up after 2 retries")), qPrintable(message));
    QVERIFY(message.contains(QStringLiteral("fake")));
}

void TestOpenAiEmbedder::droppedConnectionIsRetried() {
    FakeEmbeddingsServer server;
    server.queueFaults({Fault::Drop, Fault::ServerError});
    OpenAiEmbedder e(profileFor(server), QString(), fastRetries());
    verifyInOrder(e.embed(texts(3)), texts(3));
    QCOMPARE(server.stats().requests, 3);
}

void TestOpenAiEmbedder::unauthorizedIsNotRetriedAndHidesTheKey() {
    FakeEmbeddingsConfig c;
    c.requiredKey = QStringLiteral("sk-the-right-key-0000");
    FakeEmbeddingsServer server(c);
    const QString wrong = QStringLiteral("sk-wrongkeyABCDEF9876");
    OpenAiEmbedder e(profileFor(server), wrong, fastRetries());
    QString message;
    QCOMPARE(failureKind(e, texts(2), &message), EmbedError::Kind::Auth);
    QCOMPARE(server.stats().requests, 1);
    // The server quoted the key's first six and last four characters; none may come back.
    QVERIFY2(!message.contains(wrong.left(6)) && !message.contains(wrong.right(4)),
             qPrintable(message));
    QVERIFY(message.contains(QStringLiteral("401")));
    QVERIFY(message.contains(QStringLiteral("key set fake")));
}

void TestOpenAiEmbedder::notFoundIsNotRetried() {
    FakeEmbeddingsServer server;
    server.queueFaults({Fault::NotFound});
    OpenAiEmbedder e(profileFor(server), QString(), fastRetries());
    QString message;
    QCOMPARE(failureKind(e, texts(2), &message), EmbedError::Kind::NotFound);
    QCOMPARE(server.stats().requests, 1);
    QVERIFY(message.contains(QStringLiteral("fake-model")));
}

// What is wrong with the answer as a whole is BadResponse (the request would fare no better
// split); what is wrong with some of its vectors is InputRejected (splitting finds the inputs).
void TestOpenAiEmbedder::badAnswersAreRejected_data() {
    QTest::addColumn<Fault>("fault");
    QTest::addColumn<bool>("floats");
    QTest::addColumn<EmbedError::Kind>("kind");
    using K = EmbedError::Kind;
    QTest::newRow("one vector short") << Fault::WrongDimensions << false << K::InputRejected;
    QTest::newRow("every vector short") << Fault::AllWrongDimensions << false << K::BadResponse;
    QTest::newRow("wrong count") << Fault::WrongCount << false << K::BadResponse;
    QTest::newRow("NaN in every vector") << Fault::NaN << false << K::BadResponse;
    QTest::newRow("non-number in every vector") << Fault::NaN << true << K::BadResponse;
    QTest::newRow("malformed JSON") << Fault::MalformedJson << false << K::BadResponse;
}

void TestOpenAiEmbedder::badAnswersAreRejected() {
    QFETCH(Fault, fault);
    QFETCH(bool, floats);
    QFETCH(EmbedError::Kind, kind);
    FakeEmbeddingsConfig c;
    c.floatAnswers = floats;
    FakeEmbeddingsServer server(c);
    server.queueFaults({fault});
    OpenAiEmbedder e(profileFor(server), QString(), fastRetries());
    std::vector<std::vector<float>> stored;
    try {
        stored = e.embed(texts(3));
        QFAIL("a bad answer was accepted");
    } catch (const EmbedError& error) {
        QCOMPARE(error.kind(), kind);
        QVERIFY(error.message().contains(QStringLiteral("nothing was stored")));
    }
    QVERIFY(stored.empty());
    QCOMPARE(server.stats().requests, 1);
}

void TestOpenAiEmbedder::timeoutIsReported() {
    FakeEmbeddingsConfig c;
    c.latencyMs = 3000;
    FakeEmbeddingsServer server(c);
    EmbeddingProfile p = profileFor(server);
    p.timeoutMs = 300;
    p.maxRetries = 1;
    OpenAiEmbedder e(p, QString(), fastRetries());
    QElapsedTimer t;
    t.start();
    QCOMPARE(failureKind(e, texts(1)), EmbedError::Kind::Timeout);
    QVERIFY2(t.elapsed() < 2500, qPrintable(QString::number(t.elapsed())));
    QCOMPARE(server.stats().requests, 2);
}

void TestOpenAiEmbedder::fourRequestsInFlightKeepInputOrder() {
    FakeEmbeddingsConfig c;
    c.latencyMs = 100;
    FakeEmbeddingsServer server(c);
    EmbeddingProfile p = profileFor(server);
    p.batchSize = 2;
    p.concurrency = 4;
    OpenAiEmbedder e(p, QString());
    const QStringList in = texts(16, QStringLiteral("ordered"));
    QElapsedTimer t;
    t.start();
    verifyInOrder(e.embed(in), in);
    const auto s = server.stats();
    QCOMPARE(s.requests, 8);
    QCOMPARE(s.maxInFlight, 4);
    // Eight requests of 100 ms, four at a time: two rounds, not eight.
    QVERIFY2(t.elapsed() < 700, qPrintable(QString::number(t.elapsed())));
}

void TestOpenAiEmbedder::cancellationStopsWithinOneSecond() {
    FakeEmbeddingsConfig c;
    c.latencyMs = 20000;
    FakeEmbeddingsServer server(c);
    EmbeddingProfile p = profileFor(server);
    p.concurrency = 2;
    p.timeoutMs = 60000;
    CancelToken cancel;
    std::atomic<int> kind{-1};
    QThread* worker = QThread::create([&]() {
        OpenAiEmbedder e(p, QString());
        try {
            e.embed(texts(20), cancel);
            kind = 100;
        } catch (const EmbedError& error) {
            kind = static_cast<int>(error.kind());
        }
    });
    worker->start();
    QTRY_COMPARE_WITH_TIMEOUT(server.stats().requests, 2, 5000);
    QElapsedTimer t;
    t.start();
    cancel.cancel();
    QVERIFY(worker->wait(2000));
    QVERIFY2(t.elapsed() < 1000, qPrintable(QString::number(t.elapsed())));
    QCOMPARE(kind.load(), static_cast<int>(EmbedError::Kind::Cancelled));
    QCOMPARE(server.stats().requests, 2); // nothing started after the cancel
    delete worker;
}

void TestOpenAiEmbedder::pacingKeepsWithinRequestsPerMinute() {
    FakeEmbeddingsConfig c;
    c.rpm = 600; // ten a second, evenly
    FakeEmbeddingsServer server(c);
    EmbeddingProfile p = profileFor(server);
    p.batchSize = 1;
    p.concurrency = 4;
    p.requestsPerMinute = 600;
    OpenAiEmbedder e(p, QString());
    QElapsedTimer t;
    t.start();
    verifyInOrder(e.embed(texts(25)), texts(25));
    const auto s = server.stats();
    QCOMPARE(s.rateLimited, 0);
    QCOMPARE(s.requests, 25);
    // Ten at once, then ten a second: the last of 25 starts after about 1.5 s.
    QVERIFY2(t.elapsed() >= 1400, qPrintable(QString::number(t.elapsed())));
}

void TestOpenAiEmbedder::pacingKeepsWithinTokensPerMinute() {
    FakeEmbeddingsConfig c;
    c.tpm = 6000; // 100 tokens a second
    FakeEmbeddingsServer server(c);
    EmbeddingProfile p = profileFor(server);
    p.batchSize = 2;
    p.concurrency = 4;
    p.tokensPerMinute = 6000;
    OpenAiEmbedder e(p, QString());
    const QStringList in = texts(16, QString(60, QLatin1Char('a'))); // ~25 tokens each
    QElapsedTimer t;
    t.start();
    verifyInOrder(e.embed(in), in);
    const auto s = server.stats();
    QCOMPARE(s.rateLimited, 0);
    // About 400 tokens at 100 a second after a first second's worth.
    QVERIFY2(t.elapsed() >= 2500, qPrintable(QString::number(t.elapsed())));
}

void TestOpenAiEmbedder::serverRateLimitHeadersArePaced() {
    FakeEmbeddingsConfig c;
    c.rpm = 600;
    FakeEmbeddingsServer server(c);
    EmbeddingProfile p = profileFor(server);
    p.batchSize = 1;
    p.concurrency = 1; // no limit of its own: only the server's headers slow it down
    OpenAiEmbedder e(p, QString(), fastRetries());
    verifyInOrder(e.embed(texts(30)), texts(30));
    QCOMPARE(server.stats().rateLimited, 0);
    QCOMPARE(server.stats().requests, 30);
}

void TestOpenAiEmbedder::tooLongInputIsSplitThenTruncated() {
    FakeEmbeddingsConfig c;
    c.maxInputChars = 50;
    FakeEmbeddingsServer server(c);
    OpenAiEmbedder e(profileFor(server), QString(), fastRetries());
    QStringList in = texts(3);
    in.insert(1, QString(200, QLatin1Char('x')));
    const auto got = e.embed(in);
    const auto truncations = e.lastTruncations();
    QCOMPARE(truncations.size(), std::size_t{1});
    QCOMPARE(truncations[0].index, 1);
    QCOMPARE(truncations[0].originalChars, 200);
    QVERIFY(truncations[0].keptChars <= 50 && truncations[0].keptChars > 0);
    QStringList sent = in;
    sent[1] = in[1].left(truncations[0].keptChars);
    verifyInOrder(got, sent);
}

void TestOpenAiEmbedder::emptyInputMakesNoRequest() {
    FakeEmbeddingsServer server;
    OpenAiEmbedder e(profileFor(server), QString());
    QVERIFY(e.embed({}).empty());
    QCOMPARE(server.stats().requests, 0);
}

void TestOpenAiEmbedder::refusalOfTheRequestIsNotSplitNorRetried() {
    FakeEmbeddingsConfig c;
    c.rejectAllMessage = QStringLiteral("This model does not support specifying dimensions.");
    FakeEmbeddingsServer server(c);
    OpenAiEmbedder e(profileFor(server), QString(), fastRetries());
    QString message;
    QCOMPARE(failureKind(e, texts(12), &message), EmbedError::Kind::RequestRejected);
    QCOMPARE(server.stats().requests, 1); // three batches of four: the first answer ends it
    QVERIFY2(message.contains(QStringLiteral("does not support specifying dimensions")),
             qPrintable(message));
    QVERIFY(message.contains(QStringLiteral("HTTP 400")));
    QVERIFY(message.contains(QStringLiteral("fake-model")));
}

void TestOpenAiEmbedder::refusalNamingOneInputIsAboutThatInput() {
    FakeEmbeddingsConfig c;
    c.rejectMarker = QStringLiteral("POISON");
    FakeEmbeddingsServer server(c);
    OpenAiEmbedder e(profileFor(server), QString(), fastRetries());
    QStringList in = texts(3);
    in[1] += QStringLiteral(" POISON");
    QString message;
    QCOMPARE(failureKind(e, in, &message), EmbedError::Kind::InputRejected);
    QCOMPARE(server.stats().requests, 1);
    QVERIFY2(message.contains(QStringLiteral("input[1]")), qPrintable(message));
}

void TestOpenAiEmbedder::oversizedAnswerIsRefused() {
    FakeEmbeddingsConfig c;
    // Two 8-dimensional vectors need well under a kilobyte; the limit is about 1 MiB.
    c.replyPaddingBytes = 4 * 1024 * 1024;
    FakeEmbeddingsServer server(c);
    OpenAiEmbedder e(profileFor(server), QString(), fastRetries());
    QString message;
    QCOMPARE(failureKind(e, texts(2), &message), EmbedError::Kind::BadResponse);
    QCOMPARE(server.stats().requests, 1); // not retried
    QVERIFY2(message.contains(QStringLiteral("larger than 1.0 MiB for 2 inputs")),
             qPrintable(message));
    QVERIFY(message.contains(QStringLiteral("nothing was stored")));

    // The same answer without its padding is taken.
    c.replyPaddingBytes = 0;
    server.setConfig(c);
    verifyInOrder(e.embed(texts(2)), texts(2));
}

// A 429 that asks for 99999999999999 seconds holds the request for the embedder's cap (here a
// small one, so that the test can see the retry), not forever.
void TestOpenAiEmbedder::hugeRetryAfterIsCapped() {
    FakeEmbeddingsConfig c;
    c.retryAfter = QByteArray("99999999999999");
    FakeEmbeddingsServer server(c);
    server.queueFaults({Fault::RateLimited});
    HttpEmbedder::Options o = fastRetries();
    o.maxWaitMs = 200;
    const EmbeddingProfile p = profileFor(server);
    CancelToken cancel;
    std::atomic<int> outcome{-1};
    QThread* worker = QThread::create([&]() {
        OpenAiEmbedder e(p, QString(), o);
        try {
            outcome = e.embed(texts(3), cancel).size() == 3 ? 100 : 101;
        } catch (const EmbedError& error) {
            outcome = static_cast<int>(error.kind());
        }
    });
    worker->start();
    // Generous: the retry is due after 200-220 ms. A stalled embedder is cancelled, and fails.
    if (!worker->wait(QDeadlineTimer(60000)))
        cancel.cancel();
    QVERIFY(worker->wait(5000));
    delete worker;
    QCOMPARE(outcome.load(), 100);
    const auto s = server.stats();
    QCOMPARE(s.requests, 2);
    QVERIFY(s.arrivalMs[1] - s.arrivalMs[0] >= 190);
}

QTEST_GUILESS_MAIN(TestOpenAiEmbedder)
#include "tst_openai_embedder.moc"
