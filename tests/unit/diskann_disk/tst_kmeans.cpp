#include "core/diskann/kmeans.h"

#include <QTest>

#include <cmath>
#include <random>
#include <set>

using namespace quiver::diskann;

class TestKMeans : public QObject {
    Q_OBJECT

private slots:
    void recoversSeparatedClusters();
    void moreCentroidsThanPoints();
    void deterministicForSeed();
    void rejectsEmptyInput();
};

void TestKMeans::recoversSeparatedClusters() {
    // Four tight blobs far apart: every true centre must get a centroid close to it.
    const float centres[4][2] = {{0, 0}, {100, 0}, {0, 100}, {100, 100}};
    std::mt19937 rng(1);
    std::normal_distribution<float> noise(0.0f, 1.0f);
    std::vector<float> data;
    for (int i = 0; i < 2000; ++i) {
        data.push_back(centres[i % 4][0] + noise(rng));
        data.push_back(centres[i % 4][1] + noise(rng));
    }
    const std::vector<float> c = trainKMeans(data.data(), 2000, 2, 4);
    QCOMPARE(c.size(), std::size_t{8});
    std::set<std::uint32_t> used;
    for (const auto& centre : centres) {
        float d = 0;
        used.insert(nearestCentroid(centre, c.data(), 4, 2, &d));
        QVERIFY2(d < 1.0f, "a cluster centre has no centroid near it");
    }
    QCOMPARE(used.size(), std::size_t{4});
}

void TestKMeans::moreCentroidsThanPoints() {
    const std::vector<float> data = {1, 2, 3, 4, 5, 6, 1, 2}; // 4 points, 2 distinct... of dim 2
    const std::vector<float> c = trainKMeans(data.data(), 4, 2, 16);
    QCOMPARE(c.size(), std::size_t{32});
    for (int i = 0; i < 4; ++i) {
        float d = -1;
        nearestCentroid(data.data() + 2 * i, c.data(), 16, 2, &d);
        QCOMPARE(d, 0.0f);
    }
}

void TestKMeans::deterministicForSeed() {
    std::mt19937 rng(3);
    std::uniform_real_distribution<float> u(-1, 1);
    std::vector<float> data(500 * 8);
    for (float& x : data)
        x = u(rng);
    KMeansOptions o;
    o.seed = 9;
    QCOMPARE(trainKMeans(data.data(), 500, 8, 20, o), trainKMeans(data.data(), 500, 8, 20, o));
    o.seed = 10;
    const auto other = trainKMeans(data.data(), 500, 8, 20, o);
    o.seed = 9;
    QVERIFY(other != trainKMeans(data.data(), 500, 8, 20, o));
}

void TestKMeans::rejectsEmptyInput() {
    const float x = 1.0f;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, trainKMeans(&x, 0, 1, 4));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, trainKMeans(&x, 1, 1, 0));
}

QTEST_GUILESS_MAIN(TestKMeans)
#include "tst_kmeans.moc"
