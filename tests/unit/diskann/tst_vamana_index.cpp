#include "core/diskann/vamana_index.h"
#include "tests/unit/diskann/ann_test_data.h"

#include <QtTest>

#include <atomic>
#include <set>
#include <thread>
#include <vector>

using namespace quiver::diskann;
using namespace quiver::diskann::test;

class TstVamanaIndex : public QObject {
    Q_OBJECT

private slots:
    void recallFloors_data();
    void recallFloors();
    void cosineDistancesAreNegatedCosine();
    void singleThreadBuildIsReproducible();
    void concurrentQueriesMatchSequential();
    void progressIsMonotoneAndReachesOne();
    void progressCallbackCancels();
    void cancelFlagCancels();
    void smallIndexAnswersExactly();
    void graphViewIsDenseAndBounded();
    void rejectsBadInput();
    void compactSteeringKeepsRecallAndExactDistances_data();
    void compactSteeringKeepsRecallAndExactDistances();
};

namespace {
BuildParams testParams(std::uint32_t threads = 0) {
    BuildParams p;
    p.maxDegree = 32;
    p.buildListSize = 64;
    p.alpha = 1.2f;
    p.threads = threads;
    p.exactSearchBelow = 0;
    return p;
}
} // namespace

void TstVamanaIndex::recallFloors_data() {
    QTest::addColumn<int>("metric");
    QTest::addColumn<bool>("clustered");
    QTest::addColumn<double>("floor");
    // Uniform data in 32 dimensions is the hard case; blobs are what embeddings look like.
    QTest::newRow("l2 uniform") << int(Metric::L2) << false << 0.93;
    QTest::newRow("l2 blobs") << int(Metric::L2) << true << 0.97;
    QTest::newRow("cosine uniform") << int(Metric::Cosine) << false << 0.93;
    QTest::newRow("cosine blobs") << int(Metric::Cosine) << true << 0.97;
    QTest::newRow("ip blobs") << int(Metric::InnerProduct) << true << 0.90;
}

void TstVamanaIndex::recallFloors() {
    QFETCH(int, metric);
    QFETCH(bool, clustered);
    QFETCH(double, floor);
    constexpr std::size_t n = 4000;
    constexpr std::uint32_t dim = 32;
    const auto base = clustered ? blobPoints(n, dim, 12, 1) : uniformPoints(n, dim, 1);
    const auto queries = clustered ? blobPoints(100, dim, 12, 1) : uniformPoints(100, dim, 2);
    VamanaIndex index(static_cast<Metric>(metric), dim, testParams());
    QCOMPARE(index.build(base, sequentialIds(n)), BuildStatus::Completed);
    QCOMPARE(index.size(), n);
    BruteForceReference truth(static_cast<Metric>(metric), dim);
    truth.addAll(base, sequentialIds(n));
    const double recall = meanRecall(index, truth, queries, 10, 64);
    qInfo("recall@10 at L=64: %.4f", recall);
    QVERIFY2(recall >= floor, qPrintable(QString::number(recall)));
    // A wider beam never loses recall on average.
    QVERIFY(meanRecall(index, truth, queries, 10, 128) >= recall - 0.005);
}

void TstVamanaIndex::cosineDistancesAreNegatedCosine() {
    constexpr std::uint32_t dim = 16;
    const auto base = uniformPoints(2000, dim, 5);
    VamanaIndex index(Metric::Cosine, dim, testParams());
    index.build(base, sequentialIds(2000));
    std::vector<float> q(base.begin(), base.begin() + dim);
    for (auto& x : q)
        x *= 3.0f; // scaling must not matter for cosine
    const auto hits = index.search(q, 5, 50);
    QCOMPARE(hits.size(), std::size_t{5});
    QCOMPARE(hits.front().id, std::uint64_t{0});
    QVERIFY(std::abs(hits.front().distance + 1.0f) < 1e-5f);
    for (std::size_t i = 1; i < hits.size(); ++i)
        QVERIFY(hits[i - 1].distance <= hits[i].distance);
}

