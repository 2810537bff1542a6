#include "core/embed/rate_limiter.h"

#include <QDateTime>
#include <QTest>

#include <limits>

using quiver::RateLimiter;

class TestRateLimiter : public QObject {
    Q_OBJECT
private slots:
    void parsesDurations_data();
    void parsesDurations();
    void unlimitedNeverWaits();
    void requestsAreSpreadEvenly();
    void aLargeBatchWaitsOutItsTokens();
    void serverSaysNoneLeft();
    void retryAfterHoldsEverything();
    void hugeDurationsSaturate_data();
    void hugeDurationsSaturate();
    void retryAfterIsCapped_data();
    void retryAfterIsCapped();
    void hugeWaitsHoldForTheCapOnly();
    void usageCorrectsTheBucketAndThePrice();
    void usageBelowTheEstimateGivesTokensBack();
    void absurdUsageIsBounded();
    void headersLowerALevelAboveTheServers();
    void headersCountWhatWasSentSince();
    void headersRaiseTheLevelOnlyUnderTheServersLimit();
    void noLimitOfOurOwnTakesTheServers();
    void aServerLimitBelowOursSetsThePace();
};

void TestRateLimiter::parsesDurations_data() {
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<qint64>("ms");
    QTest::newRow("seconds") << QByteArray("1s") << qint64{1000};
    QTest::newRow("fraction") << QByteArray("1.5s") << qint64{1500};
    QTest::newRow("millis") << QByteArray("20ms") << qint64{20};
    QTest::newRow("minutes and seconds") << QByteArray("6m0s") << qint64{360000};
    QTest::newRow("hours") << QByteArray("2h3m") << qint64{7380000};
    QTest::newRow("plain number") << QByteArray("3") << qint64{3000};
    QTest::newRow("garbage") << QByteArray("soon") << qint64{-1};
    QTest::newRow("empty") << QByteArray() << qint64{-1};
    QTest::newRow("trailing junk") << QByteArray("1sx") << qint64{-1};
}

void TestRateLimiter::parsesDurations() {
    QFETCH(QByteArray, text);
    QFETCH(qint64, ms);
    QCOMPARE(RateLimiter::parseDurationMs(text).value_or(-1), ms);
}

void TestRateLimiter::unlimitedNeverWaits() {
    RateLimiter r(0, 0);
    for (int i = 0; i < 1000; ++i) {
        QCOMPARE(r.delayFor(100000, 5), qint64{0});
        r.consume(100000, 5);
    }
}

void TestRateLimiter::requestsAreSpreadEvenly() {
    RateLimiter r(120, 0); // two a second, a burst of two
    const qint64 t0 = 1000;
    QCOMPARE(r.delayFor(1, t0), qint64{0});
    r.consume(1, t0);
    QCOMPARE(r.delayFor(1, t0), qint64{0});
    r.consume(1, t0);
    QCOMPARE(r.delayFor(1, t0), qint64{500});
    QCOMPARE(r.delayFor(1, t0 + 500), qint64{0});
}

void TestRateLimiter::aLargeBatchWaitsOutItsTokens() {
    RateLimiter r(0, 6000); // 100 tokens a second, a second's worth at once
    const qint64 t0 = 1000;
    QCOMPARE(r.delayFor(1000, t0), qint64{0}); // a full bucket admits a big batch ...
    r.consume(1000, t0);
    // ... and the next waits until the debt is paid and the bucket refilled to its need.
    QCOMPARE(r.delayFor(50, t0), qint64{9500});
    QCOMPARE(r.delayFor(50, t0 + 9500), qint64{0});
}

void TestRateLimiter::serverSaysNoneLeft() {
    RateLimiter r(0, 0);
    r.observe(qint64{0}, qint64{750}, qint64{5000}, qint64{2000}, 100);
    QCOMPARE(r.delayFor(10, 100), qint64{750});
    QCOMPARE(r.delayFor(10, 850), qint64{0});
    // 5000 tokens left: a batch of 6000 waits for the token reset, one of 4000 does not.
    QCOMPARE(r.delayFor(6000, 850), qint64{1250});
    QCOMPARE(r.delayFor(4000, 850), qint64{0});
}

void TestRateLimiter::retryAfterHoldsEverything() {
    RateLimiter r(0, 0);
    r.holdFor(1200, 100);
    QCOMPARE(r.delayFor(1, 100), qint64{1200});
    QCOMPARE(r.delayFor(1, 1300), qint64{0});
}

void TestRateLimiter::hugeDurationsSaturate_data() {
    QTest::addColumn<QByteArray>("text");
    QTest::newRow("many seconds") << QByteArray("99999999999999");
    QTest::newRow("1e300 seconds") << QByteArray("1e300");
    QTest::newRow("infinity") << QByteArray("inf");
    QTest::newRow("many hours") << QByteArray("99999999999999999999999h");
}

