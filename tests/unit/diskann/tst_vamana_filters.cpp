#include "core/diskann/vamana_index.h"
#include "tests/unit/diskann/ann_test_data.h"

#include <QtTest>

#include <algorithm>
#include <map>
#include <random>
#include <vector>

using namespace quiver::diskann;
using namespace quiver::diskann::test;

class TstVamanaFilters : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void resultsCarryTheLabel();
    void filteredRecall_data();
    void filteredRecall();
    void unknownLabelFindsNothing();
    void labelGroups_data();
    void labelGroups();
    void labelsForFilteringOnly();
    void filtersSurviveUpdates();
    void graphViewExposesLabels();

private:
    static constexpr std::uint32_t kDim = 24;
    static constexpr std::size_t kN = 4000;
    // Label 1: ~50% of points; 2: ~12%; 3: ~5%; 4: rare (~1%), answered by brute force.
    std::vector<float> base_;
    std::vector<float> queries_;
    std::vector<std::vector<std::uint32_t>> labels_;
    std::map<std::uint32_t, std::size_t> labelCount_;
    std::unique_ptr<VamanaIndex> index_;
    std::unique_ptr<BruteForceReference> truth_;
};

namespace {
BuildParams testParams() {
    BuildParams p;
    p.maxDegree = 32;
    p.buildListSize = 64;
    p.exactSearchBelow = 0;
    p.filterBruteForceBelow = 100;
    return p;
}
} // namespace

void TstVamanaFilters::initTestCase() {
    base_ = blobPoints(kN, kDim, 10, 91);
    queries_ = blobPoints(100, kDim, 10, 92);
    std::mt19937 rng(93);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    labels_.resize(kN);
    for (std::size_t i = 0; i < kN; ++i) {
        if (u(rng) < 0.5)
            labels_[i].push_back(1);
        if (u(rng) < 0.12)
            labels_[i].push_back(2);
        if (u(rng) < 0.05)
            labels_[i].push_back(3);
        if (u(rng) < 0.01)
            labels_[i].push_back(4);
        for (const auto l : labels_[i])
            ++labelCount_[l];
    }
    QVERIFY(labelCount_[4] < 100 && labelCount_[4] > 10);
    QVERIFY(labelCount_[3] > 100);
    index_ = std::make_unique<VamanaIndex>(Metric::L2, kDim, testParams());
    QCOMPARE(index_->build(base_, sequentialIds(kN), labels_), BuildStatus::Completed);
    truth_ = std::make_unique<BruteForceReference>(Metric::L2, kDim);
    truth_->addAll(base_, sequentialIds(kN), labels_);
}

void TstVamanaFilters::resultsCarryTheLabel() {
    for (const std::uint32_t label : {1u, 2u, 3u, 4u}) {
        for (std::size_t q = 0; q < 100; ++q) {
            const auto hits =
                index_->search(std::span(queries_.data() + q * kDim, kDim), 10, 40, label);
            QCOMPARE(hits.size(), std::min<std::size_t>(10, labelCount_[label]));
            for (const auto& h : hits) {
                const auto& mine = labels_[h.id];
                QVERIFY(std::find(mine.begin(), mine.end(), label) != mine.end());
            }
        }
    }
}

void TstVamanaFilters::filteredRecall_data() {
    QTest::addColumn<std::uint32_t>("label");
    QTest::addColumn<double>("floor");
    QTest::newRow("common (50%)") << 1u << 0.95;
    QTest::newRow("medium (12%)") << 2u << 0.93;
    QTest::newRow("sparse (5%)") << 3u << 0.90;
    QTest::newRow("rare (1%, brute force)") << 4u << 1.0;
}

void TstVamanaFilters::filteredRecall() {
    QFETCH(std::uint32_t, label);
    QFETCH(double, floor);
    const double recall = meanRecall(*index_, *truth_, queries_, 10, 64, label);
    qInfo("filtered recall@10 for label %u (%zu points): %.4f", label, labelCount_[label], recall);
    QVERIFY2(recall >= floor, qPrintable(QString::number(recall)));
}

void TstVamanaFilters::unknownLabelFindsNothing() {
    QVERIFY(index_->search(std::span(queries_.data(), kDim), 10, 40, 12345u).empty());
    QVERIFY(index_->searchExact(std::span(queries_.data(), kDim), 10, 12345u).empty());
}

void TstVamanaFilters::labelGroups_data() {
    QTest::addColumn<std::vector<std::vector<std::uint32_t>>>("groups");
    QTest::addColumn<double>("floor");
    // Written out again below as plain predicates for the reference.
    QTest::newRow("1 or 2 (56%, widened walk)")
        << std::vector<std::vector<std::uint32_t>>{{1, 2}} << 0.95;
    QTest::newRow("2 or 3 (16%, widened walk)")
        << std::vector<std::vector<std::uint32_t>>{{2, 3}} << 0.93;
    QTest::newRow("1 and 2 (6%, scanned)")
        << std::vector<std::vector<std::uint32_t>>{{1}, {2}} << 1.0;
    QTest::newRow("(1 or 2) and (3 or 4) (3%, scanned)")
        << std::vector<std::vector<std::uint32_t>>{{1, 2}, {3, 4}} << 1.0;
    QTest::newRow("unknown labels add nothing")
        << std::vector<std::vector<std::uint32_t>>{{2, 3, 777}, {1, 2, 3, 4, 778}} << 0.93;
    QTest::newRow("1 and 2 and 3 and 4 (no point)")
        << std::vector<std::vector<std::uint32_t>>{{1}, {2}, {3}, {4}} << 1.0;
    QTest::newRow("an empty group passes nothing")
        << std::vector<std::vector<std::uint32_t>>{{1}, {}} << 1.0;
}