void TstVamanaIndex::singleThreadBuildIsReproducible() {
    constexpr std::uint32_t dim = 24;
    const auto base = blobPoints(2500, dim, 8, 9);
    const auto ids = sequentialIds(2500, 1000);
    VamanaIndex a(Metric::L2, dim, testParams(1));
    VamanaIndex b(Metric::L2, dim, testParams(1));
    a.build(base, ids);
    b.build(base, ids);
    const GraphView va = a.graphView();
    const GraphView vb = b.graphView();
    QCOMPARE(va.count, vb.count);
    QCOMPARE(va.medoid, vb.medoid);
    for (std::uint32_t s = 0; s < va.count; ++s) {
        const auto na = va.neighbors(s);
        const auto nb = vb.neighbors(s);
        QVERIFY(std::equal(na.begin(), na.end(), nb.begin(), nb.end()));
    }
    // A different seed gives a different graph: the seed really drives the build.
    BuildParams other = testParams(1);
    other.seed = 99;
    VamanaIndex c(Metric::L2, dim, other);
    c.build(base, ids);
    const GraphView vc = c.graphView();
    bool differs = false;
    for (std::uint32_t s = 0; s < va.count && !differs; ++s) {
        const auto na = va.neighbors(s);
        const auto nc = vc.neighbors(s);
        differs = !std::equal(na.begin(), na.end(), nc.begin(), nc.end());
    }
    QVERIFY(differs);
}

void TstVamanaIndex::concurrentQueriesMatchSequential() {
    constexpr std::uint32_t dim = 32;
    constexpr std::size_t nq = 200;
    const auto base = blobPoints(3000, dim, 10, 4);
    const auto queries = blobPoints(nq, dim, 10, 5);
    VamanaIndex index(Metric::L2, dim, testParams());
    index.build(base, sequentialIds(3000));
    std::vector<std::vector<SearchResult>> sequential(nq);
    for (std::size_t q = 0; q < nq; ++q)
        sequential[q] = index.search(std::span(queries.data() + q * dim, dim), 10, 40);

    constexpr int kThreads = 4;
    std::vector<std::vector<std::vector<SearchResult>>> parallel(
        kThreads, std::vector<std::vector<SearchResult>>(nq));
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
        threads.emplace_back([&, t]() {
            // Each thread walks the queries in a different order to interleave differently.
            for (std::size_t i = 0; i < nq; ++i) {
                const std::size_t q = (i * 7 + static_cast<std::size_t>(t) * 31) % nq;
                parallel[t][q] = index.search(std::span(queries.data() + q * dim, dim), 10, 40);
            }
        });
    for (auto& th : threads)
        th.join();
    for (int t = 0; t < kThreads; ++t)
        for (std::size_t q = 0; q < nq; ++q) {
            QCOMPARE(parallel[t][q].size(), sequential[q].size());
            for (std::size_t i = 0; i < sequential[q].size(); ++i) {
                QCOMPARE(parallel[t][q][i].id, sequential[q][i].id);
                QCOMPARE(parallel[t][q][i].distance, sequential[q][i].distance);
            }
        }
}

void TstVamanaIndex::progressIsMonotoneAndReachesOne() {
    constexpr std::uint32_t dim = 16;
    const auto base = uniformPoints(3000, dim, 8);
    VamanaIndex index(Metric::L2, dim, testParams(2));
    std::vector<double> seen;
    BuildControl control;
    control.progress = [&](double f) {
        seen.push_back(f);
        return true;
    };
    QCOMPARE(index.build(base, sequentialIds(3000), {}, control), BuildStatus::Completed);
    QVERIFY(seen.size() >= 10);
    for (std::size_t i = 1; i < seen.size(); ++i)
        QVERIFY(seen[i] >= seen[i - 1]);
    QVERIFY(seen.front() >= 0.0);
    QCOMPARE(seen.back(), 1.0);
}