// Past the point where a double still counts whole milliseconds, values stop growing instead
// of overflowing (std::llround of 1e303 is undefined).
void TestRateLimiter::hugeDurationsSaturate() {
    QFETCH(QByteArray, text);
    const std::optional<qint64> ms = RateLimiter::parseDurationMs(text);
    QVERIFY(ms.has_value());
    QCOMPARE(*ms, qint64{1} << 53);
}

void TestRateLimiter::retryAfterIsCapped_data() {
    QTest::addColumn<QByteArray>("retryAfter");
    QTest::addColumn<QByteArray>("retryAfterMs");
    QTest::addColumn<qint64>("expected");
    constexpr qint64 cap = RateLimiter::kMaxWaitMs;
    QTest::newRow("seconds") << QByteArray("2") << QByteArray() << qint64{2000};
    QTest::newRow("milliseconds first") << QByteArray("2") << QByteArray("150") << qint64{150};
    QTest::newRow("many seconds") << QByteArray("99999999999999") << QByteArray() << cap;
    QTest::newRow("1e300 seconds") << QByteArray("1e300") << QByteArray() << cap;
    QTest::newRow("many milliseconds") << QByteArray() << QByteArray("99999999999999999999") << cap;
    QTest::newRow("negative") << QByteArray("-5") << QByteArray() << qint64{0};
    QTest::newRow("a date far ahead")
        << QByteArray("Fri, 31 Dec 9999 23:59:59 GMT") << QByteArray() << cap;
    QTest::newRow("a date a minute ahead")
        << QByteArray("Thu, 01 Jan 2026 00:01:00 GMT") << QByteArray() << qint64{60000};
    QTest::newRow("not a number") << QByteArray("later") << QByteArray() << qint64{-1};
    QTest::newRow("NaN") << QByteArray("nan") << QByteArray() << qint64{-1};
}

void TestRateLimiter::retryAfterIsCapped() {
    QFETCH(QByteArray, retryAfter);
    QFETCH(QByteArray, retryAfterMs);
    QFETCH(qint64, expected);
    const QDateTime now =
        QDateTime::fromString(QStringLiteral("2026-01-01T00:00:00Z"), Qt::ISODate);
    QCOMPARE(RateLimiter::retryAfterMs(retryAfter, retryAfterMs, now).value_or(-1), expected);
}

// The limiter's own clock (times passed in): a 429 that says "wait 99999999999999 s", or reset
// headers as large, hold requests back for the cap, and from then on not at all.
void TestRateLimiter::hugeWaitsHoldForTheCapOnly() {
    const qint64 t0 = 5000;
    RateLimiter held(0, 0);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    held.holdFor(*RateLimiter::retryAfterMs(QByteArray("99999999999999"), {}, now), t0);
    QCOMPARE(held.delayFor(1, t0), RateLimiter::kMaxWaitMs);
    QCOMPARE(held.delayFor(1, t0 + RateLimiter::kMaxWaitMs), qint64{0});
    // Even a wait that bypassed the parser is capped, without overflowing t0 + delay.
    held.holdFor(std::numeric_limits<qint64>::max(), t0);
    QCOMPARE(held.delayFor(1, t0), RateLimiter::kMaxWaitMs);

    RateLimiter reset(0, 0, 2000); // a smaller cap of its own
    reset.observe(qint64{0}, RateLimiter::parseDurationMs("1e300"), qint64{0},
                  RateLimiter::parseDurationMs("99999999999999h"), t0);
    QCOMPARE(reset.delayFor(10, t0), qint64{2000});
    QCOMPARE(reset.delayFor(10, t0 + 2000), qint64{0});
}

// The server counted twice what we estimated: the bucket pays the difference at once, and the
// next requests are priced at twice their estimate (and so carry half as much).
void TestRateLimiter::usageCorrectsTheBucketAndThePrice() {
    RateLimiter r(0, 6000); // 100 tokens a second, a second's worth at once
    const qint64 t0 = 1000;
    QCOMPARE(r.largestRequestTokens(), qint64{100});
    const qint64 ticket = r.consume(50, t0);
    RateLimiter::ServerReport usage;
    usage.tokensCounted = 100;
    r.observe(ticket, usage, t0);
    QCOMPARE(r.tokenRatio(), 2.0);
    QCOMPARE(r.largestRequestTokens(), qint64{50});
    // Empty now, and 50 estimated tokens cost 100: a full second.
    QCOMPARE(r.delayFor(50, t0), qint64{1000});
    QCOMPARE(r.delayFor(50, t0 + 1000), qint64{0});
}

// Half of the estimate: half the bucket comes back and the next batches may be twice as large,
// so the throughput is the server's, not halved by a cautious guess.
void TestRateLimiter::usageBelowTheEstimateGivesTokensBack() {
    RateLimiter r(0, 6000);
    const qint64 t0 = 1000;
    const qint64 ticket = r.consume(100, t0);
    QCOMPARE(r.delayFor(100, t0), qint64{1000});
    RateLimiter::ServerReport usage;
    usage.tokensCounted = 50;
    r.observe(ticket, usage, t0);
    QCOMPARE(r.tokenRatio(), 0.5);
    QCOMPARE(r.largestRequestTokens(), qint64{200});
    QCOMPARE(r.delayFor(100, t0), qint64{0}); // 50 left, and 100 estimated now cost 50
}

