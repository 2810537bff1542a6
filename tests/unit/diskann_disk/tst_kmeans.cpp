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
    void transposedNearestMatchesScan();
    void manyTransposedNearestMatchScan();
    void blockedNearestMatchesScan();
    void threadsDoNotChangeTheResult();
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

void TestKMeans::transposedNearestMatchesScan() {
    // Every width PQ uses, centroid counts on and off the vector widths, and exact ties (repeated
    // centroids) that must go to the lowest index as in the plain scan.
    std::mt19937 rng(5);
    std::uniform_real_distribution<float> u(-1.0f, 1.0f);
    for (const std::uint32_t k : {1u, 7u, 8u, 16u, 17u, 100u, 256u}) {
        for (std::size_t dim = 1; dim <= kTransposedMaxDim; ++dim) {
            std::vector<float> centroids(k * dim);
            for (float& v : centroids)
                v = u(rng);
            if (k > 3) // a repeated centroid: a tie for any point
                std::copy_n(centroids.begin(), dim, centroids.begin() + 3 * std::ptrdiff_t(dim));
            const std::vector<float> t = transposeCentroids(centroids.data(), k, dim);
            std::vector<float> scratch(k);
            for (int trial = 0; trial < 50; ++trial) {
                std::vector<float> v(dim);
                for (float& x : v)
                    x = u(rng);
                if (trial == 0) // exactly on the repeated centroid
                    std::copy_n(centroids.begin(), dim, v.begin());
                float want = 0;
                float got = 0;
                const std::uint32_t a = nearestCentroid(v.data(), centroids.data(), k, dim, &want);
                const std::uint32_t b =
                    nearestTransposed(v.data(), t.data(), k, dim, scratch.data(), &got);
                const QByteArray what = QByteArray::number(k) + " centroids of " +
                                        QByteArray::number(static_cast<qulonglong>(dim));
                QVERIFY2(std::abs(got - want) <= 1e-5f * std::max(1.0f, want), what);
                // Rounding may order two nearly equal distances differently; then both are
                // (nearly) the nearest.
                if (a != b) {
                    float da = 0;
                    float db = 0;
                    for (std::size_t d = 0; d < dim; ++d) {
                        da += (v[d] - centroids[a * dim + d]) * (v[d] - centroids[a * dim + d]);
                        db += (v[d] - centroids[b * dim + d]) * (v[d] - centroids[b * dim + d]);
                    }
                    QVERIFY2(std::abs(da - db) <= 1e-5f * std::max(1.0f, da), what);
                }
                if (trial == 0 && k > 3)
                    QCOMPARE(b, 0u);
            }
        }
    }
}

