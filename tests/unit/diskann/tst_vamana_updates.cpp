#include "core/diskann/vamana_index.h"
#include "tests/unit/diskann/ann_test_data.h"

#include <QtTest>

#include <algorithm>
#include <atomic>
#include <numeric>
#include <random>
#include <thread>
#include <unordered_set>
#include <vector>

using namespace quiver::diskann;
using namespace quiver::diskann::test;

class TstVamanaUpdates : public QObject {
    Q_OBJECT

private slots:
    void deletedIdsAreNeverReturned();
    void churnKeepsRecallCloseToFreshBuild();
    void incrementalInsertsFromEmpty();
    void freedSlotsAreReused();
    void duplicateAndUnknownIds();
    void graphViewNeedsConsolidation();
    void searchesRunDuringUpdates();
};

namespace {
constexpr std::uint32_t kDim = 24;

BuildParams testParams() {
    BuildParams p;
    p.maxDegree = 32;
    p.buildListSize = 64;
    p.exactSearchBelow = 0;
    // One build thread makes every build here reproducible, so recall comparisons are stable.
    p.threads = 1;
    return p;
}

std::span<const float> row(const std::vector<float>& v, std::size_t i) {
    return std::span<const float>(v.data() + i * kDim, kDim);
}
} // namespace

void TstVamanaUpdates::deletedIdsAreNeverReturned() {
    constexpr std::size_t n = 3000;
    const auto base = blobPoints(n, kDim, 8, 31);
    VamanaIndex index(Metric::L2, kDim, testParams());
    index.build(base, sequentialIds(n));
    std::mt19937 rng(5);
    std::vector<std::uint64_t> order = sequentialIds(n);
    std::shuffle(order.begin(), order.end(), rng);
    std::unordered_set<std::uint64_t> deleted(order.begin(), order.begin() + n * 3 / 10);
    for (const auto id : deleted)
        QVERIFY(index.remove(id));
    QCOMPARE(index.size(), n - deleted.size());
    QCOMPARE(index.pendingDeletes(), deleted.size());

    const auto check = [&]() {
        // Query at the deleted points themselves: the most likely place to leak them.
        for (std::size_t i = 0; i < n; i += 7) {
            for (const auto& r : index.search(row(base, i), 10, 50))
                QVERIFY(!deleted.contains(r.id));
            for (const auto& r : index.searchExact(row(base, i), 10))
                QVERIFY(!deleted.contains(r.id));
        }
    };
    check();
    QCOMPARE(index.consolidate(), deleted.size());
    QCOMPARE(index.pendingDeletes(), std::size_t{0});
    QCOMPARE(index.size(), n - deleted.size());
    check();
    for (const auto id : deleted)
        QVERIFY(!index.contains(id));
    const GraphView view = index.graphView();
    QCOMPARE(view.count, static_cast<std::uint32_t>(n - deleted.size()));
    for (std::uint32_t s = 0; s < view.count; ++s)
        QVERIFY(!deleted.contains(view.externalId(s)));
}

