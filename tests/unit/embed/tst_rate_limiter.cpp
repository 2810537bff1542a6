#include "core/embed/rate_limiter.h"

#include <QTest>

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

QTEST_GUILESS_MAIN(TestRateLimiter)
#include "tst_rate_limiter.moc"