void TestKMeans::manyTransposedNearestMatchScan() {
    // Groups of points (1 to 9: whole and partial groups of four) with a row stride wider than
    // the vector, as PQ encodes sub-spaces of whole vectors; ties to the lowest index.
    std::mt19937 rng(6);
    std::uniform_real_distribution<float> u(-1.0f, 1.0f);
    for (const std::uint32_t k : {7u, 8u, 16u, 24u, 256u}) {
        for (const std::size_t dim :
             {std::size_t{1}, std::size_t{3}, std::size_t{4}, std::size_t{9}, kTransposedMaxDim}) {
            std::vector<float> centroids(k * dim);
            for (float& v : centroids)
                v = u(rng);
            std::copy_n(centroids.begin(), dim, centroids.begin() + 3 * std::ptrdiff_t(dim));
            const std::vector<float> t = transposeCentroids(centroids.data(), k, dim);
            const std::vector<float> norms = centroidNorms(centroids.data(), k, dim);
            for (std::size_t count = 1; count <= 9; ++count) {
                const std::size_t stride = dim + 5;
                std::vector<float> points(count * stride);
                for (float& x : points)
                    x = u(rng);
                std::copy_n(centroids.begin(), dim, points.begin()); // on the repeated centroid
                std::vector<std::uint32_t> got(count);
                std::vector<float> distances(count);
                nearestTransposedMany(points.data(), count, stride, t.data(), norms.data(), k, dim,
                                      got.data(), distances.data());
                const QByteArray what = QByteArray::number(k) + " centroids of " +
                                        QByteArray::number(static_cast<qulonglong>(dim)) + ", " +
                                        QByteArray::number(static_cast<qulonglong>(count));
                QCOMPARE(got[0], 0u);
                for (std::size_t i = 0; i < count; ++i) {
                    const float* v = points.data() + i * stride;
                    float want = 0;
                    const std::uint32_t a = nearestCentroid(v, centroids.data(), k, dim, &want);
                    // |x|^2 + |c|^2 - 2 <x, c> rounds at the scale of the norms, not of the
                    // distance.
                    QVERIFY2(std::abs(distances[i] - want) <= 1e-5f * (2.0f + 2.0f * dim), what);
                    if (got[i] != a) {
                        float da = 0;
                        float db = 0;
                        for (std::size_t d = 0; d < dim; ++d) {
                            da += (v[d] - centroids[a * dim + d]) * (v[d] - centroids[a * dim + d]);
                            db += (v[d] - centroids[got[i] * dim + d]) *
                                  (v[d] - centroids[got[i] * dim + d]);
                        }
                        QVERIFY2(std::abs(da - db) <= 1e-5f * (2.0f + 2.0f * dim), what);
                    }
                }
            }
        }
    }
}

void TestKMeans::blockedNearestMatchesScan() {
    // Long vectors go through blocked products (|x|^2 + |c|^2 - 2 <x, c>), more points than one
    // block; short ones through the transposed search. Same answers as the scan up to rounding,
    // whatever the threads.
    std::mt19937 rng(7);
    std::normal_distribution<float> g;
    for (const std::size_t dim : {std::size_t{4}, std::size_t{64}, std::size_t{300}}) {
        for (const std::uint32_t k : {1u, 7u, 33u, 200u}) {
            const std::size_t n = 450;
            std::vector<float> points(n * dim), centroids(k * dim);
            for (float& x : points)
                x = g(rng);
            for (float& x : centroids)
                x = g(rng);
            std::vector<std::uint32_t> one(n), three(n);
            std::vector<float> distances(n), distancesThree(n);
            nearestCentroids(points.data(), n, centroids.data(), k, dim, one.data(),
                             distances.data(), 1);
            nearestCentroids(points.data(), n, centroids.data(), k, dim, three.data(),
                             distancesThree.data(), 3);
            QCOMPARE(one, three);
            QCOMPARE(distances, distancesThree);
            for (std::size_t i = 0; i < n; ++i) {
                const float* v = points.data() + i * dim;
                float want = 0;
                const std::uint32_t a = nearestCentroid(v, centroids.data(), k, dim, &want);
                const float scale = 4.0f * static_cast<float>(dim);
                QVERIFY(std::abs(distances[i] - want) <= 1e-5f * scale);
                if (one[i] != a) {
                    float dOther = 0;
                    nearestCentroid(v, centroids.data() + std::size_t{one[i]} * dim, 1, dim,
                                    &dOther);
                    QVERIFY(std::abs(dOther - want) <= 1e-5f * scale);
                }
            }
        }
    }
}

void TestKMeans::threadsDoNotChangeTheResult() {
    std::mt19937 rng(9);
    std::normal_distribution<float> g;
    for (const std::size_t dim : {std::size_t{4}, std::size_t{64}}) {
        std::vector<float> data(3000 * dim);
        for (float& v : data)
            v = g(rng);
        KMeansOptions one;
        one.iterations = 5;
        KMeansOptions three = one;
        three.threads = 3;
        QCOMPARE(trainKMeans(data.data(), 3000, dim, 40, three),
                 trainKMeans(data.data(), 3000, dim, 40, one));
    }
}

QTEST_GUILESS_MAIN(TestKMeans)
#include "tst_kmeans.moc"