void TstVamanaUpdates::churnKeepsRecallCloseToFreshBuild() {
    constexpr std::size_t n = 3000;
    constexpr std::size_t churn = n * 3 / 10;
    const auto base = blobPoints(n + churn, kDim, 10, 41);
    const auto queries = blobPoints(150, kDim, 10, 42);
    VamanaIndex churned(Metric::L2, kDim, testParams());
    std::vector<float> initial(base.begin(), base.begin() + n * kDim);
    churned.build(initial, sequentialIds(n));

    // Delete 30% (every third-ish point, chosen at random) and insert as many new points,
    // consolidating halfway and at the end as a background task would.
    std::mt19937 rng(8);
    std::vector<std::uint64_t> victims = sequentialIds(n);
    std::shuffle(victims.begin(), victims.end(), rng);
    victims.resize(churn);
    for (std::size_t i = 0; i < churn; ++i) {
        QVERIFY(churned.remove(victims[i]));
        QVERIFY(churned.insert(n + i, row(base, n + i)));
        if (i == churn / 2)
            churned.consolidate();
    }
    churned.consolidate();
    QCOMPARE(churned.size(), n);

    const std::unordered_set<std::uint64_t> gone(victims.begin(), victims.end());
    std::vector<float> finalSet;
    std::vector<std::uint64_t> finalIds;
    for (std::size_t i = 0; i < n + churn; ++i)
        if (!gone.contains(i)) {
            finalSet.insert(finalSet.end(), base.begin() + i * kDim, base.begin() + (i + 1) * kDim);
            finalIds.push_back(i);
        }
    VamanaIndex fresh(Metric::L2, kDim, testParams());
    fresh.build(finalSet, finalIds);

    BruteForceReference truth(Metric::L2, kDim);
    truth.addAll(finalSet, finalIds);
    const double freshRecall = meanRecall(fresh, truth, queries, 10, 50);
    const double churnedRecall = meanRecall(churned, truth, queries, 10, 50);
    qInfo("recall@10 L=50: fresh %.4f, after 30%% churn %.4f", freshRecall, churnedRecall);
    QVERIFY(freshRecall > 0.9);
    QVERIFY2(churnedRecall >= freshRecall - 0.02, qPrintable(QString::number(churnedRecall)));
}

void TstVamanaUpdates::incrementalInsertsFromEmpty() {
    constexpr std::size_t n = 2000;
    const auto base = blobPoints(n, kDim, 6, 51);
    const auto queries = blobPoints(100, kDim, 6, 52);
    VamanaIndex index(Metric::Cosine, kDim, testParams());
    for (std::size_t i = 0; i < n; ++i)
        QVERIFY(index.insert(1'000'000'000'000ULL + i, row(base, i)));
    QCOMPARE(index.size(), n);
    BruteForceReference truth(Metric::Cosine, kDim);
    truth.addAll(base, sequentialIds(n, 1'000'000'000'000ULL));
    const double recall = meanRecall(index, truth, queries, 10, 50);
    VamanaIndex batch(Metric::Cosine, kDim, testParams());
    batch.build(base, sequentialIds(n));
    BruteForceReference batchTruth(Metric::Cosine, kDim);
    batchTruth.addAll(base, sequentialIds(n));
    const double batchRecall = meanRecall(batch, batchTruth, queries, 10, 50);
    qInfo("recall@10 after %zu inserts into an empty index: %.4f (batch build %.4f)", n, recall,
          batchRecall);
    QVERIFY(recall >= 0.9);
    QVERIFY(recall >= batchRecall - 0.05);
    const auto hit = index.search(row(base, 17), 1, 20);
    QCOMPARE(hit.size(), std::size_t{1});
    QCOMPARE(hit[0].id, 1'000'000'000'017ULL);
}

void TstVamanaUpdates::freedSlotsAreReused() {
    constexpr std::size_t n = 1500;
    const auto base = uniformPoints(2 * n, kDim, 61);
    VamanaIndex index(Metric::L2, kDim, testParams());
    index.build(std::span(base.data(), n * kDim), sequentialIds(n));
    const std::size_t before = index.memoryBytes();
    for (std::size_t round = 0; round < 3; ++round) {
        for (std::size_t i = 0; i < n / 3; ++i)
            QVERIFY(index.remove(round * (n / 3) + i));
        QCOMPARE(index.consolidate(), n / 3);
        for (std::size_t i = 0; i < n / 3; ++i) {
            const std::size_t id = n + round * (n / 3) + i;
            QVERIFY(index.insert(id, row(base, id)));
        }
    }
    QCOMPARE(index.size(), n);
    // Slots were recycled: the flat arrays did not grow.
    QVERIFY(index.memoryBytes() <= before + before / 10);
    const GraphView view = index.graphView();
    QCOMPARE(view.count, static_cast<std::uint32_t>(n));
    for (std::uint32_t s = 0; s < view.count; ++s) {
        QVERIFY(view.neighbors(s).size() <= view.maxDegree);
        for (const auto t : view.neighbors(s))
            QVERIFY(t < view.count);
    }
    // Every surviving point finds itself.
    for (std::size_t id = n / 3 * 3; id < 2 * n; id += 11) {
        const auto hit = index.search(row(base, id), 1, 30);
        QCOMPARE(hit.size(), std::size_t{1});
        QCOMPARE(hit[0].id, std::uint64_t{id});
    }
}