void TstVamanaFilters::labelGroups() {
    QFETCH(std::vector<std::vector<std::uint32_t>>, groups);
    QFETCH(double, floor);
    LabelFilter filter;
    for (const auto& g : groups)
        filter.anyOf(g);
    // The reference's own reading of the groups: every group met by some label of the point.
    const BruteForceReference::Keep keep = [&groups](const std::vector<std::uint32_t>& mine) {
        for (const auto& g : groups) {
            bool met = false;
            for (const std::uint32_t l : g)
                met = met || std::find(mine.begin(), mine.end(), l) != mine.end();
            if (!met)
                return false;
        }
        return true;
    };
    std::size_t matching = 0;
    for (const auto& mine : labels_)
        matching += keep(mine);
    double recall = 0.0;
    for (std::size_t q = 0; q < 100; ++q) {
        const std::span<const float> query(queries_.data() + q * kDim, kDim);
        const auto hits = index_->search(query, 10, 40, filter);
        QCOMPARE(hits.size(), std::min<std::size_t>(10, matching));
        for (const auto& h : hits)
            QVERIFY2(keep(labels_[h.id]), "a hit that does not pass the filter");
        recall += truth_->recallIf(hits, query, 10, keep);
    }
    recall /= 100.0;
    qInfo("label groups, %zu matching points: recall@10 %.4f", matching, recall);
    QVERIFY2(recall >= floor, qPrintable(QString::number(recall)));
}

// Labels kept for filtering only (no label-aware edges, one search per point at build): single
// labels are answered by the widened walk or the scan, with the same recall floors.
void TstVamanaFilters::labelsForFilteringOnly() {
    BuildParams params = testParams();
    params.labelAwareEdges = false;
    VamanaIndex index(Metric::L2, kDim, params);
    QCOMPARE(index.build(base_, sequentialIds(kN), labels_), BuildStatus::Completed);
    for (const auto& [label, floor] :
         std::vector<std::pair<std::uint32_t, double>>{{1, 0.95}, {2, 0.93}, {3, 0.95}, {4, 1.0}}) {
        double recall = 0.0;
        for (std::size_t q = 0; q < 100; ++q) {
            const std::span<const float> query(queries_.data() + q * kDim, kDim);
            const auto hits = index.search(query, 10, 40, label);
            QCOMPARE(hits.size(), std::min<std::size_t>(10, labelCount_[label]));
            for (const auto& h : hits) {
                const auto& mine = labels_[h.id];
                QVERIFY(std::find(mine.begin(), mine.end(), label) != mine.end());
            }
            recall += truth_->recall(hits, query, 10, label);
        }
        recall /= 100.0;
        qInfo("label %u without label-aware edges: recall@10 %.4f", label, recall);
        QVERIFY2(recall >= floor, qPrintable(QString::number(recall)));
    }
}

void TstVamanaFilters::filtersSurviveUpdates() {
    VamanaIndex index(Metric::Cosine, kDim, testParams());
    index.build(std::span(base_.data(), 2000 * kDim), sequentialIds(2000),
                std::span(labels_.data(), 2000));
    // Insert the rest with their labels, delete a third of label 2's first members.
    for (std::size_t i = 2000; i < kN; ++i)
        QVERIFY(index.insert(i, std::span(base_.data() + i * kDim, kDim), labels_[i]));
    std::vector<std::uint64_t> removed;
    for (std::size_t i = 0; i < kN && removed.size() < 150; ++i)
        if (std::find(labels_[i].begin(), labels_[i].end(), 2u) != labels_[i].end() && i % 3 == 0) {
            QVERIFY(index.remove(i));
            removed.push_back(i);
        }
    const auto check = [&]() {
        for (std::size_t q = 0; q < 100; ++q)
            for (const std::uint32_t label : {2u, 4u})
                for (const auto& h :
                     index.search(std::span(queries_.data() + q * kDim, kDim), 10, 40, label)) {
                    const auto& mine = labels_[h.id];
                    QVERIFY(std::find(mine.begin(), mine.end(), label) != mine.end());
                    QVERIFY(std::find(removed.begin(), removed.end(), h.id) == removed.end());
                }
    };
    check();
    index.consolidate();
    check();
    BruteForceReference truth(Metric::Cosine, kDim);
    truth.addAll(base_, sequentialIds(kN), labels_);
    for (const auto id : removed)
        truth.remove(id);
    const double recall = meanRecall(index, truth, queries_, 10, 64, 2u);
    qInfo("filtered recall@10 for label 2 after updates: %.4f", recall);
    QVERIFY(recall >= 0.9);
}

void TstVamanaFilters::graphViewExposesLabels() {
    const GraphView view = index_->graphView();
    QCOMPARE(view.count, static_cast<std::uint32_t>(kN));
    for (std::uint32_t s = 0; s < view.count; s += 13) {
        const auto l = view.labels(s);
        auto expected = labels_[view.externalId(s)];
        std::sort(expected.begin(), expected.end());
        QVERIFY(std::equal(l.begin(), l.end(), expected.begin(), expected.end()));
    }
}

QTEST_GUILESS_MAIN(TstVamanaFilters)
#include "tst_vamana_filters.moc"
