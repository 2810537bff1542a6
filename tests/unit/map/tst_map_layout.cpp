#include "core/map/map_layout.h"
#include "tests/unit/map/map_test_data.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

using namespace quiver::map;
using namespace quiver::map::test;

// The layout of the collection map: known structure survives the projection, the result is
// reproducible for any thread count, and it stops, reports and degrades gracefully.
class TstMapLayout : public QObject {
    Q_OBJECT

private slots:
    void blobsStayCompactAndApart();
    void sameSeedSameLayoutForAnyThreadCount();
    void approximateNeighboursAboveTheExactLimit();
    void cancelledAfterFirstPollThrows();
    void cancelledLaterThrows_data();
    void cancelledLaterThrows();
    void progressRisesToOne();
    void edgeCases_data();
    void edgeCases();
    void allPointsTheSame();
    void nanInputGivesFiniteOutput();
    void noEpochsGivesPrincipalComponents();
};

namespace {

MapLayoutOptions quickOptions(std::uint32_t threads = 2) {
    MapLayoutOptions o;
    o.threads = threads;
    o.seed = 7;
    return o;
}

bool insideUnitSquare(const std::vector<MapPoint>& points) {
    return std::all_of(points.begin(), points.end(), [](const MapPoint& p) {
        return std::isfinite(p.x) && std::isfinite(p.y) && p.x >= 0 && p.x <= 1 && p.y >= 0 &&
               p.y <= 1;
    });
}

float distance2(const MapPoint& a, const MapPoint& b) {
    const float dx = a.x - b.x, dy = a.y - b.y;
    return dx * dx + dy * dy;
}

// The ids of the `k` nearest other points of i in the layout.
std::vector<std::size_t> nearestInLayout(const std::vector<MapPoint>& points, std::size_t i,
                                         std::size_t k) {
    std::vector<std::pair<float, std::size_t>> all;
    for (std::size_t j = 0; j < points.size(); ++j)
        if (j != i)
            all.emplace_back(distance2(points[i], points[j]), j);
    std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(k), all.end());
    std::vector<std::size_t> ids;
    for (std::size_t r = 0; r < k; ++r)
        ids.push_back(all[r].second);
    return ids;
}

} // namespace

void TstMapLayout::blobsStayCompactAndApart() {
    constexpr std::size_t kBlobs = 5;
    const Blobs blobs = makeBlobs(kBlobs, 200, 256, 0.3f, 11);
    const auto points = layoutMap(blobs.vectors.data(), blobs.count, 256, quickOptions());
    QCOMPARE(points.size(), blobs.count);
    QVERIFY(insideUnitSquare(points));

    // Nearly every point's 10 nearest in the layout are mostly from its own blob.
    std::size_t good = 0;
    for (std::size_t i = 0; i < blobs.count; ++i) {
        std::size_t same = 0;
        for (const std::size_t j : nearestInLayout(points, i, 10))
            same += blobs.blobOf[j] == blobs.blobOf[i] ? 1 : 0;
        good += same > 5 ? 1 : 0;
    }
    QVERIFY2(good >= blobs.count * 95 / 100, qPrintable(QString::number(good)));

    // Blob centroids lie farther apart than the blobs' radii (95th percentile distance from
    // the centroid) added together.
    std::vector<MapPoint> centre(kBlobs);
    std::vector<std::size_t> size(kBlobs, 0);
    for (std::size_t i = 0; i < blobs.count; ++i) {
        centre[blobs.blobOf[i]].x += points[i].x;
        centre[blobs.blobOf[i]].y += points[i].y;
        ++size[blobs.blobOf[i]];
    }
    for (std::size_t b = 0; b < kBlobs; ++b) {
        centre[b].x /= static_cast<float>(size[b]);
        centre[b].y /= static_cast<float>(size[b]);
    }
    std::vector<float> radius(kBlobs);
    for (std::size_t b = 0; b < kBlobs; ++b) {
        std::vector<float> d;
        for (std::size_t i = 0; i < blobs.count; ++i)
            if (blobs.blobOf[i] == b)
                d.push_back(std::sqrt(distance2(points[i], centre[b])));
        std::sort(d.begin(), d.end());
        radius[b] = d[d.size() * 95 / 100];
    }
    for (std::size_t a = 0; a < kBlobs; ++a)
        for (std::size_t b = a + 1; b < kBlobs; ++b) {
            const float apart = std::sqrt(distance2(centre[a], centre[b]));
            QVERIFY2(apart > radius[a] + radius[b],
                     qPrintable(QStringLiteral("blobs %1 and %2: %3 apart, radii %4 and %5")
                                    .arg(a)
                                    .arg(b)
                                    .arg(double(apart))
                                    .arg(double(radius[a]))
                                    .arg(double(radius[b]))));
        }
}