void TstVamanaIndex::progressCallbackCancels() {
    constexpr std::uint32_t dim = 16;
    const auto base = uniformPoints(3000, dim, 8);
    VamanaIndex index(Metric::L2, dim, testParams(2));
    double last = 0.0;
    BuildControl control;
    control.progress = [&](double f) {
        last = f;
        return f < 0.25;
    };
    QCOMPARE(index.build(base, sequentialIds(3000), {}, control), BuildStatus::Cancelled);
    QVERIFY(last < 0.6); // stopped promptly, not after finishing
    QCOMPARE(index.size(), std::size_t{0});
    QVERIFY(index.search(std::span(base.data(), dim), 5, 20).empty());
    // The index is usable again after a cancelled build.
    QCOMPARE(index.build(base, sequentialIds(3000)), BuildStatus::Completed);
    QCOMPARE(index.size(), std::size_t{3000});
}

void TstVamanaIndex::cancelFlagCancels() {
    constexpr std::uint32_t dim = 16;
    const auto base = uniformPoints(3000, dim, 8);
    VamanaIndex index(Metric::L2, dim, testParams(2));
    std::atomic<bool> cancel{false};
    int calls = 0;
    BuildControl control;
    control.cancel = &cancel;
    control.progress = [&](double) {
        if (++calls == 3)
            cancel.store(true);
        return true;
    };
    QCOMPARE(index.build(base, sequentialIds(3000), {}, control), BuildStatus::Cancelled);
    QVERIFY(calls < 10);
    QCOMPARE(index.size(), std::size_t{0});
}

void TstVamanaIndex::smallIndexAnswersExactly() {
    constexpr std::uint32_t dim = 8;
    const auto base = uniformPoints(300, dim, 12);
    const auto queries = uniformPoints(50, dim, 13);
    BuildParams p = testParams();
    p.exactSearchBelow = 1000;
    VamanaIndex index(Metric::L2, dim, p);
    index.build(base, sequentialIds(300, 5));
    BruteForceReference truth(Metric::L2, dim);
    truth.addAll(base, sequentialIds(300, 5));
    for (std::size_t q = 0; q < 50; ++q) {
        const std::span<const float> query(queries.data() + q * dim, dim);
        const auto approx = index.search(query, 7, 7);
        const auto exact = truth.nearest(query, 7);
        QCOMPARE(approx.size(), std::size_t{7});
        for (std::size_t i = 0; i < 7; ++i)
            QCOMPARE(approx[i].id, exact[i].second);
    }
}

void TstVamanaIndex::graphViewIsDenseAndBounded() {
    constexpr std::uint32_t dim = 16;
    const auto base = blobPoints(2000, dim, 6, 21);
    VamanaIndex index(Metric::Cosine, dim, testParams());
    index.build(base, sequentialIds(2000, 77));
    const GraphView view = index.graphView();
    QCOMPARE(view.metric, Metric::Cosine);
    QCOMPARE(view.dimension, dim);
    QCOMPARE(view.count, 2000u);
    QCOMPARE(view.maxDegree, 32u);
    QVERIFY(view.medoid < view.count);
    std::set<std::uint64_t> ids;
    std::size_t edges = 0;
    for (std::uint32_t s = 0; s < view.count; ++s) {
        const auto n = view.neighbors(s);
        QVERIFY(n.size() <= view.maxDegree);
        QVERIFY(!n.empty());
        edges += n.size();
        for (const std::uint32_t t : n) {
            QVERIFY(t < view.count);
            QVERIFY(t != s);
        }
        ids.insert(view.externalId(s));
        const float* v = view.vector(s);
        double norm = 0.0;
        for (std::uint32_t d = 0; d < dim; ++d)
            norm += static_cast<double>(v[d] * v[d]);
        QVERIFY(std::abs(norm - 1.0) < 1e-4); // cosine vectors are stored normalised
        QVERIFY(view.labels(s).empty());
    }
    QCOMPARE(ids.size(), std::size_t{2000});
    QCOMPARE(*ids.begin(), std::uint64_t{77});
    QVERIFY(edges > 2000 * 4);
}