// A server's figures are untrusted: "no tokens at all" or "10^12 tokens" move the price by at most
// a factor of 16, and no wait grows past the cap.
void TestRateLimiter::absurdUsageIsBounded() {
    RateLimiter r(0, 6000, 60000);
    const qint64 t0 = 1000;
    RateLimiter::ServerReport usage;
    usage.tokensCounted = qint64{1000000000000};
    r.observe(r.consume(10, t0), usage, t0);
    QCOMPARE(r.tokenRatio(), 16.0);
    QVERIFY(r.delayFor(10, t0) <= 60000);
    for (int i = 0; i < 20; ++i) { // many "free" answers after it
        usage.tokensCounted = 0;
        r.observe(r.consume(10, t0), usage, t0);
    }
    QVERIFY(r.tokenRatio() >= 1.0 / 16);
    QVERIFY(r.largestRequestTokens() <= 1600);
}

// The answer says the server holds nothing and refills in a second: our bucket, which thought it
// held everything but the request, is lowered to what the server can have regained since the
// request left (100 ms at 100 a second), and the next request waits for the rest, not for the
// whole reset counted from the answer's arrival.
void TestRateLimiter::headersLowerALevelAboveTheServers() {
    RateLimiter r(0, 6000);
    const qint64 t0 = 1000;
    const qint64 ticket = r.consume(10, t0);
    RateLimiter::ServerReport headers;
    headers.limitTokens = 6000;
    headers.remainingTokens = 0;
    headers.resetTokensMs = 1000;
    r.observe(ticket, headers, t0 + 100);
    QCOMPARE(r.delayFor(50, t0 + 100), qint64{400}); // at most 10 there, 40 more to come
    QCOMPARE(r.delayFor(50, t0 + 500), qint64{0});
}

// Two requests left together; the first one's answer does not count the second, which the
// server had not seen yet: its cost comes off the server's figure.
void TestRateLimiter::headersCountWhatWasSentSince() {
    RateLimiter r(0, 6000);
    const qint64 t0 = 1000;
    const qint64 first = r.consume(40, t0);
    r.consume(40, t0);
    RateLimiter::ServerReport headers;
    headers.limitTokens = 6000;
    headers.remainingTokens = 20; // others share the key: less than the 60 we think are left
    headers.resetTokensMs = 800;
    r.observe(first, headers, t0);
    // At most 20 - 40 = -20 left: 10 more need 300 ms.
    QCOMPARE(r.delayFor(10, t0), qint64{300});
}

// The server has more left than we think. With its limit no higher than ours, what it holds is
// ours to use; with a higher one, ours is the user's choice and stands.
void TestRateLimiter::headersRaiseTheLevelOnlyUnderTheServersLimit() {
    const qint64 t0 = 1000;
    RateLimiter::ServerReport headers;
    headers.remainingTokens = 100;
    headers.resetTokensMs = 0;

    RateLimiter same(0, 6000);
    const qint64 a = same.consume(100, t0);
    headers.limitTokens = 6000;
    same.observe(a, headers, t0);
    QCOMPARE(same.delayFor(100, t0), qint64{0});

    RateLimiter below(0, 6000); // the provider allows ten times more
    const qint64 b = below.consume(100, t0);
    headers.limitTokens = 60000;
    headers.remainingTokens = 1000;
    below.observe(b, headers, t0);
    QCOMPARE(below.delayFor(100, t0), qint64{1000});
}

// No limit in the profile: the server's headers set up the bucket (600 a minute, 9 left of 10),
// instead of only stopping once the server says none are left.
void TestRateLimiter::noLimitOfOurOwnTakesTheServers() {
    RateLimiter r(0, 0);
    const qint64 t0 = 1000;
    RateLimiter::ServerReport headers;
    headers.limitRequests = 600;
    headers.remainingRequests = 9;
    headers.resetRequestsMs = 100;
    r.observe(r.consume(1, t0), headers, t0);
    for (int i = 0; i < 9; ++i) {
        QCOMPARE(r.delayFor(1, t0), qint64{0});
        r.consume(1, t0);
    }
    QCOMPARE(r.delayFor(1, t0), qint64{100});
}

// The profile says 6,000 tokens a minute, the server 3,000: refills come at the server's rate.
void TestRateLimiter::aServerLimitBelowOursSetsThePace() {
    RateLimiter r(0, 6000);
    const qint64 t0 = 1000;
    RateLimiter::ServerReport headers;
    headers.limitTokens = 3000;
    headers.remainingTokens = 0;
    r.observe(r.consume(100, t0), headers, t0);
    QCOMPARE(r.delayFor(100, t0), qint64{2000});
}

QTEST_GUILESS_MAIN(TestRateLimiter)
#include "tst_rate_limiter.moc"