void TstVamanaUpdates::duplicateAndUnknownIds() {
    const auto base = uniformPoints(10, kDim, 71);
    VamanaIndex index(Metric::L2, kDim, testParams());
    QVERIFY(index.insert(5, row(base, 0)));
    QVERIFY(!index.insert(5, row(base, 1)));
    QVERIFY(!index.remove(6));
    QVERIFY(index.remove(5));
    QVERIFY(!index.remove(5));
    QVERIFY(index.search(row(base, 0), 3, 10).empty());
    // A removed id may come back with a new vector.
    QVERIFY(index.insert(5, row(base, 2)));
    const auto hit = index.search(row(base, 2), 1, 10);
    QCOMPARE(hit.size(), std::size_t{1});
    QCOMPARE(hit[0].id, std::uint64_t{5});
    QCOMPARE(hit[0].distance, 0.0f);
}

void TstVamanaUpdates::graphViewNeedsConsolidation() {
    const auto base = uniformPoints(200, kDim, 81);
    VamanaIndex index(Metric::L2, kDim, testParams());
    index.build(base, sequentialIds(200));
    index.remove(3);
    QVERIFY_THROWS_EXCEPTION(std::logic_error, index.graphView());
    index.consolidate();
    QCOMPARE(index.graphView().count, 199u);
}

// Searches on several threads while the index takes inserts, removals and consolidations
// (the ThreadSanitizer build runs this to check the locking, not only the answers).
void TstVamanaUpdates::searchesRunDuringUpdates() {
    constexpr std::size_t n = 1500;
    constexpr std::size_t extra = 500;
    const auto base = blobPoints(n + extra, kDim, 8, 61);
    const auto queries = blobPoints(50, kDim, 8, 62);
    BuildParams p = testParams();
    p.threads = 2;
    VamanaIndex index(Metric::L2, kDim, p);
    index.build(std::span(base.data(), n * kDim), sequentialIds(n));

    std::atomic<bool> stop{false};
    std::atomic<std::size_t> searches{0};
    std::atomic<std::size_t> shortAnswers{0};
    std::vector<std::thread> readers;
    for (int t = 0; t < 3; ++t)
        readers.emplace_back([&, t]() {
            for (std::size_t i = static_cast<std::size_t>(t); !stop.load(); ++i) {
                const auto hits = index.search(row(queries, i % 50), 10, 40);
                if (hits.size() != 10)
                    shortAnswers.fetch_add(1);
                searches.fetch_add(1);
            }
        });
    std::unordered_set<std::uint64_t> removed;
    for (std::size_t i = 0; i < extra; ++i) {
        QVERIFY(index.insert(n + i, row(base, n + i)));
        if (i % 2 == 0) {
            QVERIFY(index.remove(i * 2));
            removed.insert(i * 2);
        }
        if (i % 100 == 99)
            index.consolidate();
    }
    index.consolidate();
    // Every reader has searched at least once after the last consolidation.
    const std::size_t mark = searches.load();
    while (searches.load() < mark + 3)
        std::this_thread::yield();
    stop = true;
    for (auto& th : readers)
        th.join();
    QCOMPARE(shortAnswers.load(), std::size_t{0});
    QCOMPARE(index.size(), n + extra - removed.size());
    for (std::size_t q = 0; q < 50; ++q)
        for (const auto& r : index.search(row(queries, q), 10, 40))
            QVERIFY(!removed.contains(r.id));
}

QTEST_GUILESS_MAIN(TstVamanaUpdates)
#include "tst_vamana_updates.moc"