void TstVamanaIndex::rejectsBadInput() {
    VamanaIndex index(Metric::L2, 4, testParams());
    const std::vector<float> v(8, 1.0f);
    const std::vector<std::uint64_t> dup{1, 1};
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, index.build(v, dup));
    const std::vector<std::uint64_t> three{1, 2, 3};
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, index.build(v, three));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, VamanaIndex(Metric::L2, 0));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, index.search(std::span(v.data(), 3), 1, 10));
}

void TstVamanaIndex::compactSteeringKeepsRecallAndExactDistances_data() {
    QTest::addColumn<int>("metric");
    QTest::newRow("l2") << int(Metric::L2);
    QTest::newRow("cosine") << int(Metric::Cosine);
}

void TstVamanaIndex::compactSteeringKeepsRecallAndExactDistances() {
    QFETCH(int, metric);
    // From 256 dimensions searches are steered by bf16 rows; answers still carry float distances.
    constexpr std::size_t n = 2000;
    constexpr std::uint32_t dim = 256;
    const auto base = blobPoints(n, dim, 12, 4);
    const auto queries = blobPoints(50, dim, 12, 4);
    BruteForceReference truth(static_cast<Metric>(metric), dim);
    truth.addAll(base, sequentialIds(n));
    double recall[2] = {0, 0};
    for (const bool compact : {true, false}) {
        BuildParams p = testParams();
        p.compactSteering = compact;
        VamanaIndex index(static_cast<Metric>(metric), dim, p);
        QCOMPARE(index.build(base, sequentialIds(n)), BuildStatus::Completed);
        recall[compact ? 0 : 1] = meanRecall(index, truth, queries, 10, 40);
        for (std::size_t qi = 0; qi < 50; ++qi) {
            const std::span<const float> q(queries.data() + qi * dim, dim);
            const auto hits = index.search(q, 10, 40);
            QCOMPARE(hits.size(), std::size_t{10});
            const auto exact = index.searchExact(q, 1);
            for (std::size_t i = 0; i < hits.size(); ++i) {
                if (i > 0)
                    QVERIFY(hits[i - 1].distance <= hits[i].distance);
                // The float distance, as exact search computes it, not a bf16 estimate.
                const float* x = base.data() + hits[i].id * dim;
                double dot = 0, qq = 0, xx = 0, l2 = 0;
                for (std::uint32_t j = 0; j < dim; ++j) {
                    const auto a = static_cast<double>(q[j]);
                    const auto b = static_cast<double>(x[j]);
                    dot += a * b;
                    qq += a * a;
                    xx += b * b;
                    l2 += (a - b) * (a - b);
                }
                const auto d =
                    static_cast<float>(metric == int(Metric::L2) ? l2 : -dot / std::sqrt(qq * xx));
                QVERIFY2(std::abs(hits[i].distance - d) <= 1e-4f * std::max(1.0f, std::abs(d)),
                         qPrintable(QStringLiteral("%1 vs %2")
                                        .arg(static_cast<double>(hits[i].distance))
                                        .arg(static_cast<double>(d))));
            }
            QVERIFY(!exact.empty() && hits.front().distance >= exact.front().distance - 1e-4f);
        }
    }
    qInfo("recall@10 at L=40: bf16 steering %.4f, float steering %.4f", recall[0], recall[1]);
    QVERIFY2(recall[0] >= 0.95, qPrintable(QString::number(recall[0])));
    QVERIFY(recall[0] >= recall[1] - 0.02);
}

QTEST_GUILESS_MAIN(TstVamanaIndex)
#include "tst_vamana_index.moc"