void TstMapLayout::sameSeedSameLayoutForAnyThreadCount() {
    const Blobs blobs = makeBlobs(4, 150, 64, 0.5f, 3);
    const auto one = layoutMap(blobs.vectors.data(), blobs.count, 64, quickOptions(1));
    const auto two = layoutMap(blobs.vectors.data(), blobs.count, 64, quickOptions(2));
    const auto again = layoutMap(blobs.vectors.data(), blobs.count, 64, quickOptions(3));
    QCOMPARE(one.size(), blobs.count);
    for (std::size_t i = 0; i < one.size(); ++i) {
        QCOMPARE(one[i].x, two[i].x);
        QCOMPARE(one[i].y, two[i].y);
        QCOMPARE(one[i].x, again[i].x);
        QCOMPARE(one[i].y, again[i].y);
    }
    MapLayoutOptions other = quickOptions(2);
    other.seed = 8;
    const auto different = layoutMap(blobs.vectors.data(), blobs.count, 64, other);
    bool differs = false;
    for (std::size_t i = 0; i < one.size(); ++i)
        differs = differs || one[i].x != different[i].x || one[i].y != different[i].y;
    QVERIFY(differs);
}

void TstMapLayout::approximateNeighboursAboveTheExactLimit() {
    // The inverted-file neighbour search, forced on a small input: still separates the blobs,
    // still deterministic across thread counts.
    const Blobs blobs = makeBlobs(5, 120, 96, 0.3f, 5);
    MapLayoutOptions o = quickOptions(1);
    o.exactNeighboursUpTo = 10;
    const auto one = layoutMap(blobs.vectors.data(), blobs.count, 96, o);
    o.threads = 2;
    const auto two = layoutMap(blobs.vectors.data(), blobs.count, 96, o);
    QVERIFY(insideUnitSquare(one));
    std::size_t good = 0;
    for (std::size_t i = 0; i < blobs.count; ++i) {
        QCOMPARE(one[i].x, two[i].x);
        QCOMPARE(one[i].y, two[i].y);
        std::size_t same = 0;
        for (const std::size_t j : nearestInLayout(one, i, 10))
            same += blobs.blobOf[j] == blobs.blobOf[i] ? 1 : 0;
        good += same > 5 ? 1 : 0;
    }
    QVERIFY(good >= blobs.count * 95 / 100);
}

void TstMapLayout::cancelledAfterFirstPollThrows() {
    const Blobs blobs = makeBlobs(3, 100, 32, 0.3f, 1);
    MapLayoutOptions o = quickOptions();
    int polls = 0;
    o.cancelled = [&polls] { return ++polls > 1; };
    QVERIFY_THROWS_EXCEPTION(MapCancelled, layoutMap(blobs.vectors.data(), blobs.count, 32, o));
    QCOMPARE(polls, 2);
}

void TstMapLayout::cancelledLaterThrows_data() {
    QTest::addColumn<int>("allowed");
    for (const int allowed : {3, 10, 50, 150})
        QTest::addRow("after %d polls", allowed) << allowed;
}

void TstMapLayout::cancelledLaterThrows() {
    // Whichever stage is running when the request comes, it stops at its next poll.
    QFETCH(int, allowed);
    const Blobs blobs = makeBlobs(3, 100, 32, 0.3f, 1);
    MapLayoutOptions o = quickOptions();
    int polls = 0;
    o.cancelled = [&polls, allowed] { return ++polls > allowed; };
    QVERIFY_THROWS_EXCEPTION(MapCancelled, layoutMap(blobs.vectors.data(), blobs.count, 32, o));
    QCOMPARE(polls, allowed + 1);
}

void TstMapLayout::progressRisesToOne() {
    const Blobs blobs = makeBlobs(3, 100, 32, 0.3f, 1);
    MapLayoutOptions o = quickOptions();
    std::vector<double> seen;
    o.progress = [&seen](double p) { seen.push_back(p); };
    layoutMap(blobs.vectors.data(), blobs.count, 32, o);
    QVERIFY(seen.size() > 10);
    QVERIFY(std::is_sorted(seen.begin(), seen.end()));
    QVERIFY(seen.front() >= 0);
    QCOMPARE(seen.back(), 1.0);
}

