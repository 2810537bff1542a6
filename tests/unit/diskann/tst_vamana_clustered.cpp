#include "core/diskann/vamana_index.h"
#include "tests/unit/diskann/ann_test_data.h"

#include <QtTest>

#include <algorithm>
#include <numeric>
#include <random>
#include <vector>

using namespace quiver::diskann;
using namespace quiver::diskann::test;

// Many far-apart blobs with isotropic noise in high dimension: inside a blob nothing occludes
// anything, so a graph built by pruning alone keeps every edge inside its blob and a search
// from one entry never leaves the entry's blob. These tests pin recall and reachability there.
class TstVamanaClustered : public QObject {
    Q_OBJECT

private slots:
    void recallOnIsotropicBlobs_data();
    void recallOnIsotropicBlobs();
    void reachableAfterConsolidate();
    void filteredRecallOnIsotropicBlobs();
    void insertsFromEmptyReachEveryBlob();
};

namespace {
constexpr std::size_t kQueries = 100;

BuildParams testParams() {
    BuildParams p;
    p.maxDegree = 32;
    p.buildListSize = 64;
    p.alpha = 1.2f;
    p.threads = 2;
    p.exactSearchBelow = 0;
    return p;
}

// Base points followed by queries, all drawn from the same blobs.
struct BlobSet {
    std::vector<float> base;
    std::vector<float> queries;
};

BlobSet makeBlobs(std::size_t n, std::uint32_t dim, std::uint32_t clusters, std::uint32_t seed) {
    auto all = isotropicBlobs(n + kQueries, dim, clusters, 0.1f, seed);
    BlobSet set;
    set.queries.assign(all.begin() + static_cast<std::ptrdiff_t>(n * dim), all.end());
    all.resize(n * dim);
    set.base = std::move(all);
    return set;
}
} // namespace

void TstVamanaClustered::recallOnIsotropicBlobs_data() {
    QTest::addColumn<int>("metric");
    QTest::addColumn<int>("dim");
    QTest::addColumn<int>("clusters");
    // 4000 points get 32 entry points: with 40 or 150 blobs some blobs hold none and must be
    // reached through edges.
    QTest::newRow("l2 384d 25 blobs") << int(Metric::L2) << 384 << 25;
    QTest::newRow("cosine 384d 40 blobs") << int(Metric::Cosine) << 384 << 40;
    QTest::newRow("l2 768d 40 blobs") << int(Metric::L2) << 768 << 40;
    QTest::newRow("l2 128d 150 blobs") << int(Metric::L2) << 128 << 150;
}

void TstVamanaClustered::recallOnIsotropicBlobs() {
    QFETCH(int, metric);
    QFETCH(int, dim);
    QFETCH(int, clusters);
    constexpr std::size_t n = 4000;
    const auto d = static_cast<std::uint32_t>(dim);
    const BlobSet set = makeBlobs(n, d, static_cast<std::uint32_t>(clusters), 7);
    VamanaIndex index(static_cast<Metric>(metric), d, testParams());
    QCOMPARE(index.build(set.base, sequentialIds(n)), BuildStatus::Completed);

    const GraphView view = index.graphView();
    QCOMPARE(reachableCount(view, view.medoid), std::size_t{n});
    for (std::uint32_t s = 0; s < view.count; ++s)
        QVERIFY(view.neighbors(s).size() <= view.maxDegree);

    BruteForceReference truth(static_cast<Metric>(metric), d);
    truth.addAll(set.base, sequentialIds(n));
    const double recall = meanRecall(index, truth, set.queries, 10, 40);
    qInfo("recall@10 at L=40: %.4f", recall);
    QVERIFY2(recall >= 0.9, qPrintable(QString::number(recall)));
}

void TstVamanaClustered::reachableAfterConsolidate() {
    constexpr std::size_t n = 4000;
    constexpr std::uint32_t dim = 384;
    const BlobSet set = makeBlobs(n, dim, 40, 11);
    VamanaIndex index(Metric::L2, dim, testParams());
    index.build(set.base, sequentialIds(n));

    // Delete a third of the points, the medoid among them, so that the entries must move.
    const std::uint64_t medoidId = index.graphView().externalId(index.graphView().medoid);
    std::vector<std::uint64_t> ids(n);
    std::iota(ids.begin(), ids.end(), std::uint64_t{0});
    std::shuffle(ids.begin(), ids.end(), std::mt19937(3));
    ids.resize(n / 3);
    if (std::find(ids.begin(), ids.end(), medoidId) == ids.end())
        ids.back() = medoidId;
    for (const std::uint64_t id : ids)
        QVERIFY(index.remove(id));
    QCOMPARE(index.consolidate(), ids.size());

    const GraphView view = index.graphView();
    QCOMPARE(view.count, static_cast<std::uint32_t>(n - ids.size()));
    QVERIFY(view.externalId(view.medoid) != medoidId);
    QCOMPARE(reachableCount(view, view.medoid), std::size_t{view.count});
    BruteForceReference truth(Metric::L2, dim);
    truth.addAll(set.base, sequentialIds(n));
    for (const std::uint64_t id : ids)
        truth.remove(id);
    const double recall = meanRecall(index, truth, set.queries, 10, 40);
    qInfo("recall@10 at L=40 after consolidate: %.4f", recall);
    QVERIFY2(recall >= 0.9, qPrintable(QString::number(recall)));
}

void TstVamanaClustered::filteredRecallOnIsotropicBlobs() {
    constexpr std::size_t n = 4000;
    constexpr std::uint32_t dim = 384;
    const BlobSet set = makeBlobs(n, dim, 40, 23);
    // A label on a random 40% of the points, independent of the blobs: every blob holds
    // matches, and a search entering at the label's single start node must still reach them.
    std::mt19937 rng(29);
    std::bernoulli_distribution tagged(0.4);
    std::vector<std::vector<std::uint32_t>> labels(n);
    std::size_t members = 0;
    for (auto& l : labels)
        if (tagged(rng)) {
            l.push_back(1);
            ++members;
        }
    BuildParams p = testParams();
    p.filterBruteForceBelow = 100;
    VamanaIndex index(Metric::L2, dim, p);
    QCOMPARE(index.build(set.base, sequentialIds(n), labels), BuildStatus::Completed);
    QVERIFY(members > p.filterBruteForceBelow);
    BruteForceReference truth(Metric::L2, dim);
    truth.addAll(set.base, sequentialIds(n), labels);
    const double recall = meanRecall(index, truth, set.queries, 10, 40, 1u);
    qInfo("filtered recall@10 at L=40: %.4f", recall);
    QVERIFY2(recall >= 0.9, qPrintable(QString::number(recall)));
}

void TstVamanaClustered::insertsFromEmptyReachEveryBlob() {
    constexpr std::size_t n = 3000;
    constexpr std::uint32_t dim = 384;
    const BlobSet set = makeBlobs(n, dim, 40, 19);
    VamanaIndex index(Metric::L2, dim, testParams());
    for (std::size_t i = 0; i < n; ++i)
        QVERIFY(index.insert(i, std::span<const float>(set.base.data() + i * dim, dim)));
    BruteForceReference truth(Metric::L2, dim);
    truth.addAll(set.base, sequentialIds(n));
    const double recall = meanRecall(index, truth, set.queries, 10, 40);
    qInfo("recall@10 at L=40 after inserts: %.4f", recall);
    QVERIFY2(recall >= 0.9, qPrintable(QString::number(recall)));
}

QTEST_GUILESS_MAIN(TstVamanaClustered)
#include "tst_vamana_clustered.moc"