void TstMapLayout::edgeCases_data() {
    QTest::addColumn<int>("count");
    QTest::addColumn<int>("dim");
    QTest::addColumn<int>("neighbours");
    QTest::addColumn<QString>("kind");
    QTest::newRow("none") << 0 << 8 << 15 << "random";
    QTest::newRow("one") << 1 << 8 << 15 << "random";
    QTest::newRow("two") << 2 << 8 << 15 << "random";
    QTest::newRow("fewer than neighbours") << 6 << 8 << 15 << "random";
    QTest::newRow("one dimension") << 50 << 1 << 15 << "random";
    QTest::newRow("duplicates") << 200 << 16 << 15 << "duplicates";
    QTest::newRow("zero vectors among others") << 100 << 16 << 15 << "zeros";
    QTest::newRow("all zero") << 30 << 16 << 15 << "allzero";
    QTest::newRow("one neighbour") << 60 << 16 << 1 << "random";
}

void TstMapLayout::edgeCases() {
    QFETCH(int, count);
    QFETCH(int, dim);
    QFETCH(int, neighbours);
    QFETCH(QString, kind);
    const auto n = static_cast<std::size_t>(count);
    const auto d = static_cast<std::size_t>(dim);
    std::vector<float> v(n * d);
    std::mt19937 rng(5);
    std::normal_distribution<float> normal;
    for (float& x : v)
        x = normal(rng);
    if (kind == QStringLiteral("duplicates")) // ten distinct vectors, each twenty times
        for (std::size_t i = 10; i < n; ++i)
            std::copy_n(v.begin() + static_cast<std::ptrdiff_t>((i % 10) * d), d,
                        v.begin() + static_cast<std::ptrdiff_t>(i * d));
    if (kind == QStringLiteral("zeros"))
        for (std::size_t i = 0; i < n; i += 3)
            std::fill_n(v.begin() + static_cast<std::ptrdiff_t>(i * d), d, 0.0f);
    if (kind == QStringLiteral("allzero"))
        std::fill(v.begin(), v.end(), 0.0f);
    MapLayoutOptions o = quickOptions();
    o.neighbours = static_cast<std::uint32_t>(neighbours);
    o.epochs = 50;
    const auto points = layoutMap(v.data(), n, d, o);
    QCOMPARE(points.size(), n);
    QVERIFY(insideUnitSquare(points));
    if (kind == QStringLiteral("duplicates")) // copies of one vector stay together
        for (std::size_t i = 10; i < n; ++i)
            QVERIFY(distance2(points[i], points[i % 10]) < 0.01f);
}

void TstMapLayout::allPointsTheSame() {
    std::vector<float> v(40 * 8, 0.0f);
    for (std::size_t i = 0; i < 40; ++i)
        for (std::size_t d = 0; d < 8; ++d)
            v[i * 8 + d] = static_cast<float>(d + 1) * (i % 2 == 0 ? 1.0f : 3.0f); // one direction
    const auto points = layoutMap(v.data(), 40, 8, quickOptions());
    for (const MapPoint& p : points) {
        QCOMPARE(p.x, 0.5f);
        QCOMPARE(p.y, 0.5f);
    }
}

void TstMapLayout::nanInputGivesFiniteOutput() {
    const Blobs blobs = makeBlobs(3, 40, 16, 0.3f, 2);
    std::vector<float> v = blobs.vectors;
    v[5] = std::numeric_limits<float>::quiet_NaN();
    v[16 * 7 + 3] = std::numeric_limits<float>::infinity();
    const auto points = layoutMap(v.data(), blobs.count, 16, quickOptions());
    QCOMPARE(points.size(), blobs.count);
    QVERIFY(insideUnitSquare(points));
}

void TstMapLayout::noEpochsGivesPrincipalComponents() {
    // Two blobs apart along the first principal component: the projection alone separates them
    // on x, and fills the unit square's width.
    const Blobs blobs = makeBlobs(2, 50, 32, 0.2f, 4);
    MapLayoutOptions o = quickOptions();
    o.epochs = 0;
    const auto points = layoutMap(blobs.vectors.data(), blobs.count, 32, o);
    QVERIFY(insideUnitSquare(points));
    float lo[2] = {1, 1}, hi[2] = {0, 0};
    for (std::size_t i = 0; i < blobs.count; ++i) {
        lo[blobs.blobOf[i]] = std::min(lo[blobs.blobOf[i]], points[i].x);
        hi[blobs.blobOf[i]] = std::max(hi[blobs.blobOf[i]], points[i].x);
    }
    QVERIFY(hi[0] < lo[1] || hi[1] < lo[0]);
    QCOMPARE(std::min(lo[0], lo[1]), 0.0f);
    QCOMPARE(std::max(hi[0], hi[1]), 1.0f);
}

QTEST_GUILESS_MAIN(TstMapLayout)
#include "tst_map_layout.moc"
